package store

import (
	"ruralkpi/internal/testkit"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"ruralkpi/internal/pgtest"
	"ruralkpi/models"
)

// PostgreSQL restarted under load: while it is down every write fails as busy (503 with Retry-After)
// having written nothing, the store reconnects by itself once it is back, and every version that
// was stored has its audit entry and change-log row.
func TestPostgresRestartUnderLoad(t *testing.T) {
	pg := pgtest.StartPrivate(t)
	s, err := Open(pg.URL())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	p := testkit.Plan(t)
	if err := s.SeedPlan(p); err != nil {
		t.Fatal(err)
	}
	units := p.ReportingUnits()
	var stop atomic.Bool
	var ok, busy, other atomic.Int64
	var firstOther atomic.Value
	var wg sync.WaitGroup
	var seq atomic.Int64
	for w := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stop.Load() {
				n := seq.Add(1)
				_, err := s.SaveVersion(models.NewVersion{UnitCode: units[w%len(units)].Code, Period: "2024-03", Source: models.SourceUpload,
					File: []byte(time.Now().String() + string(rune(n))), Values: []models.ReturnValue{{Indicator: "service_points", Value: float64(n)}}})
				switch {
				case err == nil:
					ok.Add(1)
				case models.IsBusy(err) && models.ErrorCode(err) == models.EBusy:
					busy.Add(1)
					time.Sleep(20 * time.Millisecond)
				default:
					other.Add(1)
					firstOther.CompareAndSwap(nil, err.Error())
				}
			}
		}()
	}
	time.Sleep(500 * time.Millisecond)
	before := ok.Load()
	pg.Crash()
	time.Sleep(time.Second)
	busyWhileDown := busy.Load()
	restarted := time.Now()
	pg.Start()
	for ok.Load() <= before+int64(len(units)) && time.Since(restarted) < 20*time.Second {
		time.Sleep(50 * time.Millisecond)
	}
	recovered := time.Since(restarted)
	stop.Store(true)
	wg.Wait()
	if before == 0 || busyWhileDown == 0 {
		t.Errorf("%d writes before the crash, %d busy while down: the test did not write under load", before, busyWhileDown)
	}
	if other.Load() > 0 {
		t.Errorf("%d writes failed other than busy, e.g. %v", other.Load(), firstOther.Load())
	}
	if ok.Load() <= before+int64(len(units)) {
		t.Fatalf("no write succeeded within 20 s of PostgreSQL's restart (%d before)", before)
	}
	var versions, audited, logged int64
	s.db.Model(&models.ReturnVersion{}).Count(&versions)
	s.db.Model(&models.AuditEntry{}).Where("action = ?", models.AuditUpload).Count(&audited)
	s.db.Model(&models.DataChange{}).Count(&logged)
	if versions != audited || versions != logged || versions < ok.Load() {
		t.Errorf("%d versions, %d audit entries, %d change-log rows; %d writes succeeded", versions, audited, logged, ok.Load())
	}
	t.Logf("%d writes before the crash, %d busy while PostgreSQL was down, writes again %s after starting it (pg_ctl start included); %d stored in all, each audited",
		before, busy.Load(), recovered.Round(10*time.Millisecond), versions)
}
