package models_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestREADMEWorkedExamplesAreTests: every worked example of the README's progress rules is a test —
// a sub-test of that name ("name" or "name/…" in a models test), or the test named beside it.
func TestREADMEWorkedExamplesAreTests(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(readme)
	start := strings.Index(text, "### Worked examples")
	if start < 0 {
		t.Fatal("README has no worked examples")
	}
	end := strings.Index(text[start+1:], "\n### ")
	section := text[start : start+1+end]
	files, err := filepath.Glob("*_test.go")
	if err != nil {
		t.Fatal(err)
	}
	var src strings.Builder
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		src.Write(b)
	}
	tests := src.String()
	example := regexp.MustCompile("(?m)^\\*\\*([a-z0-9_]+)\\*\\*(?: \\(`(Test\\w+)`\\))? —")
	found := example.FindAllStringSubmatch(section, -1)
	if len(found) < 20 {
		t.Fatalf("found %d worked examples, want every one", len(found))
	}
	for _, m := range found {
		name, fn := m[1], m[2]
		switch {
		case fn != "" && strings.Contains(tests, "func "+fn+"("):
		case strings.Contains(tests, `"`+name+`"`) || strings.Contains(tests, `"`+name+`/`):
		default:
			t.Errorf("worked example %q has no test", name)
		}
	}
}
