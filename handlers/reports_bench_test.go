package handlers

import (
	"io"
	"net/http/httptest"
	"testing"
)

// BenchmarkReportEndpoints serves the demo's briefing page and monthly workbook end to end: store
// read, progress, build, render or write.
func BenchmarkReportEndpoints(b *testing.B) {
	app, _ := newTestApp(b, true)
	for _, url := range []string{"/briefing?period=2025-06", "/api/v1/reports/monthly?period=2025-06"} {
		b.Run(url, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				req := httptest.NewRequest("GET", url, nil)
				req.Header.Set("Authorization", "Bearer "+testOfficeToken)
				resp, err := app.Test(req, -1)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := io.Copy(io.Discard, resp.Body); err != nil || resp.StatusCode != 200 {
					b.Fatal(resp.StatusCode, err)
				}
				resp.Body.Close()
			}
		})
	}
}
