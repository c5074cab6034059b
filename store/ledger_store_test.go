package store

import (
	"errors"
	"fmt"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"ruralkpi/models"
)

func openLedgerTestStore(t *testing.T) *Store {
	t.Helper()
	s, err := Open(filepath.Join(t.TempDir(), "test.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func ledgerTestPoints(n int) []models.LedgerPoint {
	out := make([]models.LedgerPoint, n)
	for i := range out {
		out[i] = models.LedgerPoint{Code: fmt.Sprintf("P%06d", i+1), Name: fmt.Sprintf("第%d号服务站", i+1), Township: "越州镇",
			Village: fmt.Sprintf("村%d", i%50), Operator: "中国邮政", Status: models.LedgerOperating, OpenedOn: day("2023-08-15"),
			Income: float64(i), Parcels: int64(i * 2), Row: int32(i + 2), Fused: i%2 == 0}
	}
	return out
}

func TestSaveLedgerSnapshot(t *testing.T) {
	s := openLedgerTestStore(t)
	pts := ledgerTestPoints(2500) // more than two insert batches
	pts[7].HasCoords, pts[7].Lat, pts[7].Lon = true, 25.5, 103.8
	pts[8].Status, pts[8].ChangedOn = models.LedgerClosed, day("2024-03-01")
	first, err := s.SaveLedgerSnapshot(NewLedgerSnapshot{UnitCode: "530302", Period: "2024-06", FileName: "a.xlsx", File: []byte("one"), Points: pts})
	if err != nil {
		t.Fatal(err)
	}
	t.Run("round trip", func(t *testing.T) {
		got, err := s.LedgerPoints(first.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(pts) {
			t.Fatalf("got %d points", len(got))
		}
		for i := range pts {
			if got[i] != pts[i] {
				t.Fatalf("point %d: got %+v, want %+v", i, got[i], pts[i])
			}
		}
	})
	t.Run("same file again is refused", func(t *testing.T) {
		_, err := s.SaveLedgerSnapshot(NewLedgerSnapshot{UnitCode: "530302", Period: "2024-06", File: []byte("one"), Points: pts[:1]})
		if !errors.Is(err, models.ErrDuplicateFile) {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("next upload is the next version and counts", func(t *testing.T) {
		second, err := s.SaveLedgerSnapshot(NewLedgerSnapshot{UnitCode: "530302", Period: "2024-06", File: []byte("two"), Points: pts[:10]})
		if err != nil {
			t.Fatal(err)
		}
		if second.Number != 2 {
			t.Errorf("number %d", second.Number)
		}
		latest, err := s.LatestLedgerSnapshot("530302", "2024-12")
		if err != nil || latest.ID != second.ID {
			t.Errorf("latest %+v %v", latest, err)
		}
		var kept models.StoredFile
		if err := s.db.Where("hash = ?", models.FileHash([]byte("two"))).Take(&kept).Error; err != nil || string(kept.Data) != "two" {
			t.Errorf("original file not kept: %v", err)
		}
	})
	t.Run("browse: filter, sort, page", func(t *testing.T) {
		yes := true
		page, err := s.FindLedgerPoints(first.ID, models.LedgerPointQuery{Search: "第1", Fused: &yes, Sort: "income", Desc: true, Page: 2, PerPage: 10})
		if err != nil {
			t.Fatal(err)
		}
		// Codes with a name containing 第1 and an odd index (fused): 第1, 第1x…, 第1xx…, 第1xxx…
		if page.Total == 0 || len(page.Points) != 10 || page.Points[0].Income < page.Points[9].Income {
			t.Errorf("total %d, page %d", page.Total, len(page.Points))
		}
	})
	t.Run("point history", func(t *testing.T) {
		h, err := s.PointHistory("530302", "P000001")
		if err != nil {
			t.Fatal(err)
		}
		if len(h) != 2 || h[0].Snapshot.Number != 1 || h[1].Snapshot.Number != 2 {
			t.Errorf("history %+v", h)
		}
	})
	if _, err := s.LatestLedgerSnapshot("530303", "2024-12"); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("other unit: %v", err)
	}
}

func TestSaveLedgerSnapshotStaged(t *testing.T) {
	s := openLedgerTestStore(t)
	pts := ledgerTestPoints(2345)
	pts[3].HasCoords, pts[3].Lat, pts[3].Lon = true, 25.5, 103.8
	st, err := NewLedgerStaging(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for _, p := range pts {
		if err := st.Add(p); err != nil {
			t.Fatal(err)
		}
	}
	snap, err := s.SaveLedgerSnapshot(NewLedgerSnapshot{UnitCode: "530302", Period: "2024-06", File: []byte("f"), Staged: st})
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.LedgerPoints(snap.ID)
	if err != nil {
		t.Fatal(err)
	}
	if snap.Points != len(pts) || len(got) != len(pts) {
		t.Fatalf("snapshot says %d, stored %d, want %d", snap.Points, len(got), len(pts))
	}
	for i := range pts {
		if got[i] != pts[i] {
			t.Fatalf("point %d: got %+v, want %+v", i, got[i], pts[i])
		}
	}
	// The pinned connection went back to the pool detached: ordinary queries still work.
	if _, err := s.LedgerSnapshots("530302"); err != nil {
		t.Fatal(err)
	}
}

func TestReplaceAdminVillages(t *testing.T) {
	s := openLedgerTestStore(t)
	if err := s.db.Create(&models.UnitRecord{Code: "530302", Name: "麒麟区"}).Error; err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{3, 2} { // replacing, not adding
		var vs []models.AdminVillage
		for i := range n {
			vs = append(vs, models.AdminVillage{Township: "越州镇", Name: fmt.Sprintf("村%d", i)})
		}
		if err := s.ReplaceAdminVillages("530302", vs, "office", testActor, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.AdminVillages("530302")
	if err != nil || len(got) != 2 {
		t.Fatalf("got %d, %v", len(got), err)
	}
	var u models.UnitRecord
	if err := s.db.Take(&u, "code = ?", "530302").Error; err != nil || u.AdminVillages != 2 {
		t.Errorf("village count %d, %v", u.AdminVillages, err)
	}
}

// TestLedgerImportDoesNotBlockReturns stores a large ledger while another unit saves its monthly
// return, and proves the overlap: the return is sent while the ledger's write transaction is open
// (from inside it, through the snapshot's Admit hook) and the ledger goes on writing its 60,000
// points only once the return waits for the writer's slot. The return must then land normally,
// after the ledger (it queued behind the ledger's write instead of failing with "database is locked").
func TestLedgerImportDoesNotBlockReturns(t *testing.T) {
	s := openLedgerTestStore(t)
	st, err := NewLedgerStaging(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for _, p := range ledgerTestPoints(60_000) {
		if err := st.Add(p); err != nil {
			t.Fatal(err)
		}
	}
	var returnErr error
	var returnTook time.Duration
	returned := make(chan struct{})
	queued := false
	admit := func(*Store) error { // runs inside the ledger's write transaction, holding the slot
		go func() {
			defer close(returned)
			t0 := time.Now()
			_, returnErr = s.SaveVersion(models.NewVersion{UnitCode: "530303", Period: "2024-06", Source: models.SourceUpload,
				Values: []models.ReturnValue{{Indicator: models.IndServicePoints, Value: 12}}})
			returnTook = time.Since(t0)
		}()
		deadline := time.Now().Add(DefaultWriteWait)
		for !queued && time.Now().Before(deadline) {
			select {
			case <-returned: // finished while the ledger's transaction was open: no overlap
				return nil
			default:
			}
			queued = s.gate.queued.Load() == 1
			runtime.Gosched()
		}
		return nil
	}
	_, ledgerErr := s.SaveLedgerSnapshot(NewLedgerSnapshot{UnitCode: "530302", Period: "2024-06", File: []byte("big"), Staged: st,
		By: models.Actor{Username: "ledger"}, Admit: admit})
	<-returned
	if ledgerErr != nil {
		t.Fatalf("ledger: %v", ledgerErr)
	}
	if !queued {
		t.Fatal("the return did not wait for the ledger's write transaction: no overlap was shown")
	}
	if returnErr != nil {
		t.Fatalf("return saved during the ledger import: %v", returnErr)
	}
	vs, err := s.LatestVersions("2024-06")
	if err != nil || len(vs) != 1 || vs[0].UnitCode != "530303" {
		t.Fatalf("return not stored: %+v %v", vs, err)
	}
	// The audit log is the order of commits: the ledger's entry first, then the return's.
	entries, err := s.AuditEntries(models.AuditFilter{}) // newest first
	if err != nil {
		t.Fatal(err)
	}
	var order []string
	for i := len(entries) - 1; i >= 0; i-- {
		order = append(order, entries[i].Action)
	}
	if len(order) != 2 || order[0] != models.AuditLedgerUpload {
		t.Fatalf("commit order %v, want the ledger's upload first and then the return", order)
	}
	t.Logf("return queued during the 60,000-point ledger's transaction and saved in %v", returnTook)
}

// TestDiffLedgerSnapshotsMatchesDiffLedger checks the SQL comparison against the pure rule on the
// same two snapshots.
func TestDiffLedgerSnapshotsMatchesDiffLedger(t *testing.T) {
	s := openLedgerTestStore(t)
	prev := ledgerTestPoints(40)
	prev[5].Status, prev[5].ChangedOn = models.LedgerClosed, day("2023-12-01")
	cur := append([]models.LedgerPoint(nil), prev[:35]...) // 35..39 vanish
	cur[1].Status, cur[1].ChangedOn = models.LedgerClosed, day("2024-05-01")
	cur[2].Status, cur[2].ChangedOn = models.LedgerMerged, day("2024-05-02")
	cur[3].Name = "改名"
	cur[4].HasCoords, cur[4].Lat, cur[4].Lon = true, 25, 103
	cur[5].Status, cur[5].ChangedOn = models.LedgerOperating, 0 // reopened
	cur[6].Income = 1                                           // not a change
	cur = append(cur, models.LedgerPoint{Code: "NEW1", Name: "新点", Status: models.LedgerOperating, OpenedOn: day("2024-05-01")})
	first, err := s.SaveLedgerSnapshot(NewLedgerSnapshot{UnitCode: "530302", Period: "2024-05", Points: prev})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok, err := s.DiffLedgerSnapshots(first); ok || err != nil {
		t.Fatalf("first snapshot has a previous one: %v %v", ok, err)
	}
	second, err := s.SaveLedgerSnapshot(NewLedgerSnapshot{UnitCode: "530302", Period: "2024-06", Points: cur})
	if err != nil {
		t.Fatal(err)
	}
	got, ok, err := s.DiffLedgerSnapshots(second)
	if err != nil || !ok || got.Previous.ID != first.ID {
		t.Fatalf("%+v %v %v", got, ok, err)
	}
	want := models.DiffLedger(prev, cur)
	counts := [5]int64{got.Added, got.Closed, got.Merged, got.Changed, got.Missing}
	wantCounts := [5]int64{int64(len(want.Added)), int64(len(want.Closed)), int64(len(want.Merged)), int64(len(want.Changed)), int64(len(want.Missing))}
	if counts != wantCounts || wantCounts != [5]int64{1, 1, 1, 3, 5} {
		t.Errorf("SQL %v, DiffLedger %v, want [1 1 1 3 5]", counts, wantCounts)
	}
}

func TestDiffStagedLedgerMatchesDiffLedger(t *testing.T) {
	s := openLedgerTestStore(t)
	prev := ledgerTestPoints(40)
	cur := append([]models.LedgerPoint(nil), prev[:36]...) // 36..39 vanish
	cur[1].Status, cur[1].ChangedOn = models.LedgerClosed, day("2024-05-01")
	cur[2].Status, cur[2].ChangedOn = models.LedgerMerged, day("2024-05-02")
	cur[3].Operator = "另一家"
	cur[6].Parcels = 1 // not a change
	cur = append(cur, models.LedgerPoint{Code: "NEW1", Name: "新点", Status: models.LedgerOperating, OpenedOn: day("2024-05-01")},
		models.LedgerPoint{Code: "NEW2", Name: "新点二", Status: models.LedgerOperating, OpenedOn: day("2024-05-03")})
	stage := func() *LedgerStaging {
		st, err := NewLedgerStaging(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = st.Close() })
		for _, p := range cur {
			if err := st.Add(p); err != nil {
				t.Fatal(err)
			}
		}
		return st
	}
	if _, ok, err := s.DiffStagedLedger("530302", "2024-06", stage()); ok || err != nil {
		t.Fatalf("no snapshot yet, yet a diff: %v %v", ok, err)
	}
	first, err := s.SaveLedgerSnapshot(NewLedgerSnapshot{UnitCode: "530302", Period: "2024-05", Points: prev})
	if err != nil {
		t.Fatal(err)
	}
	got, ok, err := s.DiffStagedLedger("530302", "2024-06", stage())
	if err != nil || !ok || got.Previous.ID != first.ID {
		t.Fatalf("%+v %v %v", got, ok, err)
	}
	want := models.DiffLedger(prev, cur)
	counts := [5]int64{got.Added, got.Closed, got.Merged, got.Changed, got.Missing}
	wantCounts := [5]int64{int64(len(want.Added)), int64(len(want.Closed)), int64(len(want.Merged)), int64(len(want.Changed)), int64(len(want.Missing))}
	if counts != wantCounts || wantCounts != [5]int64{2, 1, 1, 1, 4} {
		t.Errorf("SQL %v, DiffLedger %v, want [2 1 1 1 4]", counts, wantCounts)
	}
}
