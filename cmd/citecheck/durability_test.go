package main

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/citecheck/citecheck"
	"github.com/citecheck/citecheck/store"
)

// ackedClaim is a claim as the server last acknowledged it (201 for a create, 200 for a PATCH
// or a review).
type ackedClaim struct {
	ID            int64            `json:"id"`
	Start         int              `json:"start"`
	End           int              `json:"end"`
	Quote         string           `json:"quote"`
	Refs          []int            `json:"refs"`
	Status        citecheck.Status `json:"status"`
	Note          string           `json:"note"`
	Review        citecheck.Review `json:"review"`
	ReviewComment string           `json:"review_comment"`
	Version       int              `json:"version"`
}

// durabilityRun is what the writers of TestDurabilityUnderRandomKills share: the server's
// address and tokens, and every write the server acknowledged.
type durabilityRun struct {
	base, rita, ed string
	docID          int64
	spans          []textSpan
	client         *http.Client

	mu                        sync.Mutex
	acked                     map[int64]ackedClaim
	attempts                  int
	creates, patches, reviews int
	owned                     [][]int64 // the claims of each writer, which only it changes
}

// TestDurabilityUnderRandomKills runs the real binary, writes over HTTP from several clients at
// once (rita creates and patches claims, ed, an editor, reviews them), kills the server with
// SIGKILL at a random moment, checks that every write that was acknowledged is on disk as
// acknowledged, restarts it, and repeats; at the end the database must pass PRAGMA
// integrity_check. CITECHECK_DURABILITY_ROUNDS and CITECHECK_DURABILITY_SEED change the number of
// kills (default 24) and the seed of their timing (default 1).
func TestDurabilityUnderRandomKills(t *testing.T) {
	if testing.Short() {
		t.Skip("kills a real server many times")
	}
	const writers = 4
	rounds, seed := envInt(t, "CITECHECK_DURABILITY_ROUNDS", 24), envInt(t, "CITECHECK_DURABILITY_SEED", 1)
	rng := rand.New(rand.NewPCG(uint64(seed), 0))
	dir := t.TempDir()
	bin := filepath.Join(dir, "citecheck")
	buildBinary(t, bin)
	db := filepath.Join(dir, "c.db")
	text, spans := durabilityText(20000)
	r := &durabilityRun{rita: userToken(t, db, "rita", "reviewer"), ed: userToken(t, db, "ed", "editor"),
		spans: spans, acked: map[int64]ackedClaim{}, owned: make([][]int64, writers)}

	kills, lost := 0, 0
	start := time.Now()
	for round := range rounds {
		base, kill := startServer(t, bin, db)
		r.base, r.client = base, &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{}}
		if r.docID == 0 {
			var doc struct{ ID int64 }
			if status := sendJSON(t, r.client, "POST", base+"/api/v1/documents", r.rita, map[string]string{"title": "durability", "text": text}, &doc); status != http.StatusCreated {
				t.Fatalf("document: status %d", status)
			}
			r.docID = doc.ID
		}
		var wg sync.WaitGroup
		for w := range writers {
			wrng := rand.New(rand.NewPCG(uint64(seed), uint64(round*writers+w+1)))
			wg.Go(func() { r.write(t, wrng, round, w) })
		}
		time.Sleep(time.Duration(50+rng.IntN(351)) * time.Millisecond)
		kill()
		kills++
		wg.Wait()
		r.client.CloseIdleConnections()
		lost += r.checkOnDisk(t, db)
	}
	driven := time.Since(start)

	raw, err := sql.Open("sqlite3", db)
	if err != nil {
		t.Fatal(err)
	}
	var check string
	if err := raw.QueryRow(`PRAGMA integrity_check`).Scan(&check); err != nil || check != "ok" {
		t.Errorf("integrity_check: %q %v", check, err)
	}
	raw.Close()
	t.Logf("%d SIGKILLs in %s (seed %d): %d writes attempted; acknowledged %d creates, %d PATCHes, %d reviews; %d lost or changed",
		kills, driven.Round(time.Millisecond), seed, r.attempts, r.creates, r.patches, r.reviews, lost)
	if kills < 20 && rounds >= 20 {
		t.Errorf("only %d kills", kills)
	}
	if r.creates == 0 || r.patches == 0 || r.reviews == 0 {
		t.Error("some kind of write was never acknowledged; the test proved less than it claims")
	}
}

