package returns

import (
	"bytes"
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"ruralkpi/models"
	"ruralkpi/plans"
)

// notFromForm are the importer's refusals the web form cannot produce, each with why: they are
// about a file's layout, which the form lays out itself from the plan. Keyed by a word of the
// refusal's message format.
var notFromForm = map[string]string{
	"模板版本":         "the form's draft always carries the current template version",
	"表头的单位或月份被改动过": "the form has no hidden header copy to disagree with (HasMeta is false)",
	"填了数字但没有指标代码":  "every row of the form is an indicator of the plan, named by its field",
	"选了状态但没有指标代码":  "every milestone row of the form is a milestone of the plan",
	"指标代码“%s”不存在":  "the form's rows are the plan's indicators (TemplateIndicators)",
	"与第 %d 行重复":    "the form has one row per indicator and per milestone",
	"是里程碑，请在":      "milestones are not among the form's figure rows (TemplateIndicators)",
	"不是里程碑，请在":     "the form's milestone rows are the plan's milestones (TemplateMilestones)",
	"自动计算":         "derived indicators are not among the form's rows (TemplateIndicators)",
	"办公室不能代填全市数":   "the form is a county unit's (TemplateFor refuses the city)",
	"办公室填报，县级月报不填": "office-only indicators are not among the form's rows (TemplateIndicators)",
	"按单位逐一确认":      "per-unit milestones are not among a unit's form rows (TemplateMilestones)",
	"不按单位确认":       "the form's milestone fields carry no unit code",
	"方案未安排该单位此项任务": "the form's milestone fields carry no unit code",
	"是空的":          "importers.CleanText drops a blank value before it is parsed, for a file and for the form alike",
}

// refusalFormats lists every refusal the importer's rules can give, read from their source: the
// format of each problems.add in validate.go, the reasons allowed and tickAllowed return, and the
// messages importers.ParseFigure returns. A message's variable parts become wildcards.
func refusalFormats(t *testing.T) map[string]*regexp.Regexp {
	t.Helper()
	fset := token.NewFileSet()
	out := map[string]*regexp.Regexp{}
	verb := regexp.MustCompile(`%[-+# 0-9.]*[a-zA-Z%]`)
	add := func(pieces []string) {
		var re strings.Builder
		for i, p := range pieces {
			if i > 0 {
				re.WriteString(".*")
			}
			last := 0
			for _, m := range verb.FindAllStringIndex(p, -1) {
				re.WriteString(regexp.QuoteMeta(p[last:m[0]]))
				if p[m[0]:m[1]] == "%%" {
					re.WriteString("%")
				} else {
					re.WriteString(".*")
				}
				last = m[1]
			}
			re.WriteString(regexp.QuoteMeta(p[last:]))
		}
		key := strings.Join(pieces, "…")
		if strings.Trim(key, "%s…") == "" {
			return // "%s" passes on a reason, listed where it is made
		}
		out[key] = regexp.MustCompile(re.String())
	}
	literals := func(e ast.Expr) []string {
		var pieces []string
		var walk func(ast.Expr)
		walk = func(e ast.Expr) {
			switch x := e.(type) {
			case *ast.BinaryExpr:
				walk(x.X)
				walk(x.Y)
			case *ast.BasicLit:
				if s, err := strconv.Unquote(x.Value); err == nil && x.Kind == token.STRING {
					pieces = append(pieces, s)
				}
			}
		}
		walk(e)
		return pieces
	}
	for _, file := range []string{"validate.go", filepath.Join("..", "numbers.go")} {
		f, err := parser.ParseFile(fset, file, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, decl := range f.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok {
				continue
			}
			reasons := map[string]int{"allowed": 0, "tickAllowed": 0, "ParseFigure": 1}
			ast.Inspect(fn, func(n ast.Node) bool {
				switch x := n.(type) {
				case *ast.CallExpr:
					sel, ok := x.Fun.(*ast.SelectorExpr)
					if !ok || sel.Sel.Name != "Add" || len(x.Args) < 4 {
						return true
					}
					if recv, ok := sel.X.(*ast.SelectorExpr); ok && recv.Sel.Name == "problems" {
						add(literals(x.Args[3]))
					}
				case *ast.ReturnStmt:
					if i, ok := reasons[fn.Name.Name]; ok && len(x.Results) > i {
						if pieces := literals(x.Results[i]); len(pieces) > 0 && strings.Join(pieces, "") != "" {
							add(pieces)
						}
					}
				}
				return true
			})
		}
	}
	if len(out) < 30 {
		t.Fatalf("read only %d refusals from the rules' source", len(out))
	}
	return out
}

// checkEveryRefusalGiven checks that every refusal of the importer's rules was given by the form in
// the cases run, or is listed in notFromForm with why it cannot come from the form.
func checkEveryRefusalGiven(t *testing.T, formMessages []string) {
	t.Helper()
	formats := refusalFormats(t)
	for key, re := range formats {
		given := false
		for _, m := range formMessages {
			if re.MatchString(m) {
				given = true
				break
			}
		}
		excused := ""
		for word, why := range notFromForm {
			if strings.Contains(key, word) {
				excused = why
			}
		}
		switch {
		case given && excused != "":
			t.Errorf("the form gave the refusal %q, which notFromForm says it cannot (%s)", key, excused)
		case !given && excused == "":
			t.Errorf("no case makes the form give the importer's refusal %q", key)
		}
	}
	for word := range notFromForm {
		found := false
		for key := range formats {
			found = found || strings.Contains(key, word)
		}
		if !found {
			t.Errorf("notFromForm names %q, which is no refusal of the rules any more", word)
		}
	}
}

// editedPlan is the default plan with its JSON changed by edit.
func editedPlan(t *testing.T, edit func(units []any)) *models.Plan {
	t.Helper()
	b, err := plans.Default()
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	edit(doc["units"].(map[string]any)["children"].([]any))
	if b, err = json.Marshal(doc); err != nil {
		t.Fatal(err)
	}
	p, err := models.LoadPlan(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// unitIn finds a unit of the plan's JSON by code.
func unitIn(t *testing.T, units []any, code string) map[string]any {
	for _, u := range units {
		if m := u.(map[string]any); m["code"] == code {
			return m
		}
	}
	t.Fatalf("no unit %s", code)
	return nil
}

// lateStartPlan is the plan with the test unit reporting only from the month after the test's.
func lateStartPlan(t *testing.T) *models.Plan {
	return editedPlan(t, func(units []any) { unitIn(t, units, testUnit)["start_period"] = "2024-07" })
}

// nestedPlan is the plan with 沾益区 (530303) holding a town of its own, so it files no return itself.
func nestedPlan(t *testing.T) *models.Plan {
	return editedPlan(t, func(units []any) {
		unitIn(t, units, "530303")["children"] = []any{map[string]any{"code": "530303001", "name": "西平街道", "level": "county"}}
	})
}

func ptr[T any](v T) *T { return &v }
