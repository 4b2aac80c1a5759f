package citecheck

import (
	"strings"
	"testing"
)

type decodeTarget struct {
	Start *int   `json:"start"`
	Refs  []int  `json:"refs"`
	Note  string `json:"note"`
	Sub   struct {
		X int `json:"x"`
	} `json:"sub"`
	List []struct {
		Y int `json:"y"`
	} `json:"list"`
}

func TestDecodeJSONRefusesWhatWouldNotRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		name, in         string
		open             bool
		code, field, in2 string // in2: a part of the message
	}{
		{name: "duplicate key", in: `{"start":0,"start":3}`, code: ECodeMalformed, field: "start", in2: `"start" is given twice`},
		{name: "duplicate key nested", in: `{"sub":{"x":1,"x":2}}`, code: ECodeMalformed, field: "sub.x", in2: "given twice"},
		{name: "duplicate key in an open document", in: `{"note":"a","other":{"k":1,"k":2}}`, open: true, code: ECodeMalformed, field: "other.k", in2: "given twice"},
		{name: "lone high surrogate", in: `{"note":"\ud800"}`, code: ECodeMalformed, field: "note", in2: "lone surrogate"},
		{name: "lone low surrogate", in: `{"note":"a\udc00b"}`, code: ECodeMalformed, field: "note", in2: "lone surrogate"},
		{name: "invalid UTF-8", in: "{\"note\":\"\xff\"}", code: ECodeInvalidUTF8},
		{name: "unknown field", in: `{"txet":"b"}`, code: ECodeMalformed, field: "txet", in2: `unknown field "txet"`},
		{name: "unknown field, other case", in: `{"Start":1}`, code: ECodeMalformed, field: "Start", in2: "unknown field"},
		{name: "wrong type", in: `{"start":"x"}`, code: ECodeMalformed, field: "start", in2: `"start" must be an integer`},
		{name: "wrong type in a list", in: `{"refs":[1,"a"]}`, code: ECodeMalformed, field: "refs[1]", in2: "must be an integer"},
		{name: "wrong type deep", in: `{"list":[{"y":true}]}`, code: ECodeMalformed, field: "list[0].y", in2: "must be an integer"},
		{name: "not an object", in: `[1]`, code: ECodeMalformed, in2: "want an object"},
		{name: "null", in: " null ", code: ECodeMalformed, in2: "null, where a JSON object belongs"},
		{name: "trailing value", in: `{"start":1} {}`, code: ECodeMalformed, in2: "data after the object"},
		{name: "trailing garbage", in: `{"start":1} x`, code: ECodeMalformed, in2: "data after the object"},
		{name: "cut short", in: `{"start":`, code: ECodeMalformed, field: "start", in2: "unexpected EOF"},
		{name: "surrogate pair", in: `{"note":"\ud83d\ude00"}`},
		{name: "unknown member in an open document", in: `{"note":"a","@context":"x"}`, open: true},
		{name: "trailing space", in: "{\"start\":1}\n  "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var v decodeTarget
			decode := DecodeJSON
			if tc.open {
				decode = DecodeOpenJSON
			}
			err := decode([]byte(tc.in), &v)
			if tc.code == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			e, ok := err.(*Error)
			if !ok {
				t.Fatalf("error %T %v, want *Error", err, err)
			}
			if e.Code != tc.code || e.Field != tc.field || !strings.Contains(e.Message, tc.in2) {
				t.Fatalf("got code %q field %q message %q; want %q %q containing %q", e.Code, e.Field, e.Message, tc.code, tc.field, tc.in2)
			}
		})
	}
}

func TestDecodeJSONKeepsAnEscapedPairAsItsCharacter(t *testing.T) {
	var v decodeTarget
	if err := DecodeJSON([]byte(`{"note":"\ud83d\ude00 \u00e9"}`), &v); err != nil || v.Note != "😀 é" {
		t.Fatalf("%q %v", v.Note, err)
	}
}
