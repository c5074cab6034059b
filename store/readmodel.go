package store

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"ruralkpi/models"
)

// ReadModel holds the progress data in memory so that no request reads every figure from the
// database: it is built once when the server starts and then follows each committed write by
// reloading only what the write touched (one unit's months, or one kind of reference figure). Each
// state is an immutable ProgressSnapshot; readers take the current one without locking.
//
// Memory: the snapshot is a ProgressCalculator, whose index holds one 32-byte point per figure plus
// one small slice header per unit and indicator, and every unit's submissions; at national scale
// (2,850 county-level units × 36 months × 25 reported indicators, 3,215 units) that is about 200 MiB
// live (docs/performance.md).
type ReadModel struct {
	plan *models.Plan
	cur  atomic.Pointer[models.ProgressSnapshot]

	// mu makes applying changes one at a time: a reload is never overtaken by an older one.
	mu     sync.Mutex
	choice map[string]models.LedgerSource
	// cursor is the newest change-log row Watch has seen; applied lists the rows above it that this
	// process applied itself (kept only while watching).
	cursor   uint64
	applied  map[uint64]bool
	watching bool
	// readerID names this process in change_readers once it watches; reported and reportedAt are
	// the cursor it last noted there, and when (changelog_readers.go).
	readerID   string
	reported   uint64
	reportedAt time.Time
}

// StartReadModel builds the read model for the plan from the database; from then on every write
// through this store keeps it current. Pages call Progress.
func (s *Store) StartReadModel(p *models.Plan) error {
	if s.rm != nil {
		return nil
	}
	rm := &ReadModel{plan: p, applied: map[uint64]bool{}}
	// The cursor first: a change another process commits meanwhile is applied again by Watch,
	// which is harmless (reloading is idempotent).
	if err := s.db.Model(&models.DataChange{}).Select("COALESCE(MAX(id), 0)").Scan(&rm.cursor).Error; err != nil {
		return fmt.Errorf("store: read model: %w", err)
	}
	snap, err := rm.build(s, 1)
	if err != nil {
		return err
	}
	rm.cur.Store(snap)
	s.rm = rm
	return nil
}

// build reads everything: at start, and after a failed update.
func (rm *ReadModel) build(s *Store, version uint64) (*models.ProgressSnapshot, error) {
	var err error
	if rm.choice, err = s.LedgerSources(); err != nil {
		return nil, fmt.Errorf("store: read model: %w", err)
	}
	calc, err := s.indexProgress(rm.plan, rm.choice)
	if err != nil {
		return nil, fmt.Errorf("store: read model: %w", err)
	}
	latest, err := s.latestReturnMonth(rm.plan, "")
	if err != nil {
		return nil, err
	}
	subs, err := s.readSubmissions("", nil)
	if err != nil {
		return nil, err
	}
	return &models.ProgressSnapshot{Version: version, Calc: calc, LatestIndex: latest, Submissions: subs}, nil
}

// indexProgress reads every figure up to the plan's end into a calculator: what Dataset
// and NewProgressCalculator do, streamed row by row into the index. The reference figures (a
// quarter of a million allocations at national scale) and the milestone states are read on another
// connection meanwhile: two cores, two scans.
func (s *Store) indexProgress(p *models.Plan, choice map[string]models.LedgerSource) (*models.ProgressCalculator, error) {
	var (
		wg      sync.WaitGroup
		ref     models.Dataset
		states  []milestoneRow
		sideErr error
	)
	wg.Add(1)
	go func() {
		defer wg.Done()
		if ref, sideErr = s.reloadReference(models.Dataset{}, true, true, true, true, nil); sideErr == nil {
			states, sideErr = s.milestoneRows()
		}
	}()
	b, versions, err := s.indexFigures(p, choice)
	wg.Wait()
	if err != nil {
		return nil, err
	}
	if sideErr != nil {
		return nil, sideErr
	}
	for _, r := range states {
		v, ok := versions[uint(r.id)]
		if !ok {
			continue // an older version, or a month after the plan
		}
		mo := models.MilestoneObservation{Unit: v.unit, Period: v.period, Indicator: r.indicator, State: r.state,
			DoneOn: r.doneOn, VersionID: uint(r.id), Approved: v.approved}
		if r.unit != "" {
			mo.Unit, mo.Ticked = r.unit, true // the office's tick of a unit's task
		}
		b.AddMilestone(mo)
	}
	return b.Done().WithReference(ref), nil
}

