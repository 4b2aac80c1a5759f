package main

import (
	"io"
	"net"
	"net/http"
	"testing"
	"time"
)

// TestSlowClientsAreCutOff opens a connection that sends half a request and then stalls: the
// server built by serve closes it once the header timeout passes, instead of holding it forever.
func TestSlowClientsAreCutOff(t *testing.T) {
	srv := newHTTPServer(http.NotFoundHandler(), 300*time.Millisecond)
	if srv.ReadTimeout == 0 || srv.WriteTimeout == 0 || srv.IdleTimeout == 0 || srv.MaxHeaderBytes == 0 {
		t.Fatalf("server without limits: %+v", srv)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	defer srv.Close()
	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.Write([]byte("GET / HTTP/1.1\r\nHost: x\r\n")); err != nil {
		t.Fatal(err)
	}
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.ReadAll(conn); err != nil {
		t.Fatalf("the stalled connection was not closed by the server: %v", err)
	}
}
