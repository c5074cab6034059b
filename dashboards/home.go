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
	p := in.Calc.Plan()
	var out []Figure
	for _, u := range p.ReportingUnits() {
		for _, pr := range in.ForScope(u.Code, in.Period) {
			if pr.Status != models.StatusRed || pr.NotStarted {
				continue
			}
			if in.Calc.Progress(pr.Indicator, u.Code, in.Period.AddMonths(-1)).Status == models.StatusRed {
				continue
			}
			f := figure(p, pr)
			f.FollowUp = FollowUpLink(pr.Scope, pr.Indicator, FollowUpTitle(f), "")
			out = append(out, f)
		}
	}
	return out
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