// indexedVersion is what the index needs of a newest version.
type indexedVersion struct {
	unit     string
	period   models.Period
	number   int
	approved bool
	// unitAt is the unit's index in the plan (-1: a unit the plan does not know).
	unitAt int
}

// indexFigures reads the newest version of every return and every figure of them into a builder.
func (s *Store) indexFigures(p *models.Plan, choice map[string]models.LedgerSource) (*models.ProgressBuilder, map[uint]indexedVersion, error) {
	b := models.NewProgressBuilder(p, models.Dataset{}, models.ProgressOptions{})
	// Months with a ledger take counted figures (ApplyLedgerFigures): their reported figures are
	// held back and combined once all are read. There are few of them.
	ledger, err := s.LedgerFiguresUpTo(p.EndPeriod)
	if err != nil {
		return nil, nil, err
	}
	type cell struct {
		unit string
		at   int
	}
	held := map[cell][]models.Observation{}
	for _, f := range ledger {
		held[cell{f.Unit, f.Period.Index()}] = []models.Observation{}
	}
	versions := map[uint]indexedVersion{}
	periods := map[string]models.Period{}
	vRows, err := s.db.Raw(newestVersionsSQL, p.EndPeriod).Rows()
	if err != nil {
		return nil, nil, fmt.Errorf("store: read versions: %w", err)
	}
	defer vRows.Close()
	for vRows.Next() {
		var id int64
		var v indexedVersion
		var periodText, status string
		if err := vRows.Scan(&id, &v.number, &v.unit, &periodText, &status); err != nil {
			return nil, nil, fmt.Errorf("store: read versions: %w", err)
		}
		per, ok := periods[periodText]
		if !ok {
			if per, err = models.ParsePeriod(periodText); err != nil {
				return nil, nil, err
			}
			periods[periodText] = per
		}
		v.period, v.approved = per, status == models.StatusApproved
		if u, ok := b.UnitIndex(v.unit); ok {
			v.unitAt = u
		} else {
			v.unitAt = -1
		}
		versions[uint(id)] = v
	}
	if err := vRows.Err(); err != nil {
		return nil, nil, fmt.Errorf("store: read versions: %w", err)
	}
	// One pass over the whole table, in storage order, skipping figures of older versions: cheaper
	// than looking the figures up version by version through the index (most versions are newest).
	// The table is read in two halves by id, the second on another connection meanwhile (two cores,
	// two scans; a row costs about a microsecond through cgo), and indexed in storage order: the
	// first half as it is read, then the second. The indicator is taken as its index in the plan
	// (-1: one the plan does not know).
	var last int64
	if err := s.db.Raw(`SELECT COALESCE(MAX(id), 0) FROM return_values`).Scan(&last).Error; err != nil {
		return nil, nil, fmt.Errorf("store: read figures: %w", err)
	}
	const pick = "SELECT version_id, indicator, value FROM return_values WHERE id "
	codes := make(map[string]int, len(p.Indicators))
	for i, ind := range p.Indicators {
		codes[ind.Code] = i
	}
	type rawFigure struct {
		id        int64
		indicator int
		value     float64
	}
	var (
		second    []rawFigure
		secondErr error
		wg        sync.WaitGroup
	)
	wg.Add(1)
	go func() {
		defer wg.Done()
		secondErr = s.scanFigures(pick+"> ? ORDER BY id", last/2, codes, func(id int64, indicator int, value float64) {
			if _, ok := versions[uint(id)]; ok {
				second = append(second, rawFigure{id, indicator, value})
			}
		})
	}()
	add := func(id int64, indicator int, value float64) {
		v, ok := versions[uint(id)]
		if !ok || indicator < 0 || v.unitAt < 0 {
			return // an older version, a month after the plan, or an indicator or unit the plan does not know
		}
		if obs, ok := held[cell{v.unit, v.period.Index()}]; ok {
			o := models.Observation{Unit: v.unit, Period: v.period, Indicator: p.Indicators[indicator].Code, Value: value, VersionID: uint(id), Version: v.number, Approved: v.approved}
			held[cell{v.unit, v.period.Index()}] = append(obs, o)
			return
		}
		b.AddIndexed(v.unitAt, indicator, v.period, v.number, uint(id), value, v.approved)
	}
	err = s.scanFigures(pick+"<= ? ORDER BY id", last/2, codes, add)
	wg.Wait()
	if err == nil {
		err = secondErr
	}
	if err != nil {
		return nil, nil, err
	}
	for _, f := range second {
		add(f.id, f.indicator, f.value)
	}
	for _, f := range ledger {
		for _, o := range models.ApplyLedgerFigures(held[cell{f.Unit, f.Period.Index()}], []models.LedgerFigures{f}, choice) {
			b.Add(o)
		}
	}
	return b, versions, nil
}

