// Package templates embeds the HTML templates and parses them into one set per page.
package templates

import (
	"embed"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"strings"
)

//go:embed *.html
var files embed.FS

// Views holds one parsed template set per page: the layout plus the page's own file.
type Views struct {
	pages map[string]*template.Template
}

// Parse parses every page with the layout and the shared functions.
func Parse(funcs template.FuncMap) (*Views, error) {
	names, err := fs.Glob(files, "*.html")
	if err != nil {
		return nil, fmt.Errorf("templates: list: %w", err)
	}
	v := &Views{pages: map[string]*template.Template{}}
	for _, name := range names {
		if name == "layout.html" || strings.HasPrefix(name, "_") {
			continue
		}
		patterns := []string{"layout.html", name}
		if partials, _ := fs.Glob(files, "_*.html"); len(partials) > 0 {
			patterns = append(patterns, partials...)
		}
		t, err := template.New(name).Funcs(funcs).ParseFS(files, patterns...)
		if err != nil {
			return nil, fmt.Errorf("templates: parse %s: %w", name, err)
		}
		v.pages[name] = t
	}
	return v, nil
}

// Render writes the page through the layout.
func (v *Views) Render(w io.Writer, page string, data any) error {
	t, ok := v.pages[page]
	if !ok {
		return fmt.Errorf("templates: no page %q", page)
	}
	if err := t.ExecuteTemplate(w, "layout", data); err != nil {
		return fmt.Errorf("templates: render %s: %w", page, err)
	}
	return nil
}

// RenderDocument writes a page's "document" template: the page as a file of its own, without the
// layout (the exported briefing).
func (v *Views) RenderDocument(w io.Writer, page string, data any) error {
	t, ok := v.pages[page]
	if !ok {
		return fmt.Errorf("templates: no page %q", page)
	}
	if err := t.ExecuteTemplate(w, "document", data); err != nil {
		return fmt.Errorf("templates: render %s as a document: %w", page, err)
	}
	return nil
}
