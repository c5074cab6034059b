// Command ruralkpi tracks a city's rural express-delivery three-year plan: county returns in,
// red/amber/green progress out. See README.md.
package main

import (
	"os"

	"ruralkpi/cli"
)

// version and revision are stamped by the Makefile with -ldflags "-X main.version=… -X
// main.revision=…" (git describe and the commit); a plain `go build` leaves them empty and the
// version comes from what Go records. Link-time stamps can only be package variables.
var (
	version  string
	revision string
)

func main() {
	os.Exit(cli.Run(os.Args, cli.Env{Stdout: os.Stdout, Stderr: os.Stderr, Stdin: os.Stdin,
		Build: cli.Build{Version: version, Revision: revision}}))
}