// scanFigures runs a query of (version id, indicator, value) rows and hands each row to fn with the
// indicator's index in codes (-1: not there).
func (s *Store) scanFigures(query string, arg any, codes map[string]int, fn func(id int64, indicator int, value float64)) error {
	rows, err := s.db.Raw(query, arg).Rows()
	if err != nil {
		return fmt.Errorf("store: read figures: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		// int64 and RawBytes: database/sql converts into uint through strings, and copies []byte.
		var id int64
		var indicator sql.RawBytes
		var value float64
		if err := rows.Scan(&id, &indicator, &value); err != nil {
			return fmt.Errorf("store: read figures: %w", err)
		}
		i, ok := codes[string(indicator)]
		if !ok {
			i = -1
		}
		fn(id, i, value)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: read figures: %w", err)
	}
	return nil
}

// milestoneRow is a stored milestone state, before it is matched with its version.
type milestoneRow struct {
	id                       int64
	indicator, state, doneOn string
	unit                     string // the unit the office ticked ("" for the version's own unit)
}

// milestoneRows reads every stored milestone state (the caller keeps those of newest versions).
func (s *Store) milestoneRows() ([]milestoneRow, error) {
	rows, err := s.db.Raw(`SELECT version_id, indicator, state, done_on, COALESCE(unit, '') FROM milestone_reports`).Rows()
	if err != nil {
		return nil, fmt.Errorf("store: read milestones: %w", err)
	}
	defer rows.Close()
	strs := map[string]string{} // one copy of each code and state
	intern := func(b sql.RawBytes) string {
		if s, ok := strs[string(b)]; ok {
			return s
		}
		s := string(b)
		strs[s] = s
		return s
	}
	var out []milestoneRow
	for rows.Next() {
		var r milestoneRow
		var indicator, state, doneOn, unit sql.RawBytes
		if err := rows.Scan(&r.id, &indicator, &state, &doneOn, &unit); err != nil {
			return nil, fmt.Errorf("store: read milestones: %w", err)
		}
		r.indicator, r.state, r.doneOn, r.unit = intern(indicator), intern(state), string(doneOn), intern(unit)
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: read milestones: %w", err)
	}
	return out, nil
}

// Progress returns the current progress data: from the read model when the store has one, else
// (CLI commands, which run once) read from the database for the plan.
func (s *Store) Progress(p *models.Plan) (*models.ProgressSnapshot, error) {
	if s.rm != nil {
		return s.rm.cur.Load(), nil
	}
	rm := &ReadModel{plan: p}
	return rm.build(s, 0)
}

// KeptProgressBytes is about what the read model's current snapshot keeps of reporting units'
// progress (models.ProgressSnapshot.KeptScopeBytes); 0 without a read model.
func (s *Store) KeptProgressBytes() int64 {
	if s.rm == nil {
		return 0
	}
	return s.rm.cur.Load().KeptScopeBytes()
}

// latestReturnMonth is the newest month with a return of a unit below the root (of one unit when
// unit is set), up to the plan's end; -1 when there is none.
func (s *Store) latestReturnMonth(p *models.Plan, unit string) (int, error) {
	var newest *string
	q := s.db.Model(&models.ReturnVersion{}).Select("MAX(period)").Where("unit_code <> ? AND period <= ?", p.Root.Code, p.EndPeriod)
	if unit != "" {
		q = q.Where("unit_code = ?", unit)
	}
	if err := q.Scan(&newest).Error; err != nil {
		return -1, fmt.Errorf("store: newest return: %w", err)
	}
	if newest == nil || *newest == "" {
		return -1, nil
	}
	per, err := models.ParsePeriod(*newest)
	if err != nil {
		return -1, err
	}
	return per.Index(), nil
}

// apply brings the read model up to date with committed changes. A failed reload falls back to
// reading everything once, so that the model is never left behind the database.
func (rm *ReadModel) apply(s *Store, chs []models.Change) {
	if len(chs) == 0 {
		return
	}
	rm.mu.Lock()
	defer rm.mu.Unlock()
	if chs = rm.applyAccess(s, chs); len(chs) == 0 {
		return
	}
	if err := rm.applyLocked(s, chs); err != nil {
		slog.Default().Error("read model: update failed; rebuilding", "err", err)
		snap, err := rm.build(s, rm.cur.Load().Version+1)
		if err != nil {
			slog.Default().Error("read model: rebuild failed; pages show the data before the change", "err", err)
			return
		}
		rm.cur.Store(snap)
	}
}

// applyAccess empties the access cache for access changes (who may sign in as whom), which leave
// progress data and the data version alone, and returns the other changes.
func (rm *ReadModel) applyAccess(s *Store, chs []models.Change) []models.Change {
	rest := chs[:0:0]
	for _, ch := range chs {
		if ch.Kind != models.ChangeAccess {
			rest = append(rest, ch)
			continue
		}
		if rm.watching && ch.ID != 0 {
			rm.applied[ch.ID] = true
		}
		s.forgetAccess()
	}
	return rest
}

func (rm *ReadModel) applyLocked(s *Store, chs []models.Change) error {
	old := rm.cur.Load()
	calc, latest, subs := old.Calc, old.LatestIndex, old.Submissions
	units := map[string]map[string]bool{}
	touch := func(unit string, periods ...string) {
		if units[unit] == nil {
			units[unit] = map[string]bool{}
		}
		for _, p := range periods {
			units[unit][p] = true
		}
	}
	var targets, tolerances, villages, allAllocations bool
	allocations := map[string]map[int]bool{}
	for _, ch := range chs {
		if rm.watching && ch.ID != 0 {
			rm.applied[ch.ID] = true
		}
		switch ch.Kind {
		case models.ChangeReturn, models.ChangeLedger:
			touch(ch.Unit, ch.Periods...)
		case models.ChangeLedgerSource:
			choice, err := s.LedgerSources()
			if err != nil {
				return err
			}
			rm.choice = choice
			months, err := s.ledgerMonths()
			if err != nil {
				return err
			}
			for unit, periods := range months {
				touch(unit, periods...)
			}
		case models.ChangeTargets:
			targets = true
		case models.ChangeTolerance:
			tolerances = true
		case models.ChangeVillages:
			villages = true
		case models.ChangeAllocations:
			if ch.Indicator == "" || ch.Year == 0 {
				allAllocations = true
			} else {
				if allocations[ch.Indicator] == nil {
					allocations[ch.Indicator] = map[int]bool{}
				}
				allocations[ch.Indicator][ch.Year] = true
			}
		}
	}
	returns := map[string][]string{} // every month a version was written or reviewed in, past the plan too
	for _, ch := range chs {
		if ch.Kind == models.ChangeReturn {
			returns[ch.Unit] = append(returns[ch.Unit], ch.Periods...)
		}
	}
	if len(returns) > 0 {
		next := make(map[string]map[string]models.Submission, len(subs)+1)
		for u, m := range subs {
			next[u] = m
		}
		for unit, periods := range returns {
			fresh, err := s.readSubmissions(unit, periods)
			if err != nil {
				return err
			}
			m := make(map[string]models.Submission, len(next[unit])+len(periods))
			for p, sub := range next[unit] {
				m[p] = sub
			}
			for _, p := range periods {
				delete(m, p)
			}
			for p, sub := range fresh[unit] {
				m[p] = sub
			}
			next[unit] = m
		}
		subs = next
	}
	for unit, set := range units {
		periods := make([]string, 0, len(set))
		for p := range set {
			if p <= rm.plan.EndPeriod {
				periods = append(periods, p)
			}
		}
		if len(periods) == 0 {
			continue
		}
		sort.Strings(periods)
		um, err := s.unitMonths(unit, periods, rm.choice)
		if err != nil {
			return err
		}
		calc = calc.WithUnitMonths(um)
		if unit != rm.plan.Root.Code {
			// Versions are never deleted, so the newest month can only move forward.
			if at, err := models.ParsePeriod(periods[len(periods)-1]); err == nil && at.Index() > latest {
				if n, err := s.latestReturnMonth(rm.plan, unit); err == nil && n > latest {
					latest = n
				}
			}
		}
	}
	if targets || tolerances || villages || allAllocations || len(allocations) > 0 {
		ref, err := s.reloadReference(calc.Reference(), targets, tolerances, villages, allAllocations, allocations)
		if err != nil {
			return err
		}
		calc = calc.WithReference(ref)
	}
	next := &models.ProgressSnapshot{Version: old.Version + 1, Calc: calc, LatestIndex: latest, Submissions: subs}
	touched := make(map[string]bool, len(units))
	for unit := range units {
		touched[unit] = true
	}
	old.CarryScopes(next, touched, targets || tolerances || villages || allAllocations || len(allocations) > 0)
	// What CarryScopes could not carry (after a reference change, or a write above the reporting
	// units) is computed here, by the write (or the watcher applying another server's), while readers
	// still read the old snapshot: not by the first reader after it.
	old.WarmScopes(next)
	rm.cur.Store(next)
	return nil
}

// readSubmissions reads, per unit and month, the first upload and the newest version (of one unit's
// months when unit is set; of everything otherwise), scanning the columns by hand: at national
// scale there are a hundred thousand versions and GORM's reflection would cost a second.
func (s *Store) readSubmissions(unit string, periods []string) (map[string]map[string]models.Submission, error) {
	q := s.db.Model(&models.ReturnVersion{}).Select("id, unit_code, period, number, status, uploaded_at, review_note")
	if unit != "" {
		q = q.Where("unit_code = ? AND period IN ?", unit, periods)
	}
	rows, err := q.Order("number").Rows()
	if err != nil {
		return nil, fmt.Errorf("store: read submissions: %w", err)
	}
	defer rows.Close()
	out := map[string]map[string]models.Submission{}
	for rows.Next() {
		var (
			id               int64
			unitCode, period string
			number           int
			status, note     string
			uploaded         time.Time
		)
		if err := rows.Scan(&id, &unitCode, &period, &number, &status, &uploaded, &note); err != nil {
			return nil, fmt.Errorf("store: read submissions: %w", err)
		}
		byMonth := out[unitCode]
		if byMonth == nil {
			byMonth = map[string]models.Submission{}
			out[unitCode] = byMonth
		}
		sub, seen := byMonth[period]
		if !seen || uploaded.Before(sub.FirstUpload) {
			sub.FirstUpload = uploaded
		}
		if number >= sub.LatestNumber {
			sub.LatestNumber, sub.LatestStatus, sub.LatestID, sub.ReviewNote, sub.LatestUpload = number, status, uint(id), note, uploaded
		}
		byMonth[period] = sub
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: read submissions: %w", err)
	}
	return out, nil
}

// unitMonths reads one unit's figures for some months: the newest version of each month's return,
// with the counted ledger figures where the unit keeps a ledger (as Dataset does for all).
func (s *Store) unitMonths(unit string, periods []string, choice map[string]models.LedgerSource) (models.UnitMonths, error) {
	um := models.UnitMonths{Unit: unit}
	for _, p := range periods {
		per, err := models.ParsePeriod(p)
		if err != nil {
			return um, err
		}
		um.Months = append(um.Months, per)
	}
	type version struct {
		ID     uint
		Number int
		Period string
		Status string
	}
	var versions []version
	if err := s.db.Raw(`SELECT v.id, v.number, v.period, v.status FROM return_versions v
		WHERE v.unit_code = ? AND v.period IN ?
		  AND v.number = (SELECT MAX(w.number) FROM return_versions w WHERE w.return_id = v.return_id)
		ORDER BY v.period`, unit, periods).Scan(&versions).Error; err != nil {
		return um, fmt.Errorf("store: read versions of %s: %w", unit, err)
	}
	byID := map[uint]version{}
	months := map[uint]models.Period{}
	ids := make([]uint, 0, len(versions))
	for _, v := range versions {
		per, err := models.ParsePeriod(v.Period)
		if err != nil {
			return um, err
		}
		byID[v.ID], months[v.ID] = v, per
		ids = append(ids, v.ID)
	}
	if len(ids) > 0 {
		var values []models.ReturnValue
		if err := s.db.Where("version_id IN ?", ids).Order("id").Find(&values).Error; err != nil {
			return um, fmt.Errorf("store: read figures of %s: %w", unit, err)
		}
		for _, x := range values {
			v := byID[x.VersionID]
			um.Observations = append(um.Observations, models.Observation{Unit: unit, Period: months[v.ID], Indicator: x.Indicator,
				Value: x.Value, VersionID: v.ID, Version: v.Number, Approved: v.Status == models.StatusApproved})
		}
		var ms []models.MilestoneReport
		if err := s.db.Where("version_id IN ?", ids).Order("id").Find(&ms).Error; err != nil {
			return um, fmt.Errorf("store: read milestones of %s: %w", unit, err)
		}
		for _, m := range ms {
			v := byID[m.VersionID]
			mo := models.MilestoneObservation{Unit: unit, Period: months[v.ID], Indicator: m.Indicator,
				State: m.State, DoneOn: m.DoneOn, VersionID: v.ID, Approved: v.Status == models.StatusApproved}
			if m.Unit != "" {
				mo.Unit, mo.Ticked = m.Unit, true // the office's tick of a unit's task
			}
			um.Milestones = append(um.Milestones, mo)
		}
	}
	figures, err := s.ledgerFigures(unit, periods)
	if err != nil {
		return um, err
	}
	// Observations are in month order, as Dataset hands them over.
	sort.SliceStable(um.Observations, func(a, b int) bool { return um.Observations[a].Period.Before(um.Observations[b].Period) })
	um.Observations = models.ApplyLedgerFigures(um.Observations, figures, choice)
	return um, nil
}

// ledgerFigures reads the derived indicators of a unit's newest ledger snapshot of each month.
func (s *Store) ledgerFigures(unit string, periods []string) ([]models.LedgerFigures, error) {
	var rows []models.LedgerSnapshot
	if err := s.db.Select("id, unit_code, period, number, status, indicators").Where("unit_code = ? AND period IN ?", unit, periods).
		Order("period, number").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("store: read ledger figures of %s: %w", unit, err)
	}
	newest := map[string]models.LedgerSnapshot{}
	for _, r := range rows {
		newest[r.Period] = r // ordered by number: the last one stays
	}
	var out []models.LedgerFigures
	for _, p := range periods {
		r, ok := newest[p]
		if !ok {
			continue
		}
		f, err := models.LedgerFiguresOf(unit, p, r.ID, r.Number, r.Status, r.Indicators)
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, nil
}

// ledgerMonths lists, per unit, the months with a ledger snapshot.
func (s *Store) ledgerMonths() (map[string][]string, error) {
	var rows []struct {
		UnitCode string
		Period   string
	}
	if err := s.db.Model(&models.LedgerSnapshot{}).Distinct("unit_code", "period").Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("store: ledger months: %w", err)
	}
	out := map[string][]string{}
	for _, r := range rows {
		out[r.UnitCode] = append(out[r.UnitCode], r.Period)
	}
	return out, nil
}

