package importers

// LedgerSheetName is the name of the ledger sheet in the template.
const LedgerSheetName = "网点台账"

// LedgerField identifies a column of the ledger template.
type LedgerField int8

// Ledger template columns, in template order.
const (
	LedgerFieldCode LedgerField = iota
	LedgerFieldName
	LedgerFieldTownship
	LedgerFieldVillage
	LedgerFieldOpenedOn
	LedgerFieldStatus
	LedgerFieldChangedOn
	LedgerFieldFused
	LedgerFieldDirect
	LedgerFieldIncome
	LedgerFieldParcels
	LedgerFieldOperator
	LedgerFieldLon
	LedgerFieldLat
	ledgerFieldCount
)

// LedgerColumn describes one template column: its header, whether it must be present, and the
// note shown to the clerk in the template.
type LedgerColumn struct {
	Field    LedgerField
	Header   string
	Required bool // the column must be in the sheet (cells may still be optional)
	Width    float64
	Note     string
}

// Header is the column's header text in the template (allocation-free: validation messages ask for
// it on every problem).
func (f LedgerField) Header() string {
	switch f {
	case LedgerFieldCode:
		return "网点编码"
	case LedgerFieldName:
		return "网点名称"
	case LedgerFieldTownship:
		return "乡（镇、街道）"
	case LedgerFieldVillage:
		return "行政村（社区）"
	case LedgerFieldOpenedOn:
		return "开办日期"
	case LedgerFieldStatus:
		return "运营状态"
	case LedgerFieldChangedOn:
		return "状态变更日期"
	case LedgerFieldFused:
		return "是否客货邮融合"
	case LedgerFieldDirect:
		return "是否县村直通"
	case LedgerFieldIncome:
		return "上月收入（元）"
	case LedgerFieldParcels:
		return "上月业务量（件）"
	case LedgerFieldOperator:
		return "运营主体"
	case LedgerFieldLon:
		return "经度"
	case LedgerFieldLat:
		return "纬度"
	}
	return ""
}

// LedgerColumns returns the template columns in order.
func LedgerColumns() []LedgerColumn {
	return []LedgerColumn{
		{LedgerFieldCode, LedgerFieldCode.Header(), true, 18, "每个网点唯一且长期不变，撤并、裁撤后也不要改作他用"},
		{LedgerFieldName, LedgerFieldName.Header(), true, 28, "必填"},
		{LedgerFieldTownship, LedgerFieldTownship.Header(), true, 14, "必填"},
		{LedgerFieldVillage, LedgerFieldVillage.Header(), true, 16, "须与行政村名录一致"},
		{LedgerFieldOpenedOn, LedgerFieldOpenedOn.Header(), true, 12, "日期，如 2023-08-15"},
		{LedgerFieldStatus, LedgerFieldStatus.Header(), true, 10, "运营中 / 已撤并 / 已裁撤"},
		{LedgerFieldChangedOn, LedgerFieldChangedOn.Header(), true, 12, "已撤并、已裁撤的网点必填"},
		{LedgerFieldFused, LedgerFieldFused.Header(), true, 10, "是 / 否"},
		{LedgerFieldDirect, LedgerFieldDirect.Header(), true, 10, "是 / 否（由县级分拨中心直达配送）"},
		{LedgerFieldIncome, LedgerFieldIncome.Header(), true, 14, "不小于 0；运营中的网点必填"},
		{LedgerFieldParcels, LedgerFieldParcels.Header(), true, 14, "整数，不小于 0；运营中的网点必填"},
		{LedgerFieldOperator, LedgerFieldOperator.Header(), true, 18, "如 中国邮政、快递企业、供销社、村委会"},
		{LedgerFieldLon, LedgerFieldLon.Header(), false, 11, "选填，与纬度同时填写"},
		{LedgerFieldLat, LedgerFieldLat.Header(), false, 11, "选填，与经度同时填写"},
	}
}
