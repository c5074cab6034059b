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
	fs := newFlags(env, "user list", "user list --db PATH")
	dbPath := fs.String("db", "", "SQLite database file")
	planPath := fs.String("plan", "", "plan file (JSON); default: the embedded plan")
	if err := fs.Parse(args); err != nil {
		return err
	}
	_, store, err := openPlanStore(*dbPath, *planPath)
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
	synopsis := map[string]string{
		"disable":        "user disable --db PATH --username NAME",
		"enable":         "user enable --db PATH --username NAME",
		"reset-password": "user reset-password --db PATH --username NAME < password",
		"set-role":       "user set-role --db PATH --username NAME --role office|county|leader [--unit CODE]",
	}[sub]
	fs := newFlags(env, "user "+sub, synopsis)
	dbPath := fs.String("db", "", "SQLite database file")
	planPath := fs.String("plan", "", "plan file (JSON); default: the embedded plan")
	username := fs.String("username", "", "login name")
	role, unit := "", ""
	if sub == "set-role" {
		fs.StringVar(&role, "role", "", "office, county or leader")
		fs.StringVar(&unit, "unit", "", "reporting unit code (county users only)")
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *username == "" {
		fs.Usage()
		return errors.New("--username is required")
	}
	var ch models.UserChange
	switch sub {
	case "disable", "enable":
		disabled := sub == "disable"
		ch.Disabled = &disabled
	case "reset-password":
		pw, err := readPasswordLine(env)
		if err != nil {
			return err
		}
		ch.Password = &pw
	case "set-role":
		if role == "" {
			fs.Usage()
			return errors.New("--role is required")
		}
		ch.Role, ch.UnitCode = &role, &unit
	}
	plan, store, err := openPlanStore(*dbPath, *planPath)
	if err != nil {
		return err
	}
	defer store.Close()
	before, after, err := store.UpdateUser(plan, *username, ch)
	if err != nil {
		return userMessage(err)
	}
	b, a := userAuditFields(before), userAuditFields(after)
	if ch.Password != nil {
		b["password"], a["password"] = "(old)", "(reset)"
	}
	actor := cliActor()
	if err := store.Audit(models.AuditEntry{At: time.Now(), Actor: actor.Username, IP: actor.IP, Action: models.AuditUserUpdate,
		Subject: *username, Before: models.AuditJSON(b), After: models.AuditJSON(a)}); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "%s: %s done\n", *username, sub)
	if ch.Password != nil {
		fmt.Fprintf(env.Stdout, "%s: every API token of the user is revoked\n", *username)
	}
	return nil
}

func userAuditFields(u models.User) map[string]any {
	return map[string]any{"username": u.Username, "role": u.Role, "unit": u.UnitCode, "disabled": u.Disabled}
}
