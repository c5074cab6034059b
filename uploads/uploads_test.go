package uploads

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"mime"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"ruralkpi/internal/testkit"
	"ruralkpi/models"
)

// multipartBody builds a form with the given fields and one file of n bytes, and returns its boundary.
func multipartBody(t *testing.T, fields map[string]string, fileBytes int) (*bytes.Buffer, string) {
	t.Helper()
	body, ctype := testkit.Form(fields, "台账.xlsx", bytes.Repeat([]byte("x"), fileBytes))
	_, params, err := mime.ParseMediaType(ctype)
	if err != nil {
		t.Fatal(err)
	}
	return body, params["boundary"]
}

func TestReadMultipart(t *testing.T) {
	dir := t.TempDir()
	body, boundary := multipartBody(t, map[string]string{"county": "530302", "period": "2024-06"}, 3<<20)
	var form *Form
	var err error
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	form, err = ReadMultipart(body, boundary, DefaultLimits(), dir)
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	if form.Values["county"][0] != "530302" || form.Values["period"][0] != "2024-06" {
		t.Errorf("fields: %v", form.Values)
	}
	f := form.Files["file"]
	if f == nil || f.Name != "台账.xlsx" || f.Size != 3<<20 || filepath.Dir(f.Path) != dir {
		t.Fatalf("file: %+v", f)
	}
	// The file went to disk: reading it allocated far less than its size.
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 1<<20 {
		t.Errorf("reading a 3 MiB upload allocated %d KiB", alloc>>10)
	}
	form.Remove()
	if _, err := os.Stat(f.Path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("spool file left after Remove: %v", err)
	}
}

func TestReadMultipartRefusals(t *testing.T) {
	lim := Limits{MaxBody: 1 << 20, MaxFields: 4, MaxFieldBytes: 1 << 10, MaxFiles: 1}
	big, bigB := multipartBody(t, nil, 2<<20)
	longField, longB := multipartBody(t, map[string]string{"note": strings.Repeat("长", 1000)}, 10)
	many := map[string]string{}
	for i := range 10 {
		many[strings.Repeat("k", i+1)] = "v"
	}
	manyFields, manyB := multipartBody(t, many, 10)
	cut, cutB := multipartBody(t, nil, 1000)
	cut.Truncate(cut.Len() - 100)
	tests := []struct {
		name     string
		body     io.Reader
		boundary string
		code     string
		words    string
	}{
		{"body over the limit", big, bigB, models.ETooLarge, "上传的内容过大"},
		{"field over the limit", longField, longB, models.ETooLarge, "过长"},
		{"too many fields", manyFields, manyB, models.EInvalid, "字段过多"},
		{"body cut short", cut, cutB, models.EInvalid, "格式不正确"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			_, err := ReadMultipart(tc.body, tc.boundary, lim, dir)
			var appErr *models.Error
			if !errors.As(err, &appErr) || appErr.Code != tc.code || !strings.Contains(appErr.Message, tc.words) {
				t.Fatalf("got %v, want %s with %q", err, tc.code, tc.words)
			}
			if left, _ := os.ReadDir(dir); len(left) > 0 {
				t.Errorf("a refused body left %d spool files", len(left))
			}
		})
	}
}

// TestSweepAfterKill starts a child process that takes a run folder and writes a 20 MB spool file,
// kills it with -9 mid-"import", and wants the next process's start-up sweep to remove the folder,
// while the folder of a live process is left alone.
func TestSweepAfterKill(t *testing.T) {
	if runtime.GOOS != "linux" && runtime.GOOS != "darwin" {
		t.Skip("kill -9 and flock semantics of unix")
	}
	root := t.TempDir()
	live, err := OpenDir(root)
	if err != nil {
		t.Fatal(err)
	}
	defer live.Close()
	child := exec.Command(os.Args[0], "-test.run=^TestSweepChild$")
	child.Env = append(os.Environ(), "RURALKPI_SWEEP_CHILD_ROOT="+root)
	out, err := child.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "spooled ") {
		_ = child.Process.Kill()
		t.Fatalf("child: %q %v", line, err)
	}
	spooled := strings.TrimSpace(strings.TrimPrefix(line, "spooled "))
	if err := child.Process.Kill(); err != nil { // SIGKILL: no deferred clean-up runs
		t.Fatal(err)
	}
	_ = child.Wait()
	if _, err := os.Stat(spooled); err != nil {
		t.Fatalf("the killed child's spool file should still be there before the sweep: %v", err)
	}
	next, err := OpenDir(root) // a restart
	if err != nil {
		t.Fatal(err)
	}
	defer next.Close()
	if _, err := os.Stat(spooled); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the killed process's spool file survived the start-up sweep: %v", err)
	}
	if _, err := os.Stat(live.Run()); err != nil {
		t.Errorf("the live process's run folder was swept: %v", err)
	}
}

// TestSweepChild is the child of TestSweepAfterKill; it does nothing in a normal run.
func TestSweepChild(t *testing.T) {
	root := os.Getenv("RURALKPI_SWEEP_CHILD_ROOT")
	if root == "" {
		t.Skip("only runs as the child of TestSweepAfterKill")
	}
	d, err := OpenDir(root)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(d.Run(), "upload-1.part")
	if err := os.WriteFile(p, bytes.Repeat([]byte{1}, 20<<20), 0o600); err != nil {
		t.Fatal(err)
	}
	os.Stdout.WriteString("spooled " + p + "\n")
	time.Sleep(time.Minute)
}

func TestSweepOld(t *testing.T) {
	dir := t.TempDir()
	old, fresh := filepath.Join(dir, "old"), filepath.Join(dir, "fresh")
	for _, p := range []string{old, fresh} {
		if err := os.WriteFile(p, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	past := time.Now().Add(-3 * time.Hour)
	if err := os.Chtimes(old, past, past); err != nil {
		t.Fatal(err)
	}
	if n := SweepOld(dir, time.Now().Add(-2*time.Hour)); n != 1 {
		t.Errorf("removed %d, want 1", n)
	}
	if _, err := os.Stat(fresh); err != nil {
		t.Errorf("fresh file removed: %v", err)
	}
}
