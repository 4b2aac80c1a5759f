package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	neturl "net/url"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/citecheck/citecheck"
	"github.com/citecheck/citecheck/store/pgtest"
	"github.com/jackc/pgx/v5"
)

// The move of a SQLite desk into PostgreSQL (migratedb.go) needs both engines: these tests run
// with CITECHECK_TEST_ENGINE=postgres (make test's PostgreSQL pass) and say so otherwise.

// needPostgres skips a test of the move outside the PostgreSQL pass; pgtest.URL then fails
// clearly when the server's URL is missing.
func needPostgres(t *testing.T) {
	t.Helper()
	if !pgtest.Postgres() {
		t.Skip("moving a desk needs PostgreSQL: run with CITECHECK_TEST_ENGINE=postgres and CITECHECK_TEST_POSTGRES")
	}
}

// deskText is a document with markers and a reference list, in three scripts.
const deskText = "The Kurds[46] live in four countries. [1] Café owners 👩🏽‍💻 said so. [2]\n" +
	"قال المتحدث إن المفاوضات مستمرة. [3]\n\nReferences\n" +
	"1. Smith, J. The Kurds. https://example.org/kurds\n2. Café press. https://example.org/cafe\n3. Arabic news.\n"

// fillDesk writes every kind of row a desk holds into s, through the store as the server does,
// and answers the id of a claim that was purged from the trash after being the newest.
func fillDesk(t *testing.T, s *Store) (purged int64) {
	t.Helper()
	ctx := context.Background()
	ana := mustUser(t, s, "ana", citecheck.RoleReviewer)
	ed := mustUser(t, s, "ed", citecheck.RoleEditor)
	mustUser(t, s, "adm", citecheck.RoleAdmin)
	if _, err := s.SetUserDisabled(ctx, mustUser(t, s, "gone", citecheck.RoleReviewer).Name, true); err != nil {
		t.Fatal(err)
	}
	tok, err := s.CreateNamedToken(ctx, ana.ID, "laptop", "token-hash-ana")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.TouchToken(ctx, tok.ID, t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateSession(ctx, NewSession{TokenHash: "session-hash", UserID: ed.ID, Data: []byte{0, 1, 2, 0xff},
		UserAgent: "Firefox", Address: "192.0.2.1", MaxAge: 24 * time.Hour}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SessionKey(ctx); err != nil {
		t.Fatal(err)
	}

	src := citecheck.NewSources(deskText)
	d, err := s.CreateDocument(ctx, &citecheck.Document{Title: "Kurds 👩🏽‍💻", Text: deskText,
		TextSHA256: citecheck.TextSHA256(deskText), Length: citecheck.NewText(deskText).Len(),
		Citations: src.Citations, References: src.List, CreatedByID: ana.ID})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.RecordFailure(ctx, "name:ana", "addr:192.0.2.9"); err != nil {
		t.Fatal(err)
	}
	if err := s.SetPresence(ctx, "server-a", d.ID, []string{"ana", "ed"}); err != nil {
		t.Fatal(err)
	}
	var claims []*citecheck.Claim
	for i, status := range citecheck.Statuses {
		c := claimOn(t, s, ana, d, []string{"The Kurds[46] live", "four countries.", "Café owners",
			"👩🏽‍💻 said so.", "قال المتحدث", "المفاوضات مستمرة."}[i])
		c, err = s.UpdateClaim(ctx, c.ID, c.Version, ana.ID, func(c *citecheck.Claim) error {
			c.Status, c.Note = status, "note "+string(status)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		claims = append(claims, c)
	}
	approve(t, s, ed, claims[1].ID)
	mustReject(t, s, ed, claims[2].ID, "the source says otherwise")
	capture := mustCapture(t, s, ana, d.ID, 1)
	mustEvidence(t, s, ana, claims[1], capture, "café closed", citecheck.StanceSupports)
	comment, err := s.AddComment(ctx, claims[0].ID, ed.ID, "Which census? ✓")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.MarkCommentsSeen(ctx, ana.ID, comment.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.DismissSuggestions(ctx, d.ID, []citecheck.Span{{Start: 0, End: 5}}); err != nil {
		t.Fatal(err)
	}
	start, end := 0, 40
	if _, err := s.SetAssignment(ctx, AssignmentChange{DocumentID: d.ID, CheckerID: ana.ID, EditorID: &ed.ID,
		DueAt: t0.Add(48 * time.Hour), Start: &start, End: &end, By: ed.ID}); err != nil {
		t.Fatal(err)
	}
	stamp, err := s.DocumentStamp(ctx, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.PutDocumentStates(ctx, []DocumentState{{DocumentID: d.ID, Stamp: stamp, State: citecheck.StateInProgress,
		Progress: citecheck.Progress{Claims: len(claims)}}}); err != nil {
		t.Fatal(err)
	}

	// A second revision: re-anchored claims, an orphan and the old revision's claims.
	r2 := strings.Replace(deskText, "four countries.", "several countries.", 1)
	r2 = strings.Replace(r2, "Café owners 👩🏽‍💻 said so. [2]", "", 1)
	if _, err := s.ReviseDocument(ctx, plan(t, s, d, r2, ed.ID)); err != nil {
		t.Fatal(err)
	}

	// The trash: the newest claim purged for good (its id must never come back), then a claim
	// and a whole second document left in the trash.
	other := newDoc(t, s, ed, "Second desk document. [1]\n")
	last := claimOn(t, s, ed, other, "Second desk document.")
	if err := s.DeleteClaim(ctx, last.ID, ed.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.PurgeTrash(ctx, 0); err != nil {
		t.Fatal(err)
	}
	claimOn(t, s, ed, other, "desk document")
	if err := s.DeleteClaim(ctx, claims[5].ID, ana.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteDocument(ctx, other.ID, ed.ID); err != nil {
		t.Fatal(err)
	}
	return last.ID
}

// deskView is everything the store answers about a desk, to compare two engines' answers.
type deskView struct {
	Users     []citecheck.User
	Tokens    []citecheck.Token
	Documents []citecheck.DocumentSummary
	Docs      []*citecheck.Document
	Claims    [][]citecheck.Claim
	History   [][]citecheck.ClaimEvent
	Revisions [][]citecheck.RevisionSummary
	Old       [][]citecheck.Claim // the claims of revision 1
	Captures  [][]citecheck.Capture
	Comments  [][]citecheck.Comment
	Assigned  []*citecheck.Assignment
	Dismissed [][]citecheck.Span
	DocEvents [][]citecheck.DocumentEvent
	Trash     citecheck.Trash
	Events    []citecheck.DeskEvent
	Search    map[string][]string
}

// viewDesk reads s through the store's API.
func viewDesk(t *testing.T, s *Store) deskView {
	t.Helper()
	ctx := context.Background()
	var v deskView
	var err error
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	v.Users, err = s.Users(ctx)
	must(err)
	for _, u := range v.Users {
		toks, err := s.Tokens(ctx, u.ID)
		must(err)
		v.Tokens = append(v.Tokens, toks...)
	}
	v.Documents, err = s.Documents(ctx)
	must(err)
	for _, sum := range v.Documents {
		d, err := s.Document(ctx, sum.ID)
		must(err)
		v.Docs = append(v.Docs, d)
		claims, err := s.Claims(ctx, d.ID, citecheck.ClaimFilter{})
		must(err)
		v.Claims = append(v.Claims, claims)
		for _, c := range claims {
			h, err := s.ClaimHistory(ctx, c.ID)
			must(err)
			v.History = append(v.History, h)
			cs, err := s.Comments(ctx, c.ID)
			must(err)
			v.Comments = append(v.Comments, cs)
		}
		revs, err := s.Revisions(ctx, d.ID)
		must(err)
		v.Revisions = append(v.Revisions, revs)
		old, err := s.RevisionClaims(ctx, d.ID, 1)
		must(err)
		v.Old = append(v.Old, old)
		caps, err := s.CapturesWithText(ctx, d.ID)
		must(err)
		v.Captures = append(v.Captures, caps)
		a, err := s.Assignment(ctx, d.ID)
		must(err)
		v.Assigned = append(v.Assigned, a)
		dis, err := s.DismissedSuggestions(ctx, d.ID)
		must(err)
		v.Dismissed = append(v.Dismissed, dis)
	}
	v.Trash, err = s.Trash(ctx, time.Hour)
	must(err)
	for _, d := range v.Trash.Documents {
		h, err := s.DocumentHistory(ctx, d.ID)
		must(err)
		v.DocEvents = append(v.DocEvents, h)
	}
	_, newest, err := s.EventWindow(ctx)
	must(err)
	v.Events, err = s.EventsAfter(ctx, 0, newest, 10000)
	must(err)
	v.Search = map[string][]string{}
	for _, q := range []string{"kurds", "cafe", "countries", "census", "المفاوضات", "example", "sev"} {
		res, _ := search(t, s, q, citecheck.SearchQuery{})
		var got []string
		for _, r := range res {
			span := "no span"
			if r.Start != nil && r.End != nil {
				span = fmt.Sprintf("%d-%d", *r.Start, *r.End)
			}
			got = append(got, fmt.Sprintf("%s:%d doc %d %s %q", r.Kind, r.ID, r.DocumentID, span, r.Snippet))
		}
		slices.Sort(got)
		v.Search[q] = got
	}
	return v
}

func TestMigrateDBMovesEveryTableOfADeskAndItReadsBackEqual(t *testing.T) {
	needPostgres(t)
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "desk.db")
	source := mustOpenPath(t, path)
	purged := fillDesk(t, source)
	// The oldest events are pruned, as the server does: the moved events keep their ids.
	if n, err := source.PruneEvents(ctx, t0.Add(time.Hour), 10); err != nil || n == 0 {
		t.Fatalf("PruneEvents: %d, %v", n, err)
	}
	want := viewDesk(t, source)
	if err := source.Close(); err != nil {
		t.Fatal(err)
	}

	url := pgtest.URL(t, migrateOnly)
	var told []string
	report, err := MigrateDB(ctx, path, url, func(table string, rows int64) { told = append(told, table) })
	if err != nil {
		t.Fatalf("MigrateDB: %v (report %+v)", err, report)
	}
	var names []string
	for _, m := range report.Tables {
		names = append(names, m.Table)
		if !m.OK() || m.SourceSHA256 == "" {
			t.Errorf("table %s: %+v", m.Table, m)
		}
		if m.SourceRows == 0 {
			t.Errorf("table %s is empty in the desk the test filled: fillDesk must write every kind of row", m.Table)
		}
	}
	var copied []string
	for _, m := range report.Tables {
		if m.Copied {
			copied = append(copied, m.Table)
		} else if m.Table != "event_actions" {
			t.Errorf("table %s was not copied: the target's migrations filled it", m.Table)
		}
	}
	if !reflect.DeepEqual(told, copied) || slices.Contains(copied, "event_actions") {
		t.Errorf("progress told %v, want every table but event_actions (set by migrations), %v", told, copied)
	}
	for _, name := range []string{"users", "claims", "claim_events", "events", "search_entries", "claim_counts", "event_actions"} {
		if !slices.Contains(names, name) {
			t.Errorf("%s was not moved: %v", name, names)
		}
	}
	for _, name := range names {
		if strings.HasPrefix(name, "search_fts") || strings.HasPrefix(name, "sqlite_") || name == "schema_migrations" {
			t.Errorf("moved %s, which is SQLite's own", name)
		}
	}
	if i, j := slices.Index(names, "users"), slices.Index(names, "claims"); i > j {
		t.Errorf("claims were copied before the users they name: %v", names)
	}

	target := mustOpenPath(t, url)
	got := viewDesk(t, target)
	if !reflect.DeepEqual(got, want) {
		gv, wv := reflect.ValueOf(got), reflect.ValueOf(want)
		for i := range gv.NumField() {
			if !reflect.DeepEqual(gv.Field(i).Interface(), wv.Field(i).Interface()) {
				t.Errorf("%s read back differently:\n got %+v\nwant %+v", gv.Type().Field(i).Name, gv.Field(i).Interface(), wv.Field(i).Interface())
			}
		}
	}

	// New rows get ids after every id the source gave out, the purged claim's included.
	ana, _, err := target.UserByName(ctx, "ana")
	if err != nil {
		t.Fatal(err)
	}
	c := claimOn(t, target, ana, got.Docs[0], "قال المتحدث")
	if c.ID <= purged {
		t.Errorf("a new claim got id %d, not after the purged claim %d", c.ID, purged)
	}
	u := mustUser(t, target, "newcomer", citecheck.RoleReviewer)
	if u.ID <= want.Users[len(want.Users)-1].ID {
		t.Errorf("a new user got id %d, taken already", u.ID)
	}
	if ev := eventsSince(t, target, want.Events[len(want.Events)-1].ID); len(ev) == 0 {
		t.Errorf("the new claim's event does not follow the moved events")
	}
}

// movedTarget answers a fresh PostgreSQL database and a closed SQLite desk file to move into it.
func movedTarget(t *testing.T) (path, url string) {
	t.Helper()
	path = filepath.Join(t.TempDir(), "desk.db")
	s := mustOpenPath(t, path)
	ana := mustUser(t, s, "ana", citecheck.RoleReviewer)
	d := mustDocument(t, s, ana, "doc")
	mustClaim(t, s, ana, d.ID, 0, 9, []int{46}, citecheck.StatusSupported)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	return path, pgtest.URL(t, migrateOnly)
}

// countTarget counts a table's rows in the PostgreSQL database at url.
func countTarget(t *testing.T, url, table string) int {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var n int
	if err := conn.QueryRow(context.Background(), "SELECT count(*) FROM "+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestMigrateDBLeavesTheTargetUntouchedWhenTheCopyDiffers(t *testing.T) {
	needPostgres(t)
	ctx := context.Background()
	path, url := movedTarget(t)
	report, err := migrateDB(ctx, path, url, nil, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `UPDATE claims SET note = 'changed on the way'`)
		return err
	})
	if !errors.Is(err, ErrMoveMismatch) {
		t.Fatalf("err = %v, want ErrMoveMismatch", err)
	}
	for _, m := range report.Tables {
		if m.OK() == (m.Table == "claims") {
			t.Errorf("table %s: ok %v: %+v", m.Table, m.OK(), m)
		}
	}
	for _, table := range []string{"users", "documents", "claims", "events", "search_entries"} {
		if n := countTarget(t, url, table); n != 0 {
			t.Errorf("a failed move left %d rows in %s", n, table)
		}
	}
	if _, err := MigrateDB(ctx, path, url, nil); err != nil {
		t.Fatalf("the move after a failed one: %v", err)
	}
}

func TestMigrateDBRefusesATargetThatHoldsADesk(t *testing.T) {
	needPostgres(t)
	ctx := context.Background()
	path, url := movedTarget(t)
	s := mustOpenPath(t, url)
	mustUser(t, s, "admin", citecheck.RoleAdmin)
	_, err := MigrateDB(ctx, path, url, nil)
	if err == nil || !strings.Contains(err.Error(), "the target is not empty: it holds 1 users") {
		t.Fatalf("err = %v, want a refusal of the non-empty target", err)
	}
	if n := countTarget(t, url, "users"); n != 1 {
		t.Errorf("the refused move left %d users, want the target's own 1", n)
	}

	// A database of something else that has a users table is refused before any migration.
	other := emptyDatabase(t)
	execTarget(t, other, `CREATE TABLE users (id BIGINT PRIMARY KEY)`, `INSERT INTO users VALUES (1), (2)`)
	_, err = MigrateDB(ctx, path, other, nil)
	if err == nil || !strings.Contains(err.Error(), "the target is not empty: it holds 2 users") {
		t.Fatalf("err = %v, want a refusal of the non-empty target", err)
	}
	if n := countTarget(t, other, "pg_tables WHERE tablename = 'schema_migrations'"); n != 0 {
		t.Error("the refused move migrated the target")
	}
}

// emptyDatabase creates a PostgreSQL database without any schema on the test server, dropped
// when the test ends.
func emptyDatabase(t *testing.T) string {
	t.Helper()
	base := os.Getenv("CITECHECK_TEST_POSTGRES")
	name := fmt.Sprintf("citecheck_move_%d_%d", os.Getpid(), time.Now().UnixNano())
	execTarget(t, base, "CREATE DATABASE "+name)
	t.Cleanup(func() { execTarget(t, base, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)") })
	u, err := neturl.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}

// execTarget runs statements on the PostgreSQL database at url.
func execTarget(t *testing.T, url string, stmts ...string) {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	for _, q := range stmts {
		if _, err := conn.Exec(context.Background(), q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

func TestMigrateDBRefusesASourceOfAnotherSchemaVersion(t *testing.T) {
	needPostgres(t)
	ctx := context.Background()
	path, url := movedTarget(t)
	previous, latest := lastVersions(t)
	for _, c := range []struct{ change, want string }{
		{`DELETE FROM schema_migrations WHERE version = (SELECT max(version) FROM schema_migrations)`,
			fmt.Sprintf("the source is at schema version %d and this citecheck's at %d: stop the server, open the source once with this binary", previous, latest)},
		{fmt.Sprintf(`INSERT INTO schema_migrations (version, applied_at) VALUES (%d, 'x'), (%d, 'x')`, latest, latest+1),
			fmt.Sprintf("the source is at schema version %d, newer than this citecheck's %d", latest+1, latest)},
	} {
		changeSource(t, path, c.change)
		_, err := MigrateDB(ctx, path, url, nil)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("err = %v, want %q", err, c.want)
		}
	}
	if n := countTarget(t, url, "users"); n != 0 {
		t.Errorf("a refused move left %d users", n)
	}
}

// lastVersions are the two latest schema versions of this binary's SQLite migrations.
func lastVersions(t *testing.T) (previous, latest int) {
	t.Helper()
	list, err := listMigrations(sqliteMigrations)
	if err != nil {
		t.Fatal(err)
	}
	return list[len(list)-2].version, list[len(list)-1].version
}

// changeSource runs a statement on the SQLite file at path behind the store's back, and closes
// it again (so no WAL is left beside it).
func changeSource(t *testing.T, path, stmt string) {
	t.Helper()
	db, err := sql.Open(driverName, dsn(path, pragmas))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(stmt); err != nil {
		t.Fatal(err)
	}
}

func TestMigrateDBRefusesASourceItCannotMoveSafely(t *testing.T) {
	ctx := context.Background()
	const nowhere = "postgres://citecheck@nowhere.invalid/desk" // never reached: the source is refused first
	dir := t.TempDir()
	other := filepath.Join(dir, "other.db")
	changeSource(t, other, `CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)`)
	broken := filepath.Join(dir, "broken.db")
	s := mustOpenPath(t, broken)
	ana := mustUser(t, s, "ana", citecheck.RoleReviewer)
	d := mustDocument(t, s, ana, "doc")
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	changeSource(t, broken, fmt.Sprintf(`PRAGMA foreign_keys = off; UPDATE documents SET created_by = 99 WHERE id = %d`, d.ID))
	running := filepath.Join(dir, "running.db")
	live := mustOpenPath(t, running)
	mustUser(t, live, "ana", citecheck.RoleReviewer) // a write the WAL holds while the store is open

	for _, c := range []struct{ from, to, want string }{
		{nowhere, nowhere, "--from must be a SQLite file, not a PostgreSQL URL"},
		{broken, filepath.Join(dir, "copy.db"), "--to must be a postgres:// URL"},
		{filepath.Join(dir, "missing.db"), nowhere, "missing.db does not exist"},
		{other, nowhere, "other.db is not a citecheck database (it has no schema_migrations)"},
		{broken, nowhere, "the source is inconsistent: a row of documents (rowid 1) names a row of users that does not exist"},
		{running, nowhere, "running.db-wal holds writes not yet folded into " + running + ": a server is probably still running on it"},
	} {
		report, err := MigrateDB(ctx, c.from, c.to, nil)
		if err == nil || !strings.Contains(err.Error(), c.want) || report != nil {
			t.Errorf("MigrateDB(%s, %s) = %v, %v; want %q", filepath.Base(c.from), c.to, report, err, c.want)
		}
	}
}

func TestMigrateDBRowHashTellsNullFromEmptyAndReadsBothEnginesAlike(t *testing.T) {
	hashOf := func(rows ...[]any) string {
		h := newRowHash()
		for _, r := range rows {
			if err := h.add(r); err != nil {
				t.Fatal(err)
			}
		}
		_, sum := h.sum()
		return sum
	}
	// SQLite may answer text where PostgreSQL answers bytes (a BLOB column given a string).
	if hashOf([]any{int64(7), "Café 👩🏽‍💻", nil}) != hashOf([]any{int64(7), []byte("Café 👩🏽‍💻"), nil}) {
		t.Error("text and the same bytes hash differently")
	}
	for _, c := range []struct {
		name string
		a, b [][]any
	}{
		{"NULL and the empty text", [][]any{{nil}}, [][]any{{""}}},
		{"values split differently between columns", [][]any{{"ab", "c"}}, [][]any{{"a", "bc"}}},
		{"rows in another order", [][]any{{int64(1)}, {int64(2)}}, [][]any{{int64(2)}, {int64(1)}}},
		{"a real and its neighbour", [][]any{{0.1}}, [][]any{{math.Nextafter(0.1, 1)}}},
	} {
		if hashOf(c.a...) == hashOf(c.b...) {
			t.Errorf("%s hash alike", c.name)
		}
	}
	if err := newRowHash().add([]any{time.Now()}); err == nil {
		t.Error("a time was hashed; the schema stores times as text")
	}
}

func TestMigrateDBConvertsSQLiteValuesToTheTargetsTypesOrRefuses(t *testing.T) {
	for _, c := range []struct {
		v    any
		typ  string
		want any
		err  string
	}{
		{int64(3), "bigint", int64(3), ""},
		{int64(1), "double precision", float64(1), ""},
		{float64(2), "bigint", int64(2), ""},
		{"hash", "bytea", []byte("hash"), ""},
		{[]byte("text"), "text", "text", ""},
		{nil, "bigint", nil, ""},
		{"seven", "bigint", nil, `text "seven" in a bigint column`},
		{2.5, "bigint", nil, "real 2.5 in an integer column"},
		{true, "bigint", nil, "a value of type bool"},
	} {
		got, err := convertValue(c.v, c.typ)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("convertValue(%v, %s) = %v, %v; want error %q", c.v, c.typ, got, err, c.err)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, c.want) {
			t.Errorf("convertValue(%v, %s) = %#v, %v; want %#v", c.v, c.typ, got, err, c.want)
		}
		before, err1 := appendCanonical(nil, c.v)
		after, err2 := appendCanonical(nil, got)
		if err1 != nil || err2 != nil || !reflect.DeepEqual(before, after) {
			t.Errorf("convertValue(%v, %s) changed the value's canonical text", c.v, c.typ)
		}
	}
}
