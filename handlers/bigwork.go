package handlers

import (
	"context"
	"runtime"
)

// bigDocumentChars is the length (in code points) from which a document's page, view and export
// are big work: a few hundred KB of text, where one build or render allocates tens of MB.
const bigDocumentChars = 256 << 10

// bigWorkSlots is how many big builds and renders run at once: one per CPU, at least two, so
// that twenty readers of a 5 MB document queue for the CPUs instead of each holding its own
// tens of MB half-built while they share them.
func bigWorkSlots() int {
	return max(2, runtime.NumCPU())
}

// bigWork waits for a slot when d is big and answers the function that frees it; for a small
// document it waits for nothing. A request whose context ends while it waits gets its error.
// A holder must not ask for a second slot: the page builds its shared view first, then renders.
func (s *Server) bigWork(ctx context.Context, d *loadedDocument) (release func(), err error) {
	if d.text.Len() < bigDocumentChars {
		return func() {}, nil
	}
	select {
	case s.bigSlots <- struct{}{}:
		return func() { <-s.bigSlots }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}
