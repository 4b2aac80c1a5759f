package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/citecheck/citecheck"
	"github.com/citecheck/citecheck/store"
)

const userUsage = "usage: citecheck user add|list|set-role|disable|enable|passwd [flags]"

// user dispatches the user subcommands.
func user(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return errors.New(userUsage)
	}
	switch sub, rest := args[0], args[1:]; sub {
	case "add":
		return userAdd(ctx, rest, stdin, stdout, stderr)
	case "list":
		return userList(ctx, rest, stdout, stderr)
	case "set-role":
		return userSetRole(ctx, rest, stdout, stderr)
	case "disable":
		return userSetDisabled(ctx, "user disable", rest, true, stdout, stderr)
	case "enable":
		return userSetDisabled(ctx, "user enable", rest, false, stdout, stderr)
	case "passwd":
		return userPasswd(ctx, rest, stdin, stdout, stderr)
	default:
		return fmt.Errorf("unknown user command %q; %s", sub, userUsage)
	}
}

func userAdd(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	var cfg Config
	fs := newFlagSet("user add", stderr, &cfg)
	name := fs.String("name", "", "user name")
	role := fs.String("role", "reviewer", "reviewer, editor or admin")
	pwStdin := fs.Bool("password-stdin", false, "read the password from stdin")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if strings.TrimSpace(*name) == "" {
		return errors.New("--name is required")
	}
	r, err := citecheck.ParseRole(*role)
	if err != nil {
		return err
	}
	hash, err := passwordFromStdin(*pwStdin, stdin)
	if err != nil {
		return err
	}
	st, err := store.Open(cfg.DB)
	if err != nil {
		return err
	}
	defer st.Close()
	u, err := st.CreateUser(ctx, strings.TrimSpace(*name), r, hash)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "added user %s (%s), id %d\n", u.Name, u.Role, u.ID)
	return nil
}

// userList prints one line per user: name, role, and enabled or disabled.
func userList(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg Config
	fs := newFlagSet("user list", stderr, &cfg)
	if err := fs.Parse(args); err != nil {
		return err
	}
	st, err := store.Open(cfg.DB)
	if err != nil {
		return err
	}
	defer st.Close()
	users, err := st.Users(ctx)
	if err != nil {
		return err
	}
	for _, u := range users {
		state := "enabled"
		if u.Disabled {
			state = "disabled"
		}
		fmt.Fprintf(stdout, "%s\t%s\t%s\n", u.Name, u.Role, state)
	}
	return nil
}

func userSetRole(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg Config
	fs := newFlagSet("user set-role", stderr, &cfg)
	name := fs.String("name", "", "user name")
	role := fs.String("role", "", "reviewer, editor or admin")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *name == "" {
		return errors.New("--name is required")
	}
	r, err := citecheck.ParseRole(*role)
	if err != nil {
		return err
	}
	st, err := store.Open(cfg.DB)
	if err != nil {
		return err
	}
	defer st.Close()
	u, err := st.SetUserRole(ctx, *name, r)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "user %s is now %s\n", u.Name, u.Role)
	return nil
}

// userSetDisabled serves both "user disable" (where --enable turns it around) and "user enable".
func userSetDisabled(ctx context.Context, cmd string, args []string, disable bool, stdout, stderr io.Writer) error {
	var cfg Config
	fs := newFlagSet(cmd, stderr, &cfg)
	name := fs.String("name", "", "user name")
	var enable *bool
	if disable {
		enable = fs.Bool("enable", false, "re-enable the user instead")
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *name == "" {
		return errors.New("--name is required")
	}
	if enable != nil && *enable {
		disable = false
	}
	st, err := store.Open(cfg.DB)
	if err != nil {
		return err
	}
	defer st.Close()
	u, err := st.SetUserDisabled(ctx, *name, disable)
	if err != nil {
		return err
	}
	if u.Disabled {
		fmt.Fprintf(stdout, "user %s is disabled; their sessions and tokens no longer work\n", u.Name)
	} else {
		fmt.Fprintf(stdout, "user %s is enabled\n", u.Name)
	}
	return nil
}

func userPasswd(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	var cfg Config
	fs := newFlagSet("user passwd", stderr, &cfg)
	name := fs.String("name", "", "user name")
	pwStdin := fs.Bool("password-stdin", false, "read the new password from stdin")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *name == "" {
		return errors.New("--name is required")
	}
	hash, err := passwordFromStdin(*pwStdin, stdin)
	if err != nil {
		return err
	}
	st, err := store.Open(cfg.DB)
	if err != nil {
		return err
	}
	defer st.Close()
	u, err := st.SetUserPassword(ctx, *name, hash)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "password of %s changed; their sessions signed in before no longer work\n", u.Name)
	return nil
}

// passwordFromStdin reads one line from stdin and hashes it. Passwords are never taken as flags,
// where they would show in the process list and the shell history.
func passwordFromStdin(fromStdin bool, stdin io.Reader) ([]byte, error) {
	if !fromStdin {
		return nil, errors.New("--password-stdin is required: pass the password on stdin")
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	return citecheck.HashPassword(strings.TrimRight(line, "\r\n"))
}
