package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/citecheck/citecheck"
)

const (
	insertSession = `INSERT INTO sessions (token_hash, user_id, data, user_agent, address, created_at, last_used_at, expires_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?)`
	sessionColumns = `id, COALESCE(user_id, 0), user_agent, address, created_at, last_used_at, expires_at`
	// liveSession is the condition of a session that has reached neither its absolute end nor
	// its idle end; the two parameters are now and now minus the idle lifetime.
	liveSession         = `expires_at > ? AND last_used_at > ?`
	selectSessionByHash = `SELECT ` + sessionColumns + `, data FROM sessions WHERE token_hash = ? AND ` + liveSession
	selectUserSessions  = `SELECT ` + sessionColumns + `, token_hash = ? FROM sessions
WHERE user_id = ? AND ` + liveSession + ` ORDER BY last_used_at DESC, id DESC`
	updateSessionData   = `UPDATE sessions SET data = ? WHERE token_hash = ? AND user_id IS NOT DISTINCT FROM ?`
	touchSession        = `UPDATE sessions SET last_used_at = ?, user_agent = ?, address = ? WHERE token_hash = ?`
	deleteSessionByHash = `DELETE FROM sessions WHERE token_hash = ?`
	deleteUserSession   = `DELETE FROM sessions WHERE id = ? AND user_id = ?`
	deleteUserSessions  = `DELETE FROM sessions WHERE user_id = ?`
	deleteDeadSessions  = `DELETE FROM sessions WHERE NOT (` + liveSession + `)`
	// capVisitorSessions deletes the sessions nobody has signed in to of one address but its
	// newest ones (the parameters: the address twice, how many to keep); the index of
	// migration 0029 holds exactly those rows.
	capVisitorSessions = `DELETE FROM sessions WHERE user_id IS NULL AND address = ? AND id <= (
SELECT id FROM sessions WHERE user_id IS NULL AND address = ? ORDER BY id DESC LIMIT 1 OFFSET ?)`
)

// NewSession is what starting a session records. The token hash is the SHA-256 of the random
// id in the cookie (citecheck.HashToken); UserID is 0 for a visitor who has not signed in.
type NewSession struct {
	TokenHash string
	UserID    int64
	Data      []byte
	UserAgent string
	Address   string
	// MaxAge is the absolute lifetime: the session ends this long after it starts, however busy.
	MaxAge time.Duration
	// KeepVisitors, for a visitor's session (UserID 0) with an address, ends that address's
	// older visitor sessions beyond this many, this one included; 0 keeps them all.
	KeepVisitors int
}

// StoredSession is a live session with the values the HTTP layer encoded into it.
type StoredSession struct {
	citecheck.Session
	Data []byte
}

// CreateSession records a new session, started now by the store's clock.
func (s *Store) CreateSession(ctx context.Context, n NewSession) (*citecheck.Session, error) {
	if n.TokenHash == "" || n.MaxAge <= 0 {
		return nil, citecheck.Errorf(citecheck.ECodeInvalid, "a session needs a token hash and a positive lifetime")
	}
	if n.Data == nil {
		n.Data = []byte{}
	}
	now := s.now()
	var res sql.Result
	err := s.withTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var err error
		res, err = insertRow(ctx, tx, insertSession, n.TokenHash, nullableID(n.UserID), n.Data,
			n.UserAgent, n.Address, formatTime(now), formatTime(now), formatTime(now.Add(n.MaxAge)))
		if err == nil && n.UserID == 0 && n.Address != "" && n.KeepVisitors > 0 {
			_, err = tx.ExecContext(ctx, capVisitorSessions, n.Address, n.Address, n.KeepVisitors)
		}
		return err
	})
	if isUniqueViolation(err) {
		return nil, citecheck.Errorf(citecheck.ECodeConflict, "session already exists")
	}
	if isForeignKeyViolation(err) {
		return nil, notFound("user %d not found", n.UserID)
	}
	if err != nil {
		return nil, fmt.Errorf("store: create session: %w", err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return nil, fmt.Errorf("store: create session: %w", err)
	}
	return &citecheck.Session{ID: id, UserID: n.UserID, UserAgent: n.UserAgent, Address: n.Address,
		CreatedAt: now, LastUsedAt: now, ExpiresAt: now.Add(n.MaxAge)}, nil
}

// SessionByHash returns the live session whose cookie id hashes to tokenHash. A session past
// its absolute end, or unused for longer than idle, is not found: it has ended, even before
// PruneSessions removes its row.
func (s *Store) SessionByHash(ctx context.Context, tokenHash string, idle time.Duration) (*StoredSession, error) {
	now := s.now()
	var out StoredSession
	sess, err := scanSession(s.reader.QueryRowContext(ctx, selectSessionByHash, tokenHash,
		formatTime(now), formatTime(now.Add(-idle))), &out.Data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("session not found")
	}
	if err != nil {
		return nil, fmt.Errorf("store: session: %w", err)
	}
	out.Session = *sess
	return &out, nil
}

