package desk

import (
	"context"

	"github.com/citecheck/citecheck"
	"github.com/citecheck/citecheck/formats"
	"github.com/citecheck/citecheck/store"
)

// MaxImportBytes is the largest native export a desk whose texts may hold maxTextBytes accepts:
// room for a text at the limit, JSON-escaped, plus its claims. The server's request bodies are
// bounded by the same number, so that a file the command line imports can also be posted.
func MaxImportBytes(maxTextBytes int) int64 {
	return int64(maxTextBytes)*2 + 1<<20
}

// ImportOptions are the choices of a native import.
type ImportOptions struct {
	// MaxTextBytes bounds the document's text, as for a new document.
	MaxTextBytes int
	// RestoreReviews restores the file's reviews that this server could have recorded (see
	// store.RestoreDocument) and refuses the whole file when one is not. It is for a desk that
	// moves to a new server, and the operator's alone: through the server, an import never
	// carries sign-off.
	RestoreReviews bool
}

// Import reads a native export (citecheck/v1) strictly and stores it as a new document with its
// claims, imported by the actor's user, in one transaction: nothing is stored when any of it is
// refused. Every claim comes in pending and created by the importer; what the file says of its
// review and authors is kept as provenance (formats.PrepareImport, store.ImportDocument).
// Its sources and evidence come with it, with new ids (formats.PrepareSources,
// store.ImportDocumentSources). A file larger than MaxImportBytes is refused with too-large before it is read.
func Import(ctx context.Context, st *store.Store, by Actor, data []byte, opts ImportOptions) (*citecheck.Document, error) {
	author, err := by.author()
	if err != nil {
		return nil, err
	}
	if opts.RestoreReviews && !by.Operator {
		return nil, citecheck.FieldErrorf(citecheck.ECodeForbidden, "restore_reviews",
			"only the operator, at the command line, restores reviews from a file")
	}
	if limit := MaxImportBytes(opts.MaxTextBytes); int64(len(data)) > limit {
		return nil, citecheck.Errorf(citecheck.ECodeTooLarge, "the file is larger than the limit of %d bytes", limit)
	}
	ex, err := formats.DecodeExport(data)
	if err != nil {
		return nil, err
	}
	doc, claims, err := formats.PrepareImport(ex, opts.MaxTextBytes)
	if err != nil {
		return nil, err
	}
	sources, err := formats.PrepareSources(ex, doc, claims, opts.MaxTextBytes)
	if err != nil {
		return nil, err
	}
	if opts.RestoreReviews {
		return st.RestoreDocumentSources(ctx, doc, claims, sources, author)
	}
	return st.ImportDocumentSources(ctx, doc, claims, sources, author)
}

// AnnotationsResult says how many Web Annotations became claims, which, and why the others did
// not.
type AnnotationsResult struct {
	Anchored   int                  `json:"anchored"`
	Unanchored int                  `json:"unanchored"`
	Claims     []int64              `json:"claims"`
	Failures   []formats.W3CFailure `json:"failures"`
}

// ImportAnnotations anchors Web Annotations (W3C JSON-LD) on the current text of document id
// and stores those that anchor as new claims of the actor's user, pending, in one transaction;
// the others are listed as failures with their reason. Nothing is stored when none anchors, and
// nothing when the document was revised meanwhile (a conflict: the annotations were anchored in
// a text that is gone).
func ImportAnnotations(ctx context.Context, st *store.Store, by Actor, id int64, data []byte) (*AnnotationsResult, error) {
	author, err := by.author()
	if err != nil {
		return nil, err
	}
	doc, err := st.Document(ctx, id)
	if err != nil {
		return nil, err
	}
	anns, err := formats.ParseW3C(data)
	if err != nil {
		return nil, err
	}
	claims, failures := formats.AnchorW3C(citecheck.NewText(doc.Text), anns)
	res := &AnnotationsResult{Claims: []int64{}, Failures: failures, Unanchored: len(failures)}
	if len(claims) == 0 {
		return res, nil
	}
	for i := range claims {
		// The store refuses them if a revision came between reading the text and storing them.
		claims[i].DocumentID, claims[i].Revision = doc.ID, doc.Revision
	}
	stored, err := st.CreateClaims(ctx, doc.ID, claims, author)
	if err != nil {
		return nil, err
	}
	for _, cl := range stored {
		res.Claims = append(res.Claims, cl.ID)
	}
	res.Anchored = len(stored)
	return res, nil
}
