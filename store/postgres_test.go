package store

import "testing"

// TestPgQuery checks the translation of the store's placeholders into PostgreSQL's: bare ?
// numbered after the largest seen (SQLite's rule), ?N kept, and nothing inside quotes,
// quoted names, comments or dollar-quoted bodies touched.
func TestPgQuery(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{`SELECT 1`, `SELECT 1`},
		{`SELECT * FROM t WHERE a = ? AND b = ?`, `SELECT * FROM t WHERE a = $1 AND b = $2`},
		{`WHERE x MATCH ?1 AND y > ?2 OR z = ?1`, `WHERE x MATCH $1 AND y > $2 OR z = $1`},
		{`a = ?2 AND b = ?`, `a = $2 AND b = $3`},
		{`SELECT '?', "?col", 'it''s ?' FROM t WHERE a = ?`, `SELECT '?', "?col", 'it''s ?' FROM t WHERE a = $1`},
		{"SELECT ? -- what ?\n, ?", "SELECT $1 -- what ?\n, $2"},
		{`CREATE FUNCTION f() AS $$ SELECT '?' $$; SELECT ?`, `CREATE FUNCTION f() AS $$ SELECT '?' $$; SELECT $1`},
		{`DO $body$ ? $body$ ?`, `DO $body$ ? $body$ $1`},
		{`SELECT $1x ?`, `SELECT $1x $1`},
		{`'unterminated ?`, `'unterminated ?`},
		{"FROM documents d INDEXED BY documents_changes\nWHERE d.id = ?", "FROM documents d\nWHERE d.id = $1"},
	} {
		if got := pgQuery(c.in); got != c.want {
			t.Errorf("pgQuery(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
