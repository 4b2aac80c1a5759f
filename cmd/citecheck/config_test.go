package main

import (
	"flag"
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/citecheck/citecheck"
	"github.com/citecheck/citecheck/fetch"
)

// clearEnv unsets every CITECHECK_* variable of the settings for the test, then sets env.
func clearEnv(t *testing.T, env map[string]string) {
	t.Helper()
	for _, s := range settings {
		t.Setenv(s.env, "")
	}
	for k, v := range env {
		t.Setenv(k, v)
	}
}

func TestLoadConfigFlagBeatsEnvironmentBeatsDefault(t *testing.T) {
	defaults := Config{DB: "data/citecheck.db", Addr: "127.0.0.1:8080", MaxTextBytes: citecheck.DefaultMaxTextBytes,
		SessionIdle: 12 * time.Hour, SessionMax: 14 * 24 * time.Hour, TrashKeep: citecheck.DefaultTrashRetention,
		Fetch: FetchConfig{MaxBytes: fetch.DefaultMaxBytes, Timeout: fetch.DefaultTimeout},
		Live:  LiveConfig{MaxStreams: 500, Heartbeat: 15 * time.Second, Poll: 2 * time.Second}, MemoryLimit: 280 << 20}
	with := func(change func(c *Config)) Config {
		c := defaults
		change(&c)
		return c
	}
	key := strings.Repeat("k", 32)
	for _, tt := range []struct {
		name string
		env  map[string]string
		args []string
		want Config
	}{
		{name: "defaults", want: defaults},
		{name: "from the environment", env: map[string]string{"CITECHECK_DB": "env.db", "CITECHECK_ADDR": ":9000",
			"CITECHECK_MAX_TEXT_BYTES": "1000", "CITECHECK_ORG": "Desk", "CITECHECK_PUBLIC_URL": "https://desk.example",
			"CITECHECK_SESSION_IDLE": "30m", "CITECHECK_SESSION_MAX": "48h",
			"CITECHECK_SESSION_KEY": key, "CITECHECK_ADMIN_PASSWORD": "a long password",
			"CITECHECK_MAX_STREAMS": "20", "CITECHECK_LIVE_HEARTBEAT": "5s", "CITECHECK_LIVE_POLL": "1m"},
			want: Config{DB: "env.db", Addr: ":9000", MaxTextBytes: 1000, Organization: "Desk", PublicURL: "https://desk.example",
				SessionIdle: 30 * time.Minute, SessionMax: 48 * time.Hour, SessionKey: key, AdminPassword: "a long password",
				TrashKeep: defaults.TrashKeep, Fetch: defaults.Fetch, Live: LiveConfig{MaxStreams: 20, Heartbeat: 5 * time.Second, Poll: time.Minute}, MemoryLimit: defaults.MemoryLimit}},
		{name: "flags beat the environment",
			env:  map[string]string{"CITECHECK_DB": "env.db", "CITECHECK_MAX_TEXT_BYTES": "1000", "CITECHECK_SESSION_IDLE": "30m"},
			args: []string{"--db", "flag.db", "--max-text-bytes", "2000", "--session-idle", "1h", "--session-max", "72h"},
			want: with(func(c *Config) {
				c.DB, c.MaxTextBytes, c.SessionIdle, c.SessionMax = "flag.db", 2000, time.Hour, 72*time.Hour
			})},
		{name: "a flag beats the environment even with the default's value",
			env: map[string]string{"CITECHECK_ADDR": ":9000"}, args: []string{"--addr", "127.0.0.1:8080"}, want: defaults},
		{name: "an empty variable is unset", env: map[string]string{"CITECHECK_DB": ""}, want: defaults},
	} {
		t.Run(tt.name, func(t *testing.T) {
			clearEnv(t, tt.env)
			cfg, _, err := loadConfig(serveCommand, tt.args, io.Discard, nil)
			if err != nil || !reflect.DeepEqual(cfg, tt.want) {
				t.Fatalf("config %+v, %v; want %+v", cfg, err, tt.want)
			}
		})
	}
}

func TestLoadConfigRefusesBadValuesInOneLine(t *testing.T) {
	for _, tt := range []struct {
		name string
		env  map[string]string
		args []string
		err  string
	}{
		{name: "an idle time that is not a duration", env: map[string]string{"CITECHECK_SESSION_IDLE": "12 hours"}, err: "CITECHECK_SESSION_IDLE"},
		{name: "a day is not a unit", env: map[string]string{"CITECHECK_SESSION_MAX": "14d"}, err: "CITECHECK_SESSION_MAX"},
		{name: "a zero idle time", args: []string{"--session-idle", "0s"}, err: "--session-idle: must be positive"},
		{name: "a negative lifetime", args: []string{"--session-max", "-1h"}, err: "--session-max: must be positive"},
		{name: "a text limit that is not a number", env: map[string]string{"CITECHECK_MAX_TEXT_BYTES": "5MB"}, err: "CITECHECK_MAX_TEXT_BYTES"},
		{name: "a zero text limit", args: []string{"--max-text-bytes", "0"}, err: "--max-text-bytes"},
		{name: "a bad flag beats a good variable", env: map[string]string{"CITECHECK_MAX_TEXT_BYTES": "1000"},
			args: []string{"--max-text-bytes", "-5"}, err: "--max-text-bytes"},
		{name: "an empty database path", args: []string{"--db", ""}, err: "--db: must not be empty"},
		{name: "a relative public URL", env: map[string]string{"CITECHECK_PUBLIC_URL": "desk.example"}, err: "CITECHECK_PUBLIC_URL"},
		{name: "a short session key", env: map[string]string{"CITECHECK_SESSION_KEY": "short"}, err: "CITECHECK_SESSION_KEY: must be at least 32 bytes"},
		{name: "an unknown flag", args: []string{"--colour", "red"}, err: "flag provided but not defined"},
		{name: "an argument serve does not take", args: []string{"extra"}, err: "usage: citecheck serve"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			clearEnv(t, tt.env)
			_, _, err := loadConfig(serveCommand, tt.args, io.Discard, nil)
			if err == nil || !strings.Contains(err.Error(), tt.err) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("error %v, want one line with %q", err, tt.err)
			}
		})
	}
}