// SaveSessionData replaces the values of the session whose cookie id hashes to tokenHash,
// provided it still belongs to userID (0: to nobody). A session that has ended, or that belongs
// to someone else, is not found, and the caller starts a new one: the values of a signed-out
// visitor never become those of a signed-in session under the same id.
func (s *Store) SaveSessionData(ctx context.Context, tokenHash string, userID int64, data []byte) error {
	res, err := s.exec(ctx, updateSessionData, data, tokenHash, nullableID(userID))
	if err != nil {
		return fmt.Errorf("store: save session: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return notFound("session not found")
	}
	return nil
}

// TouchSession records that a session was used at the given time, from this browser and
// address. Callers do it at most about once a minute, so that reads do not become writes.
func (s *Store) TouchSession(ctx context.Context, tokenHash string, at time.Time, userAgent, address string) error {
	if _, err := s.exec(ctx, touchSession, formatTime(at), userAgent, address, tokenHash); err != nil {
		return fmt.Errorf("store: touch session: %w", err)
	}
	return nil
}

// DeleteSession ends the session whose cookie id hashes to tokenHash, as signing out does. A
// session that is already gone is no error.
func (s *Store) DeleteSession(ctx context.Context, tokenHash string) error {
	if _, err := s.exec(ctx, deleteSessionByHash, tokenHash); err != nil {
		return fmt.Errorf("store: delete session: %w", err)
	}
	s.credentials.Add(1)
	return nil
}

// UserSessions lists a user's live sessions, most recently used first, marking the one whose
// cookie id hashes to currentHash.
func (s *Store) UserSessions(ctx context.Context, userID int64, idle time.Duration, currentHash string) ([]citecheck.Session, error) {
	now := s.now()
	rows, err := s.reader.QueryContext(ctx, selectUserSessions, currentHash, userID,
		formatTime(now), formatTime(now.Add(-idle)))
	if err != nil {
		return nil, fmt.Errorf("store: sessions: %w", err)
	}
	defer rows.Close()
	list := []citecheck.Session{}
	for rows.Next() {
		var current bool
		sess, err := scanSession(rows, &current)
		if err != nil {
			return nil, fmt.Errorf("store: sessions: %w", err)
		}
		sess.Current = current
		list = append(list, *sess)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: sessions: %w", err)
	}
	return list, nil
}

// EndUserSession ends one of a user's sessions at once; the session of anyone else is not
// found, so that nobody learns which ids exist.
func (s *Store) EndUserSession(ctx context.Context, userID, sessionID int64) error {
	res, err := s.exec(ctx, deleteUserSession, sessionID, userID)
	if err != nil {
		return fmt.Errorf("store: end session %d: %w", sessionID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return notFound("session %d not found", sessionID)
	}
	s.credentials.Add(1)
	return nil
}

// EndUserSessions ends every session of a user at once ("sign out everywhere") and returns how
// many there were.
func (s *Store) EndUserSessions(ctx context.Context, userID int64) (int, error) {
	res, err := s.exec(ctx, deleteUserSessions, userID)
	if err != nil {
		return 0, fmt.Errorf("store: end sessions of user %d: %w", userID, err)
	}
	s.credentials.Add(1)
	n, _ := res.RowsAffected()
	return int(n), nil
}

// PruneSessions deletes the rows of sessions that have ended, by their absolute end or by
// being idle longer than idle, and returns how many it deleted.
func (s *Store) PruneSessions(ctx context.Context, idle time.Duration) (int, error) {
	now := s.now()
	res, err := s.exec(ctx, deleteDeadSessions, formatTime(now), formatTime(now.Add(-idle)))
	if err != nil {
		return 0, fmt.Errorf("store: prune sessions: %w", err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// nullableID stores 0 as NULL, for a session nobody has signed in to.
func nullableID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// scanSession reads sessionColumns, then any extra columns into extra.
func scanSession(row rowScanner, extra ...any) (*citecheck.Session, error) {
	var (
		sess                      citecheck.Session
		created, used, expiresStr string
	)
	dest := append([]any{&sess.ID, &sess.UserID, &sess.UserAgent, &sess.Address, &created, &used, &expiresStr}, extra...)
	if err := row.Scan(dest...); err != nil {
		return nil, err
	}
	var err error
	if sess.CreatedAt, err = parseTime(created); err != nil {
		return nil, err
	}
	if sess.LastUsedAt, err = parseTime(used); err != nil {
		return nil, err
	}
	if sess.ExpiresAt, err = parseTime(expiresStr); err != nil {
		return nil, err
	}
	return &sess, nil
}
