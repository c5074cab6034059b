package models

// WholeWord is how pages and reports name the root's whole area, from the plan file's root level:
// 全市 for a city, 全省 for a province, 全国 for the country, the root's own name otherwise. Nothing
// in the code names the city; another city's plan shows its own words.
func (p *Plan) WholeWord() string {
	switch p.Root.Level {
	case "city":
		return "全市"
	case "province":
		return "全省"
	case "country":
		return "全国"
	}
	return p.Root.Name
}

// UnitWord names the units directly below the root the way official texts do: 县（市、区） in a
// city, 州（市） in a province, 省（区、市） in the country, 单位 otherwise.
func (p *Plan) UnitWord() string {
	switch p.Root.Level {
	case "city":
		return "县（市、区）"
	case "province":
		return "州（市）"
	case "country":
		return "省（区、市）"
	}
	return "单位"
}
