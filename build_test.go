package main

// Tests of what a new operator meets first: the Makefile's targets and the asset fetch script.
// They run make with -n (print, do not run) and the fetch script against a fake npm, so they are
// cheap and touch no network.

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"ruralkpi/internal/testkit"
)

func makeOutput(t *testing.T, args ...string) string {
	t.Helper()
	cmd := exec.Command(testkit.Tool(t, "make", "apt-get install make"), append([]string{"--no-print-directory"}, args...)...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("make %v: %v\n%s", args, err, out)
	}
	return string(out)
}

// TestMakeListsTargets: plain `make` prints the targets, each with one line, instead of fetching
// assets and stopping.
func TestMakeListsTargets(t *testing.T) {
	out := makeOutput(t)
	if out != makeOutput(t, "help") {
		t.Errorf("make and make help differ:\n%s", out)
	}
	var phony []string
	for _, f := range []string{"Makefile", "assets.mk"} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range regexp.MustCompile(`(?m)^\.PHONY:(.*)$`).FindAllStringSubmatch(string(b), -1) {
			phony = append(phony, strings.Fields(m[1])...)
		}
	}
	if len(phony) < 8 {
		t.Fatalf("found only %v in .PHONY", phony)
	}
	for _, target := range phony {
		if !regexp.MustCompile(`(?m)^  ` + regexp.QuoteMeta(target) + ` +\S`).MatchString(out) {
			t.Errorf("make help does not describe %q:\n%s", target, out)
		}
	}
}

// TestMakeStampsVersion: every binary make builds carries its version and revision.
func TestMakeStampsVersion(t *testing.T) {
	out := makeOutput(t, "-n", "build", "VERSION=v9.9.9-test", "REVISION=0123456789abcdef")
	if !strings.Contains(out, "-X main.version=v9.9.9-test -X main.revision=0123456789abcdef") {
		t.Errorf("make build does not stamp the version:\n%s", out)
	}
	// The stamp reaches `ruralkpi version` (the variables exist in package main).
	bin := filepath.Join(t.TempDir(), "ruralkpi")
	build := exec.Command("go", "build", "-ldflags", "-X main.version=v9.9.9-test -X main.revision=0123456789abcdef", "-o", bin, ".")
	if b, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, b)
	}
	got, err := exec.Command(bin, "version").Output()
	if err != nil || string(got) != "ruralkpi v9.9.9-test (0123456789ab)\n" {
		t.Errorf("version = %q, %v", got, err)
	}
}

// TestMakeTestNamesScreenshotFolder: make test says where the screenshots are and removes old
// folders (they are ~15 MB a run).
func TestMakeTestNamesScreenshotFolder(t *testing.T) {
	out := makeOutput(t, "-n", "test")
	for _, want := range []string{"ls -dt /tmp/ruralkpi-e2e-*", "rm -rf", `echo "make test: browser screenshots in $out"`, `E2E_OUT="$out"`, "exit $rc"} {
		if !strings.Contains(out, want) {
			t.Errorf("make test lacks %q:\n%s", want, out)
		}
	}
}

// TestFetchAssetsShowsNpmError: when npm fails (registry unreachable), its own message and exit
// status reach the operator instead of "produced no tarball".
func TestFetchAssetsShowsNpmError(t *testing.T) {
	testkit.Tool(t, "sha256sum", "apt-get install coreutils")
	root := t.TempDir()
	if err := os.Mkdir(filepath.Join(root, "scripts"), 0o755); err != nil {
		t.Fatal(err)
	}
	script, err := os.ReadFile(filepath.Join("scripts", "fetch-assets.sh"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "scripts", "fetch-assets.sh"), script, 0o755); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(root, "fakebin")
	if err := os.Mkdir(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	// Like npm, it says nothing with --silent.
	fakeNpm := "#!/bin/sh\ncase \" $* \" in *' --silent '*) exit 7;; esac\n" +
		"echo 'npm error code ECONNREFUSED' >&2\necho 'npm error request to https://registry.npmjs.org/echarts failed' >&2\nexit 7\n"
	if err := os.WriteFile(filepath.Join(bin, "npm"), []byte(fakeNpm), 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("sh", filepath.Join(root, "scripts", "fetch-assets.sh"))
	cmd.Env = append(os.Environ(), "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("fetch succeeded with a failing npm:\n%s", out)
	}
	for _, want := range []string{"npm error code ECONNREFUSED", "registry.npmjs.org/echarts failed", "exit status 7"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(string(out), "produced no tarball") {
		t.Errorf("npm's failure is reported as a missing tarball:\n%s", out)
	}
}
