package citecheck

import "time"

// Session is one signed-in browser as its owner sees it on the Account page and in
// GET /api/v1/sessions: where and when it was used. The secret id its cookie carries is never
// part of it; the store keeps only a hash of that.
type Session struct {
	ID     int64 `json:"id"`
	UserID int64 `json:"-"`
	// Current marks the session the request itself came with.
	Current    bool      `json:"current"`
	UserAgent  string    `json:"user_agent"`
	Address    string    `json:"address"`
	CreatedAt  time.Time `json:"created_at"`
	LastUsedAt time.Time `json:"last_used_at"`
	// ExpiresAt is the absolute end of the session, however busy it is; an idle session ends
	// sooner.
	ExpiresAt time.Time `json:"-"`
}
