package handlers

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"ruralkpi/models"
)

// TestReturnVersionFile downloads the original of an uploaded version, byte for byte, from the link
// on the history page; versions without a file and unknown ids are 404s.
func TestReturnVersionFile(t *testing.T) {
	app, s := returnsApp(t)
	file := filledReturn(t, app, map[string]any{"service_points": 118})
	status, body := postFile(t, app, "/api/v1/returns", "麒麟区六月.xlsx", file, nil)
	var created struct {
		Version versionJSON `json:"version"`
	}
	if err := json.Unmarshal(body, &created); err != nil || status != 201 {
		t.Fatalf("upload: %d %s", status, body)
	}
	fileURL := "/returns/versions/" + strconv.FormatUint(uint64(created.Version.ID), 10) + "/file"

	status, body = get(t, app, "/returns/history?county=530302&period=2024-06")
	if status != 200 || !strings.Contains(string(body), `href="`+fileURL+`"`) {
		t.Fatalf("history has no link to %s: %d", fileURL, status)
	}
	status, got := get(t, app, fileURL)
	if status != 200 || !bytes.Equal(got, file) {
		t.Fatalf("download: %d, %d bytes, want the %d bytes uploaded", status, len(got), len(file))
	}

	demo, err := s.Store.SaveVersion(models.NewVersion{UnitCode: "530302", Period: "2024-05", Source: models.SourceDemo, UploadedBy: "demo"})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ name, path, want string }{
		{"version without a file", "/returns/versions/" + strconv.FormatUint(uint64(demo.ID), 10) + "/file", "没有原始文件"},
		{"unknown version", "/returns/versions/999999/file", "没有这个月报版本"},
		{"not a number", "/returns/versions/abc/file", "没有这个月报版本"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, body := get(t, app, tc.path)
			if status != 404 || !strings.Contains(string(body), tc.want) {
				t.Errorf("%s: %d %s, want 404 %q", tc.path, status, body, tc.want)
			}
		})
	}
}

// TestHistoryShowsChinaTime: the history page reads upload times in China Standard Time, like the
// reporting board, not in the server's UTC.
func TestHistoryShowsChinaTime(t *testing.T) {
	app, s := returnsApp(t)
	at := time.Date(2024, 7, 2, 10, 30, 0, 0, time.UTC) // 18:30 in Qujing
	if _, err := s.Store.SaveVersion(models.NewVersion{UnitCode: "530302", Period: "2024-06", Source: models.SourceUpload, File: []byte("x"), FileName: "r.xlsx", UploadedBy: "county-530302", UploadedAt: at}); err != nil {
		t.Fatal(err)
	}
	status, body := get(t, app, "/returns/history?county=530302&period=2024-06")
	if status != 200 || !strings.Contains(string(body), "2024-07-02 18:30") {
		t.Errorf("history: %d, want the upload at 2024-07-02 18:30 China time", status)
	}
}

// TestHistoryShowsTheReturnReason: a clerk who opens the history of a returned month reads why.
func TestHistoryShowsTheReturnReason(t *testing.T) {
	app, s := returnsApp(t)
	v, err := s.Store.SaveVersion(models.NewVersion{UnitCode: "530302", Period: "2024-06", Source: models.SourceUpload, File: []byte("x"), FileName: "r.xlsx", UploadedBy: "county-530302"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Store.ReviewVersion(v.ID, models.DecisionReturn, "网点数与台账不符，请核对", models.Actor{Username: "office"}, s.Config.Now()); err != nil {
		t.Fatal(err)
	}
	status, body := get(t, app, "/returns/history?county=530302&period=2024-06")
	if status != 200 || !strings.Contains(string(body), "退回原因：网点数与台账不符，请核对") {
		t.Errorf("history: %d, no return reason", status)
	}
}

// TestUploadPageDefaultsToThePlansLastMonthOnceItIsOver: after 2025-12 the form preselects
// 2025-12, not 2025-11.
func TestUploadPageDefaultsToThePlansLastMonthOnceItIsOver(t *testing.T) {
	app, s := returnsApp(t)
	s.Config.Now = func() time.Time { return time.Date(2026, 11, 29, 9, 0, 0, 0, time.UTC) }
	status, body := get(t, app, "/returns")
	if status != 200 || !strings.Contains(string(body), `<option value="2025-12" selected>`) {
		t.Errorf("upload page: %d, 2025-12 not preselected", status)
	}
}

// TestHistoryListsOnlyWhatALaterVersionChanged: the second upload of a month lists the figure it
// changed and says how many stayed as they were, instead of repeating every unchanged row (a month
// uploaded fifty times was a page of 1,500 rows).
func TestHistoryListsOnlyWhatALaterVersionChanged(t *testing.T) {
	app, s := returnsApp(t)
	values := func(points float64) []models.ReturnValue {
		return []models.ReturnValue{{Indicator: "service_points", Value: points}, {Indicator: "covered_villages", Value: 400}}
	}
	for _, points := range []float64{1200, 1250} {
		if _, err := s.Store.SaveVersion(models.NewVersion{UnitCode: "530302", Period: "2024-06", Source: models.SourceUpload, File: []byte(fmt.Sprint(points)),
			FileName: "r.xlsx", UploadedBy: "county-530302", Values: values(points)}); err != nil {
			t.Fatal(err)
		}
	}
	status, body := get(t, app, "/returns/history?county=530302&period=2024-06")
	page := string(body)
	second, first, _ := strings.Cut(page, "<h2>第 1 版")
	if status != 200 || !strings.Contains(second, "1250") || !strings.Contains(second, "其余 1 项与第 1 版相同") || strings.Contains(second, "无变化") {
		t.Errorf("history: %d; the second version should list the changed figure and count the unchanged one:\n%s", status, second)
	}
	if !strings.Contains(first, "首次报送的数据") || strings.Count(first, "<tr><td>") != 2 {
		t.Errorf("the first version should list both figures it reported:\n%s", first)
	}
}
