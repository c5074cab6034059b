package models

import "fmt"

// VersionsOfUnit returns every version of every return of the unit, newest month first and, within a
// month, newest version first (the unit page lists them; values are not loaded).
func (s *Store) VersionsOfUnit(unit string) ([]ReturnVersion, error) {
	var out []ReturnVersion
	if err := s.DB.Where("unit_code = ?", unit).Order("period DESC, number DESC").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("models: versions of %s: %w", unit, err)
	}
	return out, nil
}

// newestVersionsSQL selects the newest version of every return up to a month.
const newestVersionsSQL = `SELECT v.id, v.number, v.unit_code, v.period, v.status FROM return_versions v
	JOIN (SELECT return_id, MAX(number) AS n FROM return_versions GROUP BY return_id) m
	  ON v.return_id = m.return_id AND v.number = m.n
	WHERE v.period <= ?`

// ProgressDataset is Dataset for the dashboards, which read it on every request: the same content,
// with the figures read in two plain queries scanned by hand rather than through GORM's reflection
// (about five times faster at demo scale).
func (s *Store) ProgressDataset(upTo string) (Dataset, error) {
	// No return is dated before year 0, so this reads the reference figures only.
	ds, err := s.Dataset("0000-00")
	if err != nil {
		return ds, err
	}
	periods := map[string]Period{}
	parse := func(text string) (Period, error) {
		if p, ok := periods[text]; ok {
			return p, nil
		}
		p, err := ParsePeriod(text)
		periods[text] = p
		return p, err
	}
	type version struct {
		id       uint
		number   int
		unit     string
		period   Period
		approved bool
	}
	rows, err := s.DB.Raw(`SELECT v.id, v.number, v.unit_code, v.period, v.status, x.indicator, x.value
		FROM (`+newestVersionsSQL+`) v JOIN return_values x ON x.version_id = v.id
		ORDER BY v.period, v.unit_code, x.id`, upTo).Rows()
	if err != nil {
		return ds, fmt.Errorf("models: read figures: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var v version
		var periodText, status, indicator string
		var value float64
		if err := rows.Scan(&v.id, &v.number, &v.unit, &periodText, &status, &indicator, &value); err != nil {
			return ds, fmt.Errorf("models: read figures: %w", err)
		}
		if v.period, err = parse(periodText); err != nil {
			return ds, err
		}
		ds.Observations = append(ds.Observations, Observation{Unit: v.unit, Period: v.period, Indicator: indicator,
			Value: value, VersionID: v.id, Version: v.number, Approved: status == StatusApproved})
	}
	if err := rows.Err(); err != nil {
		return ds, fmt.Errorf("models: read figures: %w", err)
	}
	msRows, err := s.DB.Raw(`SELECT v.id, v.unit_code, v.period, v.status, x.indicator, x.state, x.done_on
		FROM (`+newestVersionsSQL+`) v JOIN milestone_reports x ON x.version_id = v.id
		ORDER BY v.period, v.unit_code, x.id`, upTo).Rows()
	if err != nil {
		return ds, fmt.Errorf("models: read milestones: %w", err)
	}
	defer msRows.Close()
	for msRows.Next() {
		var m MilestoneObservation
		var periodText, status string
		if err := msRows.Scan(&m.VersionID, &m.Unit, &periodText, &status, &m.Indicator, &m.State, &m.DoneOn); err != nil {
			return ds, fmt.Errorf("models: read milestones: %w", err)
		}
		if m.Period, err = parse(periodText); err != nil {
			return ds, err
		}
		m.Approved = status == StatusApproved
		ds.Milestones = append(ds.Milestones, m)
	}
	if err := msRows.Err(); err != nil {
		return ds, fmt.Errorf("models: read milestones: %w", err)
	}
	return ds, nil
}
