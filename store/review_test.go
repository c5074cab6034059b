package store

import (
	"testing"
	"time"

	"ruralkpi/models"
)

func TestReviewOutcome(t *testing.T) {
	tests := []struct {
		name, status, decision, note, want, code string
	}{
		{"approve", models.StatusSubmitted, models.DecisionApprove, "", models.StatusApproved, ""},
		{"return with reason", models.StatusSubmitted, models.DecisionReturn, "快递网点数与台账不符", models.StatusReturned, ""},
		{"return without reason", models.StatusSubmitted, models.DecisionReturn, "   ", "", models.EInvalid},
		{"already approved", models.StatusApproved, models.DecisionReturn, "x", "", models.EConflict},
		{"already returned", models.StatusReturned, models.DecisionApprove, "", "", models.EConflict},
		{"unknown decision", models.StatusSubmitted, "delete", "", "", models.EInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := models.ReviewOutcome(tt.status, tt.decision, tt.note)
			if got != tt.want || models.ErrorCode(err) != tt.code {
				t.Errorf("ReviewOutcome = %q, %v; want %q, code %q", got, err, tt.want, tt.code)
			}
		})
	}
}

func TestReviewVersionNewestOnlyAndAudited(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *Store, _ *models.Plan) {
		now := time.Date(2024, 7, 3, 10, 0, 0, 0, models.ReportingZone())
		nv := models.NewVersion{UnitCode: "530302", Period: "2024-06", Source: models.SourceUpload, File: []byte("v1"), UploadedAt: now}
		v1, err := s.SaveVersion(nv)
		if err != nil {
			t.Fatal(err)
		}
		office := models.Actor{Username: "office", IP: "10.0.0.1"}
		if _, err := s.ReviewVersion(v1.ID, models.DecisionReturn, "", office, now); models.ErrorCode(err) != models.EInvalid {
			t.Fatalf("return without a reason: %v", err)
		}
		got, err := s.ReviewVersion(v1.ID, models.DecisionReturn, "请补充网点台账", office, now)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != models.StatusReturned || got.ReviewNote != "请补充网点台账" || got.ReviewedBy != "office" {
			t.Errorf("returned version: %+v", got)
		}
		nv.File = []byte("v2")
		v2, err := s.SaveVersion(nv)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.ReviewVersion(v1.ID, models.DecisionApprove, "", office, now); models.ErrorCode(err) != models.EConflict {
			t.Errorf("reviewing a superseded version: %v, want conflict", err)
		}
		if _, err := s.ReviewVersion(v2.ID, models.DecisionApprove, "", office, now); err != nil {
			t.Fatal(err)
		}
		var entries []models.AuditEntry
		all, err := s.AuditEntries(models.AuditFilter{})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range all {
			if e.Action != models.AuditUpload { // each SaveVersion writes its own
				entries = append(entries, e)
			}
		}
		if len(entries) != 2 || entries[0].Action != models.AuditApprove || entries[1].Action != models.AuditReturn || entries[1].IP != "10.0.0.1" {
			t.Errorf("audit entries: %+v", entries)
		}
	})
}

func TestAuditEntriesCannotChange(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *Store, _ *models.Plan) {
		if err := s.Audit(models.AuditEntry{Actor: "office", Action: models.AuditLoginOK}); err != nil {
			t.Fatal(err)
		}
		if err := s.db.Exec("UPDATE audit_entries SET actor = 'someone'").Error; err == nil {
			t.Error("UPDATE on audit_entries succeeded")
		}
		if err := s.db.Exec("DELETE FROM audit_entries").Error; err == nil {
			t.Error("DELETE on audit_entries succeeded")
		}
		entries, _ := s.AuditEntries(models.AuditFilter{})
		if len(entries) != 1 || entries[0].Actor != "office" {
			t.Errorf("entries after attempts: %+v", entries)
		}
	})
}
