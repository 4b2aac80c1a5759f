package citecheck

import (
	"errors"
	"strings"
	"testing"
)

func TestNormalizeCommentTrimsAndBoundsTheBody(t *testing.T) {
	long := strings.Repeat("👩🏽", MaxDiscussionLen/2) // two code points each: exactly the bound
	for _, tc := range []struct {
		in, want, code string
	}{
		{"  looks fine\r\nto me  ", "looks fine\nto me", ""},
		{"<script>x</script>", "<script>x</script>", ""},
		{long, long, ""},
		{long + "!", "", ECodeTooLong},
		{" \n\t ", "", ECodeInvalid},
		{"bell\a", "", ECodeControlChar},
	} {
		got, err := NormalizeComment(tc.in)
		if tc.code != "" {
			var e *Error
			if !errors.As(err, &e) || e.Code != tc.code || e.Field != "body" {
				t.Errorf("NormalizeComment(%.20q) = %v, want %s about body", tc.in, err, tc.code)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("NormalizeComment(%.20q) = %q, %v", tc.in, got, err)
		}
	}
}
