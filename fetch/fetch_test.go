package fetch

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/citecheck/citecheck"
)

func TestCheckAddrRefusesWhatIsNotPublic(t *testing.T) {
	// The decision alone: none of these addresses is dialled.
	refused := []string{
		"127.0.0.1", "127.8.9.10", "::1", // loopback
		"10.0.0.1", "172.16.5.4", "172.31.255.255", "192.168.1.1", "fc00::1", "fd12:3456::1", // private
		"169.254.169.254", "169.254.1.1", "fe80::1", "fd00:ec2::254", // link-local and metadata
		"100.64.0.1", "100.100.100.200", // carrier-grade NAT, Alibaba's metadata
		"0.0.0.0", "::", // unspecified
		"224.0.0.1", "239.255.255.250", "ff02::1", // multicast
		"255.255.255.255", "240.0.0.1", // reserved and broadcast
		"::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:169.254.169.254", // IPv4-mapped
		"64:ff9b::a9fe:a9fe", "2002:7f00:1::1", // NAT64 and 6to4 around 169.254.169.254 and 127.0.0.1
		"::1%lo", "fe80::1%eth0", "fc00::1%1", "2606:4700:4700::1111%eth0", // zoned: no prefix contains them as they are
		"::127.0.0.1", "::ffff:0:7f00:1", // IPv4-compatible and IPv4-translated forms of 127.0.0.1
		"3fff::1", "4000::1", "e000::1", // documentation, and outside 2000::/3
	}
	allowed := []string{"8.8.8.8", "1.1.1.1", "93.184.216.34", "2606:4700:4700::1111", "2a00:1450:4001:80b::200e"}
	var none AllowList
	for _, s := range refused {
		err := none.CheckAddr(netip.MustParseAddr(s))
		if r, ok := err.(*Refusal); !ok || r.Reason == "" {
			t.Errorf("%s: %v, want a refusal", s, err)
		}
	}
	for _, s := range allowed {
		if err := none.CheckAddr(netip.MustParseAddr(s)); err != nil {
			t.Errorf("%s: %v, want allowed", s, err)
		}
	}
	if err := none.CheckAddr(netip.Addr{}); err == nil {
		t.Error("the zero address is allowed")
	}
}

func TestAllowListOpensOnlyWhatItNames(t *testing.T) {
	a, err := ParseAllowList("10.1.0.0/16, 127.0.0.1 wiki.Internal.")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		addr string
		ok   bool
	}{
		{"10.1.2.3", true}, {"10.2.0.1", false}, {"127.0.0.1", true}, {"127.0.0.2", false},
		{"::ffff:127.0.0.1", true}, {"169.254.169.254", false}, {"8.8.8.8", true},
	}
	for _, tt := range tests {
		if err := a.CheckAddr(netip.MustParseAddr(tt.addr)); (err == nil) != tt.ok {
			t.Errorf("%s: %v, want allowed %v", tt.addr, err, tt.ok)
		}
	}
	if !a.allowsHost("WIKI.internal") || a.allowsHost("internal") {
		t.Errorf("hosts %v", a.Hosts)
	}
	if got := a.String(); got != "10.1.0.0/16,127.0.0.1/32,wiki.internal" {
		t.Errorf("String() = %q", got)
	}
	for _, bad := range []string{"10.0.0.0/33", "[::1]", "user@host", "1.2.3.4:80"} {
		if _, err := ParseAllowList(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// loopbackServer is a test server on 127.0.0.1 that counts the requests it gets.
type loopbackServer struct {
	*httptest.Server
	hits atomic.Int64
}

func newLoopbackServer(t *testing.T, addr string, h http.HandlerFunc) *loopbackServer {
	t.Helper()
	s := &loopbackServer{}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("cannot listen on %s: %v", addr, err)
	}
	s.Server = &httptest.Server{Listener: ln, Config: &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.hits.Add(1)
		h(w, r)
	})}}
	s.Start()
	t.Cleanup(s.Close)
	return s
}

// port is the port the server listens on.
func (s *loopbackServer) port() string {
	_, port, _ := net.SplitHostPort(s.Listener.Addr().String())
	return port
}

func loopbackConfig(t *testing.T) Config {
	t.Helper()
	allow, err := ParseAllowList("127.0.0.1/32")
	if err != nil {
		t.Fatal(err)
	}
	return Config{Enabled: true, Allow: allow, MaxBytes: 1000, Timeout: 2 * time.Second, MaxRedirects: 2}
}

func TestFetchThroughTheAllowList(t *testing.T) {
	var srv *loopbackServer
	srv = newLoopbackServer(t, "127.0.0.1:0", func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/moved":
			http.Redirect(w, r, srv.URL+"/page", http.StatusFound)
		case "/page":
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			w.Write([]byte("Talks began in Vienna on 30 October."))
		case "/md":
			w.Header().Set("Content-Type", "text/x-markdown")
			w.Write([]byte("# Notes\n\nTalks began."))
		}
	})
	f := New(loopbackConfig(t))
	p, err := f.Fetch(context.Background(), srv.URL+"/moved")
	if err != nil {
		t.Fatal(err)
	}
	if p.URL != srv.URL+"/moved" || p.FinalURL != srv.URL+"/page" || p.Status != 200 ||
		p.ContentType != "text/plain" || p.Charset != "utf-8" || string(p.Body) != "Talks began in Vienna on 30 October." {
		t.Errorf("page %+v", p)
	}
	if p, err = f.Fetch(context.Background(), srv.URL+"/md"); err != nil || p.ContentType != "text/markdown" {
		t.Errorf("markdown: %+v %v", p, err)
	}
}

