package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"gorm.io/gorm"

	"ruralkpi/models"
)

// QualityFigures reads what the flag rules compare a unit's return of a month with: the unit's
// earlier months, the other units' figures this month and the month before (newest versions), and
// the unit's ledger of the month. values are the return's figures (a stored version's, or an upload
// being previewed). Nothing is written.
//
// Which versions are the newest comes from the read model when the store has one (a server), else
// from the database (CLI commands, and a store bound to a transaction, which must see its own
// writes); their figures come from figureCache, so that only versions never read before are read.
// The maps in the answer may be shared with other callers: read them, never change them.
func (s *Store) QualityFigures(p *models.Plan, unit string, period models.Period, values map[string]float64) (models.QualityInput, error) {
	in := models.QualityInput{Rules: p.Quality, Unit: unit, Period: period, Values: values, Peers: map[string]map[string]float64{},
		PeersPrevious: map[string]map[string]float64{}, Kinds: map[string]models.IndicatorKind{}, Pace: map[string]float64{}, Names: map[string]string{}}
	cur, prev := period.String(), period.AddMonths(-1).String()
	// A year of the unit's own months is enough history for the robust pool and the pace rule.
	from := period.AddMonths(-models.QualityHistoryMonths).String()
	versions, err := s.qualityVersions(unit, cur, prev, from)
	if err != nil {
		return in, err
	}
	leaf := map[string]bool{}
	for _, u := range p.ReportingUnits() {
		leaf[u.Code] = true
	}
	// The return itself and the office's city-level figures (no peer) are left out.
	kept := versions[:0]
	ids := make([]uint, 0, len(versions))
	for _, v := range versions {
		if v.UnitCode == unit && v.Period < cur || v.UnitCode != unit && leaf[v.UnitCode] {
			kept = append(kept, v)
			ids = append(ids, v.ID)
		}
	}
	figs, err := s.versionFigures(ids)
	if err != nil {
		return in, err
	}
	for _, v := range kept {
		m := figs[v.ID]
		switch {
		case v.UnitCode == unit:
			pp, err := models.ParsePeriod(v.Period)
			if err != nil {
				return in, err
			}
			in.History = append(in.History, models.MonthFigures{Period: pp, Values: m})
		case v.Period == cur:
			in.Peers[v.UnitCode] = m
		default:
			in.PeersPrevious[v.UnitCode] = m
		}
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

// qualityVersion is a newest version the flag rules read the figures of.
type qualityVersion struct {
	ID               uint
	UnitCode, Period string
}

// qualityVersions lists the newest version of every unit's return of cur and prev, and of the
// unit's own returns from from up to (not including) cur.
func (s *Store) qualityVersions(unit, cur, prev, from string) ([]qualityVersion, error) {
	if s.rm != nil && s.pending == nil {
		return qualityVersionsOf(s.rm.cur.Load().Submissions, unit, cur, prev, from), nil
	}
	return s.qualityVersionsFromDB(unit, cur, prev, from)
}

// qualityVersionsOf picks the versions qualityVersions lists from the read model's submissions.
func qualityVersionsOf(subs map[string]map[string]models.Submission, unit, cur, prev, from string) []qualityVersion {
	var out []qualityVersion
	for u, byMonth := range subs {
		if u == unit {
			for per, sub := range byMonth {
				if per >= from && per < cur {
					out = append(out, qualityVersion{ID: sub.LatestID, UnitCode: u, Period: per})
				}
			}
			continue
		}
		for _, per := range []string{cur, prev} {
			if sub, ok := byMonth[per]; ok {
				out = append(out, qualityVersion{ID: sub.LatestID, UnitCode: u, Period: per})
			}
		}
	}
	return out
}

// qualityVersionsFromDB lists what qualityVersions does, read from the database.
func (s *Store) qualityVersionsFromDB(unit, cur, prev, from string) ([]qualityVersion, error) {
	type version struct {
		qualityVersion
		ReturnID uint
		Number   int
	}
	// The newest version of each return is picked here rather than in SQL: every row SQLite hands
	// over costs about a microsecond through cgo, and the candidates are few.
	vrows, err := s.db.Raw(`SELECT id, return_id, number, unit_code, period FROM return_versions
		WHERE period IN (?, ?) OR (unit_code = ? AND period >= ? AND period < ?)`, cur, prev, unit, from, cur).Rows()
	if err != nil {
		return nil, fmt.Errorf("store: quality versions: %w", err)
	}
	defer vrows.Close()
	newest := map[uint]version{}
	for vrows.Next() {
		var v version
		if err := vrows.Scan(&v.ID, &v.ReturnID, &v.Number, &v.UnitCode, &v.Period); err != nil {
			return nil, fmt.Errorf("store: quality versions: %w", err)
		}
		if old, ok := newest[v.ReturnID]; !ok || v.Number > old.Number {
			newest[v.ReturnID] = v
		}
	}
	if err := vrows.Err(); err != nil {
		return nil, fmt.Errorf("store: quality versions: %w", err)
	}
	out := make([]qualityVersion, 0, len(newest))
	for _, v := range newest {
		out = append(out, v.qualityVersion)
	}
	return out, nil
}

// figureCacheVersions bounds figureCache: at national scale two months of every county's returns
// are about 5,700 versions (a few MiB); past the bound the cache starts again empty.
const figureCacheVersions = 20000

// figureCache keeps the figures of versions the flag rules have read, by version id. A stored
// version's figures never change, so nothing in it goes stale: a new upload is a new version, which
// the read model names as the newest and which is read once here.
type figureCache struct {
	mu sync.Mutex
	m  map[uint]map[string]float64
}

// versionFigures returns the figures of the versions, reading only those not read before (one query,
// one row per version: the figures come joined, indicator US value RS …, as every row SQLite hands
// over costs about a microsecond through cgo). A version without figures has an empty map.
func (s *Store) versionFigures(ids []uint) (map[uint]map[string]float64, error) {
	out := make(map[uint]map[string]float64, len(ids))
	cached := s.pending == nil // a transaction's versions may yet be rolled back
	var missing []uint
	if cached {
		s.figs.mu.Lock()
		for _, id := range ids {
			if m, ok := s.figs.m[id]; ok {
				out[id] = m
			} else {
				missing = append(missing, id)
			}
		}
		s.figs.mu.Unlock()
	} else {
		missing = ids
	}
	if len(missing) == 0 {
		return out, nil
	}
	read := make(map[uint]map[string]float64, len(missing))
	for _, id := range missing {
		read[id] = map[string]float64{}
	}
	rows, err := s.db.Raw(s.dialect.joinedValuesSQL(), missing).Rows()
	if err != nil {
		return nil, fmt.Errorf("store: quality figures: %w", err)
	}
	defer rows.Close()
	var id uint
	var joined string
	for rows.Next() {
		if err := rows.Scan(&id, &joined); err != nil {
			return nil, fmt.Errorf("store: quality figures: %w", err)
		}
		m := read[id]
		for _, pair := range strings.Split(joined, "\x1e") {
			code, text, _ := strings.Cut(pair, "\x1f")
			v, err := strconv.ParseFloat(text, 64)
			if err != nil {
				return nil, fmt.Errorf("store: quality figure %q: %w", text, err)
			}
			m[code] = v
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: quality figures: %w", err)
	}
	for id, m := range read {
		out[id] = m
	}
	if cached {
		s.figs.mu.Lock()
		if s.figs.m == nil || len(s.figs.m)+len(read) > figureCacheVersions {
			s.figs.m = make(map[uint]map[string]float64, len(read))
		}
		for id, m := range read {
			s.figs.m[id] = m
		}
		s.figs.mu.Unlock()
	}
	return out, nil
}
