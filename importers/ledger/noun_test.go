package ledger

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

// TestRefusalsNameTheUpload: the streaming reader's size refusals call a village list a
// 行政村名录 and a ledger a 台账, whichever door refuses it (the file's size, the shared strings).
func TestRefusalsNameTheUpload(t *testing.T) {
	data := hostile.Book(t, func(w io.Writer) error { return hostile.SharedStrings(w, 2<<20) })
	small := xlsx.DefaultLimits()
	small.MaxFileBytes = 1 << 10
	tight := xlsx.DefaultLimits()
	tight.MaxSharedStringBytes = 1 << 20
	doors := []struct {
		name, noun, other string
		read              func(lim xlsx.Limits) error
	}{
		{"village list", "行政村名录", "台账", func(lim xlsx.Limits) error {
			_, err := ParseVillagesAt(bytes.NewReader(data), int64(len(data)), lim)
			return err
		}},
		{"village list in memory", "行政村名录", "台账", func(lim xlsx.Limits) error {
			_, err := ParseVillages(bytes.NewReader(data), lim)
			return err
		}},
		{"ledger", "台账", "行政村名录", func(lim xlsx.Limits) error {
			_, err := ParseAt(bytes.NewReader(data), int64(len(data)), Check{AsOf: models.MustPeriod("2024-06"), Limits: lim})
			return err
		}},
		{"ledger in memory", "台账", "行政村名录", func(lim xlsx.Limits) error {
			_, _, err := Parse(bytes.NewReader(data), Check{AsOf: models.MustPeriod("2024-06"), Limits: lim})
			return err
		}},
	}
	for _, d := range doors {
		for _, lim := range []struct {
			name   string
			limits xlsx.Limits
			want   string
		}{{"too large", small, "文件过大：" + d.noun + "文件"}, {"too much text", tight, "超出" + d.noun + "的正常规模"}} {
			t.Run(d.name+"/"+lim.name, func(t *testing.T) {
				err := d.read(lim.limits)
				var appErr *models.Error
				if !errors.As(err, &appErr) {
					t.Fatalf("want a refusal, got %v", err)
				}
				if !strings.Contains(appErr.Message, lim.want) || strings.Contains(appErr.Message, d.other) {
					t.Errorf("refusal %q, want it to say %q and not %q", appErr.Message, lim.want, d.other)
				}
			})
		}
	}
}
