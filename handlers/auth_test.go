package handlers

import "testing"

func TestSignInTargetStaysOnThisSite(t *testing.T) {
	for _, tc := range []struct{ next, want string }{
		// On this site, kept (re-encoded the way a browser would send it).
		{"/", "/"},
		{"/ok?x=1#y", "/ok?x=1#y"},
		{"/documents/5?status=supported", "/documents/5?status=supported"},
		{"/review?q=a%20b", "/review?q=a%20b"},
		{"/%09/evil.example", "/%09/evil.example"}, // an escaped tab is a path byte, not a tab
		{"/%2F/evil.example", "/%2F/evil.example"}, // browsers do not unescape %2F either
		{"/a b", "/a%20b"},
		{"/javascript:alert(1)", "/javascript:alert(1)"},
		{" /documents/5 ", "/documents/5"},
		{"/doc\t/5", "/doc/5"}, // browsers drop the tab; what remains stays here
		// Off this site once a browser drops tabs and newlines and reads \ as /.
		{"/\t/evil.example", "/"},
		{"/\n/evil.example", "/"},
		{"/\r\n/evil.example", "/"},
		{"\t//evil.example", "/"},
		{"/\\evil.example", "/"},
		{"\\\\evil.example", "/"},
		{"\\/evil.example", "/"},
		{"/\\\t\\evil.example", "/"},
		{"//evil.example", "/"},
		{"///evil.example", "/"},
		{" //evil.example", "/"},
		{"\x00//evil.example", "/"},
		{"https://evil", "/"},
		{"HTTPS://evil.example/", "/"},
		{"https:evil.example", "/"},
		{"javascript:alert(1)", "/"},
		{"data:text/html,<script>alert(1)</script>", "/"},
		{"evil.example", "/"},
		{"documents/5", "/"},
		{"", "/"},
		{"/\x00x", "/"},
		{"/\x7f", "/"},
	} {
		if got := signInTarget(tc.next); got != tc.want {
			t.Errorf("signInTarget(%q) = %q, want %q", tc.next, got, tc.want)
		}
	}
}
