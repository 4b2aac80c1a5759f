package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os/signal"
	"syscall"
	"time"

	"github.com/citecheck/citecheck"
	"github.com/citecheck/citecheck/desk"
	"github.com/citecheck/citecheck/handlers"
	"github.com/citecheck/citecheck/store"
)

// serveCommand uses every setting.
var serveCommand = command{name: "serve", uses: printOrder, usage: "usage: citecheck serve [--addr 127.0.0.1:8080] [flags]"}

func serve(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, _, err := loadConfig(serveCommand, args, stderr, nil)
	if err != nil {
		return err
	}
	logger := slog.New(slog.NewTextHandler(stderr, nil))
	logger.Info("config", cfg.logAttrs(serveCommand.uses)...)
	applyMemoryLimit(cfg)
	fetchCfg, err := cfg.Fetch.handlerConfig()
	if err != nil {
		return err
	}
	st, err := store.Open(cfg.DB)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := ensureAdmin(ctx, st, cfg.AdminPassword, stdout); err != nil {
		return err
	}
	key := []byte(cfg.SessionKey)
	if len(key) == 0 {
		if key, err = st.SessionKey(ctx); err != nil {
			return err
		}
	}
	// Closing shutdown ends the live streams, which would otherwise hold a graceful shutdown
	// until its deadline.
	shutdown := make(chan struct{})
	e, err := handlers.New(st, handlers.Config{MaxTextBytes: cfg.MaxTextBytes, SessionKey: key, Logger: logger,
		Organization: cfg.Organization, PublicURL: cfg.PublicURL,
		SessionIdle: cfg.SessionIdle, SessionMaxAge: cfg.SessionMax, Fetch: fetchCfg, TrashKeep: cfg.TrashKeep,
		MaxStreams: cfg.Live.MaxStreams, LiveHeartbeat: cfg.Live.Heartbeat, LivePoll: cfg.Live.Poll, Shutdown: shutdown})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	srv := newHTTPServer(e, 10*time.Second)
	srv.RegisterOnShutdown(func() { close(shutdown) })
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	go purgeTrash(ctx, st, cfg.TrashKeep, logger)
	logger.Info("listening", "url", "http://"+ln.Addr().String())
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

// purgeTrash removes for good what has waited in the trash longer than keep: at start, then
// every hour until ctx ends.
func purgeTrash(ctx context.Context, st *store.Store, keep time.Duration, logger *slog.Logger) {
	tick := time.NewTicker(time.Hour)
	defer tick.Stop()
	for {
		docs, claims, err := st.PurgeTrash(ctx, keep)
		if err != nil && ctx.Err() == nil {
			logger.Error("purge the trash", "err", err)
		}
		if docs+claims > 0 {
			logger.Info("purged the trash", "documents", docs, "claims", claims)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// ensureAdmin creates the first user, admin, on a database with none, and prints its password
// once unless it came from CITECHECK_ADMIN_PASSWORD.
func ensureAdmin(ctx context.Context, st *store.Store, password string, stdout io.Writer) error {
	n, err := st.CountUsers(ctx)
	if err != nil || n > 0 {
		return err
	}
	generated := password == ""
	if generated {
		tok, err := citecheck.NewToken()
		if err != nil {
			return err
		}
		password = tok[3:23]
	}
	if _, err := desk.AddUser(ctx, st, desk.Operator, desk.NewUser{Name: "admin", Role: string(citecheck.RoleAdmin),
		Password: password}); err != nil {
		return err
	}
	if generated {
		fmt.Fprintf(stdout, "created user admin with password %s (shown once; change it)\n", password)
	} else {
		fmt.Fprintln(stdout, "created user admin with the password from CITECHECK_ADMIN_PASSWORD")
	}
	return nil
}

// newHTTPServer cuts slow clients off: the headers must arrive within headerTimeout, the whole
// request within a minute (uploads of a few MB included), and an idle connection is closed
// after two.
func newHTTPServer(h http.Handler, headerTimeout time.Duration) *http.Server {
	return &http.Server{Handler: h, ReadHeaderTimeout: headerTimeout, ReadTimeout: time.Minute,
		WriteTimeout: time.Minute, IdleTimeout: 2 * time.Minute, MaxHeaderBytes: 64 << 10}
}
