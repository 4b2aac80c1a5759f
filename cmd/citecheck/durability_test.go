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

	"github.com/citecheck/citecheck"
	"github.com/citecheck/citecheck/store"
)

// ackedClaim is a claim as the server acknowledged it with 201.
type ackedClaim struct {
	ID     int64            `json:"id"`
	Start  int              `json:"start"`
	End    int              `json:"end"`
	Quote  string           `json:"quote"`
	Refs   []int            `json:"refs"`
	Status citecheck.Status `json:"status"`
	Note   string           `json:"note"`
}

// TestDurabilityUnderRandomKills runs the real binary, creates claims over HTTP from several
// clients at once, kills the server with SIGKILL at a random moment, restarts it, and repeats;
// then every claim that got a 201 must be on disk as acknowledged, and the database must pass
// PRAGMA integrity_check. CITECHECK_DURABILITY_ROUNDS and CITECHECK_DURABILITY_SEED change the
// number of kills (default 24) and the seed of their timing (default 1).
func TestDurabilityUnderRandomKills(t *testing.T) {
	if testing.Short() {
		t.Skip("kills a real server many times")
	}
	rounds, seed := envInt(t, "CITECHECK_DURABILITY_ROUNDS", 24), envInt(t, "CITECHECK_DURABILITY_SEED", 1)
	rng := rand.New(rand.NewPCG(uint64(seed), 0))
	dir := t.TempDir()
	bin := filepath.Join(dir, "citecheck")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v %s", err, out)
	}
	db := filepath.Join(dir, "c.db")
	if _, _, err := runCLI(t, "rita's password\n", "user", "add", "--db", db, "--name", "rita", "--role", "reviewer", "--password-stdin"); err != nil {
		t.Fatal(err)
	}
	tok, _, err := runCLI(t, "", "token", "create", "--db", db, "--user", "rita")
	if err != nil {
		t.Fatal(err)
	}
	text, spans := benchText(20000, uint64(seed))

	var mu sync.Mutex
	acked := map[int64]ackedClaim{}
	var docID int64
	attempts, kills := 0, 0
	start := time.Now()
	for round := range rounds {
		base, kill := startServer(t, bin, db)
		client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{}}
		if docID == 0 {
			var doc struct{ ID int64 }
			if status := postJSON(t, client, base+"/api/v1/documents", tok, map[string]string{"title": "durability", "text": text}, &doc); status != http.StatusCreated {
				t.Fatalf("document: status %d", status)
			}
			docID = doc.ID
		}
		var wg sync.WaitGroup
		for w := range 4 {
			crng := rand.New(rand.NewPCG(uint64(seed), uint64(round*4+w+1)))
			wg.Go(func() {
				for i := 0; ; i++ {
					s := spans[crng.IntN(len(spans))]
					want := ackedClaim{Start: s.start, End: s.end, Refs: []int{s.ref},
						Status: citecheck.StatusSupported, Note: fmt.Sprintf("round %d writer %d claim %d", round, w, i)}
					var got ackedClaim
					mu.Lock()
					attempts++
					mu.Unlock()
					body := map[string]any{"start": want.Start, "end": want.End, "refs": want.Refs, "status": want.Status, "note": want.Note}
					status := postJSON(t, client, fmt.Sprintf("%s/api/v1/documents/%d/claims", base, docID), tok, body, &got)
					if status == 0 {
						return // the server is gone
					}
					if status != http.StatusCreated {
						t.Errorf("claim: status %d", status)
						return
					}
					want.ID, want.Quote = got.ID, got.Quote
					if !sameClaim(got, want) {
						t.Errorf("claim answered %+v, sent %+v", got, want)
					}
					mu.Lock()
					acked[got.ID] = want
					mu.Unlock()
				}
			})
		}
		time.Sleep(time.Duration(50+rng.IntN(351)) * time.Millisecond)
		kill()
		kills++
		wg.Wait()
		client.CloseIdleConnections()
	}
	driven := time.Since(start)

	// The database must be sound before the store touches it, and hold every acknowledged claim.
	raw, err := sql.Open("sqlite3", db)
	if err != nil {
		t.Fatal(err)
	}
	var check string
	if err := raw.QueryRow(`PRAGMA integrity_check`).Scan(&check); err != nil || check != "ok" {
		t.Errorf("integrity_check: %q %v", check, err)
	}
	raw.Close()
	st, err := store.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	stored, err := st.Claims(context.Background(), docID, citecheck.ClaimFilter{})
	if err != nil {
		t.Fatal(err)
	}
	onDisk := map[int64]ackedClaim{}
	for _, c := range stored {
		onDisk[c.ID] = ackedClaim{ID: c.ID, Start: c.Start, End: c.End, Quote: c.Quote, Refs: c.Refs, Status: c.Status, Note: c.Note}
	}
	lost := 0
	for id, want := range acked {
		if got, ok := onDisk[id]; !ok || !sameClaim(got, want) {
			lost++
			if lost <= 5 {
				t.Errorf("acknowledged claim %d: on disk %+v (present %v), want %+v", id, got, ok, want)
			}
		}
	}
	t.Logf("%d SIGKILLs in %s (seed %d): %d claims acknowledged of %d attempted, %d on disk, %d lost or changed",
		kills, driven.Round(time.Millisecond), seed, len(acked), attempts, len(stored), lost)
	if kills < 20 && rounds >= 20 {
		t.Errorf("only %d kills", kills)
	}
	if len(acked) == 0 {
		t.Error("no claim was acknowledged; the test proved nothing")
	}
}

func sameClaim(a, b ackedClaim) bool {
	return a.ID == b.ID && a.Start == b.Start && a.End == b.End && a.Quote == b.Quote &&
		slices.Equal(a.Refs, b.Refs) && a.Status == b.Status && a.Note == b.Note
}

// startServer starts the binary on db at a free port and returns its URL and a function that
// kills it with SIGKILL and waits for it.
func startServer(t *testing.T, bin, db string) (string, func()) {
	t.Helper()
	cmd := exec.Command(bin, "serve", "--db", db, "--addr", "127.0.0.1:0")
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

// postJSON posts body with a bearer token and decodes a 2xx answer into out; it returns 0 when
// the request or the answer did not get through.
func postJSON(t *testing.T, c *http.Client, url, tok string, body, out any) int {
	b, err := json.Marshal(body)
	if err != nil {
		t.Error(err)
		return 0
	}
	req, err := http.NewRequest("POST", url, bytes.NewReader(b))
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
