package views

import (
	"strings"
	"unicode/utf8"
)

// uaNames maps a tell-tale part of a User-Agent to a name people recognise, first match wins:
// Edge and Opera also say "Chrome", Chrome also says "Safari", Android also says "Linux".
type uaNames []struct{ token, name string }

var (
	uaBrowsers = uaNames{
		{"Edg/", "Edge"}, {"OPR/", "Opera"}, {"Firefox/", "Firefox"}, {"HeadlessChrome/", "Headless Chrome"},
		{"Chromium/", "Chromium"}, {"Chrome/", "Chrome"}, {"CriOS/", "Chrome"}, {"FxiOS/", "Firefox"},
		{"Safari/", "Safari"}, {"curl/", "curl"}, {"Go-http-client/", "Go program"}, {"python-requests/", "Python program"},
	}
	uaSystems = uaNames{
		{"Android", "Android"}, {"iPhone", "iOS"}, {"iPad", "iPadOS"}, {"CrOS", "ChromeOS"},
		{"Mac OS X", "macOS"}, {"Windows", "Windows"}, {"Linux", "Linux"},
	}
)

func (names uaNames) find(ua string) string {
	for _, n := range names {
		if strings.Contains(ua, n.token) {
			return n.name
		}
	}
	return ""
}

// maxBrowserLabel bounds the label of a User-Agent that names nothing known.
const maxBrowserLabel = 60

// BrowserLabel names the browser and system a User-Agent describes, such as "Firefox on Linux",
// so that people can tell their sessions apart; the full header stays available as a tooltip.
func BrowserLabel(ua string) string {
	browser, system := uaBrowsers.find(ua), uaSystems.find(ua)
	switch {
	case browser != "" && system != "":
		return browser + " on " + system
	case browser != "":
		return browser
	case system != "":
		return "A browser on " + system
	case strings.TrimSpace(ua) == "":
		return "Unknown browser"
	case utf8.RuneCountInString(ua) > maxBrowserLabel:
		return string([]rune(ua)[:maxBrowserLabel]) + "…"
	}
	return ua
}
