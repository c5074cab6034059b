package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"ruralkpi/cli"
	"ruralkpi/internal/testkit"
	"ruralkpi/models"
	"ruralkpi/store"
)

// TestREADMETrySampleCommands runs the shell blocks with which README.md (Try the sample files)
// and testdata/README.md tell a new operator to try the sample files, word for word, on the demo
// database as `make run` leaves it: still open by the running server, so that what it wrote may
// still be in SQLite's write-ahead log and not yet in data/demo.db itself (a plain cp of the file
// then copies a database without the demo's returns).
func TestREADMETrySampleCommands(t *testing.T) {
	dir := t.TempDir()
	demo := filepath.Join(dir, "data", "demo.db")
	running, err := store.Open(demo)
	if err != nil {
		t.Fatal(err)
	}
	defer running.Close()
	plan := testkit.Plan(t)
	today, err := models.ParseToday(models.DemoToday)
	if err != nil {
		t.Fatal(err)
	}
	if err := running.SeedPlan(plan); err != nil {
		t.Fatal(err)
	}
	if err := running.SeedDemoAsOf(plan, today); err != nil { // what `make run` (serve --demo) does
		t.Fatal(err)
	}
	want, err := os.ReadFile(filepath.Join("testdata", sampleRefusedList))
	if err != nil {
		t.Fatal(err)
	}
	for _, doc := range []struct{ file, section string }{{"README.md", "## Try the sample files"}, {"testdata/README.md", ""}} {
		t.Run(doc.file, func(t *testing.T) {
			text, err := os.ReadFile(doc.file)
			if err != nil {
				t.Fatal(err)
			}
			block := string(text)
			if doc.section != "" {
				_, block, _ = strings.Cut(block, doc.section)
				block, _, _ = strings.Cut(block, "\n## ")
			}
			_, block, ok := strings.Cut(block, "```sh\n")
			block, _, _ = strings.Cut(block, "```")
			if !ok || block == "" {
				t.Fatalf("%s: no sh block", doc.file)
			}
			try := filepath.Join(t.TempDir(), "try.db")
			ran := map[string]bool{}
			for _, line := range strings.Split(strings.TrimSpace(block), "\n") {
				line, _, _ = strings.Cut(line, "#")
				words := strings.Fields(line)
				for i, w := range words {
					w = strings.ReplaceAll(w, "/tmp/try.db", try)
					words[i] = strings.ReplaceAll(w, "data/demo.db", demo)
				}
				switch {
				case len(words) == 0:
				case words[0] == "rm" && len(words) == 3 && words[1] == "-f":
					if err := os.Remove(words[2]); err != nil && !os.IsNotExist(err) {
						t.Fatal(err)
					}
				case words[0] == "cp" && len(words) == 3:
					b, err := os.ReadFile(words[1])
					if err == nil {
						err = os.WriteFile(words[2], b, 0o644)
					}
					if err != nil {
						t.Fatal(err)
					}
				case words[0] == "./bin/ruralkpi": // what make run and make build leave; plain ruralkpi needs it on PATH
					var out, errOut bytes.Buffer
					code := cli.Run(append([]string{"ruralkpi"}, words[1:]...), cli.Env{Stdout: &out, Stderr: &errOut, Stdin: strings.NewReader("")})
					file := filepath.Base(words[len(words)-1])
					ran[file] = true
					checkSampleCommand(t, line, file, code, out.String(), errOut.String(), string(want))
				default:
					t.Fatalf("%s: a command this test does not know: %s", doc.file, line)
				}
			}
			if !ran[sampleReturn] || !ran[sampleRefused] {
				t.Errorf("%s does not try both sample returns: %v", doc.file, ran)
			}
		})
	}
}

// checkSampleCommand checks what a README command did with a sample file.
func checkSampleCommand(t *testing.T, line, file string, code int, out, errOut, refusedList string) {
	t.Helper()
	switch file {
	case sampleReturn:
		// The sample changes three figures of the demo's June return: a second version.
		if code != 0 || !strings.Contains(out, "would be version 2") || strings.Count(out, "changed:") != 3 {
			t.Errorf("%s: exit %d\n%s%s\nwant a dry run of version 2 changing three figures of the demo's return", line, code, out, errOut)
		}
	case sampleRefused:
		if got := strings.Join(problemLines(errOut), "\n") + "\n"; code != 1 || got != refusedList {
			t.Errorf("%s: exit %d, problems\n%s\nwant (%s)\n%s", line, code, got, sampleRefusedList, refusedList)
		}
	case sampleVillages, sampleLedger:
		if code != 0 {
			t.Errorf("%s: exit %d\n%s%s", line, code, out, errOut)
		}
	default:
		if code != 0 {
			t.Errorf("%s: exit %d\n%s%s", line, code, out, errOut)
		}
	}
}
