package store

import (
	"fmt"

	"ruralkpi/models"
)

// PeriodVersions returns every version (without figures) of every unit's return for the month, in
// upload order: the returns-received report needs the first upload and the newest version of each.
func (s *Store) PeriodVersions(period string) ([]models.ReturnVersion, error) {
	var out []models.ReturnVersion
	if err := s.db.Select("id, return_id, number, unit_code, period, status, source, uploaded_at").
		Where("period = ?", period).Order("uploaded_at, id").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("store: versions of %s: %w", period, err)
	}
	return out, nil
}
