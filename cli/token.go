package cli

import (
	"fmt"
	"time"
)

func runToken(env Env, args []string) error {
	return runGroup(env, "token", "Personal API tokens for scripts.", []subcommand{{"create", runTokenCreate}}, args)
}

func runTokenCreate(env Env, args []string) error {
	fs := newFlags(env, "token create", "Prints a new personal API token alone on standard output; it is stored hashed and not shown again.", "", "db", "user")
	dbPath := fs.String("db", "", "database: SQLite file `PATH` or postgres:// URL")
	planPath := fs.String("plan", "", "plan `FILE` (JSON); default: the embedded plan")
	username := fs.String("user", "", "the user (`NAME`) the token acts as")
	name := fs.String("name", "cli", "a `LABEL` to recognise the token by")
	store, err := fs.parseAndOpen(args, dbPath, planPath)
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
