package cli

import (
	"errors"
	"fmt"
	"time"
)

func runToken(env Env, args []string) error {
	if len(args) == 0 || args[0] != "create" {
		fmt.Fprintln(env.Stderr, "Usage: ruralkpi token create --db PATH --user NAME [--name LABEL]\n\nPrints the new API token alone on standard output; it is not shown again.")
		if len(args) == 0 || (args[0] != "-h" && args[0] != "--help") {
			return errUsage
		}
		return nil
	}
	fs := newFlags(env, "token create", "token create --db PATH --user NAME [--name LABEL]")
	dbPath := fs.String("db", "", "SQLite database file")
	planPath := fs.String("plan", "", "plan file (JSON); default: the embedded plan")
	username := fs.String("user", "", "the user the token acts as")
	name := fs.String("name", "cli", "a label to recognise the token by")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *username == "" {
		fs.Usage()
		return errors.New("--user is required")
	}
	_, store, err := openPlanStore(*dbPath, *planPath)
	if err != nil {
		return err
	}
	defer store.Close()
	u, err := store.UserByName(*username)
	if err != nil {
		return userMessage(err)
	}
	if u.Disabled {
		return fmt.Errorf("user %q is disabled", u.Username)
	}
	now := time.Now()
	token, _, err := store.CreateAPIToken(u, *name, cliActor(), now)
	if err != nil {
		return userMessage(err)
	}
	fmt.Fprintln(env.Stdout, token)
	return nil
}