// reloadReference reads the reference figures a change touched into copies of ref's maps (the old
// snapshot's stay as they were).
func (s *Store) reloadReference(ref models.Dataset, targets, tolerances, villages, allAllocations bool, allocations map[string]map[int]bool) (models.Dataset, error) {
	if targets {
		rows, err := s.Targets(0)
		if err != nil {
			return ref, err
		}
		ref.Targets = map[string]map[int]float64{}
		for _, t := range rows {
			if ref.Targets[t.Indicator] == nil {
				ref.Targets[t.Indicator] = map[int]float64{}
			}
			ref.Targets[t.Indicator][t.Year] = t.Value
		}
	}
	if tolerances {
		var inds []models.IndicatorRecord
		if err := s.db.Where("tolerance > 0").Find(&inds).Error; err != nil {
			return ref, fmt.Errorf("store: read tolerances: %w", err)
		}
		ref.Tolerances = map[string]float64{}
		for _, ind := range inds {
			ref.Tolerances[ind.Code] = ind.Tolerance
		}
	}
	if villages {
		units, err := s.Units()
		if err != nil {
			return ref, err
		}
		ref.AdminVillages = map[string]int{}
		for _, u := range units {
			if u.AdminVillages > 0 {
				ref.AdminVillages[u.Code] = u.AdminVillages
			}
		}
	}
	switch {
	case allAllocations:
		ref.Allocations = map[string]map[int]map[string]float64{}
		if err := s.scanAllocations(ref.Allocations, "1 = 1"); err != nil {
			return ref, err
		}
	case len(allocations) > 0:
		next := make(map[string]map[int]map[string]float64, len(ref.Allocations))
		for k, v := range ref.Allocations {
			next[k] = v
		}
		for ind, years := range allocations {
			byYear := map[int]map[string]float64{}
			for y, v := range next[ind] {
				byYear[y] = v
			}
			next[ind] = byYear
			for y := range years {
				delete(byYear, y)
				if err := s.scanAllocations(next, "indicator = ? AND year = ?", ind, y); err != nil {
					return ref, err
				}
			}
		}
		ref.Allocations = next
	}
	return ref, nil
}

