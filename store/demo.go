package store

import (
	"encoding/json"
	"fmt"
	"time"

	"gorm.io/gorm"

	"ruralkpi/models"
)

// demoLedgers builds the demo's ledger snapshots from the returns they stand beside, so that an
// approved ledger confirms its return's figures.
func demoLedgers(d models.DemoData, today time.Time) []demoLedger {
	base := models.MustPeriod("2025-09")
	if !today.IsZero() {
		base = models.ReportingMonth(today)
	}
	latest := map[string]models.NewVersion{}
	for _, v := range d.Versions {
		latest[v.UnitCode+" "+v.Period] = v
	}
	var out []demoLedger
	for _, lp := range demoLedgerPlan {
		period := base.AddMonths(-lp.monthAgo)
		v, ok := latest[lp.unit+" "+period.String()]
		if !ok {
			continue
		}
		figures := map[string]float64{}
		for _, val := range v.Values {
			figures[val.Indicator] = val.Value
		}
		points := demoLedgerPoints(lp.unit, period, figures, d.AdminVillages[lp.unit], lp.drift)
		indicators, _ := json.Marshal(models.LedgerIndicators(points, period))
		uploaded := v.UploadedAt.Add(time.Hour)
		snap := models.LedgerSnapshot{UnitCode: lp.unit, Period: period.String(), Number: 1,
			FileName: fmt.Sprintf("%s-%s-网点台账.xlsx", lp.unit, period), UploadedBy: "county-" + lp.unit,
			UploadedAt: uploaded, Points: len(points), Warnings: "[]", Indicators: string(indicators), Status: models.StatusSubmitted}
		if lp.approved {
			at := uploaded.Add(30 * time.Hour)
			snap.Status, snap.ReviewedBy, snap.ReviewedAt, snap.ReviewNote = models.StatusApproved, models.DemoOfficeUser, &at, "与月报核对一致"
		}
		out = append(out, demoLedger{snap: snap, points: points})
	}
	return out
}

// demoLedgerPoints lays out points that yield the return's figures: one point in each covered
// village (drift villages fewer), the rest doubling up, with the direct, fused and income counts.
func demoLedgerPoints(unit string, period models.Period, f map[string]float64, villages, drift int) []models.LedgerPoint {
	sp, cv := int(f[models.IndServicePoints]), min(int(f[models.IndCoveredVillages])-drift, villages)
	if cv > sp {
		cv = sp
	}
	opened := models.LedgerDateOf(time.Date(period.Year-2, 6, 1, 0, 0, 0, 0, time.UTC))
	thisYear := models.LedgerDateOf(time.Date(period.Year, 3, 1, 0, 0, 0, 0, time.UTC))
	added := int(f[models.IndStationsAdded])
	points := make([]models.LedgerPoint, 0, sp+8)
	for i := 0; i < sp; i++ {
		village := i % max(cv, 1)
		p := models.LedgerPoint{Code: fmt.Sprintf("%s-%04d", unit, i+1), Name: fmt.Sprintf("第%d村快递服务站", village+1),
			Township: models.DemoTownships[village%len(models.DemoTownships)], Village: fmt.Sprintf("第%d村", village+1),
			Operator: "邮政", Status: models.LedgerOperating, OpenedOn: opened, Row: int32(i + 2),
			Direct: i < int(f[models.IndDirectPoints]), Fused: i < int(f[models.IndFusedPoints]), Income: 6_000, Parcels: 900}
		if i%3 == 1 {
			p.Operator = "中通"
		}
		switch {
		case i < int(f[models.IndIncome20k]):
			p.Income = 25_000
		case i < int(f[models.IndIncome10k]):
			p.Income = 15_000
		}
		// villages with a single point opened this year count as 新增空白站点.
		if i < cv && i >= max(sp-cv, cv-added) {
			p.OpenedOn = thisYear
		}
		points = append(points, p)
	}
	changed := models.LedgerDateOf(time.Date(period.Year, 4, 10, 0, 0, 0, 0, time.UTC))
	for i := 0; i < int(f[models.IndStationsClosed])+int(f[models.IndStationsMerged]); i++ {
		st := models.LedgerClosed
		if i >= int(f[models.IndStationsClosed]) {
			st = models.LedgerMerged
		}
		points = append(points, models.LedgerPoint{Code: fmt.Sprintf("%s-X%03d", unit, i+1), Name: "原村级代办点",
			Township: models.DemoTownships[i%len(models.DemoTownships)], Village: fmt.Sprintf("第%d村", i%max(villages, 1)+1),
			Operator: "个体", Status: st, OpenedOn: opened, ChangedOn: changed, Row: int32(sp + i + 2)})
	}
	return points
}

