package assets

import (
	"math"
	"regexp"
	"strconv"
	"testing"
)

// The verdicts whose colours the stylesheet sets (citecheck's Status vocabulary).
var verdicts = []string{"unverified", "supported", "partly-supported", "unsupported", "contradicted", "citation-needed"}

// cssColor finds the hex value of a custom property defined in the stylesheet (its last
// definition, as the cascade would take for the same selector weight).
func cssColor(t *testing.T, css, pattern string) string {
	t.Helper()
	m := regexp.MustCompile(pattern).FindAllStringSubmatch(css, -1)
	if len(m) == 0 {
		t.Fatalf("style.css has no %s", pattern)
	}
	return m[len(m)-1][1]
}

// luminance is the WCAG 2 relative luminance of a #rrggbb colour.
func luminance(t *testing.T, hex string) float64 {
	t.Helper()
	if len(hex) == 4 { // #fff
		hex = "#" + string([]byte{hex[1], hex[1], hex[2], hex[2], hex[3], hex[3]})
	}
	if len(hex) != 7 {
		t.Fatalf("colour %q is not #rrggbb", hex)
	}
	var ch [3]float64
	for i := range ch {
		v, err := strconv.ParseUint(hex[1+2*i:3+2*i], 16, 8)
		if err != nil {
			t.Fatalf("colour %q: %v", hex, err)
		}
		c := float64(v) / 255
		if c <= 0.04045 {
			ch[i] = c / 12.92
		} else {
			ch[i] = math.Pow((c+0.055)/1.055, 2.4)
		}
	}
	return 0.2126*ch[0] + 0.7152*ch[1] + 0.0722*ch[2]
}

// contrast is the WCAG 2 contrast ratio of two colours.
func contrast(t *testing.T, a, b string) float64 {
	la, lb := luminance(t, a), luminance(t, b)
	return (math.Max(la, lb) + 0.05) / (math.Min(la, lb) + 0.05)
}

func TestHighlightEdgesKeepNonTextContrastAndTheTextStaysReadable(t *testing.T) {
	b, err := FS.ReadFile("style.css")
	if err != nil {
		t.Fatal(err)
	}
	css := string(b)
	hex := `(#[0-9a-fA-F]{3,6})\b`
	page := map[string]string{
		"page": cssColor(t, css, `--bg:\s*`+hex), "text box": cssColor(t, css, `--card:\s*`+hex),
		"gap between underlines": cssColor(t, css, `--hl-gap:\s*`+hex),
	}
	fg := cssColor(t, css, `--fg:\s*`+hex)
	for _, v := range verdicts {
		q := regexp.QuoteMeta(v)
		ink := cssColor(t, css, `--ink-`+q+`:\s*`+hex)
		// The verdict's rule must use that edge, else the numbers below test nothing shown.
		hl := cssColor(t, css, `\.st-`+q+`\s*\{\s*--hl:\s*`+hex+`;\s*--ink:\s*var\(--ink-`+q+`\);`)
		for name, bg := range page {
			if r := contrast(t, ink, bg); r < 3 {
				t.Errorf("%s: edge %s against the %s %s is %.2f:1, want at least 3:1", v, ink, name, bg, r)
			}
		}
		if r := contrast(t, ink, hl); r < 3 {
			t.Errorf("%s: edge %s against its fill %s is %.2f:1, want at least 3:1", v, ink, hl, r)
		}
		if r := contrast(t, fg, hl); r < 4.5 {
			t.Errorf("%s: text %s on the fill %s is %.2f:1, want at least 4.5:1", v, fg, hl, r)
		}
	}
}

func TestContrastOfKnownPairs(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		want float64
	}{
		{"#000000", "#ffffff", 21},
		{"#fff", "#fff", 1},
		{"#767676", "#ffffff", 4.54}, // the darkest grey that passes 4.5:1 on white
	} {
		if got := contrast(t, tt.a, tt.b); math.Abs(got-tt.want) > 0.01 {
			t.Errorf("contrast(%s, %s) = %.3f, want %.2f", tt.a, tt.b, got, tt.want)
		}
	}
}
