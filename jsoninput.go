package citecheck

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// DecodeJSON reads JSON that came from outside (a request body, a native export) into v,
// strictly. encoding/json lets the last of two equal member names win and turns an escaped lone
// surrogate ("\ud800") into U+FFFD, so what was stored was not what was sent; the JSON v2
// decoder refuses both by default. Every refusal is an *Error that changes nothing and says
// which rule was broken: ECodeInvalidUTF8 for bytes that are not UTF-8, else ECodeMalformed for
// a syntax error, a duplicate member name, a lone surrogate, a member that v does not have, a
// value of the wrong type (with the field), or data after the value.
func DecodeJSON(data []byte, v any) error {
	return decodeJSON(data, v, true)
}

// DecodeOpenJSON reads JSON-LD (W3C Web Annotations) as DecodeJSON does, except that members v
// does not have are skipped: JSON-LD is open, and a tool may add its own terms.
func DecodeOpenJSON(data []byte, v any) error {
	return decodeJSON(data, v, false)
}

func decodeJSON(data []byte, v any, rejectUnknown bool) error {
	if !utf8.Valid(data) {
		return Errorf(ECodeInvalidUTF8, "the JSON is not valid UTF-8")
	}
	// null would decode into nothing at all and leave v as it was: a body with no fields, which
	// then fails (or passes) on what the fields' absence means, not on what was sent.
	if bytes.Equal(bytes.TrimSpace(data), []byte("null")) {
		return Errorf(ECodeMalformed, "malformed JSON: null, where a JSON object belongs")
	}
	dec := jsontext.NewDecoder(bytes.NewReader(data))
	if err := json.UnmarshalDecode(dec, v, json.RejectUnknownMembers(rejectUnknown)); err != nil {
		return jsonError(err)
	}
	if _, err := dec.ReadToken(); err != io.EOF {
		return Errorf(ECodeMalformed, "malformed JSON: data after the object")
	}
	return nil
}

// jsonError turns an error of the JSON v2 decoder into a message about the field concerned.
func jsonError(err error) error {
	var syn *jsontext.SyntacticError
	if errors.As(err, &syn) {
		field := jsonField(syn.JSONPointer)
		switch {
		case errors.Is(syn.Err, jsontext.ErrDuplicateName):
			return FieldErrorf(ECodeMalformed, field, "malformed JSON: member %q is given twice", field)
		case syn.Err != nil && strings.Contains(syn.Err.Error(), "surrogate"):
			return FieldErrorf(ECodeMalformed, field,
				"malformed JSON: %s holds an escaped lone surrogate (such as \\ud800), which is no character", nameOr(field, "a string"))
		}
		return FieldErrorf(ECodeMalformed, field, "malformed JSON: %s", strings.TrimPrefix(syn.Error(), "jsontext: "))
	}
	var sem *json.SemanticError
	if errors.As(err, &sem) {
		field := jsonField(sem.JSONPointer)
		if errors.Is(sem.Err, json.ErrUnknownName) {
			return FieldErrorf(ECodeMalformed, field, "malformed JSON: unknown field %q", sem.JSONPointer.LastToken())
		}
		if field == "" {
			return Errorf(ECodeMalformed, "malformed JSON: want %s, not %s", kindOf(sem.GoType), sem.JSONKind)
		}
		return FieldErrorf(ECodeMalformed, field, "field %q must be %s", field, kindOf(sem.GoType))
	}
	return Errorf(ECodeMalformed, "malformed JSON: %v", err)
}

// jsonField writes a JSON pointer ("/claims/2/start") as a field ("claims[2].start").
func jsonField(p jsontext.Pointer) string {
	var b strings.Builder
	for tok := range p.Tokens() {
		if _, err := strconv.Atoi(tok); err == nil && b.Len() > 0 {
			b.WriteString("[" + tok + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(tok)
	}
	return b.String()
}

func nameOr(field, def string) string {
	if field == "" {
		return def
	}
	return strconv.Quote(field)
}

// kindOf names the JSON value that a Go type takes, for people.
func kindOf(t reflect.Type) string {
	if t == nil {
		return "another kind of value"
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Slice, reflect.Array:
		return "a list"
	case reflect.Struct, reflect.Map:
		if t.String() == "time.Time" {
			return "a time such as \"2026-11-24T12:00:00Z\""
		}
		return "an object"
	}
	return fmt.Sprintf("a %s", t)
}