// seedDemoExtrasTx writes the demo's village lists, ledger snapshots and follow-ups (set-up: no audit).
func seedDemoExtrasTx(tx *gorm.DB, d models.DemoData, today time.Time) error {
	for _, unit := range []string{"530326", "530371", "530303"} {
		vs := models.DemoVillages(unit, d.AdminVillages[unit])
		if err := tx.CreateInBatches(vs, 500).Error; err != nil {
			return fmt.Errorf("store: demo villages of %s: %w", unit, err)
		}
	}
	for _, l := range demoLedgers(d, today) {
		snap := l.snap
		if err := tx.Create(&snap).Error; err != nil {
			return fmt.Errorf("store: demo ledger %s %s: %w", snap.UnitCode, snap.Period, err)
		}
		if err := insertLedgerPoints(tx, snap.ID, l.points); err != nil {
			return err
		}
	}
	fs := models.DemoFollowUps(today)
	if err := tx.Create(&fs).Error; err != nil {
		return fmt.Errorf("store: demo follow-ups: %w", err)
	}
	return nil
}

// demoLedger is a demo ledger snapshot with its points.
type demoLedger struct {
	snap   models.LedgerSnapshot
	points []models.LedgerPoint
}

// demoLedgerPlan says which units keep a ledger in the demo and how their snapshots stand: 会泽县
// and 曲靖经开区 have an approved August ledger, 沾益区 a September ledger waiting for review that
// counts two villages fewer than its return (the ledger-vs-return check shows it).
var demoLedgerPlan = []struct {
	unit     string
	monthAgo int // how many months before the month being collected
	approved bool
	drift    int
}{
	{"530326", 1, true, 0},
	{"530371", 1, true, 0},
	{"530303", 0, false, 2},
}

// SeedDemo fills an empty database with the demo over the plan's whole span (SeedDemoAsOf with no day).
func (s *Store) SeedDemo(p *models.Plan) error { return s.SeedDemoAsOf(p, time.Time{}) }

// SeedDemoAsOf fills an empty database with the demo as it stands on a day (DemoData.AsOf): users,
// reference figures and village lists, allocations, returns with their reviews, ledger snapshots and
// follow-ups. It refuses a database that holds real data, and does nothing to one that already
// holds the demo.
func (s *Store) SeedDemoAsOf(p *models.Plan, today time.Time) error {
	// A demo database stays one: what people tried in it (uploads, new users) is demo play, and
	// `make run` must start again on it.
	demo, err := s.IsDemo()
	if err != nil || demo {
		return err
	}
	real, err := s.HasRealData()
	if err != nil {
		return err
	}
	if real {
		return models.ErrRealData
	}
	empty, err := s.IsEmpty()
	if err != nil {
		return err
	}
	if !empty {
		return nil
	}
	data, err := models.GenerateDemo(p, 2023)
	if err != nil {
		return err
	}
	data = data.AsOf(today)
	// The demo is set-up, not anybody's change: it leaves no audit entries.
	var chs []models.Change
	if err := s.write(func(tx *gorm.DB) error {
		for _, nu := range models.DemoUsers(p) {
			if _, err := createUserTx(tx, p, nu, time.Now()); err != nil && models.ErrorCode(err) != models.EConflict {
				return err
			}
		}
		chs = chs[:0]
		for code, n := range data.AdminVillages {
			if err := tx.Model(&models.UnitRecord{}).Where("code = ?", code).Update("admin_villages", n).Error; err != nil {
				return fmt.Errorf("store: demo villages: %w", err)
			}
		}
		if len(data.Allocations) > 0 {
			if err := tx.CreateInBatches(data.Allocations, 200).Error; err != nil {
				return fmt.Errorf("store: demo allocations: %w", err)
			}
		}
		if err := seedDemoExtrasTx(tx, data, today); err != nil {
			return err
		}
		for _, kind := range []models.ChangeKind{models.ChangeVillages, models.ChangeAllocations} {
			ch, err := changed(tx, models.Change{Kind: kind})
			if err != nil {
				return err
			}
			chs = append(chs, ch)
		}
		return nil
	}); err != nil {
		return err
	}
	s.afterCommit(chs...)
	if err := s.SaveVersions(data.Versions); err != nil {
		return err
	}
	return s.MarkDemo()
}
