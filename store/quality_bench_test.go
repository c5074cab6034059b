package store

import (
	"strings"
	"testing"
	"time"

	"ruralkpi/internal/testkit"
	"ruralkpi/models"
)

// BenchmarkQualityCheck measures what flagging adds to an import at demo scale: reading the figures
// the rules compare (two queries and the ledger), the rules, and the dismissals.
func BenchmarkQualityCheck(b *testing.B) {
	s, p := demoStore(b)
	period := models.MustPeriod("2025-06")
	v, err := s.LatestVersion("530302", period.String())
	if err != nil {
		b.Fatal(err)
	}
	values := models.VersionValues(v)
	b.ResetTimer()
	cpuStart := testkit.CPUTime()
	for i := 0; i < b.N; i++ {
		in, err := s.QualityFigures(p, "530302", period, values)
		if err != nil {
			b.Fatal(err)
		}
		if _, _, err := s.ActiveFlags(models.QualityFlags(in)); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(testkit.CPUTime()-cpuStart)/float64(b.N), "cpu-ns/op")
}

// TestQualityFiguresFromStore: the store gathers the unit's history and the peers' months, and a
// dismissed flag stops being active (audited; a second dismissal is a conflict).
func TestQualityFiguresFromStore(t *testing.T) {
	s, p := demoStore(t)
	period := models.MustPeriod("2025-06")
	peer, err := s.LatestVersion("530303", period.String())
	if err != nil {
		t.Fatal(err)
	}
	in, err := s.QualityFigures(p, "530302", period, models.VersionValues(peer))
	if err != nil {
		t.Fatal(err)
	}
	if len(in.History) < 6 || in.History[len(in.History)-1].Period != period.AddMonths(-1) || len(in.Peers) != 9 || len(in.PeersPrevious) != 9 {
		t.Fatalf("history %d, peers %d/%d", len(in.History), len(in.Peers), len(in.PeersPrevious))
	}
	if _, ok := in.Peers["530302"]; ok {
		t.Fatal("the unit is among its own peers")
	}
	// The figures read back through SQLite's text are the stored ones, bit for bit.
	for _, h := range in.History {
		v, err := s.LatestVersion("530302", h.Period.String())
		if err != nil {
			t.Fatal(err)
		}
		want := models.VersionValues(v)
		if len(want) != len(h.Values) {
			t.Fatalf("%s: %d figures, want %d", h.Period, len(h.Values), len(want))
		}
		for code, w := range want {
			if h.Values[code] != w {
				t.Fatalf("%s %s: %v, want %v", h.Period, code, h.Values[code], w)
			}
		}
	}
	flags := models.QualityFlags(in)
	var copied *models.QualityFlag
	for i, f := range flags {
		if f.Rule == models.FlagIdenticalPeer && f.Compared[1].Unit == "530303" {
			copied = &flags[i]
		}
	}
	if copied == nil || !strings.Contains(copied.Message, "沾益区") {
		t.Fatalf("a copy of 沾益区's return is not flagged: %+v", flags)
	}
	if err := s.DismissFlag(copied.Key, "", models.Actor{Username: "office"}, time.Now()); models.ErrorCode(err) != models.EInvalid {
		t.Fatalf("dismiss without reason: %v", err)
	}
	if err := s.DismissFlag(copied.Key, "两县合并填报，已电话核实", models.Actor{Username: "office"}, time.Now()); err != nil {
		t.Fatal(err)
	}
	active, dismissed, err := s.ActiveFlags(flags)
	if err != nil || dismissed != 1 || len(active) != len(flags)-1 {
		t.Fatalf("active %d dismissed %d %v", len(active), dismissed, err)
	}
	if err := s.DismissFlag(copied.Key, "again", models.Actor{Username: "office"}, time.Now()); models.ErrorCode(err) != models.EConflict {
		t.Fatalf("second dismissal: %v", err)
	}
	if entries, _ := s.AuditEntries(models.AuditFilter{Action: models.AuditQualityDismiss}); len(entries) != 1 || entries[0].After != "两县合并填报，已电话核实" {
		t.Fatalf("audit %+v", entries)
	}
}

// BenchmarkQualityRules measures the pure rules alone on the same input.
func BenchmarkQualityRules(b *testing.B) {
	s, p := demoStore(b)
	period := models.MustPeriod("2025-06")
	v, err := s.LatestVersion("530302", period.String())
	if err != nil {
		b.Fatal(err)
	}
	in, err := s.QualityFigures(p, "530302", period, models.VersionValues(v))
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	cpuStart := testkit.CPUTime()
	for i := 0; i < b.N; i++ {
		models.QualityFlags(in)
	}
	b.ReportMetric(float64(testkit.CPUTime()-cpuStart)/float64(b.N), "cpu-ns/op")
}

// TestQualityLedgerFlagLinksTheSnapshot: a return that disagrees with the unit's ledger of the month
// is flagged, and the flag names the ledger snapshot its figure comes from, so that the page links it.
func TestQualityLedgerFlagLinksTheSnapshot(t *testing.T) {
	s, p := demoStore(t)
	period := models.MustPeriod("2025-09")
	snaps, err := s.LedgerSnapshots("530303")
	if err != nil || len(snaps) == 0 {
		t.Fatalf("demo ledger snapshots of 530303: %d %v", len(snaps), err)
	}
	v, err := s.LatestVersion("530303", period.String())
	if err != nil {
		t.Fatal(err)
	}
	values := models.VersionValues(v)
	values["covered_villages"] += 50
	in, err := s.QualityFigures(p, "530303", period, values)
	if err != nil {
		t.Fatal(err)
	}
	var found bool
	for _, f := range models.QualityFlags(in) {
		if f.Rule == models.FlagLedger && f.Indicator == "covered_villages" {
			found = len(f.Compared) == 2 && f.Compared[1].LedgerSnapshot == snaps[0].ID && f.Compared[1].LedgerSnapshot != 0
			if !found {
				t.Errorf("ledger flag compares %+v, want snapshot %d", f.Compared, snaps[0].ID)
			}
		}
	}
	if !found {
		t.Fatalf("no ledger flag for covered_villages 50 above the ledger: %+v", in.Ledger)
	}
}
