package cli

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// outputMode is the mode of every file a command writes (reports, templates, backups), whatever
// the umask: one rule, the same as the database file itself.
const outputMode = 0o644

// stdoutName is the -o value that means standard output, for every command that writes a file.
const stdoutName = "-"

// output is where a command writes its file (-o): standard output for "-", otherwise a file
// written whole or not at all — a temporary file beside it, renamed into place by commit.
type output struct {
	env    Env
	path   string
	format string // the chosen extension, e.g. ".xlsx"
	tmp    *os.File
	w      io.Writer
}

// outputFormat checks -o against the formats a command writes, given as extensions with the
// default (for standard output) first, and returns the chosen one. The extension decides the
// format: a file whose extension the command does not write is refused, never silently written
// in another format. No formats means any name (backup).
func outputFormat(path string, formats ...string) (string, error) {
	if len(formats) == 0 {
		return "", nil
	}
	if path == stdoutName {
		return formats[0], nil
	}
	ext := strings.ToLower(filepath.Ext(path))
	for _, f := range formats {
		if ext == f {
			return f, nil
		}
	}
	return "", fmt.Errorf("-o %s: this command writes %s (or - for standard output)", path, strings.Join(formats, " or "))
}

// openOutput opens the output for writing; commit makes it visible and close discards it if
// commit was not reached.
func openOutput(env Env, path, format string) (*output, error) {
	o := &output{env: env, path: path, format: format}
	if path == stdoutName {
		o.w = env.Stdout
		return o, nil
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".ruralkpi-output-*")
	if err != nil {
		return nil, fmt.Errorf("cli: create %s: %w", path, err)
	}
	o.tmp, o.w = tmp, tmp
	return o, nil
}

func (o *output) Write(p []byte) (int, error) { return o.w.Write(p) }

// commit finishes the file: its mode set to outputMode and renamed into place.
func (o *output) commit() error {
	if o.tmp == nil {
		return nil
	}
	tmp := o.tmp
	o.tmp = nil
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(outputMode); err != nil {
		tmp.Close()
		return fmt.Errorf("cli: write %s: %w", o.path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("cli: write %s: %w", o.path, err)
	}
	if err := os.Rename(tmp.Name(), o.path); err != nil {
		return fmt.Errorf("cli: write %s: %w", o.path, err)
	}
	return nil
}

// close discards an output that was not committed.
func (o *output) close() {
	if o.tmp != nil {
		o.tmp.Close()
		os.Remove(o.tmp.Name())
		o.tmp = nil
	}
}

// done reports what was written: on standard output, or on standard error when standard output
// carries the file itself.
func (o *output) done(format string, args ...any) {
	w := o.env.Stdout
	if o.path == stdoutName {
		w = o.env.Stderr
	}
	fmt.Fprintf(w, format+"\n", args...)
}

// writeOutput writes data as the command's output file in one go.
func writeOutput(env Env, path, format string, data []byte) (*output, error) {
	o, err := openOutput(env, path, format)
	if err != nil {
		return nil, err
	}
	defer o.close()
	if _, err := o.Write(data); err != nil {
		return nil, fmt.Errorf("cli: write %s: %w", path, err)
	}
	return o, o.commit()
}
