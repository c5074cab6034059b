package dashboards

import (
	"fmt"

	"ruralkpi/models"
)

// FlagLink is a figure a flag compared, linked to the return (or ledger snapshot) it belongs to.
type FlagLink struct{ Label, URL string }

// FlagView is a data-quality flag as pages show it.
type FlagView struct {
	Key, RuleLabel, Message string
	Links                   []FlagLink
}

// QualitySection is the data-quality section of the preview, the review queue and the unit page.
type QualitySection struct {
	Flags     []FlagView
	Dismissed int
	// Office may dismiss a flag (with a reason); Back is where the dismissal returns to.
	Office     bool
	CSRF, Back string
}

// NewQualitySection lays out a return's active flags and the number the office dismissed; nil when
// there is nothing to show. Flags never refuse anything; they ask the office and the clerk to look twice.
func NewQualitySection(p *models.Plan, flags []models.QualityFlag, dismissed int, office bool, csrf, back string) *QualitySection {
	if len(flags) == 0 && dismissed == 0 {
		return nil
	}
	q := &QualitySection{Dismissed: dismissed, Office: office, CSRF: csrf, Back: back}
	for _, f := range flags {
		v := FlagView{Key: f.Key, RuleLabel: models.QualityRule(f.Rule).Label(), Message: f.Message}
		for _, ref := range f.Compared {
			v.Links = append(v.Links, figureLink(p, ref))
		}
		q.Flags = append(q.Flags, v)
	}
	return q
}

// figureLink links a figure a flag compared: the return's history of the month, or the ledger
// snapshot the unit's ledger figure comes from.
func figureLink(p *models.Plan, ref models.FigureRef) FlagLink {
	label := p.UnitName(ref.Unit) + " " + ref.Period
	if ref.LedgerSnapshot != 0 {
		label += " 网点台账"
	}
	if ind, ok := p.Indicator(ref.Indicator); ok {
		label += " " + ind.Name + " " + models.FormatNumber(ref.Value)
	}
	if ref.LedgerSnapshot != 0 {
		return FlagLink{Label: label, URL: fmt.Sprintf("/ledger/%s?snapshot=%d", ref.Unit, ref.LedgerSnapshot)}
	}
	return FlagLink{Label: label, URL: historyURL(ref.Unit, ref.Period)}
}