// userToken adds a user with the CLI and returns a new API token of theirs.
func userToken(t *testing.T, db, name, role string) string {
	t.Helper()
	if _, _, err := runCLI(t, name+"'s password\n", "user", "add", "--db", db, "--name", name, "--role", role, "--password-stdin"); err != nil {
		t.Fatal(err)
	}
	tok, _, err := runCLI(t, "", "token", "create", "--db", db, "--user", name)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(tok)
}

// write is one writer's loop until the server is gone: create a claim, PATCH one of its own
// claims, or have the editor review one, recording each acknowledged answer.
func (r *durabilityRun) write(t *testing.T, rng *rand.Rand, round, w int) {
	for i := 0; ; i++ {
		r.mu.Lock()
		r.attempts++
		owned := r.owned[w]
		r.mu.Unlock()
		var ok bool
		switch n := rng.IntN(10); {
		case len(owned) == 0 || n < 4:
			ok = r.create(t, rng, fmt.Sprintf("round %d writer %d claim %d", round, w, i), w)
		case n < 8:
			ok = r.patch(t, rng, owned[rng.IntN(len(owned))], fmt.Sprintf("round %d writer %d patch %d", round, w, i))
		default:
			ok = r.review(t, rng, owned[rng.IntN(len(owned))], fmt.Sprintf("round %d writer %d review %d", round, w, i))
		}
		if !ok {
			return // the server is gone, or the test has failed
		}
	}
}

func (r *durabilityRun) create(t *testing.T, rng *rand.Rand, note string, w int) bool {
	s := r.spans[rng.IntN(len(r.spans))]
	want := ackedClaim{Start: s.start, End: s.end, Refs: []int{s.ref}, Status: citecheck.StatusSupported,
		Note: note, Review: citecheck.ReviewPending, Version: 1}
	var got ackedClaim
	body := map[string]any{"start": want.Start, "end": want.End, "refs": want.Refs, "status": want.Status, "note": want.Note}
	status := sendJSON(t, r.client, "POST", fmt.Sprintf("%s/api/v1/documents/%d/claims", r.base, r.docID), r.rita, body, &got)
	if status != http.StatusCreated {
		if status != 0 {
			t.Errorf("create: status %d", status)
		}
		return false
	}
	want.ID, want.Quote = got.ID, got.Quote
	return r.ack(t, "create", got, want, w)
}

func (r *durabilityRun) patch(t *testing.T, rng *rand.Rand, id int64, note string) bool {
	r.mu.Lock()
	want := r.acked[id]
	r.mu.Unlock()
	// Always a new status: it sends a reviewed claim back to pending, without its comment.
	statuses := slices.DeleteFunc([]citecheck.Status{citecheck.StatusSupported, citecheck.StatusPartlySupported,
		citecheck.StatusContradicted}, func(s citecheck.Status) bool { return s == want.Status })
	next := statuses[rng.IntN(len(statuses))]
	body := map[string]any{"version": want.Version, "status": next, "note": note}
	want.Status, want.Note, want.Version = next, note, want.Version+1
	want.Review, want.ReviewComment = citecheck.ReviewPending, ""
	var got ackedClaim
	status := sendJSON(t, r.client, "PATCH", fmt.Sprintf("%s/api/v1/claims/%d", r.base, id), r.rita, body, &got)
	if status != http.StatusOK {
		if status != 0 {
			t.Errorf("patch of claim %d: status %d", id, status)
		}
		return false
	}
	return r.ack(t, "patch", got, want, -1)
}

func (r *durabilityRun) review(t *testing.T, rng *rand.Rand, id int64, comment string) bool {
	r.mu.Lock()
	want := r.acked[id]
	r.mu.Unlock()
	body := map[string]any{"version": want.Version, "decision": "approved", "comment": comment, "override": true}
	want.Review, want.ReviewComment, want.Version = citecheck.ReviewApproved, comment, want.Version+1
	if rng.IntN(3) == 0 {
		body["decision"], want.Review = "rejected", citecheck.ReviewRejected
	}
	var got ackedClaim
	status := sendJSON(t, r.client, "POST", fmt.Sprintf("%s/api/v1/claims/%d/review", r.base, id), r.ed, body, &got)
	if status != http.StatusOK {
		if status != 0 {
			t.Errorf("review of claim %d: status %d", id, status)
		}
		return false
	}
	return r.ack(t, "review", got, want, -1)
}

