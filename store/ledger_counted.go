package store

import (
	"fmt"

	"ruralkpi/models"
)

// newestLedgerFiguresSQL selects the derived indicators of the newest snapshot of every unit and
// month up to a month.
const newestLedgerFiguresSQL = `SELECT s.unit_code, s.period, s.indicators, s.id, s.number, s.status FROM ledger_snapshots s
	WHERE s.period <= ? AND s.number = (SELECT MAX(t.number) FROM ledger_snapshots t WHERE t.unit_code = s.unit_code AND t.period = s.period)
	ORDER BY s.period, s.unit_code`

// LedgerFiguresUpTo reads the derived indicators of the newest ledger snapshot of every unit and
// month up to and including the month.
func (s *Store) LedgerFiguresUpTo(upTo string) ([]models.LedgerFigures, error) {
	rows, err := s.db.Raw(newestLedgerFiguresSQL, upTo).Rows()
	if err != nil {
		return nil, fmt.Errorf("store: read ledger figures: %w", err)
	}
	defer rows.Close()
	out := []models.LedgerFigures{}
	for rows.Next() {
		var unit, period, indicators, status string
		var id uint
		var number int
		if err := rows.Scan(&unit, &period, &indicators, &id, &number, &status); err != nil {
			return nil, fmt.Errorf("store: read ledger figures: %w", err)
		}
		f, err := models.LedgerFiguresOf(unit, period, id, number, status, indicators)
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: read ledger figures: %w", err)
	}
	return out, nil
}

// applyLedgerFigures puts the counted ledger figures into a dataset read up to the month.
func (s *Store) applyLedgerFigures(ds *models.Dataset, upTo string) error {
	figures, err := s.LedgerFiguresUpTo(upTo)
	if err != nil || len(figures) == 0 {
		return err
	}
	choice, err := s.LedgerSources()
	if err != nil {
		return err
	}
	ds.Observations = models.ApplyLedgerFigures(ds.Observations, figures, choice)
	return nil
}
