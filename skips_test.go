package main

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestNoSilentSkipsInCI: CI (.ci/run) installs everything the tests use and sets E2E_REQUIRE=1,
// so no test may skip there for want of a tool, a server or a privilege. Every t.Skip in the
// repository either fails first under E2E_REQUIRE (or testkit.Required, which includes it; testkit.Missing and Tool call it) or
// skips for a reason that holds in CI too: -short (make test never passes it), -update (rewriting
// fixtures), a child process of another test, another operating system.
func TestNoSilentSkipsInCI(t *testing.T) {
	skip := regexp.MustCompile(`\bt\.Skip(f|Now)?\(`)
	legitimate := []string{
		"E2E_REQUIRE", "Required()", // fails in CI instead
		"testing.Short()",            // make test and .ci/run do not pass -short
		"*update",                    // only with -update
		"only runs as the child",     // the child process of another test
		"runtime.GOOS", "/proc/self", // another operating system
	}
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "node_modules" || strings.HasPrefix(d.Name(), ".")) && path != "." {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || path == "skips_test.go" {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		lines := strings.Split(string(b), "\n")
		for i, line := range lines {
			if !skip.MatchString(line) || strings.HasPrefix(strings.TrimSpace(line), "//") {
				continue
			}
			window := strings.Join(lines[max(0, i-8):i+1], "\n")
			ok := false
			for _, l := range legitimate {
				ok = ok || strings.Contains(window, l)
			}
			if !ok {
				t.Errorf("%s:%d skips without failing under E2E_REQUIRE=1 (CI would skip it silently):\n%s", path, i+1, window)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
