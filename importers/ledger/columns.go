// Package ledger reads a unit's service-point ledger (网点台账) and its village list: the per-unit
// templates, the streaming row validation over importers/xlsx (every problem with its cell and a
// Chinese message), and the import that spools, validates, stages and stores a snapshot with one
// store call.
package ledger

// SheetName is the name of the ledger sheet in the template.
const SheetName = "网点台账"

// Field identifies a column of the ledger template.
type Field int8

// Ledger template columns, in template order.
const (
	FieldCode Field = iota
	FieldName
	FieldTownship
	FieldVillage
	FieldOpenedOn
	FieldStatus
	FieldChangedOn
	FieldFused
	FieldDirect
	FieldIncome
	FieldParcels
	FieldOperator
	FieldLon
	FieldLat
	fieldCount
)

// Column describes one template column: its header, whether it must be present, and the
// note shown to the clerk in the template.
type Column struct {
	Field    Field
	Header   string
	Required bool // the column must be in the sheet (cells may still be optional)
	Width    float64
	Note     string
}

// Header is the column's header text in the template (allocation-free: validation messages ask for
// it on every problem).
func (f Field) Header() string {
	switch f {
	case FieldCode:
		return "网点编码"
	case FieldName:
		return "网点名称"
	case FieldTownship:
		return "乡（镇、街道）"
	case FieldVillage:
		return "行政村（社区）"
	case FieldOpenedOn:
		return "开办日期"
	case FieldStatus:
		return "运营状态"
	case FieldChangedOn:
		return "状态变更日期"
	case FieldFused:
		return "是否客货邮融合"
	case FieldDirect:
		return "是否县村直通"
	case FieldIncome:
		return "上月收入（元）"
	case FieldParcels:
		return "上月业务量（件）"
	case FieldOperator:
		return "运营主体"
	case FieldLon:
		return "经度"
	case FieldLat:
		return "纬度"
	}
	return ""
}

// Columns returns the template columns in order.
func Columns() []Column {
	return []Column{
		{FieldCode, FieldCode.Header(), true, 18, "每个网点唯一且长期不变，撤并、裁撤后也不要改作他用"},
		{FieldName, FieldName.Header(), true, 28, "必填"},
		{FieldTownship, FieldTownship.Header(), true, 14, "必填"},
		{FieldVillage, FieldVillage.Header(), true, 16, "须与行政村名录一致"},
		{FieldOpenedOn, FieldOpenedOn.Header(), true, 12, "日期，如 2023-08-15"},
		{FieldStatus, FieldStatus.Header(), true, 10, "运营中 / 已撤并 / 已裁撤"},
		{FieldChangedOn, FieldChangedOn.Header(), true, 12, "已撤并、已裁撤的网点必填"},
		{FieldFused, FieldFused.Header(), true, 10, "是 / 否"},
		{FieldDirect, FieldDirect.Header(), true, 10, "是 / 否（由县级分拨中心直达配送）"},
		{FieldIncome, FieldIncome.Header(), true, 14, "不小于 0；运营中的网点必填"},
		{FieldParcels, FieldParcels.Header(), true, 14, "整数，不小于 0；运营中的网点必填"},
		{FieldOperator, FieldOperator.Header(), true, 18, "如 中国邮政、快递企业、供销社、村委会"},
		{FieldLon, FieldLon.Header(), false, 11, "选填，与纬度同时填写"},
		{FieldLat, FieldLat.Header(), false, 11, "选填，与经度同时填写"},
	}
}
