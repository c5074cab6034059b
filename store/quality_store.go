package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"ruralkpi/models"
)

// QualityFigures reads what the flag rules compare a unit's return of a month with: the unit's
// earlier months, the other units' figures this month and the month before (newest versions), and
// the unit's ledger of the month. values are the return's figures (a stored version's, or an upload
// being previewed). Two queries for the returns, one for the ledger; nothing is written.
func (s *Store) QualityFigures(p *models.Plan, unit string, period models.Period, values map[string]float64) (models.QualityInput, error) {
	in := models.QualityInput{Rules: p.Quality, Unit: unit, Period: period, Values: values, Peers: map[string]map[string]float64{},
		PeersPrevious: map[string]map[string]float64{}, Kinds: map[string]models.IndicatorKind{}, Pace: map[string]float64{}, Names: map[string]string{}}
	cur, prev := period.String(), period.AddMonths(-1).String()
	// A year of the unit's own months is enough history for the robust pool and the pace rule.
	from := period.AddMonths(-models.QualityHistoryMonths).String()
	type version struct {
		ID, ReturnID     uint
		Number           int
		UnitCode, Period string
	}
	// The newest version of each return is picked here rather than in SQL: every row SQLite hands
	// over costs about a microsecond through cgo, and the candidates are few.
	vrows, err := s.db.Raw(`SELECT id, return_id, number, unit_code, period FROM return_versions
		WHERE period IN (?, ?) OR (unit_code = ? AND period >= ? AND period < ?)`, cur, prev, unit, from, cur).Rows()
	if err != nil {
		return in, fmt.Errorf("store: quality versions: %w", err)
	}
	newest := map[uint]version{}
	for vrows.Next() {
		var v version
		if err := vrows.Scan(&v.ID, &v.ReturnID, &v.Number, &v.UnitCode, &v.Period); err != nil {
			vrows.Close()
			return in, fmt.Errorf("store: quality versions: %w", err)
		}
		if old, ok := newest[v.ReturnID]; !ok || v.Number > old.Number {
			newest[v.ReturnID] = v
		}
	}
	vrows.Close()
	if err := vrows.Err(); err != nil {
		return in, fmt.Errorf("store: quality versions: %w", err)
	}
	versions := make([]version, 0, len(newest))
	for _, v := range newest {
		versions = append(versions, v)
	}
	leaf := map[string]bool{}
	for _, u := range p.ReportingUnits() {
		leaf[u.Code] = true
	}
	targets := make(map[uint]map[string]float64, len(versions))
	ids := make([]uint, 0, len(versions))
	for _, v := range versions {
		var m map[string]float64
		switch {
		case v.UnitCode == unit && v.Period < cur:
			pp, err := models.ParsePeriod(v.Period)
			if err != nil {
				return in, err
			}
			m = map[string]float64{}
			in.History = append(in.History, models.MonthFigures{Period: pp, Values: m})
		case v.UnitCode == unit || !leaf[v.UnitCode]:
			continue // the return itself, or the office's city-level figures, which are no peer
		case v.Period == cur:
			m = map[string]float64{}
			in.Peers[v.UnitCode] = m
		default:
			m = map[string]float64{}
			in.PeersPrevious[v.UnitCode] = m
		}
		targets[v.ID] = m
		ids = append(ids, v.ID)
	}
	if len(ids) == 0 {
		ids = append(ids, 0)
	}
	// One row per version: the figures come joined (indicator US value RS …) for the same reason.
	rows, err := s.db.Raw(s.dialect.joinedValuesSQL(), ids).Rows()
	if err != nil {
		return in, fmt.Errorf("store: quality figures: %w", err)
	}
	defer rows.Close()
	var id uint
	var joined string
	for rows.Next() {
		if err := rows.Scan(&id, &joined); err != nil {
			return in, fmt.Errorf("store: quality figures: %w", err)
		}
		for _, pair := range strings.Split(joined, "\x1e") {
			code, text, _ := strings.Cut(pair, "\x1f")
			v, err := strconv.ParseFloat(text, 64)
			if err != nil {
				return in, fmt.Errorf("store: quality figure %q: %w", text, err)
			}
			targets[id][code] = v
		}
	}
	if err := rows.Err(); err != nil {
		return in, fmt.Errorf("store: quality figures: %w", err)
	}
	sort.Slice(in.History, func(i, j int) bool { return in.History[i].Period.Before(in.History[j].Period) })
	for _, u := range p.ReportingUnits() {
		in.Names[u.Code] = u.Name
	}
	months := models.MonthsInYear(p, period.Year)
	in.PaceFirstMonth = models.FirstMonthInYear(p, period.Year)
	allocs := map[string]float64{}
	var al []models.Allocation
	if err := s.db.Where("year = ? AND unit_code = ?", period.Year, unit).Find(&al).Error; err != nil {
		return in, fmt.Errorf("store: quality allocations: %w", err)
	}
	for _, a := range al {
		allocs[a.Indicator] = a.Value
	}
	for _, ind := range p.Indicators {
		in.Kinds[ind.Code] = ind.Kind
		in.Names[ind.Code] = ind.Name
		if a, ok := allocs[ind.Code]; ok && ind.Kind == models.KindAnnual && months > 0 {
			in.Pace[ind.Code] = a / float64(months)
		}
	}
	var snap models.LedgerSnapshot
	err = s.db.Select("id", "indicators").Where("unit_code = ? AND period = ?", unit, cur).Order("number DESC").Take(&snap).Error
	switch {
	case err == nil && snap.Indicators != "":
		derived := map[string]float64{}
		if err := json.Unmarshal([]byte(snap.Indicators), &derived); err != nil {
			return in, fmt.Errorf("store: quality ledger: %w", err)
		}
		in.Ledger, in.LedgerSnapshot = models.CompareLedger(derived, values, nil), snap.ID
	case err != nil && !errors.Is(err, gorm.ErrRecordNotFound):
		return in, fmt.Errorf("store: quality ledger: %w", err)
	}
	return in, nil
}

