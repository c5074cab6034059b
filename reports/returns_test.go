package reports

import (
	"testing"
	"time"

	"ruralkpi/internal/testkit"
	"ruralkpi/models"
)

func TestReturnsReceived(t *testing.T) {
	p := testkit.Plan(t)
	june := models.MustPeriod("2024-06")
	deadline := models.DefaultDeadline(june)
	if got := deadline.Format("2006-01-02 MST"); got != "2024-07-05 CST" {
		t.Fatalf("default deadline %s", got)
	}
	cst := models.ReportingZone()
	at := func(day, hour int) time.Time { return time.Date(2024, 7, day, hour, 0, 0, 0, cst) }
	versions := []models.ReturnVersion{
		{UnitCode: "530302", Period: "2024-06", Number: 1, Status: models.StatusApproved, UploadedAt: at(3, 10)},
		// returned, then corrected after the deadline: the first upload counts, the newest version's status shows.
		{UnitCode: "530303", Period: "2024-06", Number: 2, Status: models.StatusSubmitted, UploadedAt: at(9, 9)},
		{UnitCode: "530303", Period: "2024-06", Number: 1, Status: models.StatusReturned, UploadedAt: at(4, 16)},
		// the last minute of the deadline day is on time; the next day is late.
		{UnitCode: "530304", Period: "2024-06", Number: 1, Status: models.StatusSubmitted, UploadedAt: time.Date(2024, 7, 5, 23, 59, 0, 0, cst)},
		{UnitCode: "530322", Period: "2024-06", Number: 1, Status: models.StatusSubmitted, UploadedAt: at(6, 0)},
		// another month's version is not this month's return.
		{UnitCode: "530323", Period: "2024-05", Number: 1, Status: models.StatusApproved, UploadedAt: at(1, 0)},
	}
	tests := []struct {
		name   string
		now    time.Time
		unit   string
		want   Timeliness
		ver    int
		status string
	}{
		{"on time", at(20, 0), "530302", OnTime, 1, models.StatusApproved},
		{"correction keeps first upload", at(20, 0), "530303", OnTime, 2, models.StatusSubmitted},
		{"deadline day counts", at(20, 0), "530304", OnTime, 1, models.StatusSubmitted},
		{"late", at(20, 0), "530322", Late, 1, models.StatusSubmitted},
		{"missing after the deadline", at(6, 0), "530323", Missing, 0, ""},
		{"not yet due", at(5, 12), "530323", NotYetDue, 0, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rows := ReturnsReceived(p, june, versions, deadline, tc.now)
			if len(rows) != len(p.ReportingUnits()) {
				t.Fatalf("%d rows", len(rows))
			}
			for _, r := range rows {
				if r.Unit != tc.unit {
					continue
				}
				if r.Timeliness != tc.want || r.Version != tc.ver || r.Status != tc.status {
					t.Errorf("%+v, want %s v%d %s", r, tc.want, tc.ver, tc.status)
				}
				return
			}
			t.Errorf("unit %s not listed", tc.unit)
		})
	}
	t.Run("every unit expected from the plan start", func(t *testing.T) {
		dec := models.MustPeriod("2023-12")
		for _, r := range ReturnsReceived(p, dec, nil, models.DefaultDeadline(dec), at(20, 0)) {
			want := Missing
			if p.UnitStart(r.Unit) > "2023-12" {
				want = NotExpected
			}
			if r.Timeliness != want {
				t.Errorf("%s: %s, want %s", r.Unit, r.Timeliness, want)
			}
		}
		// Every unit reports statistics from the plan's start (issue 13): all ten owe a 2023 return.
		c := CountReturns(ReturnsReceived(p, dec, nil, models.DefaultDeadline(dec), at(20, 0)))
		if c.Expected != 10 || c.Missing != 10 {
			t.Errorf("counts %+v", c)
		}
	})
}

func TestNewlyRed(t *testing.T) {
	p := testkit.Plan(t)
	pr := func(ind, scope string, s models.ProgressStatus) models.Progress {
		return models.Progress{Indicator: ind, Scope: scope, Status: s}
	}
	in := Input{Plan: p, Period: models.MustPeriod("2024-06"),
		Current: []models.Progress{pr("service_points", "530302", models.StatusRed), pr("hub_parks", "530302", models.StatusRed),
			pr("service_points", "530300", models.StatusRed), pr("service_points", "530303", models.StatusRed), pr("service_points", "530304", models.StatusAmber)},
		Previous: []models.Progress{pr("service_points", "530302", models.StatusAmber), pr("hub_parks", "530302", models.StatusGreen),
			pr("service_points", "530300", models.StatusRed), pr("service_points", "530304", models.StatusRed)}}
	got := NewlyRed(in)
	want := []string{"hub_parks 530302 true", "service_points 530302 true", "service_points 530303 false"}
	if len(got) != len(want) {
		t.Fatalf("got %d changes: %+v", len(got), got)
	}
	for i, c := range got {
		if s := c.Current.Indicator + " " + c.Current.Scope + " " + map[bool]string{true: "true", false: "false"}[c.HadPrevious]; s != want[i] {
			t.Errorf("change %d = %s, want %s", i, s, want[i])
		}
	}
}
