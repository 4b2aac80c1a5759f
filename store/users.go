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
	countOtherAdmins = `SELECT COUNT(*) FROM users WHERE role = 'admin' AND disabled = 0 AND id <> ?`

	updateUserRole     = `UPDATE users SET role = ? WHERE id = ?`
	updateUserDisabled = `UPDATE users SET disabled = ? WHERE id = ?`
	updateUserPassword = `UPDATE users SET password_hash = ? WHERE id = ?`

	insertToken           = `INSERT INTO tokens (user_id, token_hash, created_at) VALUES (?, ?, ?)`
	selectUserByTokenHash = `SELECT ` + userColumns + `
FROM tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = ?`

	selectSetting       = `SELECT value FROM settings WHERE key = ?`
	insertSettingIfNone = `INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT DO NOTHING`
)

// CreateUser adds a user with a password hash made by the caller. A name already taken is a
// conflict.
func (s *Store) CreateUser(ctx context.Context, name string, role citecheck.Role, passwordHash []byte) (*citecheck.User, error) {
	now := s.now()
	res, err := s.insert(ctx, insertUser, name, string(role), passwordHash, formatTime(now))
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
	u, err := scanUser(s.lookup.QueryRowContext(ctx, selectUserByName, name), &hash)
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
	u, err := scanUser(s.lookup.QueryRowContext(ctx, selectUserByID, id))
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

// SetUserRole gives the user called name a new role. Demoting the last enabled admin is
// refused, so that someone can always manage users.
func (s *Store) SetUserRole(ctx context.Context, name string, role citecheck.Role) (*citecheck.User, error) {
	if _, err := citecheck.ParseRole(string(role)); err != nil {
		return nil, err
	}
	return s.changeUser(ctx, name, func(tx *sql.Tx, u *citecheck.User) error {
		if role != citecheck.RoleAdmin {
			if err := refuseLastAdmin(ctx, tx, u, "demote"); err != nil {
				return err
			}
		}
		_, err := tx.ExecContext(ctx, updateUserRole, string(role), u.ID)
		return err
	})
}

// SetUserDisabled disables or re-enables the user called name. Disabling ends every session of
// theirs at once, in the same transaction. Disabling the last enabled admin is refused.
func (s *Store) SetUserDisabled(ctx context.Context, name string, disabled bool) (*citecheck.User, error) {
	return s.changeUser(ctx, name, func(tx *sql.Tx, u *citecheck.User) error {
		if disabled {
			if err := refuseLastAdmin(ctx, tx, u, "disable"); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, updateUserDisabled, disabled, u.ID); err != nil || !disabled {
			return err
		}
		_, err := tx.ExecContext(ctx, deleteUserSessions, u.ID)
		return err
	})
}

// SetUserPassword replaces the password hash of the user called name, made by the caller, and
// ends every session of theirs in the same transaction, so that nobody stays signed in with the
// old password. A user who changed their own password is signed in again by the HTTP layer,
// under a new session id.
func (s *Store) SetUserPassword(ctx context.Context, name string, hash []byte) (*citecheck.User, error) {
	return s.changeUser(ctx, name, func(tx *sql.Tx, u *citecheck.User) error {
		if _, err := tx.ExecContext(ctx, updateUserPassword, hash, u.ID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, deleteUserSessions, u.ID)
		return err
	})
}

// changeUser loads the user called name in a write transaction, runs change on it and returns
// the user as stored afterwards. An unknown name is not found; change's error is returned as is
// when it is a domain error.
func (s *Store) changeUser(ctx context.Context, name string, change func(tx *sql.Tx, u *citecheck.User) error) (*citecheck.User, error) {
	var out *citecheck.User
	err := s.withTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var hash []byte
		u, err := scanUser(tx.QueryRowContext(ctx, selectUserByName, name), &hash)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("user %q not found", name)
		}
		if err != nil {
			return fmt.Errorf("store: user %q: %w", name, err)
		}
		if err := change(tx, u); err != nil {
			var e *citecheck.Error
			if errors.As(err, &e) {
				return err
			}
			return fmt.Errorf("store: change user %q: %w", name, err)
		}
		out, err = scanUser(tx.QueryRowContext(ctx, selectUserByID, u.ID))
		if err != nil {
			return fmt.Errorf("store: user %q: %w", name, err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.credentials.Add(1)
	return out, nil
}

// refuseLastAdmin refuses to take u out of the enabled admins when no other enabled admin is
// left, so that nobody locks the desk out of its own user management.
func refuseLastAdmin(ctx context.Context, tx *sql.Tx, u *citecheck.User, verb string) error {
	if u.Role != citecheck.RoleAdmin || u.Disabled {
		return nil
	}
	var others int
	if err := tx.QueryRowContext(ctx, countOtherAdmins, u.ID).Scan(&others); err != nil {
		return fmt.Errorf("count admins: %w", err)
	}
	if others == 0 {
		return citecheck.Errorf(citecheck.ECodeInvalid, "cannot %s %s: they are the last enabled admin", verb, u.Name)
	}
	return nil
}

// CreateToken records an API token by its hash; the token itself is never stored.
func (s *Store) CreateToken(ctx context.Context, userID int64, tokenHash string) error {
	_, err := s.exec(ctx, insertToken, userID, tokenHash, formatTime(s.now()))
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
	u, err := scanUser(s.lookup.QueryRowContext(ctx, selectUserByTokenHash, tokenHash))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("token not found")
	}
	if err != nil {
		return nil, fmt.Errorf("store: user by token: %w", err)
	}
	return u, nil
}

// SessionKey returns the key that protects session cookies, creating it on first use. It lives
// in the database so that sessions survive a restart; an insert that ignores a conflict, then a SELECT, in one
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
	err = s.withTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
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
