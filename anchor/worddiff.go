package anchor

// DiffOp says what a stretch of a word diff is.
type DiffOp int

// The stretches of a word diff.
const (
	DiffEqual  DiffOp = iota // in both texts
	DiffDelete               // only in the old text
	DiffInsert               // only in the new text
)

// DiffChunk is one stretch of a word diff. OldStart and NewStart count code points of the old
// and the new text where the chunk starts (the new offset of a deletion is where it would be).
type DiffChunk struct {
	Op       DiffOp
	Text     string
	OldStart int
	NewStart int
}

// WordDiff compares two texts word by word (a word, a run of white space or one other character
// is a token) and returns the chunks that turn oldText into newText, in order, neighbouring
// chunks of one kind merged, deletions before insertions. It runs the diff that re-anchoring
// maps positions with (diff.go), so the page that shows a revision and the anchors it reports
// agree: it is meant for people, aligned on the words that occur once on each side, and not
// always minimal.
func WordDiff(oldText, newText string) []DiffChunk {
	a, b := []rune(oldText), []rune(newText)
	tz := newTokenizer()
	at, bt := tz.tokenize(a), tz.tokenize(b)
	match := matchTokens(at, bt, tz)
	w := &chunkWriter{a: a, b: b, at: at, bt: bt}
	i, j := 0, 0
	for i < len(at.ids) || j < len(bt.ids) {
		switch {
		case i < len(at.ids) && (match[i] < 0 || j == len(bt.ids)):
			w.add(DiffDelete, i, j)
			i++
		case i == len(at.ids) || int(match[i]) > j:
			w.add(DiffInsert, i, j)
			j++
		default:
			w.add(DiffEqual, i, j)
			i, j = i+1, j+1
		}
	}
	return w.finish()
}

// chunkWriter merges the tokens of a word diff into chunks: a chunk is a run of tokens of one
// kind, contiguous in the text it is taken from, so its text is one slice of that text.
type chunkWriter struct {
	a, b   []rune
	at, bt tokens
	out    []DiffChunk
	end    int // where the last chunk's text ends, in the text it is taken from
}

// add appends token i of the old text (for an equal or a deleted token) or token j of the new
// text (for an inserted one).
func (w *chunkWriter) add(op DiffOp, i, j int) {
	oldAt, newAt := w.startOf(w.at, i), w.startOf(w.bt, j)
	if n := len(w.out); n == 0 || w.out[n-1].Op != op {
		w.flush()
		w.out = append(w.out, DiffChunk{Op: op, OldStart: oldAt, NewStart: newAt})
	}
	if op == DiffInsert {
		w.end = int(w.bt.starts[j+1])
	} else {
		w.end = int(w.at.starts[i+1])
	}
}

// startOf is where token k starts, or the end of the text after its last token.
func (w *chunkWriter) startOf(t tokens, k int) int { return int(t.starts[min(k, len(t.ids))]) }

// flush sets the text of the last chunk.
func (w *chunkWriter) flush() {
	if n := len(w.out); n > 0 {
		c := &w.out[n-1]
		if c.Op == DiffInsert {
			c.Text = string(w.b[c.NewStart:w.end])
		} else {
			c.Text = string(w.a[c.OldStart:w.end])
		}
	}
}

func (w *chunkWriter) finish() []DiffChunk {
	w.flush()
	return w.out
}
