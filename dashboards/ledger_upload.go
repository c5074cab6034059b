package dashboards

import (
	"encoding/json"
	"fmt"

	"ruralkpi/models"
)

// LedgerUploadPage is the preview (or refusal) page of a ledger upload: what the check found, the
// unit's previous snapshot and the derived indicators beside it.
type LedgerUploadPage struct {
	Unit     models.Unit
	Period   string
	FileName string
	// Token names the previewed upload waiting for confirmation; "" when there is nothing to confirm.
	Token    string
	Points   int
	Problems []models.LedgerProblem
	Warnings []models.LedgerProblem
	// Diff compares the upload with the previous snapshot, when HasDiff.
	Diff     models.LedgerDiffCounts
	HasDiff  bool
	Previous models.LedgerSnapshot
	Rows     []LedgerUploadRow
}

// LedgerUploadRow is one derived indicator of the upload beside the previous snapshot's.
type LedgerUploadRow struct {
	Name            string
	Old, New        float64
	HasOld, Changed bool
}

// LedgerUpload is what the ledger importer found in an upload, as the page shows it: the points,
// the indicators derived from them, every problem and warning, and the comparison with the
// previous snapshot (when HasDiff).
type LedgerUpload struct {
	Points             int
	Indicators         map[string]float64
	Problems, Warnings []models.LedgerProblem
	Diff               models.LedgerDiffCounts
	HasDiff            bool
}

// NewLedgerUploadPage lays an upload out beside the unit's previous snapshot (the newest up to the
// month; the zero snapshot when there is none), indicator by indicator; a refused upload gets no
// indicator rows. token names the upload waiting for confirmation ("" when there is none).
func NewLedgerUploadPage(p *models.Plan, unit models.Unit, period, fileName, token string, up LedgerUpload, previous models.LedgerSnapshot) (LedgerUploadPage, error) {
	d := LedgerUploadPage{Unit: unit, Period: period, FileName: fileName, Token: token, Points: up.Points,
		Problems: up.Problems, Warnings: up.Warnings, Diff: up.Diff, HasDiff: up.HasDiff, Previous: previous}
	old := map[string]float64{}
	if previous.Indicators != "" {
		if err := json.Unmarshal([]byte(previous.Indicators), &old); err != nil {
			return d, fmt.Errorf("dashboards: previous ledger indicators: %w", err)
		}
	}
	if len(up.Problems) > 0 {
		return d, nil
	}
	for _, code := range models.LedgerIndicatorCodes() {
		row := LedgerUploadRow{Name: code, New: up.Indicators[code]}
		if ind, ok := p.Indicator(code); ok {
			row.Name = ind.Name
		}
		row.Old, row.HasOld = old[code]
		row.Changed = !row.HasOld || row.Old != row.New
		d.Rows = append(d.Rows, row)
	}
	return d, nil
}
