package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash"
	"strconv"
)

// The rows of a move (migratedb.go): read from the source one at a time, converted to the
// target's column types, and hashed in one canonical encoding whichever engine they come from.

// rowReader is what the source's rows and pgx's rows both offer.
type rowReader interface {
	Next() bool
	Values() ([]any, error)
	Err() error
}

// hashRows counts and hashes every row that rows answers.
func hashRows(rows rowReader) (int64, string, error) {
	h := newRowHash()
	for rows.Next() {
		vals, err := rows.Values()
		if err != nil {
			return 0, "", err
		}
		if err := h.add(vals); err != nil {
			return 0, "", err
		}
	}
	if err := rows.Err(); err != nil {
		return 0, "", err
	}
	n, sum := h.sum()
	return n, sum, nil
}

// sourceRows reads a source table's rows in key order, one at a time into one reused slice.
type sourceRows struct {
	*sql.Rows
	vals, ptrs []any
	err        error
}

func (s *source) readRows(ctx context.Context, t *sourceTable) (*sourceRows, error) {
	rows, err := s.tx.QueryContext(ctx, t.selectSQL())
	if err != nil {
		return nil, fmt.Errorf("store: migrate-db: read %s: %w", t.name, err)
	}
	r := &sourceRows{Rows: rows, vals: make([]any, len(t.columns)), ptrs: make([]any, len(t.columns))}
	for i := range r.vals {
		r.ptrs[i] = &r.vals[i]
	}
	return r, nil
}

func (r *sourceRows) Next() bool {
	if r.err != nil || !r.Rows.Next() {
		return false
	}
	r.err = r.Rows.Scan(r.ptrs...)
	return r.err == nil
}

// Values answers the current row; the slice is reused by the next row.
func (r *sourceRows) Values() ([]any, error) { return r.vals, nil }

func (r *sourceRows) Err() error {
	if r.err != nil {
		return r.err
	}
	return r.Rows.Err()
}

// rowHash is the canonical hash of a table's rows, the same from either engine: each value as
// text (integers in decimal, reals in Go's shortest form, text and bytes as their bytes), length
// prefixed, NULL marked apart from the empty text.
type rowHash struct {
	h   hash.Hash
	n   int64
	buf []byte // one row's encoding, reused
}

func newRowHash() *rowHash { return &rowHash{h: sha256.New()} }

func (r *rowHash) add(vals []any) error {
	r.buf = r.buf[:0]
	for _, v := range vals {
		var err error
		if r.buf, err = appendCanonical(r.buf, v); err != nil {
			return err
		}
	}
	r.h.Write(r.buf)
	r.n++
	return nil
}

func (r *rowHash) sum() (int64, string) { return r.n, hex.EncodeToString(r.h.Sum(nil)) }

// appendCanonical appends a value's encoding for the row hash to b.
func appendCanonical(b []byte, v any) ([]byte, error) {
	var num [32]byte
	switch v := v.(type) {
	case nil:
		return append(b, 0), nil
	case int64:
		return appendText(b, strconv.AppendInt(num[:0], v, 10)), nil
	case int32:
		return appendText(b, strconv.AppendInt(num[:0], int64(v), 10)), nil
	case int16:
		return appendText(b, strconv.AppendInt(num[:0], int64(v), 10)), nil
	case float64:
		return appendText(b, strconv.AppendFloat(num[:0], v, 'g', -1, 64)), nil
	case float32:
		return appendText(b, strconv.AppendFloat(num[:0], float64(v), 'g', -1, 64)), nil
	case string:
		return appendText(b, v), nil
	case []byte:
		return appendText(b, v), nil
	}
	return nil, fmt.Errorf("a value of type %T, which migrate-db does not compare", v)
}

// appendText appends a present value's text, after its length.
func appendText[T string | []byte](b []byte, text T) []byte {
	b = append(b, 1)
	b = binary.AppendUvarint(b, uint64(len(text)))
	return append(b, text...)
}

// convertValue turns a value read from SQLite, whose columns hold what they were given, into one
// of the target column's type; a value that does not fit (text in an integer column) is refused.
func convertValue(v any, typ string) (any, error) {
	switch v := v.(type) {
	case nil:
		return nil, nil
	case int64:
		switch typ {
		case "double precision", "real":
			return float64(v), nil
		case "text":
			return strconv.FormatInt(v, 10), nil
		case "bytea":
			return nil, fmt.Errorf("integer %d in a bytea column", v)
		}
	case float64:
		switch typ {
		case "bigint", "integer", "smallint":
			if v != float64(int64(v)) {
				return nil, fmt.Errorf("real %v in an integer column", v)
			}
			return int64(v), nil
		case "text":
			return strconv.FormatFloat(v, 'g', -1, 64), nil
		case "bytea":
			return nil, fmt.Errorf("real %v in a bytea column", v)
		}
	case string:
		switch typ {
		case "bytea":
			return []byte(v), nil
		case "bigint", "integer", "smallint", "double precision", "real":
			return nil, fmt.Errorf("text %q in a %s column", v, typ)
		}
	case []byte:
		switch typ {
		case "text":
			return string(v), nil
		case "bigint", "integer", "smallint", "double precision", "real":
			return nil, fmt.Errorf("bytes in a %s column", typ)
		}
	default:
		return nil, fmt.Errorf("a value of type %T, which migrate-db does not copy", v)
	}
	return v, nil
}

// queryStrings answers the first column of every row of a query.
func queryStrings(ctx context.Context, q queryer, query string, args ...any) ([]string, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}
