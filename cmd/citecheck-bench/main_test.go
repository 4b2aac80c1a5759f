package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/citecheck/citecheck"
	"github.com/citecheck/citecheck/handlers"
	"github.com/citecheck/citecheck/store"
)

// benchServer starts the real handlers on a temporary store and returns its URL and the tokens
// of a reviewer and an editor; the editor's password is "editor password".
func benchServer(t *testing.T) (string, string, string) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(filepath.Join(t.TempDir(), "c.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	e, err := handlers.New(st, handlers.Config{SessionKey: []byte(strings.Repeat("k", 32)),
		Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(e)
	t.Cleanup(srv.Close)
	// A second server on the same store, counting what it is asked, stands for a second app
	// server behind a load balancer.
	second := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		secondRequests.Add(1)
		e.ServeHTTP(w, r)
	}))
	t.Cleanup(second.Close)
	secondURL = second.URL
	token := func(name string, role citecheck.Role) string {
		hash, err := citecheck.HashPassword(name + " password")
		if err != nil {
			t.Fatal(err)
		}
		u, err := st.CreateUser(ctx, name, role, hash)
		if err != nil {
			t.Fatal(err)
		}
		tok, _ := citecheck.NewToken()
		if err := st.CreateToken(ctx, u.ID, citecheck.HashToken(tok)); err != nil {
			t.Fatal(err)
		}
		return tok
	}
	return srv.URL, token("rita", citecheck.RoleReviewer), token("editor", citecheck.RoleEditor)
}

// secondURL is benchServer's second server, and secondRequests what it has been asked.
var (
	secondURL      string
	secondRequests atomic.Int64
)

func runBench(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	err := run(context.Background(), args, &out, &errb)
	return out.String(), errb.String(), err
}

func TestBenchReportsEveryOperationAndTheWritesTogether(t *testing.T) {
	url, rita, editor := benchServer(t)
	out, errOut, err := runBench(t, "--url", url, "--token", rita, "--editor-token", editor,
		"--user", "editor", "--password", "editor password", "--clients", "4", "--duration", "1500ms", "--doc-size", "20000")
	if err != nil {
		t.Fatalf("bench: %v\n%s", err, errOut)
	}
	t.Logf("\n%s%s", out, errOut)
	if errOut != "" {
		t.Errorf("bench reported errors: %s", errOut)
	}
	rows := benchRows(out)
	for _, op := range append(ops, "writes", "reads", "all") {
		row := rows[op]
		if row == nil || row[1] == "0" || row[2] != "0" {
			t.Errorf("operation %s: row %q, want a count above 0 and no errors", op, row)
		}
	}
	if sum := count(rows["create"]) + count(rows["patch"]) + count(rows["review"]); sum != count(rows["writes"]) {
		t.Errorf("writes counts %d, the write operations %d", count(rows["writes"]), sum)
	}
	if count(rows["writes"])+count(rows["reads"]) != count(rows["all"]) {
		t.Errorf("writes %d + reads %d != all %d", count(rows["writes"]), count(rows["reads"]), count(rows["all"]))
	}
	if !strings.Contains(out, "writes p99/p50 ") {
		t.Errorf("no tail ratio of the writes:\n%s", out)
	}
}

// TestBenchTakesSeveralServersInTurn: with two URLs, the requests go to both in turn, as behind
// a load balancer, and every operation still succeeds (the session is good on both).
func TestBenchTakesSeveralServersInTurn(t *testing.T) {
	url, rita, editor := benchServer(t)
	secondRequests.Store(0)
	out, errOut, err := runBench(t, "--url", url+","+secondURL, "--token", rita, "--editor-token", editor,
		"--user", "editor", "--password", "editor password", "--clients", "2", "--requests", "60", "--doc-size", "5000")
	if err != nil || errOut != "" {
		t.Fatalf("bench: %v %s", err, errOut)
	}
	rows := benchRows(out)
	if rows["all"] == nil || rows["all"][1] != "60" || rows["all"][2] != "0" {
		t.Errorf("all: %q, want 60 requests without errors", rows["all"])
	}
	if n := secondRequests.Load(); n < 25 || n > 40 {
		t.Errorf("the second server was asked %d of about 64 requests, want about half", n)
	}
	if _, _, err := runBench(t, "--url", url+",http://example.org", "--token", rita); err == nil {
		t.Error("a list with a non-loopback server was accepted")
	}
}

func TestBenchStopsAtTheRequestCountAndSkipsWhatItCannotDo(t *testing.T) {
	url, rita, _ := benchServer(t)
	out, errOut, err := runBench(t, "--url", url, "--token", rita, "--clients", "3", "--requests", "30", "--doc-size", "5000")
	if err != nil || errOut != "" {
		t.Fatalf("bench: %v %s", err, errOut)
	}
	rows := benchRows(out)
	if rows["review"] != nil || rows["render"] != nil || rows["create"] == nil {
		t.Errorf("review and render ran without an editor token or a user:\n%s", out)
	}
	if rows["all"] == nil || rows["all"][1] != "30" || rows["all"][2] != "0" {
		t.Errorf("all: %q, want 30 requests without errors", rows["all"])
	}
}