// scanAllocations reads allocations into m: four columns scanned by hand, as at national scale
// there are a quarter of a million and GORM's reflection would cost seconds.
func (s *Store) scanAllocations(m map[string]map[int]map[string]float64, where string, args ...any) error {
	rows, err := s.db.Model(&models.Allocation{}).Select("indicator, year, unit_code, value").Where(where, args...).Rows()
	if err != nil {
		return fmt.Errorf("store: read allocations: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var indicator, unit sql.RawBytes
		var year int64
		var value float64
		if err := rows.Scan(&indicator, &year, &unit, &value); err != nil {
			return fmt.Errorf("store: read allocations: %w", err)
		}
		byYear, ok := m[string(indicator)]
		if !ok {
			byYear = map[int]map[string]float64{}
			m[string(indicator)] = byYear
		}
		byUnit, ok := byYear[int(year)]
		if !ok {
			byUnit = map[string]float64{}
			byYear[int(year)] = byUnit
		}
		byUnit[string(unit)] = value
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: read allocations: %w", err)
	}
	return nil
}

// Watch applies the changes other processes write to the change log (a CLI import into the
// database a server is using, or another server on the same PostgreSQL), looking every
// interval until ctx ends. Rows this process applied itself are skipped.
//
// It relies on log ids becoming visible in order, which holds for SQLite's one writer at a time
// and on PostgreSQL by the change log's advisory lock (announceTx). On PostgreSQL it also listens
// for the other servers' NOTIFY and reads the log at once; the polling is then the safety net for a
// lost listening connection.
func (s *Store) Watch(ctx context.Context, interval time.Duration) {
	if s.rm == nil {
		return
	}
	s.rm.mu.Lock()
	s.rm.watching = true
	s.rm.mu.Unlock()
	// From now on the change log tells this process when a session ends or a user changes
	// elsewhere, so what a session or token stands for may be remembered (access_cache.go).
	s.access.CompareAndSwap(nil, newAccessCache())
	if err := s.rm.register(s, time.Now()); err != nil {
		slog.Default().Warn("read model: registering as a change log reader failed; trying again at the next poll", "err", err)
	}
	wake := make(chan struct{}, 1)
	if s.dialect == dialectPostgres {
		go s.listen(ctx, wake)
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-wake:
			if err := s.rm.poll(s, time.Now()); err != nil {
				slog.Default().Warn("read model: reading the change log failed", "err", err)
			}
		case <-t.C:
			if err := s.rm.poll(s, time.Now()); err != nil {
				slog.Default().Warn("read model: reading the change log failed", "err", err)
			}
		}
	}
}

