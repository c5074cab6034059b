package store

import (
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"ruralkpi/models"
)

// VersionsOfUnit returns every version of every return of the unit, newest month first and, within a
// month, newest version first (the unit page lists them; values are not loaded).
func (s *Store) VersionsOfUnit(unit string) ([]models.ReturnVersion, error) {
	var out []models.ReturnVersion
	if err := s.db.Where("unit_code = ?", unit).Order("period DESC, number DESC").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("store: versions of %s: %w", unit, err)
	}
	return out, nil
}

// newestVersionsSQL selects the newest version of every return up to a month.
const newestVersionsSQL = `SELECT v.id, v.number, v.unit_code, v.period, v.status FROM return_versions v
	JOIN (SELECT return_id, MAX(number) AS n FROM return_versions GROUP BY return_id) m
	  ON v.return_id = m.return_id AND v.number = m.n
	WHERE v.period <= ?`

// Dataset reads the figures the progress rules need, from the newest version of every return up to
// and including the month, in month order, with the counted ledger figures where a unit keeps a
// ledger, the targets, allocations, villages and tolerances. Pages read the read model (Progress)
// instead; this is the plain reading the read model is checked against, in plain queries scanned by
// hand rather than through GORM's reflection.
func (s *Store) Dataset(upTo string) (models.Dataset, error) {
	ds, err := s.referenceFigures()
	if err != nil {
		return ds, err
	}
	periods := map[string]models.Period{}
	parse := func(text string) (models.Period, error) {
		if p, ok := periods[text]; ok {
			return p, nil
		}
		p, err := models.ParsePeriod(text)
		periods[text] = p
		return p, err
	}
	// The newest versions first (a few hundred rows), then only three columns per figure: with cgo,
	// each column read costs more than the SQL.
	type version struct {
		number   int
		unit     string
		period   models.Period
		approved bool
	}
	versions := map[uint]version{}
	vRows, err := s.db.Raw(newestVersionsSQL, upTo).Rows()
	if err != nil {
		return ds, fmt.Errorf("store: read versions: %w", err)
	}
	defer vRows.Close()
	for vRows.Next() {
		var id uint
		var v version
		var periodText, status string
		if err := vRows.Scan(&id, &v.number, &v.unit, &periodText, &status); err != nil {
			return ds, fmt.Errorf("store: read versions: %w", err)
		}
		if v.period, err = parse(periodText); err != nil {
			return ds, err
		}
		v.approved = status == models.StatusApproved
		versions[id] = v
	}
	if err := vRows.Err(); err != nil {
		return ds, fmt.Errorf("store: read versions: %w", err)
	}
	rows, err := s.db.Raw(`SELECT x.version_id, x.indicator, x.value
		FROM (`+newestVersionsSQL+`) v JOIN return_values x ON x.version_id = v.id
		ORDER BY v.period, v.unit_code, x.id`, upTo).Rows()
	if err != nil {
		return ds, fmt.Errorf("store: read figures: %w", err)
	}
	defer rows.Close()
	indicators := map[string]string{} // one copy of each code, not one per figure
	for rows.Next() {
		var id uint
		var indicator []byte
		var value float64
		if err := rows.Scan(&id, &indicator, &value); err != nil {
			return ds, fmt.Errorf("store: read figures: %w", err)
		}
		code, ok := indicators[string(indicator)]
		if !ok {
			code = string(indicator)
			indicators[code] = code
		}
		v := versions[id]
		ds.Observations = append(ds.Observations, models.Observation{Unit: v.unit, Period: v.period, Indicator: code,
			Value: value, VersionID: id, Version: v.number, Approved: v.approved})
	}
	if err := rows.Err(); err != nil {
		return ds, fmt.Errorf("store: read figures: %w", err)
	}
	if err := s.applyLedgerFigures(&ds, upTo); err != nil {
		return ds, err
	}
	msRows, err := s.db.Raw(`SELECT v.id, v.unit_code, v.period, v.status, x.indicator, x.state, x.done_on, COALESCE(x.unit, '')
		FROM (`+newestVersionsSQL+`) v JOIN milestone_reports x ON x.version_id = v.id
		ORDER BY v.period, v.unit_code, x.id`, upTo).Rows()
	if err != nil {
		return ds, fmt.Errorf("store: read milestones: %w", err)
	}
	defer msRows.Close()
	for msRows.Next() {
		var m models.MilestoneObservation
		var periodText, status, ticked string
		if err := msRows.Scan(&m.VersionID, &m.Unit, &periodText, &status, &m.Indicator, &m.State, &m.DoneOn, &ticked); err != nil {
			return ds, fmt.Errorf("store: read milestones: %w", err)
		}
		if m.Period, err = parse(periodText); err != nil {
			return ds, err
		}
		m.Approved = status == models.StatusApproved
		if ticked != "" {
			m.Unit, m.Ticked = ticked, true // the office's tick of a unit's task
		}
		ds.Milestones = append(ds.Milestones, m)
	}
	if err := msRows.Err(); err != nil {
		return ds, fmt.Errorf("store: read milestones: %w", err)
	}
	return ds, nil
}

