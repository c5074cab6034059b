// Package plans embeds the plan files shipped with the binary.
package plans

import (
	"embed"
	"fmt"
)

//go:embed *.json
var files embed.FS

// DefaultName is the file name of the plan loaded when no --plan is given.
const DefaultName = "qujing-2023-2025.json"

// Default returns the bytes of the default plan file.
func Default() ([]byte, error) {
	b, err := files.ReadFile(DefaultName)
	if err != nil {
		return nil, fmt.Errorf("plans: read embedded %s: %w", DefaultName, err)
	}
	return b, nil
}
