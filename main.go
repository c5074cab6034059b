// Command ruralkpi tracks a city's rural express-delivery three-year plan: county returns in,
// red/amber/green progress out. See README.md.
package main

import (
	"os"

	"ruralkpi/cli"
)

func main() {
	os.Exit(cli.Run(os.Args, cli.Env{Stdout: os.Stdout, Stderr: os.Stderr, Stdin: os.Stdin}))
}