func TestFetchAllowsAHostByName(t *testing.T) {
	srv := newLoopbackServer(t, "127.0.0.1:0", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		w.Write([]byte("ok"))
	})
	allow, _ := ParseAllowList("localhost")
	f := New(Config{Enabled: true, Allow: allow})
	port := srv.Listener.Addr().(*net.TCPAddr).Port
	p, err := f.Fetch(context.Background(), "http://localhost:"+strconv.Itoa(port)+"/")
	if err != nil || string(p.Body) != "ok" {
		t.Fatalf("page %+v, err %v", p, err)
	}
}

func TestFetchRefusals(t *testing.T) {
	// A second server on another loopback address, which the allow list does not name: a
	// redirect there must be refused before anything connects to it.
	other := newLoopbackServer(t, "127.0.0.2:0", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		w.Write([]byte("internal"))
	})
	srv := newLoopbackServer(t, "127.0.0.1:0", func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/to-other":
			http.Redirect(w, r, other.URL+"/", http.StatusFound)
		case "/to-metadata-name":
			http.Redirect(w, r, "http://127.0.0.2:1/latest/meta-data/", http.StatusFound)
		case "/to-ftp":
			http.Redirect(w, r, "ftp://example.org/file.txt", http.StatusFound)
		case "/to-zoned":
			http.Redirect(w, r, "http://[::1%25lo]:"+strings.TrimPrefix(r.Host, "127.0.0.1:")+"/page", http.StatusFound)
		case "/loop":
			http.Redirect(w, r, "/loop", http.StatusFound)
		case "/big":
			w.Header().Set("Content-Type", "text/plain")
			w.Write([]byte(strings.Repeat("a", 1001)))
		case "/big-unannounced":
			w.Header().Set("Content-Type", "text/plain")
			for i := 0; i < 11; i++ {
				w.Write([]byte(strings.Repeat("a", 100)))
				w.(http.Flusher).Flush() // no Content-Length: the limit must hold while reading
			}
		case "/slow":
			<-r.Context().Done() // never answers; the fetch's timeout ends it
		case "/png":
			w.Header().Set("Content-Type", "image/png")
			w.Write([]byte("\x89PNG\r\n"))
		case "/json":
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte("{}"))
		case "/missing":
			http.NotFound(w, r)
		}
	})
	cfg := loopbackConfig(t)
	slow := cfg
	slow.Timeout = 200 * time.Millisecond
	tests := []struct {
		name string
		cfg  Config
		url  string
		code string
	}{
		{"fetching off", Config{}, srv.URL + "/page", citecheck.ECodeFetchDisabled},
		{"loopback without the allow list", Config{Enabled: true}, srv.URL + "/page", citecheck.ECodeFetchRefused},
		{"a redirect to an address not allowed", cfg, srv.URL + "/to-other", citecheck.ECodeFetchRefused},
		{"a redirect to a metadata path on a loopback address not allowed", cfg, srv.URL + "/to-metadata-name", citecheck.ECodeFetchRefused},
		{"a redirect to ftp", cfg, srv.URL + "/to-ftp", citecheck.ECodeFetchRefused},
		{"too many redirects", cfg, srv.URL + "/loop", citecheck.ECodeFetchFailed},
		{"too big", cfg, srv.URL + "/big", citecheck.ECodeTooLarge},
		{"too big without Content-Length", cfg, srv.URL + "/big-unannounced", citecheck.ECodeTooLarge},
		{"too slow", slow, srv.URL + "/slow", citecheck.ECodeFetchFailed},
		{"an image", cfg, srv.URL + "/png", citecheck.ECodeNotText},
		{"JSON", cfg, srv.URL + "/json", citecheck.ECodeNotText},
		{"not found", cfg, srv.URL + "/missing", citecheck.ECodeFetchFailed},
		{"a file URL", cfg, "file:///etc/passwd", citecheck.ECodeFetchRefused},
		{"a gopher URL", cfg, "gopher://127.0.0.1:70/", citecheck.ECodeFetchRefused},
		{"a javascript URL", cfg, "javascript:alert(1)", citecheck.ECodeFetchRefused},
		{"a URL with a password", cfg, "http://u:p@127.0.0.1/", citecheck.ECodeFetchRefused},
		{"no host", cfg, "http:///path", citecheck.ECodeFetchRefused},
		{"IPv6 loopback with a zone", Config{Enabled: true}, "http://[::1%25lo]:" + srv.port() + "/page", citecheck.ECodeFetchRefused},
		{"a redirect to IPv6 loopback with a zone", cfg, srv.URL + "/to-zoned", citecheck.ECodeFetchRefused},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := srv.hits.Load()
			p, err := New(tt.cfg).Fetch(context.Background(), tt.url)
			e, ok := err.(*citecheck.Error)
			if !ok || e.Code != tt.code || e.Field != "url" || e.Message == "" {
				t.Fatalf("page %v, err %v, want %s", p, err, tt.code)
			}
			if tt.code == citecheck.ECodeFetchDisabled || tt.name == "loopback without the allow list" {
				if n := srv.hits.Load() - before; n != 0 {
					t.Errorf("%d requests reached the server", n)
				}
			}
		})
	}
	if n := other.hits.Load(); n != 0 {
		t.Errorf("%d requests reached the address that is not allowed", n)
	}
}
