package store

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/citecheck/citecheck"
	"github.com/citecheck/citecheck/store/pgtest"
)

// killWriterEnv names the database file that this test binary, started again as a child, writes
// to until it is killed (TestSearchIndexSurvivesKill9).
const killWriterEnv = "CITECHECK_SEARCH_KILL_DB"

// TestMain lets the test binary double as the writer that TestSearchIndexSurvivesKill9 kills.
func TestMain(m *testing.M) {
	if path := os.Getenv(killWriterEnv); path != "" {
		if err := writeUntilKilled(path); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// TestSearchIndexSurvivesKill9 kills a process with SIGKILL while it writes documents,
// revisions, reference lists, claims, notes, sources and deletions through the store, at a
// random moment, several times over the same file (or PostgreSQL database); after each kill the
// index holds exactly what the tables call for and agrees with itself (checkIndexConsistent).
func TestSearchIndexSurvivesKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("kills a writer several times")
	}
	path := t.TempDir() + "/kill.db"
	if pgtest.Postgres() {
		path = pgtest.URL(t, migrateOnly)
	}
	s := mustOpenPath(t, path)
	mustUser(t, s, "rita", citecheck.RoleReviewer)
	s.Close()
	rng := rand.New(rand.NewPCG(7, 0))
	writes := 0
	for round := range 6 {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), killWriterEnv+"="+path)
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		ready, lines := make(chan struct{}), make(chan int)
		go func() {
			n := 0
			sc := bufio.NewScanner(out)
			sc.Scan() // the writer's "ready": the store is open (on a busy machine, opening can take longer than the writes)
			close(ready)
			for ; sc.Scan(); n++ {
			}
			lines <- n
		}()
		select {
		case <-ready:
		case <-time.After(2 * time.Minute):
			t.Fatal("the writer did not open the store")
		}
		// The moment of the kill is random, so that it falls inside a write at different points.
		time.Sleep(time.Duration(150+rng.IntN(400)) * time.Millisecond)
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		n := <-lines
		_ = cmd.Wait()
		writes += n
		s := mustOpenPath(t, path)
		checkIndexConsistent(t, s)
		s.Close()
		t.Logf("round %d: %d writes acknowledged before the kill", round, n)
	}
	if writes < 6 {
		t.Fatalf("only %d writes in all: the kills proved little", writes)
	}
}

// writeUntilKilled writes to the database at path for ever, printing "ready" once the store is
// open and then a line after each write that the store acknowledged.
func writeUntilKilled(path string) error {
	s, err := Open(path)
	if err != nil {
		return err
	}
	ctx := context.Background()
	u, _, err := s.UserByName(ctx, "rita")
	if err != nil {
		return err
	}
	fmt.Println("ready")
	rng := rand.New(rand.NewPCG(uint64(os.Getpid()), 1))
	words := strings.Fields("talks ceasefire Geneva committee café المفاوضات harbour pilot vote 🎉 river")
	sentence := func() string {
		var b strings.Builder
		for range 5 + rng.IntN(8) {
			b.WriteString(words[rng.IntN(len(words))] + " ")
		}
		return b.String() + "[1]."
	}
	ack := func(what string, err error) error {
		if err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
		fmt.Println(what)
		return nil
	}
	for i := 0; ; i++ {
		var lines []string
		for range 20 + rng.IntN(200) {
			lines = append(lines, sentence())
		}
		text := strings.Join(lines, "\n") + "\n\nReferences\n[1] Reuters wire, https://example.org/" + words[rng.IntN(len(words))] + "\n"
		d, err := s.CreateDocument(ctx, &citecheck.Document{Title: fmt.Sprintf("Doc %d %s", i, words[rng.IntN(len(words))]),
			Text: text, TextSHA256: citecheck.TextSHA256(text), Length: citecheck.NewText(text).Len(),
			Citations: citecheck.ParseCitations(text), References: citecheck.DetectReferences(text), CreatedByID: u.ID})
		if err := ack("document", err); err != nil {
			return err
		}
		for j := range 1 + rng.IntN(5) {
			c := &citecheck.Claim{DocumentID: d.ID, Start: 0, End: len([]rune(lines[0])), Refs: []int{1},
				Status: citecheck.StatusSupported, CreatedByID: u.ID, Revision: 1}
			if j > 0 {
				k := rng.IntN(len(lines))
				c.Start = citecheck.NewText(text).Len() - citecheck.NewText(strings.Join(lines[k:], "\n")+"\n\nReferences").Len()
				c.End = c.Start + len([]rune(lines[k]))
			}
			citecheck.FillQuote(citecheck.NewText(text), c)
			cl, err := s.CreateClaim(ctx, c)
			if err := ack("claim", err); err != nil {
				return err
			}
			_, err = s.UpdateClaim(ctx, cl.ID, cl.Version, u.ID, func(cl *citecheck.Claim) error {
				cl.Note = sentence()
				return nil
			})
			if err := ack("note", err); err != nil {
				return err
			}
		}
		cp, err := citecheck.NewCapture(sentence()+"\n"+sentence(), "Wire "+words[rng.IntN(len(words))], "https://example.org/w", 1<<20)
		if err != nil {
			return err
		}
		cp.DocumentID, cp.Ref, cp.CapturedByID = d.ID, 1, u.ID
		if _, err := s.CreateCapture(ctx, cp); ack("source", err) != nil {
			return err
		}
		if err := ack("references", s.SetReferences(ctx, d.ID, u.ID, &citecheck.ReferenceList{
			Entries: []citecheck.Reference{{Number: 1, Text: sentence(), Manual: true}}})); err != nil {
			return err
		}
		r, err := planRevision(s, d, strings.Join(lines[1:], "\n")+"\n"+sentence(), u.ID)
		if err != nil {
			return err
		}
		if _, err := s.ReviseDocument(ctx, r); ack("revision", err) != nil {
			return err
		}
		if i%3 == 2 {
			if err := ack("delete", s.DeleteDocument(ctx, d.ID, u.ID)); err != nil {
				return err
			}
		}
	}
}
