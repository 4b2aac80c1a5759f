package handlers

import (
	"fmt"
	"html"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/citecheck/citecheck"
)

// blockDiv matches one block of the text as the page writes it: its index, start, attributes
// and inner HTML (runs are spans; a block holds no div).
var blockDiv = regexp.MustCompile(`(?s)<div id="b-(\d+)" class="blk" data-b="(\d+)" data-lines="\d+"([^>]*)>(.*?)</div>`)

type pageBlock struct {
	index, start int
	attrs, inner string
	whole        string
}

func pageBlocksOf(t *testing.T, body []byte) []pageBlock {
	t.Helper()
	var out []pageBlock
	for _, m := range blockDiv.FindAllStringSubmatch(string(body), -1) {
		i, _ := strconv.Atoi(m[1])
		s, _ := strconv.Atoi(m[2])
		out = append(out, pageBlock{index: i, start: s, attrs: m[3], inner: m[4], whole: m[0]})
	}
	return out
}

var tagRE = regexp.MustCompile(`<[^>]*>`)

// blocksText is the text the blocks show, tags dropped and entities read.
func blocksText(bs []pageBlock) string {
	var sb strings.Builder
	for _, b := range bs {
		sb.WriteString(html.UnescapeString(tagRE.ReplaceAllString(b.inner, "")))
	}
	return sb.String()
}

