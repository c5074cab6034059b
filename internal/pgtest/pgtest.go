// Package pgtest gives tests a PostgreSQL database of their own: a fresh schema per test (or a whole
// database, for the few that need one) on the server RURALKPI_TEST_PG names, dropped when the test
// ends. Without RURALKPI_TEST_PG the
// PostgreSQL half of a test is skipped loudly — and fails instead when CI or E2E_REQUIRE=1 is set,
// so that CI never skips it silently.
package pgtest

import (
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"

	"ruralkpi/internal/testkit"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver for the admin connection
)

// EnvURL is the environment variable naming the PostgreSQL server tests may create databases on
// (a libpq URL of an existing database, e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable).
const EnvURL = "RURALKPI_TEST_PG"

// Server returns the URL of the server tests create databases on, or skips the test (failing it
// when testkit.Required) when RURALKPI_TEST_PG is not set.
func Server(t testing.TB) string {
	t.Helper()
	u := os.Getenv(EnvURL)
	if u == "" {
		msg := "POSTGRESQL HALF SKIPPED: set " + EnvURL + "=postgres://… to run it (see README, Testing)"
		if testkit.Required() {
			t.Fatal(msg + " — required here (CI or E2E_REQUIRE=1)")
		}
		t.Skip(msg)
	}
	return u
}

// URL returns the URL of a fresh, empty schema for the test on the server's database: the URL sets
// the session's search_path to it, so that everything the test creates lands there. It is dropped, with all it
// holds, when the test ends. (A schema is made in milliseconds; a database takes seconds, which
// over a hundred store tests is minutes.)
func URL(t testing.TB) string {
	t.Helper()
	server, name := fresh(t, "schema", "CREATE SCHEMA %s", "DROP SCHEMA IF EXISTS %s CASCADE")
	u, err := url.Parse(server)
	if err != nil {
		t.Fatalf("pgtest: %s: %v", EnvURL, err)
	}
	// options (not search_path) so that libpq's tools (psql, pg_dump) read the URL too.
	q := u.Query()
	q.Set("options", "-c search_path="+name)
	u.RawQuery = q.Encode()
	return u.String()
}

// Database creates a fresh, empty database for the test and returns its URL; it is dropped (with any
// connection still open to it) when the test ends. For tests that need a whole database of their
// own (pg_dump and pg_restore).
func Database(t testing.TB) string {
	t.Helper()
	server, name := fresh(t, "database", "CREATE DATABASE %s", "DROP DATABASE IF EXISTS %s WITH (FORCE)")
	out, err := WithDatabase(server, name)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// fresh makes a newly named schema or database (kind) on the test server with create and drops it
// with drop when the test ends (both format strings take the name); it returns the server's URL and
// the name.
func fresh(t testing.TB, kind, create, drop string) (server, name string) {
	t.Helper()
	server = Server(t)
	name, err := randomName()
	if err != nil {
		t.Fatal(err)
	}
	admin := adminConn(t, server)
	if _, err := admin.Exec(fmt.Sprintf(create, name)); err != nil {
		t.Fatalf("pgtest: create %s: %v", kind, err)
	}
	t.Cleanup(func() {
		if _, err := admin.Exec(fmt.Sprintf(drop, name)); err != nil {
			t.Errorf("pgtest: drop %s %s: %v", kind, name, err)
		}
	})
	return server, name
}

// adminConn is a connection to the server's own database, closed when the test ends (after the
// cleanups registered later, which drop what the test made).
func adminConn(t testing.TB, server string) *sql.DB {
	t.Helper()
	admin, err := sql.Open("pgx", server)
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	t.Cleanup(func() { _ = admin.Close() })
	return admin
}

// WithDatabase returns the server URL naming database name instead of its own.
func WithDatabase(server, name string) (string, error) {
	u, err := url.Parse(server)
	if err != nil {
		return "", fmt.Errorf("pgtest: %s: %w", EnvURL, err)
	}
	u.Path = "/" + name
	return u.String(), nil
}

// randomName is a database name no other test (or engineer) on the server uses.
func randomName() (string, error) {
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("pgtest: %w", err)
	}
	return "rkpi_test_" + strings.ToLower(hex.EncodeToString(b)), nil
}
