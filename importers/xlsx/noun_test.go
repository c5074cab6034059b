package xlsx_test

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"ruralkpi/importers/hostile"
	"ruralkpi/importers/xlsx"
	"ruralkpi/models"
)

// TestRefusalsNameWhatIsRead: the reader is general, so its size refusals name what the caller
// says it reads (Limits.Noun), 表格 when it says nothing, and never 台账 on their own.
func TestRefusalsNameWhatIsRead(t *testing.T) {
	data := hostile.Book(t, func(w io.Writer) error { return hostile.SharedStrings(w, 2<<20) })
	refusals := []struct {
		name string
		read func(lim xlsx.Limits) error
		want string // with %s for the noun
	}{
		{"ReadFile too large", func(lim xlsx.Limits) error {
			lim.MaxFileBytes = 1 << 10
			_, err := xlsx.ReadFile(bytes.NewReader(data), lim)
			return err
		}, "文件过大：%s文件不能超过"},
		{"Open too large", func(lim xlsx.Limits) error {
			lim.MaxFileBytes = 1 << 10
			_, err := xlsx.Open(bytes.NewReader(data), int64(len(data)), lim)
			return err
		}, "文件过大：%s文件不能超过"},
		{"shared strings over the budget", func(lim xlsx.Limits) error {
			lim.MaxSharedStringBytes = 1 << 20
			wb, err := xlsx.Open(bytes.NewReader(data), int64(len(data)), lim)
			if err != nil {
				return err
			}
			return wb.ReadRows(wb.SheetNames()[0], nil, func(xlsx.Row) error { return nil })
		}, "超出%s的正常规模"},
	}
	for _, noun := range []struct{ set, said string }{{"台账", "台账"}, {"行政村名录", "行政村名录"}, {"", "表格"}} {
		for _, r := range refusals {
			t.Run(r.name+"/"+noun.said, func(t *testing.T) {
				lim := xlsx.DefaultLimits()
				lim.Noun = noun.set
				err := r.read(lim)
				var appErr *models.Error
				if !errors.As(err, &appErr) || appErr.Code != models.ETooLarge {
					t.Fatalf("want a too-large refusal, got %v", err)
				}
				want := strings.Replace(r.want, "%s", noun.said, 1)
				if !strings.Contains(appErr.Message, want) {
					t.Errorf("refusal %q, want it to say %q", appErr.Message, want)
				}
				if noun.said != "台账" && strings.Contains(appErr.Message, "台账") {
					t.Errorf("refusal %q speaks of a 台账 the caller is not reading", appErr.Message)
				}
			})
		}
	}
}
