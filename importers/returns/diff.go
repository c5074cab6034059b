package returns

import (
	"ruralkpi/importers"
	"ruralkpi/models"
)

// Diff compares two versions' figures and milestones, in plan order. A nil older version (no
// earlier version) makes every reported line "added".
func Diff(p *models.Plan, oldValues []models.ReturnValue, oldMs []models.MilestoneReport, newValues []models.ReturnValue, newMs []models.MilestoneReport) []models.ReturnChange {
	type line struct{ text, note string }
	index := func(vs []models.ReturnValue, ms []models.MilestoneReport) map[string]line {
		out := map[string]line{}
		for _, v := range vs {
			out[v.Indicator] = line{importers.FormatFigure(v.Value), v.Note}
		}
		for _, m := range ms {
			out[models.MilestoneKey(m.Indicator, m.Unit)] = line{milestoneText(m), m.Note}
		}
		return out
	}
	before, after := index(oldValues, oldMs), index(newValues, newMs)
	// Rows in plan order; an office tick of a unit's task is one row per unit that has it.
	type row struct{ key, name string }
	var rows []row
	for _, ind := range p.Indicators {
		if ind.Reporter == models.ReporterOffice && ind.RollUp == models.RollUpCount {
			for _, m := range p.MilestonesFor(ind.Code) {
				if u, ok := p.Unit(m.Unit); ok && m.Unit != "" {
					rows = append(rows, row{models.MilestoneKey(ind.Code, m.Unit), ind.Name + "（" + u.Name + "）"})
				}
			}
			continue
		}
		rows = append(rows, row{ind.Code, ind.Name})
	}
	var out []models.ReturnChange
	for _, r := range rows {
		o, hadOld := before[r.key]
		n, hasNew := after[r.key]
		c := models.ReturnChange{Indicator: r.key, Name: r.name, Old: o.text, New: n.text, NoteChanged: o.note != n.note}
		switch {
		case !hadOld && !hasNew:
			continue
		case !hadOld:
			c.Kind = models.ReturnChangeAdded
		case !hasNew:
			c.Kind = models.ReturnChangeRemoved
		case o.text != n.text:
			c.Kind = models.ReturnChangeChanged
		default:
			c.Kind = models.ReturnChangeSame
		}
		out = append(out, c)
	}
	return out
}

// milestoneText writes a milestone state the way the template shows it.
func milestoneText(m models.MilestoneReport) string {
	s := stateLabel(m.State)
	if s == "" {
		s = m.State
	}
	if m.DoneOn != "" {
		s += "（" + m.DoneOn + "）"
	}
	return s
}