// TestEveryCommandReadsTheDatabaseSetting runs the loader as each subcommand does: --db and
// CITECHECK_DB mean the same everywhere, and a setting a command does not use is not a flag of
// it.
func TestEveryCommandReadsTheDatabaseSetting(t *testing.T) {
	commands := []command{serveCommand, userCommand("add", ""), {name: "import", uses: withTextLimit, args: 1},
		{name: "token create", uses: dbOnly}, {name: "backup", uses: dbOnly}}
	for _, cmd := range commands {
		t.Run(cmd.name, func(t *testing.T) {
			args := make([]string, cmd.args)
			for i := range args {
				args[i] = "file.json"
			}
			clearEnv(t, map[string]string{"CITECHECK_DB": "env.db"})
			if cfg, _, err := loadConfig(cmd, args, io.Discard, nil); err != nil || cfg.DB != "env.db" {
				t.Fatalf("from the environment: %q %v", cfg.DB, err)
			}
			if cfg, _, err := loadConfig(cmd, append(args, "--db", "flag.db"), io.Discard, nil); err != nil || cfg.DB != "flag.db" {
				t.Fatalf("from the flag after the arguments: %q %v", cfg.DB, err)
			}
			_, _, err := loadConfig(cmd, append(args, "--addr", ":1"), io.Discard, nil)
			if uses := fmt.Sprint(cmd.uses); strings.Contains(uses, sAddr) != (err == nil) {
				t.Fatalf("--addr with settings %s: %v", uses, err)
			}
		})
	}
}

func TestLoadConfigTakesFlagsAroundTheArguments(t *testing.T) {
	cmd := command{name: "import", uses: withTextLimit, args: 1, usage: "usage: import FILE"}
	for _, tt := range []struct {
		name string
		args []string
		file string
		user string
		err  string
	}{
		{name: "flags first", args: []string{"--user", "rita", "f.json"}, file: "f.json", user: "rita"},
		{name: "flags after", args: []string{"f.json", "--user", "rita"}, file: "f.json", user: "rita"},
		{name: "stdin", args: []string{"-", "--user", "rita"}, file: "-", user: "rita"},
		{name: "a file after --", args: []string{"--user", "rita", "--", "--odd.json"}, file: "--odd.json", user: "rita"},
		{name: "no file", args: []string{"--user", "rita"}, err: "usage: import FILE"},
		{name: "two files", args: []string{"a.json", "b.json"}, err: "usage: import FILE"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			clearEnv(t, nil)
			var user *string
			_, pos, err := loadConfig(cmd, tt.args, io.Discard, func(fs *flag.FlagSet) { user = fs.String("user", "", "") })
			if tt.err != "" {
				if err == nil || err.Error() != tt.err {
					t.Fatalf("error %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil || len(pos) != 1 || pos[0] != tt.file || *user != tt.user {
				t.Fatalf("arguments %q, user %q, %v", pos, *user, err)
			}
		})
	}
}

func TestConfigPrintsSecretsMasked(t *testing.T) {
	cfg := Config{DB: "c.db", SessionKey: strings.Repeat("k", 32), AdminPassword: "a long password"}
	line := fmt.Sprint(cfg.logAttrs(serveCommand.uses))
	if strings.Contains(line, "kkkk") || strings.Contains(line, "a long password") ||
		!strings.Contains(line, "session_key (set)") || !strings.Contains(line, "db c.db") {
		t.Fatalf("printed %s", line)
	}
	if line := fmt.Sprint((&Config{}).logAttrs(serveCommand.uses)); !strings.Contains(line, "admin_password (unset)") {
		t.Fatalf("printed %s", line)
	}
}

// TestConfigPrintsDatabaseURLWithoutPassword: a postgres:// URL is printed with its password
// masked, and everything else of it kept, so the log says which database without the secret.
func TestConfigPrintsDatabaseURLWithoutPassword(t *testing.T) {
	cfg := Config{DB: "postgres://desk:s3cret-pass@db.internal:5432/citecheck?sslmode=require"}
	line := fmt.Sprint(cfg.logAttrs(serveCommand.uses))
	if strings.Contains(line, "s3cret-pass") || !strings.Contains(line, "postgres://desk:xxxxx@db.internal:5432/citecheck?sslmode=require") {
		t.Fatalf("printed %s", line)
	}
}