// ack records an acknowledged write after checking that the answer says what was asked; a new
// claim joins writer w's claims.
func (r *durabilityRun) ack(t *testing.T, kind string, got, want ackedClaim, w int) bool {
	if !sameClaim(got, want) {
		t.Errorf("%s answered %+v, want %+v", kind, got, want)
		return false
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.acked[got.ID] = got
	switch kind {
	case "create":
		r.creates++
		r.owned[w] = append(r.owned[w], got.ID)
	case "patch":
		r.patches++
	case "review":
		r.reviews++
	}
	return true
}

// checkOnDisk opens the killed server's database and checks that every acknowledged write is
// there: each claim at least at its acknowledged version, exactly as acknowledged at that
// version, and at most one version further (a write that committed while its answer was lost
// to the kill). The state on disk becomes what the next round builds on. It returns how many
// claims were lost or changed.
func (r *durabilityRun) checkOnDisk(t *testing.T, db string) int {
	st, err := store.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	stored, err := st.Claims(context.Background(), r.docID, citecheck.ClaimFilter{})
	if err != nil {
		t.Fatal(err)
	}
	onDisk := map[int64]ackedClaim{}
	for _, c := range stored {
		onDisk[c.ID] = ackedClaim{ID: c.ID, Start: c.Start, End: c.End, Quote: c.Quote, Refs: c.Refs, Status: c.Status,
			Note: c.Note, Review: c.Review, ReviewComment: c.ReviewComment, Version: c.Version}
	}
	lost := 0
	for id, want := range r.acked {
		got, ok := onDisk[id]
		if !ok || got.Version < want.Version || got.Version > want.Version+1 ||
			(got.Version == want.Version && !sameClaim(got, want)) {
			lost++
			if lost <= 5 {
				t.Errorf("acknowledged claim %d: on disk %+v (present %v), want %+v", id, got, ok, want)
			}
			continue
		}
		r.acked[id] = got
	}
	return lost
}

func sameClaim(a, b ackedClaim) bool {
	return a.ID == b.ID && a.Start == b.Start && a.End == b.End && a.Quote == b.Quote &&
		slices.Equal(a.Refs, b.Refs) && a.Status == b.Status && a.Note == b.Note &&
		a.Review == b.Review && a.ReviewComment == b.ReviewComment && a.Version == b.Version
}

// textSpan is a claimable sentence of the generated text, in code points, with its marker's ref.
type textSpan struct{ start, end, ref int }

// durabilityText is about size bytes of sentences, each followed by a citation marker.
func durabilityText(size int) (string, []textSpan) {
	var sb strings.Builder
	var spans []textSpan
	for i := 1; sb.Len() < size; i++ {
		sentence := fmt.Sprintf("Claim number %d was “reported” by the survey.", i)
		start := utf8.RuneCountInString(sb.String())
		ref := 1 + i%60
		spans = append(spans, textSpan{start, start + utf8.RuneCountInString(sentence), ref})
		fmt.Fprintf(&sb, "%s [%d] ", sentence, ref)
	}
	return sb.String(), spans
}

// startServer starts the binary on db at a free port, with any further serve flags, and returns
// its URL and a function that kills it with SIGKILL and waits for it.
func startServer(t *testing.T, bin, db string, flags ...string) (string, func()) {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"serve", "--db", db, "--addr", "127.0.0.1:0"}, flags...)...)
	cmd.Env = append(os.Environ(), "CITECHECK_ADMIN_PASSWORD=admin password")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	kill := func() {
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
	}
	base := ""
	var log bytes.Buffer
	sc := bufio.NewScanner(stderr)
	for sc.Scan() {
		log.WriteString(sc.Text() + "\n")
		if i := strings.Index(sc.Text(), "url=http://"); i >= 0 {
			base = strings.Fields(sc.Text()[i+4:])[0]
			break
		}
	}
	if base == "" {
		kill()
		t.Fatalf("server did not say where it listens:\n%s", log.String())
	}
	go io.Copy(io.Discard, stderr)
	return base, kill
}

// sendJSON sends body with a bearer token and decodes a 2xx answer into out; it returns 0 when
// the request or the answer did not get through.
func sendJSON(t *testing.T, c *http.Client, method, url, tok string, body, out any) int {
	b, err := json.Marshal(body)
	if err != nil {
		t.Error(err)
		return 0
	}
	req, err := http.NewRequest(method, url, bytes.NewReader(b))
	if err != nil {
		t.Error(err)
		return 0
	}
	req.Header.Set("Authorization", "Bearer "+strings.TrimSpace(tok))
	req.Header.Set("Content-Type", "application/json")
	res, err := c.Do(req)
	if err != nil {
		return 0
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		return 0 // a 201 whose body was cut off is not an acknowledgement the client saw
	}
	if res.StatusCode/100 == 2 {
		if err := json.Unmarshal(data, out); err != nil {
			return 0
		}
	}
	return res.StatusCode
}

func envInt(t *testing.T, name string, def int) int {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return n
}
