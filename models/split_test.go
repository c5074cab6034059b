package models_test

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// goTool runs the go command in the module and returns its output.
func goTool(t *testing.T, env []string, args ...string) string {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command is needed to check the package split: %v", err)
	}
	cmd := exec.Command(goBin, args...)
	cmd.Dir = ".."
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// TestModelsStaysPure keeps the split of issue 11: models holds plain types and rules, so it pulls
// in no database library or driver and builds without cgo; only store talks to the database.
func TestModelsStaysPure(t *testing.T) {
	t.Run("models depends on no database library", func(t *testing.T) {
		for _, dep := range strings.Fields(goTool(t, nil, "list", "-deps", "ruralkpi/models")) {
			if strings.HasPrefix(dep, "gorm.io/") || strings.HasPrefix(dep, "github.com/mattn/") ||
				strings.HasPrefix(dep, "github.com/jackc/") || dep == "database/sql" {
				t.Errorf("ruralkpi/models depends on %s", dep)
			}
		}
	})
	t.Run("models builds without cgo", func(t *testing.T) {
		goTool(t, []string{"CGO_ENABLED=0"}, "build", "./models")
	})
	t.Run("only store imports gorm", func(t *testing.T) {
		out := goTool(t, nil, "list", "-f", `{{.ImportPath}} {{join .Imports " "}} {{join .TestImports " "}} {{join .XTestImports " "}}`, "./...")
		for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
			fields := strings.Fields(line)
			if len(fields) == 0 || fields[0] == "ruralkpi/store" {
				continue
			}
			for _, imp := range fields[1:] {
				if strings.HasPrefix(imp, "gorm.io/") {
					t.Errorf("%s imports %s; only ruralkpi/store may", fields[0], imp)
				}
			}
		}
	})
}
