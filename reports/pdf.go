package reports

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"time"
)

// ErrNoChromium says no headless Chromium was found to print a PDF with.
var ErrNoChromium = errors.New("reports: no Chromium found to print the PDF; install it (Debian/Ubuntu: apt-get install chromium) " +
	"or pass its path with --chromium; without it, open /briefing in a browser and print to PDF")

// FindChromium returns the Chromium to print with: the given path, or the first known name on PATH.
func FindChromium(path string) (string, error) {
	if path != "" {
		p, err := exec.LookPath(path)
		if err != nil {
			return "", fmt.Errorf("%w (--chromium %s: %v)", ErrNoChromium, path, err)
		}
		return p, nil
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "/usr/bin/chromium"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", ErrNoChromium
}

// PrintPDF prints an HTML page to PDF with headless Chromium. The page is written to a private
// temporary folder and opened as a file, with networking off: the page must need nothing from a
// server. The sandbox is off because servers run the binary as a service user without user
// namespaces; the page printed is our own.
func PrintPDF(ctx context.Context, chromium string, html []byte) ([]byte, error) {
	dir, err := os.MkdirTemp("", "ruralkpi-pdf-")
	if err != nil {
		return nil, fmt.Errorf("reports: temp folder: %w", err)
	}
	defer os.RemoveAll(dir)
	page := filepath.Join(dir, "page.html")
	if err := os.WriteFile(page, html, 0o600); err != nil {
		return nil, fmt.Errorf("reports: write page: %w", err)
	}
	out := filepath.Join(dir, "page.pdf")
	ctx, cancel := context.WithTimeout(ctx, 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
		"--disable-extensions", "--no-first-run", "--no-pdf-header-footer", "--user-data-dir="+filepath.Join(dir, "profile"),
		"--print-to-pdf="+out, "file://"+page)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("reports: chromium: %w: %s", err, lastLines(stderr.String(), 5))
	}
	pdf, err := os.ReadFile(out)
	if err != nil {
		return nil, fmt.Errorf("reports: chromium wrote no PDF: %w: %s", err, lastLines(stderr.String(), 5))
	}
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		return nil, errors.New("reports: chromium output is not a PDF")
	}
	return pdf, nil
}

func lastLines(s string, n int) string {
	lines := bytes.Split(bytes.TrimSpace([]byte(s)), []byte("\n"))
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return string(bytes.Join(lines, []byte(" | ")))
}