// poll reads the change log past the cursor and applies what this process has not, then notes how
// far it has read (which lets rows every reader has read be pruned). A reader dropped for silence
// rebuilds instead: rows it had not read may be gone.
func (rm *ReadModel) poll(s *Store, now time.Time) error {
	rm.mu.Lock()
	registered := rm.readerID != ""
	rm.mu.Unlock()
	if !registered {
		if err := rm.register(s, now); err != nil {
			return err
		}
	} else if ok, err := rm.stillRegistered(s); err != nil {
		return err
	} else if !ok {
		return rm.rebuild(s, now)
	}
	if err := rm.readLog(s); err != nil {
		return err
	}
	return rm.report(s, now, false)
}

// readLog applies the change log's rows past the cursor that this process has not applied itself.
func (rm *ReadModel) readLog(s *Store) error {
	rm.mu.Lock()
	cursor := rm.cursor
	rm.mu.Unlock()
	var rows []models.DataChange
	if err := s.db.Where("id > ?", cursor).Order("id").Limit(10000).Find(&rows).Error; err != nil {
		return err
	}
	if len(rows) == 0 {
		return nil
	}
	rm.mu.Lock()
	var todo []models.Change
	for _, r := range rows {
		if rm.applied[r.ID] {
			delete(rm.applied, r.ID)
			continue
		}
		todo = append(todo, r.Change())
	}
	rm.cursor = rows[len(rows)-1].ID
	for id := range rm.applied {
		if id <= rm.cursor {
			delete(rm.applied, id) // applied here after Watch had already read it
		}
	}
	rm.mu.Unlock()
	rm.apply(s, todo)
	return nil
}
