package reports

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"

	"ruralkpi/models"
)

// Table is a table as a page shows it: column headers and rows of cell text. Every dashboard table
// offered for download is one of these, written by WriteCSV.
type Table struct {
	Headers []string
	Rows    [][]string
}

// WriteCSV writes the table as CSV for Excel and WPS: UTF-8 with a byte-order mark (without it
// Excel on Windows reads Chinese as GBK), CRLF line ends, and any text cell that a spreadsheet would
// run as a formula prefixed with an apostrophe (SafeCell).
func WriteCSV(w io.Writer, t Table) error {
	if _, err := io.WriteString(w, "\uFEFF"); err != nil {
		return fmt.Errorf("reports: write csv: %w", err)
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	if err := cw.Write(safeRow(t.Headers)); err != nil {
		return fmt.Errorf("reports: write csv: %w", err)
	}
	for _, r := range t.Rows {
		if err := cw.Write(safeRow(r)); err != nil {
			return fmt.Errorf("reports: write csv: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("reports: write csv: %w", err)
	}
	return nil
}

func safeRow(r []string) []string {
	out := make([]string, len(r))
	for i, c := range r {
		out[i] = models.SafeCell(c)
	}
	return out
}

// ProgressTable is the long progress table: one row per indicator and scope, as the summary sheet
// gives them. It serves the matrix, unit and indicator pages alike, each with its own slice of values
// (All, ForScope, ForIndicator). The office's city-wide figures have a city row only: a unit has none
// (grey office_only), and the pages do not list them either.
func ProgressTable(p *models.Plan, prs []models.Progress) Table {
	t := Table{Headers: []string{"月份", "指标代码", "指标", "单位代码", "单位", "计量单位", "年度目标", "序时进度", "完成值",
		"序时完成率(%)", "年度目标完成率(%)", "状态", "进度说明", "年底预测", "每月还需"}}
	for _, pr := range prs {
		if pr.GreyReason == models.GreyOfficeOnly {
			continue
		}
		ind, _ := p.Indicator(pr.Indicator)
		row := []string{pr.Period.String(), pr.Indicator, ind.Name, pr.Scope, p.UnitShortName(pr.Scope), ind.Unit, "", "", "", "", "", statusWord(pr), remark(pr), "", ""}
		if !pr.NotStarted {
			if pr.HasTarget {
				row[6] = models.PlainNumber(pr.Target)
			}
			if pr.HasExpected {
				row[7] = models.PlainNumber(pr.Expected)
			}
			if pr.HasActual {
				row[8] = models.PlainNumber(pr.Actual)
			}
			if pr.HasRatio {
				row[9] = models.PlainPercent(pr.Ratio)
			}
			if pr.HasTarget && pr.HasActual && pr.Target != 0 {
				row[10] = models.PlainPercent(pr.Completion)
			}
			if pr.HasForecast {
				row[13] = models.PlainNumber(pr.Forecast)
			}
			if pr.ShowsNeeded() {
				row[14] = models.PlainNumber(pr.NeededPerMonth)
			}
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}

// MatrixTable is the overview's matrix: one row per indicator, one column per scope (the root
// first), each cell the ratio to 序时进度 and the status word, e.g. "92.3%（预警）".
func MatrixTable(p *models.Plan, prs []models.Progress) Table {
	var scopes []string
	seen := map[string]bool{}
	for _, pr := range prs {
		if !seen[pr.Scope] {
			seen[pr.Scope] = true
			scopes = append(scopes, pr.Scope)
		}
	}
	col := map[string]int{}
	t := Table{Headers: []string{"指标", "计量单位"}}
	for i, s := range scopes {
		col[s] = i + 2
		t.Headers = append(t.Headers, p.UnitShortName(s))
	}
	rowOf := map[string]int{}
	for _, pr := range prs {
		r, ok := rowOf[pr.Indicator]
		if !ok {
			ind, _ := p.Indicator(pr.Indicator)
			r = len(t.Rows)
			rowOf[pr.Indicator] = r
			t.Rows = append(t.Rows, make([]string, len(t.Headers)))
			t.Rows[r][0], t.Rows[r][1] = ind.Name, ind.Unit
		}
		cell := statusWord(pr)
		if pr.HasRatio && !pr.NotStarted {
			cell = models.FormatPercent(pr.Ratio) + "（" + cell + "）"
		}
		t.Rows[r][col[pr.Scope]] = cell
	}
	return t
}

// ReturnsTable is the returns-received table.
func ReturnsTable(p *models.Plan, rows []ReturnRow) Table {
	t := Table{Headers: []string{"单位代码", "单位", "截止日期", "首次报送时间", "报送情况", "最新版本", "审核状态"}}
	for _, r := range rows {
		uploaded, version := "", ""
		if !r.FirstUpload.IsZero() {
			uploaded = models.FormatLocalTime(r.FirstUpload)
			version = strconv.Itoa(r.Version)
		}
		t.Rows = append(t.Rows, []string{r.Unit, p.UnitShortName(r.Unit), r.Deadline.In(models.ReportingZone()).Format("2006-01-02"), uploaded,
			r.Timeliness.Label(), version, r.ReviewLabel()})
	}
	return t
}
