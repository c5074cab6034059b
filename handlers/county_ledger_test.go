package handlers

import (
	"strings"
	"testing"

	"ruralkpi/models"
	"ruralkpi/store"
)

func TestCountyPageShowsLedger(t *testing.T) {
	e := newAccessEnv(t)
	office := e.loggedIn("office")
	if res := office.do("GET", "/counties/530302?period=2024-06", nil); res.status != 200 || strings.Contains(res.body, "网点台账计算的指标") ||
		!strings.Contains(res.body, `<a href="/ledger/530302">网点台账</a>`) {
		t.Fatalf("no ledger yet: %d, section shown: %v", res.status, strings.Contains(res.body, "网点台账计算的指标"))
	}
	if _, err := e.store.SaveVersion(models.NewVersion{UnitCode: "530302", Period: "2024-06", Source: models.SourceUpload,
		Values: []models.ReturnValue{{Indicator: models.IndServicePoints, Value: 40}, {Indicator: models.IndFusedPoints, Value: 5}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.store.SaveLedgerSnapshot(store.NewLedgerSnapshot{UnitCode: "530302", Period: "2024-06",
		Indicators: `{"service_points": 42, "pfm_fused_points": 5}`}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, user, path string
		want, not        []string
	}{
		{"office sees the comparison and the link", "office", "/counties/530302?period=2024-06",
			[]string{"网点台账计算的指标", "台账 2024-06 第1版", "1 项不一致", "<td>一致</td>", `href="/ledger/530302"`}, nil},
		{"another unit sees the figures but no link", "county-530303", "/counties/530302?period=2024-06",
			[]string{"网点台账计算的指标", "1 项不一致"}, []string{`href="/ledger/530302"`}},
		{"a month before the ledger shows none", "office", "/counties/530302?period=2024-05", nil, []string{"网点台账计算的指标"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := e.loggedIn(tc.user).do("GET", tc.path, nil)
			if res.status != 200 {
				t.Fatalf("status %d", res.status)
			}
			for _, w := range tc.want {
				if !strings.Contains(res.body, w) {
					t.Errorf("missing %q", w)
				}
			}
			for _, n := range tc.not {
				if strings.Contains(res.body, n) {
					t.Errorf("unexpected %q", n)
				}
			}
		})
	}
}
