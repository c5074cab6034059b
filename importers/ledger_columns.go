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

// LedgerColumns returns the template columns in order.
func LedgerColumns() []LedgerColumn {
	return []LedgerColumn{
		{LedgerFieldCode, "网点编码", true, 18, "每个网点唯一且长期不变，撤并、裁撤后也不要改作他用"},
		{LedgerFieldName, "网点名称", true, 28, "必填"},
		{LedgerFieldTownship, "乡（镇、街道）", true, 14, "必填"},
		{LedgerFieldVillage, "行政村（社区）", true, 16, "须与行政村名录一致"},
		{LedgerFieldOpenedOn, "开办日期", true, 12, "日期，如 2023-08-15"},
		{LedgerFieldStatus, "运营状态", true, 10, "运营中 / 已撤并 / 已裁撤"},
		{LedgerFieldChangedOn, "状态变更日期", true, 12, "已撤并、已裁撤的网点必填"},
		{LedgerFieldFused, "是否客货邮融合", true, 10, "是 / 否"},
		{LedgerFieldDirect, "是否县村直通", true, 10, "是 / 否（由县级分拨中心直达配送）"},
		{LedgerFieldIncome, "上月收入（元）", true, 14, "不小于 0；运营中的网点必填"},
		{LedgerFieldParcels, "上月业务量（件）", true, 14, "整数，不小于 0；运营中的网点必填"},
		{LedgerFieldOperator, "运营主体", true, 18, "如 中国邮政、快递企业、供销社、村委会"},
		{LedgerFieldLon, "经度", false, 11, "选填，与纬度同时填写"},
		{LedgerFieldLat, "纬度", false, 11, "选填，与经度同时填写"},
	}
}
