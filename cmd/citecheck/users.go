package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/citecheck/citecheck/desk"
	"github.com/citecheck/citecheck/store"
)

const userUsage = "usage: citecheck user add|list|set-role|disable|enable|passwd [flags]"

// user dispatches the user subcommands. Each runs its workflow in desk as the operator, who
// manages users without an admin's role: whoever can open the database could change it anyway.
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

// userCommand is the command of a user subcommand, which opens the database only.
func userCommand(name, flags string) command {
	return command{name: "user " + name, uses: dbOnly, usage: "usage: citecheck user " + name + " " + flags}
}

// withStore opens the database of cfg for do and closes it afterwards.
func withStore(cfg Config, do func(st *store.Store) error) error {
	st, err := store.Open(cfg.DB)
	if err != nil {
		return err
	}
	defer st.Close()
	return do(st)
}

func userAdd(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	var name, role *string
	var pwStdin *bool
	cfg, _, err := loadConfig(userCommand("add", "--name NAME --role ROLE --password-stdin"), args, stderr, func(fs *flag.FlagSet) {
		name = fs.String("name", "", "user name")
		role = fs.String("role", "reviewer", "reviewer, editor or admin")
		pwStdin = fs.Bool("password-stdin", false, "read the password from stdin")
	})
	if err != nil {
		return err
	}
	if strings.TrimSpace(*name) == "" {
		return errors.New("--name is required")
	}
	pw, err := passwordFromStdin(*pwStdin, stdin)
	if err != nil {
		return err
	}
	return withStore(cfg, func(st *store.Store) error {
		u, err := desk.AddUser(ctx, st, desk.Operator, desk.NewUser{Name: *name, Role: *role, Password: pw})
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "added user %s (%s), id %d\n", u.Name, u.Role, u.ID)
		return nil
	})
}

// userList prints one line per user: name, role, and enabled or disabled.
func userList(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, _, err := loadConfig(userCommand("list", ""), args, stderr, nil)
	if err != nil {
		return err
	}
	return withStore(cfg, func(st *store.Store) error {
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
	})
}

func userSetRole(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var name, role *string
	cfg, _, err := loadConfig(userCommand("set-role", "--name NAME --role ROLE"), args, stderr, func(fs *flag.FlagSet) {
		name = fs.String("name", "", "user name")
		role = fs.String("role", "", "reviewer, editor or admin")
	})
	if err != nil {
		return err
	}
	if *name == "" {
		return errors.New("--name is required")
	}
	return withStore(cfg, func(st *store.Store) error {
		u, err := desk.SetRole(ctx, st, desk.Operator, *name, *role)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "user %s is now %s\n", u.Name, u.Role)
		return nil
	})
}

// userSetDisabled serves both "user disable" (where --enable turns it around) and "user enable".
func userSetDisabled(ctx context.Context, cmd string, args []string, disable bool, stdout, stderr io.Writer) error {
	var name *string
	var enable *bool
	cfg, _, err := loadConfig(command{name: cmd, uses: dbOnly, usage: "usage: citecheck " + cmd + " --name NAME"}, args, stderr,
		func(fs *flag.FlagSet) {
			name = fs.String("name", "", "user name")
			if disable {
				enable = fs.Bool("enable", false, "re-enable the user instead")
			}
		})
	if err != nil {
		return err
	}
	if *name == "" {
		return errors.New("--name is required")
	}
	if enable != nil && *enable {
		disable = false
	}
	return withStore(cfg, func(st *store.Store) error {
		u, err := desk.SetDisabled(ctx, st, desk.Operator, *name, disable)
		if err != nil {
			return err
		}
		if u.Disabled {
			fmt.Fprintf(stdout, "user %s is disabled; their sessions and tokens no longer work\n", u.Name)
		} else {
			fmt.Fprintf(stdout, "user %s is enabled\n", u.Name)
		}
		return nil
	})
}

func userPasswd(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	var name *string
	var pwStdin *bool
	cfg, _, err := loadConfig(userCommand("passwd", "--name NAME --password-stdin"), args, stderr, func(fs *flag.FlagSet) {
		name = fs.String("name", "", "user name")
		pwStdin = fs.Bool("password-stdin", false, "read the new password from stdin")
	})
	if err != nil {
		return err
	}
	if *name == "" {
		return errors.New("--name is required")
	}
	pw, err := passwordFromStdin(*pwStdin, stdin)
	if err != nil {
		return err
	}
	return withStore(cfg, func(st *store.Store) error {
		u, err := desk.SetPassword(ctx, st, desk.Operator, *name, pw)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "password of %s changed; their sessions signed in before no longer work\n", u.Name)
		return nil
	})
}

// passwordFromStdin reads one line from stdin, the password. Passwords are never taken as
// flags, where they would show in the process list and the shell history.
func passwordFromStdin(fromStdin bool, stdin io.Reader) (string, error) {
	if !fromStdin {
		return "", errors.New("--password-stdin is required: pass the password on stdin")
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	return strings.TrimRight(line, "\r\n"), nil
}
