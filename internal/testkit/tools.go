package testkit

import (
	"fmt"
	"os"
	"os/exec"
	"testing"
)

// Required reports whether a test may not skip for want of a tool, a server or a privilege: in CI
// (CI set) or with E2E_REQUIRE=1, where .ci/run has installed everything the tests use, a skip
// would hide a check that never ran.
func Required() bool {
	ci := os.Getenv("CI")
	return os.Getenv("E2E_REQUIRE") == "1" || (ci != "" && ci != "0" && ci != "false")
}

// Missing stops a test that needs what is not on this machine: it skips, saying how to install it,
// or fails where Required.
func Missing(tb testing.TB, what, install string) {
	tb.Helper()
	if Required() {
		tb.Fatalf("%s is not installed, and CI or E2E_REQUIRE=1 requires it (%s)", what, install)
	}
	tb.Skipf("SKIPPED: %s is not installed (%s)", what, install)
}

// Tool finds a command a test runs on the PATH, or stops the test (Missing).
func Tool(tb testing.TB, name, install string) string {
	tb.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		Missing(tb, name, install)
	}
	return p
}

// Openpyxl returns a python3 that imports openpyxl — the reader that checks what Excel-like
// programs see in a workbook — or stops the test (Missing).
func Openpyxl(tb testing.TB) string {
	tb.Helper()
	for _, p := range []string{"python3", "/usr/bin/python3"} {
		if exec.Command(p, "-c", "import openpyxl").Run() == nil {
			return p
		}
	}
	Missing(tb, "python3 with openpyxl", "apt-get install python3-openpyxl")
	return ""
}

// SmallDisk mounts a tmpfs of size bytes on a new folder for the test, for filling a disk, and
// unmounts it when the test ends — after the cleanups registered later, such as closing a database
// or stopping a server that writes there, so an unmount that fails means something still held it.
// Mounting needs root (CAP_SYS_ADMIN): without it the test skips loudly, and fails where Required.
func SmallDisk(tb testing.TB, size int) string {
	tb.Helper()
	dir := tb.TempDir()
	out, err := exec.Command("mount", "-t", "tmpfs", "-o", fmt.Sprintf("size=%d", size), "tmpfs", dir).CombinedOutput()
	if err != nil {
		msg := fmt.Sprintf("DISK-FULL TEST SKIPPED: cannot mount a tmpfs (needs root): %v %s", err, out)
		if Required() {
			tb.Fatal(msg + " — required here (CI or E2E_REQUIRE=1)")
		}
		tb.Skip(msg)
	}
	tb.Cleanup(func() {
		if out, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
			tb.Errorf("umount %s: %v %s", dir, err, out)
		}
	})
	return dir
}
