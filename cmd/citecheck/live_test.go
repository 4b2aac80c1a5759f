package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestLiveStreamSeesOtherProcessesAndEndsOnSIGTERM runs the real server with a live stream
// open: a revision written by another process on the same file (the command line) reaches the
// stream through the hub's poll, and SIGTERM ends the stream and the server cleanly (exit 0,
// not a shutdown that gave up waiting for the stream).
func TestLiveStreamSeesOtherProcessesAndEndsOnSIGTERM(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "citecheck")
	buildBinary(t, bin)
	db := filepath.Join(dir, "c.db")
	cmd := exec.Command(bin, "serve", "--db", db, "--addr", "127.0.0.1:0", "--live-heartbeat", "1h")
	cmd.Env = append(os.Environ(), "CITECHECK_ADMIN_PASSWORD=admin password")
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	base := ""
	sc := bufio.NewScanner(stderr)
	for sc.Scan() {
		if i := strings.Index(sc.Text(), "url=http://"); i >= 0 {
			base = strings.Fields(sc.Text()[i+4:])[0]
			break
		}
	}
	if base == "" {
		t.Fatal("server did not say where it listens")
	}
	go io.Copy(io.Discard, stderr)
	tok, _, err := runCLI(t, "", "token", "create", "--db", db, "--user", "admin")
	if err != nil {
		t.Fatal(err)
	}
	auth := "Bearer " + strings.TrimSpace(tok)
	b, _ := json.Marshal(map[string]string{"title": "k", "text": "One claim. [1]"})
	req, _ := http.NewRequest("POST", base+"/api/v1/documents", bytes.NewReader(b))
	req.Header.Set("Authorization", auth)
	res, err := http.DefaultClient.Do(req)
	if err != nil || res.StatusCode != http.StatusCreated {
		t.Fatalf("create document: %v %v", res, err)
	}
	var doc struct{ ID int64 }
	json.NewDecoder(res.Body).Decode(&doc)
	res.Body.Close()

	req, _ = http.NewRequest("GET", fmt.Sprintf("%s/api/v1/documents/%d/events", base, doc.ID), nil)
	req.Header.Set("Authorization", auth)
	stream, err := http.DefaultClient.Do(req)
	if err != nil || stream.StatusCode != http.StatusOK {
		t.Fatalf("open stream: %v %v", stream, err)
	}
	defer stream.Body.Close()
	lines := bufio.NewScanner(stream.Body)
	lines.Scan() // the opening comment: the stream is subscribed

	if _, out, err := runCLI(t, "One claim. [1] And more.", "revise", "--db", db, "--doc", fmt.Sprint(doc.ID), "--user", "admin", "-"); err != nil {
		t.Fatalf("revise: %v %s", err, out)
	}
	for lines.Scan() {
		if lines.Text() == "event: revision.created" {
			break
		}
	}
	if lines.Err() != nil {
		t.Fatalf("the stream ended before the other process's revision: %v", lines.Err())
	}

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	for lines.Scan() {
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("serve after SIGTERM with a stream open: %v", err)
	}
}
