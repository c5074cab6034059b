package dashboards

import (
	"testing"
	"time"

	"ruralkpi/models"
)

// TestReturnItemsInChinaTime: the county page lists uploads in China Standard Time, like the
// reporting board and the version history (it showed the server's UTC: 10:30 for 18:30).
func TestReturnItemsInChinaTime(t *testing.T) {
	items := returnItems([]models.ReturnVersion{{ID: 1, Number: 1, UnitCode: "530326", Period: "2025-12",
		Status: models.StatusSubmitted, Source: models.SourceUpload, UploadedAt: time.Date(2026, 1, 2, 10, 30, 0, 0, time.UTC)}})
	if len(items) != 1 || items[0].UploadedAt != "2026-01-02 18:30" {
		t.Errorf("items = %+v, want the upload at 2026-01-02 18:30", items)
	}
}
