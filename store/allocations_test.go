package store

import (
	"testing"
	"time"

	"ruralkpi/models"
)

func TestAllocationBalance(t *testing.T) {
	tests := []struct {
		name              string
		target, allocated float64
		n                 int
		want              models.Balance
	}{
		{"nothing allocated", 100, 0, 0, models.BalanceNone},
		{"exact", 100, 100, 10, models.BalanceExact},
		{"rounding", 100, 99.999, 10, models.BalanceExact},
		{"under", 100, 99, 10, models.BalanceUnder},
		{"over", 100, 100.01, 10, models.BalanceOver},
		{"zero allocations of a zero target", 0, 0, 3, models.BalanceExact},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := models.AllocationBalance(tt.target, tt.allocated, tt.n); got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}

func TestSetAllocationsAuditsChangesOnly(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *Store, p *models.Plan) {
		ind := models.Allocatable(p)[0]
		in := models.AllocationInput{Indicator: ind.Code, Year: p.Years[0], UnitCode: "530302", Value: 12}
		if err := models.ValidateAllocation(p, in); err != nil {
			t.Fatal(err)
		}
		by := models.Actor{Username: "office", IP: "10.0.0.2"}
		now := time.Now()
		if n, err := s.SetAllocations([]models.AllocationInput{in}, by, now); err != nil || n != 1 {
			t.Fatalf("first set: %d, %v", n, err)
		}
		if n, err := s.SetAllocations([]models.AllocationInput{in}, by, now); err != nil || n != 0 {
			t.Fatalf("same value again: %d, %v", n, err)
		}
		in.Value = 15
		if n, err := s.SetAllocations([]models.AllocationInput{in}, by, now); err != nil || n != 1 {
			t.Fatalf("change: %d, %v", n, err)
		}
		entries, _ := s.AuditEntries(models.AuditFilter{Action: models.AuditAllocation})
		if len(entries) != 2 || entries[0].Before != "12" || entries[0].After != "15" {
			t.Errorf("allocation audit: %+v", entries)
		}
		bad := []models.AllocationInput{
			{Indicator: "nope", Year: p.Years[0], UnitCode: "530302", Value: 1},
			{Indicator: ind.Code, Year: 1999, UnitCode: "530302", Value: 1},
			{Indicator: ind.Code, Year: p.Years[0], UnitCode: "530300", Value: 1},
			{Indicator: ind.Code, Year: p.Years[0], UnitCode: "530302", Value: -1},
		}
		for _, b := range bad {
			if err := models.ValidateAllocation(p, b); models.ErrorCode(err) != models.EInvalid {
				t.Errorf("ValidateAllocation(%+v) = %v, want invalid", b, err)
			}
		}
	})
}

// TestClearAllocation: a share can be removed (blank cell or the clear button), audited, and the unit
// then has no target of its own; hub parks, judged by their due dates, are not allocatable at all.
func TestClearAllocation(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *Store, p *models.Plan) {
		by, now := models.Actor{Username: "office"}, time.Now()
		in := models.AllocationInput{Indicator: "service_points", Year: 2024, UnitCode: "530302", Value: 300}
		if _, err := s.SetAllocations([]models.AllocationInput{in}, by, now); err != nil {
			t.Fatal(err)
		}
		clear := models.AllocationInput{Indicator: "service_points", Year: 2024, UnitCode: "530302", Clear: true}
		if err := models.ValidateAllocation(p, clear); err != nil {
			t.Fatal(err)
		}
		if n, err := s.SetAllocations([]models.AllocationInput{clear}, by, now); err != nil || n != 1 {
			t.Fatalf("clear: %d, %v", n, err)
		}
		if n, err := s.SetAllocations([]models.AllocationInput{clear}, by, now); err != nil || n != 0 {
			t.Fatalf("clear again: %d, %v", n, err)
		}
		var left int64
		s.db.Model(&models.Allocation{}).Where("indicator = ? AND unit_code = ?", "service_points", "530302").Count(&left)
		if left != 0 {
			t.Errorf("%d allocations left after clearing", left)
		}
		entries, _ := s.AuditEntries(models.AuditFilter{Action: models.AuditAllocation})
		if len(entries) != 2 || entries[0].Before != "300" || entries[0].After != "" {
			t.Errorf("clear audit: %+v", entries)
		}
		for _, ind := range models.Allocatable(p) {
			if ind.Code == "hub_parks" {
				t.Error("hub parks are allocatable: an allocation would not change how they are judged")
			}
		}
	})
}

func TestFollowUpLifecycle(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *Store, p *models.Plan) {
		now := time.Date(2024, 7, 10, 9, 0, 0, 0, models.ReportingZone())
		office, county := models.Actor{Username: "office"}, models.Actor{Username: "county-530302"}
		f, err := s.OpenFollowUp(p, models.NewFollowUp{UnitCode: "530302", Indicator: p.Indicators[0].Code, Title: "加快网点建设", Assignee: "张三", DueDate: "2024-07-31"}, office, now)
		if err != nil {
			t.Fatal(err)
		}
		if models.FollowUpOverdue(f, now) || !models.FollowUpOverdue(f, time.Date(2024, 8, 1, 0, 0, 0, 0, models.ReportingZone())) {
			t.Error("overdue only after the due day ends")
		}
		if _, err := s.AnswerFollowUp(f.ID, " ", county, now); models.ErrorCode(err) != models.EInvalid {
			t.Errorf("empty answer: %v", err)
		}
		if f, err = s.AnswerFollowUp(f.ID, "已新建5个网点", county, now); err != nil || f.Status != models.FollowUpAnswered {
			t.Fatalf("answer: %+v %v", f, err)
		}
		if f, err = s.CloseFollowUp(f.ID, "核实完成", office, now); err != nil || f.Status != models.FollowUpClosed {
			t.Fatalf("close: %+v %v", f, err)
		}
		if models.FollowUpOverdue(f, now.AddDate(1, 0, 0)) {
			t.Error("a closed follow-up is never overdue")
		}
		if _, err := s.AnswerFollowUp(f.ID, "again", county, now); models.ErrorCode(err) != models.EConflict {
			t.Errorf("answer after close: %v", err)
		}
		if _, err := s.OpenFollowUp(p, models.NewFollowUp{UnitCode: "530302", Indicator: p.Indicators[0].Code, Title: "x", Assignee: "y", DueDate: "2024-07-01"}, office, now); models.ErrorCode(err) != models.EInvalid {
			t.Errorf("due date in the past: %v", err)
		}
		entries, _ := s.AuditEntries(models.AuditFilter{})
		if len(entries) != 3 {
			t.Errorf("want open, answer, close audited; got %d entries", len(entries))
		}
	})
}
