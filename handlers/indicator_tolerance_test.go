package handlers

import (
	"net/url"
	"strings"
	"testing"

	"ruralkpi/models"
)

func TestSetTolerance(t *testing.T) {
	e := newAccessEnv(t)
	office := e.loggedIn("office")
	tests := []struct {
		name     string
		value    string
		status   int
		contains string
	}{
		{"office_sets_95", "95", 303, ""},
		{"percent_sign_accepted", "92.5%", 303, ""},
		{"over_100", "150", 422, "容差应在"},
		{"not_a_number", "九十", 422, "不是数字"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := office.do("POST", "/indicators/service_points/tolerance", url.Values{"tolerance": {tt.value}})
			if res.status != tt.status || !strings.Contains(res.body, tt.contains) {
				t.Errorf("POST %s: %d %.300s", tt.value, res.status, res.body)
			}
		})
	}
	page := office.do("GET", "/indicators/service_points", nil)
	if !strings.Contains(page.body, `value="92.5"`) || !strings.Contains(page.body, "不低于其 92.5% 为“预警”") {
		t.Errorf("indicator page does not show the new tolerance: %.500s", page.body)
	}
	ds, err := e.store.Dataset(e.plan.EndPeriod)
	if err != nil {
		t.Fatal(err)
	}
	if ds.Tolerances["service_points"] != 0.925 {
		t.Errorf("stored tolerance = %v", ds.Tolerances["service_points"])
	}
	entries, err := e.store.AuditEntries(models.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, a := range entries {
		if a.Action == models.AuditSetting && a.Subject == "tolerance service_points" && a.Actor == "office" {
			found = true
		}
	}
	if !found {
		t.Error("no audit entry for the tolerance change")
	}
	if res := e.loggedIn("leader").do("GET", "/indicators/service_points", nil); strings.Contains(res.body, "保存容差") {
		t.Error("a leader sees the tolerance form")
	}
}