func TestBenchCreatesTheAskedClaimsBeforeTheRun(t *testing.T) {
	url, rita, _ := benchServer(t)
	out, errOut, err := runBench(t, "--url", url, "--token", rita, "--clients", "3", "--requests", "1",
		"--doc-size", "5000", "--claims", "25")
	if err != nil || errOut != "" {
		t.Fatalf("bench: %v %s", err, errOut)
	}
	var id int64
	if _, err := fmt.Sscanf(out[strings.Index(out, "document "):], "document %d", &id); err != nil {
		t.Fatalf("no document in %q: %v", out, err)
	}
	var list struct{ Claims []struct{ Note string } }
	c := newClient([]string{url}, 1)
	if status, err := c.call(context.Background(), rita, "GET", fmt.Sprintf("/api/v1/documents/%d/claims?limit=1000", id), nil, &list); err != nil || status != 200 {
		t.Fatalf("list claims: %d %v", status, err)
	}
	seeded := 0
	for _, cl := range list.Claims {
		if cl.Note == "seeded" {
			seeded++
		}
	}
	if seeded != 25 || !strings.Contains(out, "and 25 claims") {
		t.Errorf("%d seeded claims, want 25; the bench said:\n%s", seeded, out)
	}
	if _, _, err := runBench(t, "--url", url, "--token", rita, "--requests", "1", "--doc-size", "5000",
		"--claims", "100000"); err == nil || !strings.Contains(err.Error(), "only") {
		t.Errorf("more claims than sentences: %v, want a refusal", err)
	}
}

// benchRows reads the table that bench prints: operation -> its fields.
func benchRows(out string) map[string][]string {
	rows := map[string][]string{}
	for _, line := range strings.Split(out, "\n") {
		if f := strings.Fields(line); len(f) == 8 {
			rows[f[0]] = f
		}
	}
	return rows
}

// count is a row's count, 0 for no row.
func count(row []string) int {
	if row == nil {
		return 0
	}
	n, _ := strconv.Atoi(row[1])
	return n
}

func TestBenchRefusesBadFlagsAndTargetsOffThisMachine(t *testing.T) {
	for _, u := range []string{"http://example.com", "http://10.0.0.1:8080", "ftp://127.0.0.1", "http://user:pw@127.0.0.1", "http://127.0.0.1.nip.io"} {
		if _, _, err := runBench(t, "--url", u, "--token", "x", "--duration", "1s"); err == nil || !strings.Contains(err.Error(), "refusing") {
			t.Errorf("%s: %v, want a refusal", u, err)
		}
	}
	for _, u := range []string{"http://127.0.0.1:8080", "http://localhost:1/", "http://[::1]:8080", "http://127.1.2.3"} {
		if _, err := loopbackURL(u); err != nil {
			t.Errorf("%s refused: %v", u, err)
		}
	}
	t.Setenv("CITECHECK_TOKEN", "")
	t.Setenv("CITECHECK_BENCH_PASSWORD", "")
	for _, args := range [][]string{
		{},                                   // no token
		{"--token", "x", "--clients", "0"},   // no clients
		{"--token", "x", "--user", "ed"},     // a user without a password
		{"--token", "x", "stray-argument"},   // an argument it does not take
		{"--token", "x", "--doc-size", "10"}, // too small a document
		{"--token", "x", "--claims", "-1"},   // fewer than no claims
	} {
		if _, _, err := runBench(t, args...); err == nil {
			t.Errorf("%q accepted", args)
		}
	}
}

// TestClientReadsAnswersAsSent: the bench asks for gzip itself, so an answer it only counts
// comes compressed and is not inflated, and an answer it decodes is inflated first.
func TestClientReadsAnswersAsSent(t *testing.T) {
	var asked []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		asked = append(asked, r.Header.Get("Accept-Encoding"))
		w.Header().Set("Content-Encoding", "gzip")
		zw := gzip.NewWriter(w)
		zw.Write([]byte(`{"id": 7, "version": 3}`))
		zw.Close()
	}))
	defer srv.Close()
	c := newClient([]string{srv.URL}, 1)
	var got benchClaim
	if status, err := c.call(t.Context(), "tok", "GET", "/x", nil, &got); err != nil || status != 200 || got.ID != 7 || got.Version != 3 {
		t.Fatalf("decoded answer: %d %v %+v", status, err, got)
	}
	if status, err := c.page(t.Context(), "/page"); err != nil || status != 200 {
		t.Fatalf("counted answer: %d %v", status, err)
	}
	if len(asked) != 2 || asked[0] != "gzip" || asked[1] != "gzip" {
		t.Fatalf("Accept-Encoding sent: %q, want gzip on both", asked)
	}
}
