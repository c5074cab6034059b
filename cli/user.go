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
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprintln(env.Stderr, "Usage: ruralkpi user add --db PATH --username NAME --role office|county|leader [--unit CODE] [--name 显示名]\n"+
			"       ruralkpi user list --db PATH\n"+
			"       ruralkpi user disable|enable --db PATH --username NAME\n"+
			"       ruralkpi user reset-password --db PATH --username NAME < password\n"+
			"       ruralkpi user set-role --db PATH --username NAME --role office|county|leader [--unit CODE]\n\n"+
			"Passwords are read from standard input (one line).")
		if len(args) == 0 {
			return errUsage
		}
		return nil
	}
	switch args[0] {
	case "add":
		return runUserAdd(env, args[1:])
	case "list":
		return runUserList(env, args[1:])
	case "disable", "enable", "reset-password", "set-role":
		return runUserChange(env, args[0], args[1:])
	default:
		return fmt.Errorf("unknown user command %q (want add, list, disable, enable, reset-password or set-role)", args[0])
	}
}

func runUserAdd(env Env, args []string) error {
	fs := newFlags(env, "user add", "user add --db PATH --username NAME --role office|county|leader [--unit CODE] [--name NAME] < password")
	dbPath := fs.String("db", "", "SQLite database file")
	planPath := fs.String("plan", "", "plan file (JSON); default: the embedded plan")
	nu := models.NewUser{}
	fs.StringVar(&nu.Username, "username", "", "login name")
	fs.StringVar(&nu.Role, "role", models.RoleOffice, "office, county or leader")
	fs.StringVar(&nu.UnitCode, "unit", "", "reporting unit code (county users only)")
	fs.StringVar(&nu.DisplayName, "name", "", "display name")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if nu.Username == "" {
		fs.Usage()
		return errors.New("--username is required")
	}
	if env.Stdin == nil {
		return errors.New("the password is read from standard input")
	}
	line, err := bufio.NewReader(env.Stdin).ReadString('\n')
	if err != nil && line == "" {
		return errors.New("no password on standard input")
	}
	nu.Password = strings.TrimRight(line, "\r\n")
	plan, store, err := openPlanStore(*dbPath, *planPath)
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