// SetTolerance sets the share of 序时进度 (above 0, at most 1) down to which a lagging indicator is
// amber rather than red; 0 restores the default, with its setting.update audit entry by by. It
// returns the previous setting.
func (s *Store) SetTolerance(indicator string, tolerance float64, by models.Actor, now time.Time) (float64, error) {
	if tolerance < 0 || tolerance > 1 {
		return 0, models.Errorf(models.EInvalid, "容差应在 0 到 100%% 之间（例如 90%% 表示达到序时进度的 90%% 仍为“预警”），收到 %v%%。", tolerance*100)
	}
	var previous float64
	var ch models.Change
	err := s.write(func(tx *gorm.DB) error {
		var rec models.IndicatorRecord
		if err := tx.Where("code = ?", indicator).Take(&rec).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return models.Errorf(models.ENotFound, "没有代码为 %q 的指标。", indicator)
			}
			return fmt.Errorf("store: read indicator %s: %w", indicator, err)
		}
		previous = rec.Tolerance
		if err := tx.Model(&models.IndicatorRecord{}).Where("code = ?", indicator).Update("tolerance", tolerance).Error; err != nil {
			return fmt.Errorf("store: set tolerance of %s: %w", indicator, err)
		}
		if err := auditTx(tx, models.AuditEntry{At: now, Actor: by.Username, IP: by.IP, Action: models.AuditSetting, Subject: "tolerance " + indicator,
			Before: models.AuditJSON(previous), After: models.AuditJSON(tolerance)}); err != nil {
			return err
		}
		var err error
		ch, err = changed(tx, models.Change{Kind: models.ChangeTolerance, Indicator: indicator})
		return err
	})
	if err == nil {
		s.afterCommit(ch)
	}
	return previous, err
}

// referenceFigures reads what Dataset needs besides the returns: targets, allocations, the units'
// administrative villages and the office's tolerances.
func (s *Store) referenceFigures() (models.Dataset, error) {
	ds := models.Dataset{
		Allocations:   map[string]map[int]map[string]float64{},
		Targets:       map[string]map[int]float64{},
		AdminVillages: map[string]int{},
		Tolerances:    map[string]float64{},
	}
	targets, err := s.Targets(0)
	if err != nil {
		return ds, err
	}
	for _, t := range targets {
		if ds.Targets[t.Indicator] == nil {
			ds.Targets[t.Indicator] = map[int]float64{}
		}
		ds.Targets[t.Indicator][t.Year] = t.Value
	}
	allocs, err := s.Allocations(0)
	if err != nil {
		return ds, err
	}
	for _, a := range allocs {
		ds.AddAllocation(a)
	}
	units, err := s.Units()
	if err != nil {
		return ds, err
	}
	for _, u := range units {
		if u.AdminVillages > 0 {
			ds.AdminVillages[u.Code] = u.AdminVillages
		}
	}
	var inds []models.IndicatorRecord
	if err := s.db.Where("tolerance > 0").Find(&inds).Error; err != nil {
		return ds, fmt.Errorf("store: read tolerances: %w", err)
	}
	for _, ind := range inds {
		ds.Tolerances[ind.Code] = ind.Tolerance
	}
	return ds, nil
}
