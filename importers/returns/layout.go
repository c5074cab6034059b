package returns

import "ruralkpi/models"

// The template's layout is shared by the writer and the reader, so that what one writes the other finds.
// The reader does not rely on fixed positions: it looks for the labels and headers below, so rows and
// columns that a clerk (or another spreadsheet program) moves around are still found.

// TemplateVersion is written into every template; the reader refuses versions it does not know.
const TemplateVersion = "RK-YB-1"

// knownTemplateVersion reports whether the reader understands a template version.
func knownTemplateVersion(v string) bool { return v == TemplateVersion }

// Sheet names of the template.
const (
	SheetGuide      = "填报说明"
	SheetMonthly    = "月报"
	SheetMilestones = "里程碑"
	// sheetMeta is a very hidden copy of the protected header cells, used to notice a header that was
	// unprotected and edited.
	sheetMeta = "模板信息"
)

// Labels of the protected header cells; the value sits in the cell to the right of its label.
const (
	labelUnitName = "填报单位"
	labelUnitCode = "单位代码"
	labelPeriod   = "填报月份"
	labelVersion  = "模板版本"
)

// Column headers the reader looks for.
const (
	headerCode        = "指标代码"
	headerName        = "指标名称"
	headerUnit        = "计量单位"
	headerBasis       = "填报口径"
	headerCityTarget  = "本年全市目标"
	headerAllocation  = "本单位分配目标"
	headerPrevious    = "上次已报数"
	headerValuePrefix = "填报数"
	headerNote        = "备注"

	headerMilestone     = "里程碑"
	headerDueYear       = "应完成年份"
	headerPrevState     = "上次已报状态"
	headerState         = "当前状态"
	headerDoneOn        = "完成日期"
	headerMilestoneNote = "备注"
)

// Milestone states as the template shows them, in drop-down order.
const (
	stateNotStarted = models.MilestoneNotStartedLabel
	stateInProgress = models.MilestoneInProgressLabel
	stateDone       = models.MilestoneDoneLabel
)

// storedState maps a state as the template shows it to the stored one.
func storedState(label string) (string, bool) {
	switch label {
	case stateNotStarted:
		return models.MilestoneNotStarted, true
	case stateInProgress:
		return models.MilestoneInProgress, true
	case stateDone:
		return models.MilestoneDone, true
	}
	return "", false
}

// stateLabel maps a stored milestone state to the template's word ("" if unknown).
func stateLabel(state string) string { return models.MilestoneState(state).Label() }

// Where the template writer puts things (1-based rows). The reader searches instead of trusting these.
const (
	monthlyMetaRow     = 2
	monthlyHeaderRow   = 4
	milestoneHeaderRow = 3
	maxNoteRunes       = models.MaxReturnNote
)