// A big document's page sends the blocks after its head as their text alone, with how many
// claims start in each; the text is all there, with its offsets. The blocks fragment answers
// any of them with its runs, exactly as ?full=1 (the page for readers without JavaScript)
// writes them, and refuses what it cannot answer, changing nothing.
func TestBigDocumentPageSendsLazyBlocks(t *testing.T) {
	h := newHarness(t, Config{})
	doc, claims := hotDocument(t, h, bigDocumentChars+40_000, 300)
	br := h.newBrowser()
	br.login("rita")
	base := fmt.Sprintf("/documents/%d", doc.ID)

	page := br.get(base)
	if page.status != http.StatusOK {
		t.Fatalf("page: %d", page.status)
	}
	lazy := pageBlocksOf(t, page.body)
	full := pageBlocksOf(t, br.get(base+"?full=1").body)
	if len(lazy) < 50 || len(lazy) != len(full) {
		t.Fatalf("%d blocks on the page, %d with ?full=1", len(lazy), len(full))
	}
	if got := blocksText(lazy); got != doc.Text {
		t.Fatalf("the lazy page shows %d bytes of text, want the document's %d", len(got), len(doc.Text))
	}
	if got := blocksText(full); got != doc.Text {
		t.Fatal("the full page does not show the document's text")
	}
	if !strings.Contains(string(page.body), "?full=1") {
		t.Error("the page offers readers without JavaScript no way to every highlight")
	}
	for i, b := range lazy {
		isLazy := strings.Contains(b.attrs, "data-lazy")
		if isLazy != (i >= eagerBlocks) {
			t.Fatalf("block %d lazy=%v, want lazy from block %d on", i, isLazy, eagerBlocks)
		}
		if strings.Contains(full[i].attrs, "data-lazy") {
			t.Fatalf("block %d lazy with ?full=1", i)
		}
		if !isLazy {
			if b.whole != full[i].whole {
				t.Fatalf("eager block %d differs from the full page's", i)
			}
			continue
		}
		end := doc.Length
		if i+1 < len(lazy) {
			end = lazy[i+1].start
		}
		if !strings.HasPrefix(b.inner, fmt.Sprintf(`<span data-o="%d">`, b.start)) || strings.Count(b.inner, "<span") != 1 ||
			html.UnescapeString(tagRE.ReplaceAllString(b.inner, "")) != string([]rune(doc.Text)[b.start:end]) {
			t.Fatalf("lazy block %d is not its text in one run: %.200s", i, b.inner)
		}
		starts := 0
		for _, cl := range claims {
			if cl.Start >= b.start && cl.Start < end {
				starts++
			}
		}
		n := regexp.MustCompile(`data-n="(\d+)"`).FindStringSubmatch(b.attrs)
		if (starts == 0) != (n == nil) || (n != nil && n[1] != strconv.Itoa(starts)) {
			t.Fatalf("lazy block %d says %v claims start in it, want %d", i, n, starts)
		}
	}
	if n := strings.Count(string(page.body), `class="hl`); n*5 > strings.Count(string(br.get(base+"?full=1").body), `class="hl`) {
		t.Errorf("the lazy page has %d highlighted runs: want most of them left to the blocks fragment", n)
	}

	// The runs of any blocks, as the full page has them.
	r := br.get(fmt.Sprintf("%s/blocks?b=%d,%d,%d&rev=%d", base, len(full)-1, 7, 7, doc.Revision))
	got := pageBlocksOf(t, r.body)
	if r.status != http.StatusOK || len(got) != 2 || got[0].whole != full[7].whole || got[1].whole != full[len(full)-1].whole {
		t.Fatalf("blocks fragment: %d, %d blocks: %.300s", r.status, len(got), r.body)
	}
	// Those over a claim, for a link to it.
	deep := claims[len(claims)-10]
	r = br.get(fmt.Sprintf("%s/blocks?claim=%d", base, deep.ID))
	got = pageBlocksOf(t, r.body)
	if r.status != http.StatusOK || len(got) == 0 || !strings.Contains(string(r.body), fmt.Sprintf(`id="c-%d"`, deep.ID)) {
		t.Fatalf("blocks of claim %d: %d %.300s", deep.ID, r.status, r.body)
	}
	for _, b := range got {
		if b.whole != full[b.index].whole {
			t.Fatalf("block %d of the claim differs from the full page's", b.index)
		}
	}
	// The page opened on that claim (the review queue's, a claim page's and a search result's
	// links) sends its blocks, and the ones either side, with their runs: its anchor is there.
	for _, q := range []string{fmt.Sprintf("claim=%d", deep.ID), fmt.Sprintf("at=%d", deep.Start)} {
		on := pageBlocksOf(t, br.get(base+"?"+q).body)
		lo, hi := len(on), -1
		for _, b := range got {
			lo, hi = min(lo, b.index), max(hi, b.index)
		}
		for _, b := range on {
			near := b.index < eagerBlocks || (b.index >= lo-1 && b.index <= hi+1)
			if lazy := strings.Contains(b.attrs, "data-lazy"); near == lazy || (near && b.whole != full[b.index].whole) {
				t.Fatalf("?%s: block %d lazy=%v (the claim's blocks %d-%d)", q, b.index, lazy, lo, hi)
			}
		}
	}

	// A claim of another document has no blocks here.
	other := h.createDocument("rita", "other", "A claim here.[1]")
	elsewhere := h.claimAt("rita", other.ID, other.Text, "A claim here.", []int{1}, "supported")
	if r := br.get(fmt.Sprintf("%s/blocks?claim=%d", base, elsewhere.ID)); r.status != http.StatusOK || len(pageBlocksOf(t, r.body)) != 0 {
		t.Fatalf("blocks of another document's claim: %d %.200s", r.status, r.body)
	}

	// What it refuses.
	many := make([]string, maxBlocksAsked+1)
	for i := range many {
		many[i] = strconv.Itoa(i)
	}
	for _, tt := range []struct {
		query  string
		status int
		code   string
	}{
		{"b=x", 400, citecheck.ECodeMalformed},
		{"b=-1", 400, citecheck.ECodeMalformed},
		{fmt.Sprintf("b=%d", len(full)), 400, citecheck.ECodeMalformed},
		{"claim=abc", 400, citecheck.ECodeMalformed},
		{"b=" + strings.Join(many, ","), 413, citecheck.ECodeTooLarge},
		{fmt.Sprintf("b=5&rev=%d", doc.Revision+1), 409, citecheck.ECodeConflict},
		{"b=5&rev=x", 400, citecheck.ECodeMalformed},
		{"b=5&rev=0", 400, citecheck.ECodeMalformed},
	} {
		r := br.get(base + "/blocks?" + tt.query)
		if r.status != tt.status || r.errorCode(t) != tt.code {
			t.Errorf("%s: %d %s, want %d %s", tt.query, r.status, r.body, tt.status, tt.code)
		}
	}
	if r := br.get("/documents/999999/blocks?b=1"); r.status != http.StatusNotFound {
		t.Errorf("unknown document: %d", r.status)
	}
	signedOut := h.newBrowser()
	if r := signedOut.get(base + "/blocks?b=5"); r.status == http.StatusOK && len(pageBlocksOf(t, r.body)) > 0 {
		t.Errorf("signed out, the blocks fragment answered %d with blocks", r.status)
	}

	// A write shows in the blocks fragment at once; the page's lazy blocks stay text.
	at := lazy[len(lazy)/2]
	made := h.do("POST", fmt.Sprintf("/api/v1/documents/%d/claims", doc.ID), "rita",
		map[string]any{"start": at.start + 1, "end": at.start + 30, "refs": []int{30}, "status": "supported"})
	var cl citecheck.Claim
	if made.status != http.StatusCreated {
		t.Fatalf("create claim: %d %s", made.status, made.body)
	}
	made.json(t, &cl)
	r = br.get(fmt.Sprintf("%s/blocks?b=%d", base, at.index))
	if !strings.Contains(string(r.body), fmt.Sprintf(`"c-%d"`, cl.ID)) {
		t.Fatalf("the new claim %d is not in its block's runs: %.300s", cl.ID, r.body)
	}
	after := pageBlocksOf(t, br.get(base).body)
	if !strings.Contains(after[at.index].attrs, "data-lazy") || strings.Contains(after[at.index].inner, "c-") {
		t.Fatalf("after a write the page's block %d is %s %.200s", at.index, after[at.index].attrs, after[at.index].inner)
	}

	// A document below the size sends every block with its runs.
	small, _ := hotDocument(t, h, 40_000, 40)
	if body := br.get(fmt.Sprintf("/documents/%d", small.ID)).body; strings.Contains(string(body), "data-lazy") || strings.Contains(string(body), "?full=1") {
		t.Error("a small document's page has lazy blocks")
	}
}
