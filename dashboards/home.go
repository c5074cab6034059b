package dashboards

import (
	"net/url"

	"ruralkpi/models"
)

// Attention lists a unit's red figures, then its amber ones, for the month shown: what the unit's
// clerk must act on, each with the pace still needed (Figure.Needed).
func Attention(in Input, scope string) []Figure {
	p := in.Calc.Plan()
	var red, amber []Figure
	for _, pr := range in.ForScope(scope, in.Period) {
		switch pr.Status {
		case models.StatusRed:
			red = append(red, figure(p, pr))
		case models.StatusAmber:
			amber = append(amber, figure(p, pr))
		}
	}
	return append(red, amber...)
}

// NewlyRed lists the units' figures that are red in the month shown and were not the month before:
// what the office opens follow-ups on.
func NewlyRed(in Input) []Figure {
	var out []Figure
	eachNewlyRed(in, func(pr models.Progress) {
		out = append(out, newlyRedFigure(in.Calc.Plan(), pr))
	})
	return out
}

// newlyRedFigure is a newly red value's figure, with the follow-up link (no due day) that opens one.
func newlyRedFigure(p *models.Plan, pr models.Progress) Figure {
	f := figure(p, pr)
	f.FollowUp = FollowUpLink(pr.Scope, pr.Indicator, FollowUpTitle(f), "")
	return f
}

// eachNewlyRed yields NewlyRed's values in its order, without building their figures. With Scopes
// set, a unit's month before is read where the read model keeps it (once per unit with a red
// value), else each red value's month before is computed.
func eachNewlyRed(in Input, yield func(models.Progress)) {
	p := in.Calc.Plan()
	prev := in.Period.AddMonths(-1)
	// Before the plan's first month no month is kept: each value is computed, as without Scopes.
	inPlace := in.Scopes != nil && p.StartPeriod <= prev.String()
	for _, u := range p.ReportingUnits() {
		var before []models.Progress
		read := false
		for k, pr := range in.ForScope(u.Code, in.Period) {
			if pr.Status != models.StatusRed || pr.NotStarted {
				continue
			}
			if inPlace && !read {
				before, read = in.Scopes(u.Code, prev), true
			}
			if previousStatus(in, before, inPlace, k, pr.Indicator, u.Code, prev) == models.StatusRed {
				continue
			}
			yield(pr)
		}
	}
}

// previousStatus is an indicator's status in a unit's month before: from before (the unit's values
// of that month in plan order, at k when aligned) in place, else computed.
func previousStatus(in Input, before []models.Progress, inPlace bool, k int, indicator, unit string, prev models.Period) models.ProgressStatus {
	if !inPlace {
		return in.Calc.Progress(indicator, unit, prev).Status
	}
	if k < len(before) && before[k].Indicator == indicator {
		return before[k].Status
	}
	for _, pr := range before {
		if pr.Indicator == indicator {
			return pr.Status
		}
	}
	return in.Calc.Progress(indicator, unit, prev).Status
}

// FollowUpTitle is the first wording of a follow-up on a red figure.
func FollowUpTitle(f Figure) string {
	return f.IndicatorName + "低于序时进度，请说明原因并报送追赶措施"
}

// FollowUpLink is the follow-up (督办) form prefilled for a unit's indicator, with a first wording
// and a due day.
func FollowUpLink(unit, indicator, title, due string) string {
	return "/followups?" + url.Values{"unit": {unit}, "indicator": {indicator}, "title": {title}, "due": {due}}.Encode()
}
