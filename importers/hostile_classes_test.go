package importers_test

import (
	"bytes"
	"errors"
	"testing"

	"ruralkpi/importers"
	"ruralkpi/importers/hostile"
	"ruralkpi/importers/ledger"
	"ruralkpi/importers/returns"
	"ruralkpi/importers/xlsx"
	"ruralkpi/internal/testkit"
	"ruralkpi/models"
)

// TestHostileClassesRefused sends every hostile class to every importer and wants a refusal (an
// application error or problems) explained in Chinese, never a crash or an acceptance.
func TestHostileClassesRefused(t *testing.T) {
	if testing.Short() {
		t.Skip("generates hundreds of MiB of hostile XML")
	}
	p := testkit.Plan(t)
	doors := []struct {
		name string
		read func(data []byte) (string, error) // the refusal message, "" when accepted
	}{
		{"ledger", func(data []byte) (string, error) {
			li, err := ledger.ParseAt(bytes.NewReader(data), int64(len(data)), ledger.Check{AsOf: models.MustPeriod("2024-06"), Limits: xlsx.DefaultLimits()})
			if err != nil {
				return models.ErrorMessage(err), appErrOnly(err)
			}
			if len(li.Problems) > 0 {
				return li.Problems[0].Message, nil
			}
			return "", nil
		}},
		{"villages", func(data []byte) (string, error) {
			list, err := ledger.ParseVillagesAt(bytes.NewReader(data), int64(len(data)), xlsx.DefaultLimits())
			if err != nil {
				return models.ErrorMessage(err), appErrOnly(err)
			}
			if len(list.Problems) > 0 {
				return list.Problems[0].Message, nil
			}
			return "", nil
		}},
		{"returns", func(data []byte) (string, error) {
			_, ps, err := returns.Read(bytes.NewReader(data), importers.DefaultLimits(), p)
			if len(ps) > 0 {
				return ps[0].Message, err
			}
			return "", err
		}},
		{"allocations", func(data []byte) (string, error) {
			_, ps, err := importers.ParseAllocations(bytes.NewReader(data), p)
			if len(ps) > 0 {
				return ps[0].Message, err
			}
			return "", err
		}},
	}
	for _, c := range hostile.Classes() {
		data, err := c.Bytes()
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range doors {
			t.Run(c.Name+"/"+d.name, func(t *testing.T) {
				msg, err := d.read(data)
				if err != nil {
					t.Fatalf("failed instead of refusing: %v", err)
				}
				if msg == "" || !testkit.HasChinese(msg) {
					t.Fatalf("not refused with a Chinese message: %q", msg)
				}
			})
		}
	}
}

// appErrOnly passes application errors (refusals) as nil and returns anything else.
func appErrOnly(err error) error {
	var appErr *models.Error
	if errors.As(err, &appErr) {
		return nil
	}
	return err
}