// ActiveFlags returns the flags the office has not dismissed, and how many it has.
func (s *Store) ActiveFlags(flags []models.QualityFlag) ([]models.QualityFlag, int, error) {
	if len(flags) == 0 {
		return nil, 0, nil
	}
	keys := make([]string, len(flags))
	for i, f := range flags {
		keys[i] = f.Key
	}
	var dismissed []string
	if err := s.db.Model(&models.QualityDismissal{}).Where("key IN ?", keys).Pluck("key", &dismissed).Error; err != nil {
		return nil, 0, fmt.Errorf("store: read dismissals: %w", err)
	}
	gone := map[string]bool{}
	for _, k := range dismissed {
		gone[k] = true
	}
	var out []models.QualityFlag
	for _, f := range flags {
		if !gone[f.Key] {
			out = append(out, f)
		}
	}
	return out, len(flags) - len(out), nil
}

// DismissFlag records the office's dismissal of a flag, with its reason, and the audit entry, in one
// transaction. Dismissing a flag twice is a conflict.
func (s *Store) DismissFlag(key, reason string, by models.Actor, now time.Time) error {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return models.Errorf(models.EInvalid, "忽略数据质量提示必须填写原因。")
	}
	if err := models.CheckLength("原因", reason, models.MaxDismissReason); err != nil {
		return err
	}
	if key == "" || len(key) > 200 || strings.Count(key, ":") != 3 {
		return models.Errorf(models.EInvalid, "数据质量提示标识不正确。")
	}
	var ch models.Change
	err := s.write(func(tx *gorm.DB) error {
		var n int64
		if err := tx.Model(&models.QualityDismissal{}).Where("key = ?", key).Count(&n).Error; err != nil {
			return fmt.Errorf("store: read dismissal: %w", err)
		}
		if n > 0 {
			return models.Errorf(models.EConflict, "该提示已被忽略。")
		}
		if err := tx.Create(&models.QualityDismissal{Key: key, Reason: reason, By: by.Username, At: now}).Error; err != nil {
			return fmt.Errorf("store: dismiss flag: %w", err)
		}
		if err := auditTx(tx, models.AuditEntry{At: now, Actor: by.Username, IP: by.IP, Action: models.AuditQualityDismiss, Subject: key, After: reason}); err != nil {
			return err
		}
		// The unit page shows the flags: its cached copies must go.
		var err error
		ch, err = changed(tx, models.Change{Kind: models.ChangePages})
		return err
	})
	if err == nil {
		s.afterCommit(ch)
	}
	return err
}
