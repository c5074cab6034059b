package store

import (
	"fmt"

	"gorm.io/gorm"

	"ruralkpi/models"
)

// InTransaction runs fn with a store bound to one transaction: everything fn reads and writes
// commits together or not at all. With SQLite's immediate transactions, concurrent imports queue.
func (s *Store) InTransaction(fn func(tx *Store) error) error {
	var pending []models.Change
	err := s.write(func(tx *gorm.DB) error {
		pending = pending[:0]
		return fn(s.inTx(tx, &pending))
	})
	if err == nil {
		s.afterCommit(pending...)
	}
	return err
}

// inTx is the store bound to a write transaction: its writes join the transaction (no gate of its
// own), and the changes they announce wait in pending (nil: none expected) for the outer commit.
func (s *Store) inTx(tx *gorm.DB, pending *[]models.Change) *Store {
	if pending == nil {
		pending = new([]models.Change)
	}
	return &Store{db: tx, path: s.path, dsn: s.dsn, dialect: s.dialect, touch: s.touch, rm: s.rm, pending: pending}
}

// RecentVersions returns the newest version of each of the unit's returns for the months before
// the given month, newest month first, at most months of them, with values and milestones.
func (s *Store) RecentVersions(unit, before string, months int) ([]models.ReturnVersion, error) {
	var out []models.ReturnVersion
	err := s.db.Raw(`SELECT v.* FROM return_versions v
		JOIN (SELECT return_id, MAX(number) AS n FROM return_versions WHERE unit_code = ? AND period < ? GROUP BY return_id) m
		  ON v.return_id = m.return_id AND v.number = m.n
		ORDER BY v.period DESC LIMIT ?`, unit, before, months).Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("store: recent versions %s before %s: %w", unit, before, err)
	}
	if err := s.loadContents(out); err != nil {
		return nil, err
	}
	return out, nil
}

// LaterVersions returns the newest version of each of the unit's months after the month, oldest
// first, with their contents: what a correction of an earlier month is checked against.
func (s *Store) LaterVersions(unit, after string) ([]models.ReturnVersion, error) {
	var out []models.ReturnVersion
	err := s.db.Raw(`SELECT v.* FROM return_versions v
		JOIN (SELECT return_id, MAX(number) AS n FROM return_versions WHERE unit_code = ? AND period > ? GROUP BY return_id) m
		  ON v.return_id = m.return_id AND v.number = m.n
		ORDER BY v.period`, unit, after).Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("store: later versions %s after %s: %w", unit, after, err)
	}
	if err := s.loadContents(out); err != nil {
		return nil, err
	}
	return out, nil
}

// ReturnHistory returns every version of a unit's return for a month, oldest first, with their contents.
func (s *Store) ReturnHistory(unit, period string) ([]models.ReturnVersion, error) {
	var out []models.ReturnVersion
	if err := s.db.Where("unit_code = ? AND period = ?", unit, period).Order("number").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("store: versions %s %s: %w", unit, period, err)
	}
	if err := s.loadContents(out); err != nil {
		return nil, err
	}
	return out, nil
}

// loadContents fills the values and milestones of versions in two queries.
func (s *Store) loadContents(vs []models.ReturnVersion) error {
	if len(vs) == 0 {
		return nil
	}
	ids := make([]uint, len(vs))
	at := make(map[uint]int, len(vs))
	for i, v := range vs {
		ids[i] = v.ID
		at[v.ID] = i
	}
	var values []models.ReturnValue
	if err := s.db.Where("version_id IN ?", ids).Order("id").Find(&values).Error; err != nil {
		return fmt.Errorf("store: read version values: %w", err)
	}
	for _, v := range values {
		vs[at[v.VersionID]].Values = append(vs[at[v.VersionID]].Values, v)
	}
	var ms []models.MilestoneReport
	if err := s.db.Where("version_id IN ?", ids).Order("id").Find(&ms).Error; err != nil {
		return fmt.Errorf("store: read version milestones: %w", err)
	}
	for _, m := range ms {
		vs[at[m.VersionID]].Milestones = append(vs[at[m.VersionID]].Milestones, m)
	}
	return nil
}

// UnitAllocations returns the unit's allocations for the year, by indicator.
func (s *Store) UnitAllocations(unit string, year int) (map[string]float64, error) {
	var rows []models.Allocation
	if err := s.db.Where("unit_code = ? AND year = ?", unit, year).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("store: allocations of %s in %d: %w", unit, year, err)
	}
	out := make(map[string]float64, len(rows))
	for _, a := range rows {
		out[a.Indicator] = a.Value
	}
	return out, nil
}

// YearTargets returns the stored city-wide targets of a year, by indicator.
func (s *Store) YearTargets(year int) (map[string]float64, error) {
	rows, err := s.Targets(year)
	if err != nil {
		return nil, err
	}
	out := make(map[string]float64, len(rows))
	for _, t := range rows {
		out[t.Indicator] = t.Value
	}
	return out, nil
}
