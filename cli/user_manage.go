package cli

import (
	"bufio"
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"ruralkpi/models"
)

// cliActor is how command-line changes appear in the audit trail.
func cliActor() models.Actor { return models.Actor{Username: "cli", IP: "local"} }

// readPasswordLine reads one password line from standard input.
func readPasswordLine(env Env) (string, error) {
	if env.Stdin == nil {
		return "", errors.New("the password is read from standard input")
	}
	line, err := bufio.NewReader(env.Stdin).ReadString('\n')
	if err != nil && line == "" {
		return "", errors.New("no password on standard input")
	}
	return strings.TrimRight(line, "\r\n"), nil
}

// userMessage turns an application error into its message for the terminal.
func userMessage(err error) error {
	var ae *models.Error
	if errors.As(err, &ae) {
		return errors.New(ae.Message)
	}
	if errors.Is(err, models.ErrNotFound) {
		return errors.New("no such user")
	}
	return err
}

func runUserList(env Env, args []string) error {
	fs := newFlags(env, "user list", "Lists the users: name, role, unit, status.", "", "db")
	dbPath := fs.String("db", "", "database: SQLite file `PATH` or postgres:// URL")
	planPath := fs.String("plan", "", "plan `FILE` (JSON); default: the embedded plan")
	store, err := fs.parseAndOpen(args, dbPath, planPath)
	if err != nil {
		return err
	}
	defer store.Close()
	users, err := store.Users()
	if err != nil {
		return err
	}
	w := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "USERNAME\tROLE\tUNIT\tSTATUS\tNAME")
	for _, u := range users {
		status := "active"
		if u.Disabled {
			status = "disabled"
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", u.Username, u.Role, u.UnitCode, status, u.DisplayName)
	}
	return w.Flush()
}

// runUserChange runs disable, enable, reset-password and set-role: each changes one user and is audited.
func runUserChange(env Env, sub string, args []string) error {
	about := map[string]string{
		"disable":        "Disables a user: no sign-in, no token works.",
		"enable":         "Enables a disabled user again.",
		"reset-password": "Sets a user's password to the one read from standard input (one line).",
		"set-role":       "Changes a user's role (and unit, for county users).",
	}[sub]
	required, args0 := []string{"db", "username"}, ""
	switch sub {
	case "set-role":
		required = append(required, "role")
	case "reset-password":
		args0 = "< password"
	}
	fs := newFlags(env, "user "+sub, about, args0, required...)
	dbPath := fs.String("db", "", "database: SQLite file `PATH` or postgres:// URL")
	planPath := fs.String("plan", "", "plan `FILE` (JSON); default: the embedded plan")
	username := fs.String("username", "", "login `NAME`")
	role, unit := "", ""
	if sub == "set-role" {
		fs.StringVar(&role, "role", "", "`office|county|leader`")
		fs.StringVar(&unit, "unit", "", "reporting unit `CODE` (county users only)")
	}
	if err := fs.parse(args); err != nil {
		return err
	}
	if len(fs.positional()) > 0 {
		return fs.misuse("unexpected argument %q", fs.positional()[0])
	}
	var ch models.UserChange
	switch sub {
	case "disable", "enable":
		disabled := sub == "disable"
		ch.Disabled = &disabled
	case "reset-password":
		// A mistyped --db is said before the password is asked for, not after it was typed.
		if err := requireDatabase(*dbPath, "--db"); err != nil {
			return err
		}
		pw, err := readPasswordLine(env)
		if err != nil {
			return err
		}
		ch.Password = &pw
	case "set-role":
		ch.Role, ch.UnitCode = &role, &unit
	}
	plan, store, err := openPlanStore(*dbPath, *planPath, existingDB)
	if err != nil {
		return err
	}
	defer store.Close()
	if _, _, err := store.UpdateUser(plan, *username, ch, cliActor(), time.Now()); err != nil {
		return userMessage(err)
	}
	fmt.Fprintf(env.Stdout, "%s: %s done\n", *username, sub)
	if ch.Password != nil {
		fmt.Fprintf(env.Stdout, "%s: every API token of the user is revoked\n", *username)
	}
	return nil
}
