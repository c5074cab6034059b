package models

import (
	"sync"
	"unsafe"
)

// scopeMemo keeps, per month, each reporting unit's progress (Calc.ForScope) once it has been
// asked for: the briefing and the monthly report read every county's 30 indicators for two months
// (85,000 values each at national scale), which is most of their cost when computed afresh. A
// reporting unit's progress reads only its own figures and the reference figures, so a write to one
// unit's months leaves every other unit's kept progress true (CarryScopes).
//
// A month of a national set's counties is ~36 MiB (85,500 values of 360 bytes and their sources),
// so at most MaxKeptScopeMonths months are kept, the least recently asked for going first.
type scopeMemo struct {
	mu       sync.Mutex
	byPeriod map[int]map[string][]Progress // Period.Index → reporting unit → ForScope
	order    []int                         // the months kept, least recently asked for first
}

// MaxKeptScopeMonths bounds the months of reporting units' progress a snapshot keeps: the month
// the briefing and the homes show, the one before, and one more asked for.
const MaxKeptScopeMonths = 3

// use marks a month as just asked for (moving it last), making room for it when it is new; mu is
// held.
func (m *scopeMemo) use(at int) {
	for i, o := range m.order {
		if o == at {
			if i != len(m.order)-1 {
				m.order = append(append(m.order[:i:i], m.order[i+1:]...), at)
			}
			return
		}
	}
	for len(m.order) >= MaxKeptScopeMonths {
		delete(m.byPeriod, m.order[0])
		m.order = m.order[1:]
	}
	m.order = append(m.order, at)
	if m.byPeriod == nil {
		m.byPeriod = map[int]map[string][]Progress{}
	}
	m.byPeriod[at] = map[string][]Progress{}
}

// ScopeProgress is Calc.ForScope(unit, period), kept in the snapshot for reporting units (units
// with no children) so that it is computed once per unit and month and data version, and carried
// to the next snapshot for the units a write did not touch. The slice is shared: callers must not
// change it.
func (p *ProgressSnapshot) ScopeProgress(unit string, period Period) []Progress {
	if u, ok := p.Calc.Plan().Unit(unit); !ok || len(u.Children) > 0 || unit == p.Calc.Plan().Root.Code {
		return p.Calc.ForScope(unit, period)
	}
	at := period.Index()
	p.scopes.mu.Lock()
	p.scopes.use(at)
	out, ok := p.scopes.byPeriod[at][unit]
	p.scopes.mu.Unlock()
	if ok {
		return out
	}
	out = p.Calc.ForScope(unit, period)
	p.scopes.mu.Lock()
	if m := p.scopes.byPeriod[at]; m != nil { // not pushed out meanwhile
		m[unit] = out
	}
	p.scopes.mu.Unlock()
	return out
}

// CarryScopes gives next (the snapshot after a change) the progress p keeps for every reporting
// unit not in touched (the units whose figures the change reloaded). With reference set (targets,
// allocations, tolerances or village counts changed, which every unit's progress reads), or when a
// unit above the reporting units was touched, nothing is carried.
func (p *ProgressSnapshot) CarryScopes(next *ProgressSnapshot, touched map[string]bool, reference bool) {
	if reference {
		return
	}
	plan := p.Calc.Plan()
	for code := range touched {
		if u, ok := plan.Unit(code); !ok || len(u.Children) > 0 || code == plan.Root.Code {
			return
		}
	}
	p.scopes.mu.Lock()
	defer p.scopes.mu.Unlock()
	if len(p.scopes.byPeriod) == 0 {
		return
	}
	order := append([]int(nil), p.scopes.order...)
	byPeriod := make(map[int]map[string][]Progress, len(p.scopes.byPeriod))
	for at, units := range p.scopes.byPeriod {
		m := make(map[string][]Progress, len(units))
		for code, pr := range units {
			if !touched[code] {
				m[code] = pr
			}
		}
		byPeriod[at] = m
	}
	next.scopes.mu.Lock()
	next.scopes.byPeriod, next.scopes.order = byPeriod, order
	next.scopes.mu.Unlock()
}

// KeptScopeBytes is about what the kept progress holds (the values and their sources; the maps
// aside): memory a server keeps at rest, which its default soft memory limit follows.
func (p *ProgressSnapshot) KeptScopeBytes() int64 {
	p.scopes.mu.Lock()
	defer p.scopes.mu.Unlock()
	var n int64
	for _, units := range p.scopes.byPeriod {
		for _, list := range units {
			n += int64(cap(list)) * int64(unsafe.Sizeof(Progress{}))
			for _, pr := range list {
				n += int64(cap(pr.Sources)) * int64(unsafe.Sizeof(SourceRef{}))
			}
		}
	}
	return n
}

// WarmScopes computes in next, for every reporting unit, the month p kept the most units' progress
// of (the month the homes and the briefing read whole), when next keeps none of it: after a change
// of reference figures, which carries nothing (CarryScopes), the writer pays for what the first
// reader would otherwise — every county's indicators, ~250 ms at national scale — and readers keep
// reading p until next is ready.
func (p *ProgressSnapshot) WarmScopes(next *ProgressSnapshot) {
	p.scopes.mu.Lock()
	at, most := 0, 0
	for _, o := range p.scopes.order { // least recently asked first: a tie goes to the newer
		if n := len(p.scopes.byPeriod[o]); n > 0 && n >= most {
			at, most = o, n
		}
	}
	p.scopes.mu.Unlock()
	if most == 0 {
		return
	}
	next.scopes.mu.Lock()
	_, kept := next.scopes.byPeriod[at]
	next.scopes.mu.Unlock()
	if kept {
		return
	}
	period := Period{Year: at / 12, Month: at%12 + 1}
	for _, u := range next.Calc.Plan().ReportingUnits() {
		next.ScopeProgress(u.Code, period)
	}
}
