package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"

	"github.com/citecheck/citecheck"
)

// sessionKeySize is the length of the key that signs and encrypts session cookies.
const sessionKeySize = 64

const (
	insertUser = `INSERT INTO users (name, role, password_hash, disabled, created_at)
VALUES (?, ?, ?, 0, ?)`
	userColumns      = `u.id, u.name, u.role, u.disabled, u.created_at`
	selectUserByName = `SELECT ` + userColumns + `, u.password_hash FROM users u WHERE u.name = ?`
	selectUserByID   = `SELECT ` + userColumns + ` FROM users u WHERE u.id = ?`
	selectUsers      = `SELECT ` + userColumns + ` FROM users u ORDER BY u.id`
	countUsers       = `SELECT COUNT(*) FROM users`

	insertToken           = `INSERT INTO tokens (user_id, token_hash, created_at) VALUES (?, ?, ?)`
	selectUserByTokenHash = `SELECT ` + userColumns + `
FROM tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = ?`

	selectSetting       = `SELECT value FROM settings WHERE key = ?`
	insertSettingIfNone = `INSERT OR IGNORE INTO settings (key, value) VALUES (?, ?)`
)

// CreateUser adds a user with a password hash made by the caller. A name already taken is a
// conflict.
func (s *Store) CreateUser(ctx context.Context, name string, role citecheck.Role, passwordHash []byte) (*citecheck.User, error) {
	now := s.now()
	res, err := s.writer.ExecContext(ctx, insertUser, name, string(role), passwordHash, formatTime(now))
	if isUniqueViolation(err) {
		return nil, citecheck.Errorf(citecheck.ECodeConflict, "user %q already exists", name)
	}
	if err != nil {
		return nil, fmt.Errorf("store: create user %q: %w", name, err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return nil, fmt.Errorf("store: create user %q: %w", name, err)
	}
	return &citecheck.User{ID: id, Name: name, Role: role, CreatedAt: now}, nil
}

// UserByName returns the user called name and their password hash, for signing in.
func (s *Store) UserByName(ctx context.Context, name string) (*citecheck.User, []byte, error) {
	var hash []byte
	u, err := scanUser(s.reader.QueryRowContext(ctx, selectUserByName, name), &hash)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, notFound("user %q not found", name)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("store: user %q: %w", name, err)
	}
	return u, hash, nil
}

// UserByID returns one user.
func (s *Store) UserByID(ctx context.Context, id int64) (*citecheck.User, error) {
	u, err := scanUser(s.reader.QueryRowContext(ctx, selectUserByID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("user %d not found", id)
	}
	if err != nil {
		return nil, fmt.Errorf("store: user %d: %w", id, err)
	}
	return u, nil
}

// CountUsers returns how many users exist; serve creates the first admin when there are none.
func (s *Store) CountUsers(ctx context.Context) (int, error) {
	var n int
	if err := s.reader.QueryRowContext(ctx, countUsers).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count users: %w", err)
	}
	return n, nil
}

// Users lists every user in the order they were created.
func (s *Store) Users(ctx context.Context) ([]citecheck.User, error) {
	rows, err := s.reader.QueryContext(ctx, selectUsers)
	if err != nil {
		return nil, fmt.Errorf("store: users: %w", err)
	}
	defer rows.Close()
	users := []citecheck.User{}
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("store: users: %w", err)
		}
		users = append(users, *u)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: users: %w", err)
	}
	return users, nil
}

// CreateToken records an API token by its hash; the token itself is never stored.
func (s *Store) CreateToken(ctx context.Context, userID int64, tokenHash string) error {
	_, err := s.writer.ExecContext(ctx, insertToken, userID, tokenHash, formatTime(s.now()))
	if isUniqueViolation(err) {
		return citecheck.Errorf(citecheck.ECodeConflict, "token already exists")
	}
	if err != nil {
		return fmt.Errorf("store: create token for user %d: %w", userID, err)
	}
	return nil
}

// UserByTokenHash returns the owner of an API token. A disabled user is returned with Disabled
// set; refusing them is the caller's decision.
func (s *Store) UserByTokenHash(ctx context.Context, tokenHash string) (*citecheck.User, error) {
	u, err := scanUser(s.reader.QueryRowContext(ctx, selectUserByTokenHash, tokenHash))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("token not found")
	}
	if err != nil {
		return nil, fmt.Errorf("store: user by token: %w", err)
	}
	return u, nil
}

// SessionKey returns the key that protects session cookies, creating it on first use. It lives
// in the database so that sessions survive a restart; INSERT OR IGNORE followed by SELECT in one
// transaction makes concurrent first callers agree on one key.
func (s *Store) SessionKey(ctx context.Context) ([]byte, error) {
	var key []byte
	err := s.reader.QueryRowContext(ctx, selectSetting, "session_key").Scan(&key)
	if err == nil {
		return key, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("store: session key: %w", err)
	}
	fresh := make([]byte, sessionKeySize)
	if _, err := rand.Read(fresh); err != nil {
		return nil, fmt.Errorf("store: session key: %w", err)
	}
	err = s.withTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, insertSettingIfNone, "session_key", fresh); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, selectSetting, "session_key").Scan(&key)
	})
	if err != nil {
		return nil, fmt.Errorf("store: session key: %w", err)
	}
	return key, nil
}

// rowScanner is a *sql.Row or *sql.Rows.
type rowScanner interface {
	Scan(dest ...any) error
}

// scanUser reads userColumns, then any extra columns into extra.
func scanUser(row rowScanner, extra ...any) (*citecheck.User, error) {
	var (
		u       citecheck.User
		role    string
		created string
	)
	dest := append([]any{&u.ID, &u.Name, &role, &u.Disabled, &created}, extra...)
	if err := row.Scan(dest...); err != nil {
		return nil, err
	}
	u.Role = citecheck.Role(role)
	t, err := parseTime(created)
	if err != nil {
		return nil, err
	}
	u.CreatedAt = t
	return &u, nil
}
