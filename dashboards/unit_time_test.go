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

// TestReturnItemsSayTheReviewWords: the county page names a version's review state and source with
// the words every other page uses (models.ReviewStatus.Label, models.VersionSource.Label); it said
// 已审核通过 where /review said 已通过, and 上传 where /returns/history said 上传文件.
func TestReturnItemsSayTheReviewWords(t *testing.T) {
	tests := []struct {
		name, status, source string
		text, sourceText     string
	}{
		{"approved upload", models.StatusApproved, models.SourceUpload, "已通过", "上传文件"},
		{"returned office entry", models.StatusReturned, models.SourceOffice, "已退回", "办公室录入"},
		{"submitted web form", models.StatusSubmitted, models.SourceWeb, "待审核", "网页填报"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			items := returnItems([]models.ReturnVersion{{ID: 1, Number: 1, UnitCode: "530326", Period: "2025-12",
				Status: tt.status, Source: tt.source}})
			if len(items) != 1 || items[0].StatusText != tt.text || items[0].Source != tt.sourceText {
				t.Errorf("items = %+v, want %s and %s", items, tt.text, tt.sourceText)
			}
			if items[0].StatusText != models.ReviewStatus(tt.status).Label() {
				t.Errorf("status %q is not the review label %q", items[0].StatusText, models.ReviewStatus(tt.status).Label())
			}
		})
	}
}

// TestReturnItemsOneRowPerMonth: the unit page lists each month once, newest month first, with its
// newest version, how many versions it has and a link to the month's history; it had listed every
// superseded version as a row of its own.
func TestReturnItemsOneRowPerMonth(t *testing.T) {
	v := func(id uint, period string, number int, status string) models.ReturnVersion {
		return models.ReturnVersion{ID: id, Number: number, UnitCode: "530326", Period: period, Status: status, Source: models.SourceUpload}
	}
	items := returnItems([]models.ReturnVersion{
		v(1, "2024-05", 1, models.StatusApproved),
		v(2, "2024-06", 1, models.StatusReturned),
		v(4, "2024-06", 3, models.StatusSubmitted),
		v(3, "2024-06", 2, models.StatusReturned),
	})
	type row struct {
		period             string
		version, versions  int
		id                 uint
		status, historyURL string
	}
	want := []row{
		{"2024-06", 3, 3, 4, "待审核", "/returns/history?county=530326&period=2024-06"},
		{"2024-05", 1, 1, 1, "已通过", "/returns/history?county=530326&period=2024-05"},
	}
	if len(items) != len(want) {
		t.Fatalf("%d rows, want %d: %+v", len(items), len(want), items)
	}
	for i, w := range want {
		t.Run(w.period, func(t *testing.T) {
			it := items[i]
			got := row{it.Period, it.Version, it.Versions, it.VersionID, it.StatusText, it.HistoryURL}
			if got != w {
				t.Errorf("row %d = %+v, want %+v", i, got, w)
			}
		})
	}
}
