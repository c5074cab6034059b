package static

import (
	"fmt"
	"io/fs"
	"math"
	"regexp"
	"strconv"
	"testing"
)

// luminance is the WCAG 2 relative luminance of a #rrggbb colour.
func luminance(hex string) (float64, error) {
	if len(hex) != 7 || hex[0] != '#' {
		return 0, fmt.Errorf("not #rrggbb: %q", hex)
	}
	var l [3]float64
	for i := range l {
		v, err := strconv.ParseUint(hex[1+2*i:3+2*i], 16, 8)
		if err != nil {
			return 0, err
		}
		c := float64(v) / 255
		if c <= 0.03928 {
			l[i] = c / 12.92
		} else {
			l[i] = math.Pow((c+0.055)/1.055, 2.4)
		}
	}
	return 0.2126*l[0] + 0.7152*l[1] + 0.0722*l[2], nil
}

func contrast(t *testing.T, a, b string) float64 {
	t.Helper()
	la, err := luminance(a)
	if err != nil {
		t.Fatal(err)
	}
	lb, err := luminance(b)
	if err != nil {
		t.Fatal(err)
	}
	return (math.Max(la, lb) + 0.05) / (math.Min(la, lb) + 0.05)
}

// TestStatusColoursMeetWCAGAA reads the status colours from the shipped CSS and checks every pair
// the pages use — the status word on its tint and on white, white on the unit boxes and the top
// bar — reaches 4.5:1 (WCAG 2 AA for normal text).
func TestStatusColoursMeetWCAGAA(t *testing.T) {
	css := func(name string) string {
		b, err := fs.ReadFile(Files(), name)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	app, boards := css("css/app.css"), css("css/dashboards.css")
	vars := map[string]string{}
	for _, m := range regexp.MustCompile(`--([a-z-]+):\s*(#[0-9a-fA-F]{6})\s*;`).FindAllStringSubmatch(app, -1) {
		vars[m[1]] = m[2]
	}
	const white = "#ffffff"
	type pair struct{ what, fg, bg string }
	var pairs []pair
	for _, s := range []string{"green", "amber", "red", "grey"} {
		fg, bg := vars[s], vars[s+"-bg"]
		if fg == "" || bg == "" {
			t.Fatalf("app.css has no --%s or --%s-bg", s, s)
		}
		pairs = append(pairs, pair{s + " word on its tint", fg, bg}, pair{s + " on white", fg, white})
		box := regexp.MustCompile(`\.unit-box-` + s + `\s*\{\s*background:\s*(#[0-9a-fA-F]{6})`).FindStringSubmatch(boards)
		if box == nil {
			t.Fatalf("dashboards.css has no .unit-box-%s background", s)
		}
		pairs = append(pairs, pair{"white on the " + s + " unit box", white, box[1]})
	}
	pairs = append(pairs, pair{"white on the top bar", white, vars["brand"]}, pair{"ink on the page", vars["ink"], vars["page"]},
		pair{"soft ink on white", vars["ink-soft"], white})
	for _, p := range pairs {
		t.Run(p.what, func(t *testing.T) {
			if r := contrast(t, p.fg, p.bg); r < 4.5 {
				t.Errorf("%s on %s: contrast %.2f:1, WCAG AA needs 4.5:1", p.fg, p.bg, r)
			}
		})
	}
	if r := contrast(t, "#777777", white); r >= 4.5 {
		t.Errorf("the check passes a light grey: %.2f", r) // the formula itself: #777 on white is 4.48:1
	}
}

// TestPhoneColoursMeetWCAGAA checks the colour pairs phone.css adds for the web form and the compact
// menu: typed figures on an invalid field's red tint and white on the open menu button reach 4.5:1;
// the menu button's focus ring, a non-text cue, reaches 3:1 against the top bar (WCAG 1.4.11).
func TestPhoneColoursMeetWCAGAA(t *testing.T) {
	read := func(name string) string {
		b, err := fs.ReadFile(Files(), name)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	app, phone := read("css/app.css"), read("css/phone.css")
	vars := map[string]string{}
	for _, m := range regexp.MustCompile(`--([a-z-]+):\s*(#[0-9a-fA-F]{6})\s*;`).FindAllStringSubmatch(app, -1) {
		vars[m[1]] = m[2]
	}
	block := func(selector string) string {
		m := regexp.MustCompile(regexp.QuoteMeta(selector) + `\s*\{([^}]*)\}`).FindStringSubmatch(phone)
		if m == nil {
			t.Fatalf("phone.css has no %s rule", selector)
		}
		return m[1]
	}
	colour := func(rule, property string) string {
		m := regexp.MustCompile(`(?:^|[;\s])` + property + `:[^;]*?(?:var\(--([a-z-]+)\)|(#[0-9a-fA-F]{6}))`).FindStringSubmatch(rule)
		switch {
		case m == nil:
			t.Fatalf("no %s in %q", property, rule)
		case m[2] != "":
			return m[2]
		case vars[m[1]] == "":
			t.Fatalf("app.css has no --%s", m[1])
		}
		return vars[m[1]]
	}
	for _, c := range []struct {
		what, fg, bg string
		min          float64
	}{
		{"ink on an invalid field", vars["ink"], colour(block(`.rf-row [aria-invalid="true"]`), "background"), 4.5},
		{"white on the open menu button", "#ffffff", colour(block(`.menu-toggle:checked + .menu-button`), "background"), 4.5},
		{"the menu button's focus ring on the top bar", colour(block(`.menu-toggle:focus-visible + .menu-button`), "outline"), vars["brand"], 3},
		{"a field's warning on white", colour(block(`.rf-problem.rf-warning`), "color"), "#ffffff", 4.5},
		{"a field's problem on white", colour(block(`.rf-problem`), "color"), "#ffffff", 4.5},
	} {
		t.Run(c.what, func(t *testing.T) {
			if r := contrast(t, c.fg, c.bg); r < c.min {
				t.Errorf("%s on %s: contrast %.2f:1, WCAG AA needs %.1f:1", c.fg, c.bg, r, c.min)
			}
		})
	}
}
