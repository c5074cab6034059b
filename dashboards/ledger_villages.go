package dashboards

import "ruralkpi/models"

// VillagesPage is the office's page of a unit's administrative-village reference list, with the
// problems of a refused upload.
type VillagesPage struct {
	Unit     models.Unit
	Villages []models.AdminVillage
	Problems []models.LedgerProblem
	FileName string
}

// NewVillagesPage lays out a unit's stored village list; problems and fileName are those of a
// refused upload (none when the page is only shown).
func NewVillagesPage(unit models.Unit, villages []models.AdminVillage, problems []models.LedgerProblem, fileName string) VillagesPage {
	return VillagesPage{Unit: unit, Villages: villages, Problems: problems, FileName: fileName}
}
