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
	insertNamedToken = `INSERT INTO tokens (user_id, name, token_hash, created_at) VALUES (?, ?, ?, ?)`
	tokenColumns     = `id, user_id, name, created_at, last_used_at`
	selectTokens     = `SELECT ` + tokenColumns + ` FROM tokens WHERE user_id = ? ORDER BY id`
	selectTokenHash  = `SELECT ` + tokenColumns + ` FROM tokens WHERE token_hash = ?`
	deleteToken      = `DELETE FROM tokens WHERE id = ? AND user_id = ?`
	touchToken       = `UPDATE tokens SET last_used_at = ? WHERE id = ?`
)

// CreateNamedToken stores the hash of a new API token with a name its owner chose.
func (s *Store) CreateNamedToken(ctx context.Context, userID int64, name, tokenHash string) (*citecheck.Token, error) {
	now := s.now()
	res, err := s.insert(ctx, insertNamedToken, userID, name, tokenHash, formatTime(now))
	if isUniqueViolation(err) {
		return nil, citecheck.Errorf(citecheck.ECodeConflict, "token already exists")
	}
	if isForeignKeyViolation(err) {
		return nil, notFound("user %d not found", userID)
	}
	if err != nil {
		return nil, fmt.Errorf("store: create token for user %d: %w", userID, err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return nil, fmt.Errorf("store: create token: %w", err)
	}
	return &citecheck.Token{ID: id, UserID: userID, Name: name, CreatedAt: now}, nil
}

// Tokens lists a user's API tokens, oldest first.
func (s *Store) Tokens(ctx context.Context, userID int64) ([]citecheck.Token, error) {
	rows, err := s.reader.QueryContext(ctx, selectTokens, userID)
	if err != nil {
		return nil, fmt.Errorf("store: tokens: %w", err)
	}
	defer rows.Close()
	tokens := []citecheck.Token{}
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, err
		}
		tokens = append(tokens, *t)
	}
	return tokens, rows.Err()
}

// TokenByHash finds the token with this hash.
func (s *Store) TokenByHash(ctx context.Context, tokenHash string) (*citecheck.Token, error) {
	t, err := scanToken(s.lookup.QueryRowContext(ctx, selectTokenHash, tokenHash))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("token not found")
	}
	return t, err
}

// RevokeToken deletes one of a user's tokens; a token of someone else is not found.
func (s *Store) RevokeToken(ctx context.Context, userID, tokenID int64) error {
	res, err := s.exec(ctx, deleteToken, tokenID, userID)
	if err != nil {
		return fmt.Errorf("store: revoke token %d: %w", tokenID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return notFound("token %d not found", tokenID)
	}
	s.credentials.Add(1)
	return nil
}

// TouchToken records that a token was used at the given time.
func (s *Store) TouchToken(ctx context.Context, tokenID int64, at time.Time) error {
	if _, err := s.exec(ctx, touchToken, formatTime(at), tokenID); err != nil {
		return fmt.Errorf("store: touch token %d: %w", tokenID, err)
	}
	return nil
}

func scanToken(row rowScanner) (*citecheck.Token, error) {
	var (
		t        citecheck.Token
		created  string
		lastUsed sql.NullString
	)
	if err := row.Scan(&t.ID, &t.UserID, &t.Name, &created, &lastUsed); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, err
		}
		return nil, fmt.Errorf("store: token: %w", err)
	}
	var err error
	if t.CreatedAt, err = parseTime(created); err != nil {
		return nil, err
	}
	if lastUsed.Valid {
		at, err := parseTime(lastUsed.String)
		if err != nil {
			return nil, err
		}
		t.LastUsedAt = &at
	}
	return &t, nil
}
