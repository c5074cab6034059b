package cli

import (
	"bufio"
	"errors"
	"fmt"
	"strings"
	"time"

	"ruralkpi/models"
)

func runUser(env Env, args []string) error {
	change := func(sub string) subcommand {
		return subcommand{sub, func(env Env, args []string) error { return runUserChange(env, sub, args) }}
	}
	return runGroup(env, "user", "Manages users; every change is audited as `cli`. Passwords are read from standard input (one line).",
		[]subcommand{{"add", runUserAdd}, {"list", runUserList}, change("disable"), change("enable"), change("reset-password"), change("set-role")}, args)
}

func runUserAdd(env Env, args []string) error {
	fs := newFlags(env, "user add", "Creates a user; the password is read from standard input (one line). Creates the database\n"+
		"if it does not exist (a new deployment).", "< password", "db", "username")
	dbPath := fs.String("db", "", "database: SQLite file `PATH` (created if missing) or postgres:// URL")
	planPath := fs.String("plan", "", "plan `FILE` (JSON); default: the embedded plan")
	nu := models.NewUser{}
	fs.StringVar(&nu.Username, "username", "", "login `NAME`")
	fs.StringVar(&nu.Role, "role", models.RoleOffice, "`office|county|leader`")
	fs.StringVar(&nu.UnitCode, "unit", "", "reporting unit `CODE` (county users only)")
	fs.StringVar(&nu.DisplayName, "name", "", "display name (`显示名`)")
	if err := fs.parse(args); err != nil {
		return err
	}
	if len(fs.positional()) > 0 {
		return fs.misuse("unexpected argument %q", fs.positional()[0])
	}
	if env.Stdin == nil {
		return errors.New("the password is read from standard input")
	}
	line, err := bufio.NewReader(env.Stdin).ReadString('\n')
	if err != nil && line == "" {
		return errors.New("no password on standard input")
	}
	nu.Password = strings.TrimRight(line, "\r\n")
	plan, store, err := openPlanStore(*dbPath, *planPath, createDB)
	if err != nil {
		return err
	}
	defer store.Close()
	u, err := store.CreateUser(plan, nu, cliActor(), time.Now())
	if err != nil {
		if ae := (*models.Error)(nil); errors.As(err, &ae) {
			return errors.New(ae.Message)
		}
		return err
	}
	fmt.Fprintf(env.Stdout, "created %s user %q\n", u.Role, u.Username)
	return nil
}
