package models

import (
	"testing"
	"time"
)

func TestReviewOutcome(t *testing.T) {
	tests := []struct {
		name, status, decision, note, want, code string
	}{
		{"approve", StatusSubmitted, DecisionApprove, "", StatusApproved, ""},
		{"return with reason", StatusSubmitted, DecisionReturn, "快递网点数与台账不符", StatusReturned, ""},
		{"return without reason", StatusSubmitted, DecisionReturn, "   ", "", EInvalid},
		{"already approved", StatusApproved, DecisionReturn, "x", "", EConflict},
		{"already returned", StatusReturned, DecisionApprove, "", "", EConflict},
		{"unknown decision", StatusSubmitted, "delete", "", "", EInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ReviewOutcome(tt.status, tt.decision, tt.note)
			if got != tt.want || ErrorCode(err) != tt.code {
				t.Errorf("ReviewOutcome = %q, %v; want %q, code %q", got, err, tt.want, tt.code)
			}
		})
	}
}

func TestReviewVersionNewestOnlyAndAudited(t *testing.T) {
	s, _ := openTestStore(t)
	now := time.Date(2024, 7, 3, 10, 0, 0, 0, ReportingZone())
	nv := NewVersion{UnitCode: "530302", Period: "2024-06", Source: SourceUpload, File: []byte("v1"), UploadedAt: now}
	v1, err := s.SaveVersion(nv)
	if err != nil {
		t.Fatal(err)
	}
	office := Actor{Username: "office", IP: "10.0.0.1"}
	if _, err := s.ReviewVersion(v1.ID, DecisionReturn, "", office, now); ErrorCode(err) != EInvalid {
		t.Fatalf("return without a reason: %v", err)
	}
	got, err := s.ReviewVersion(v1.ID, DecisionReturn, "请补充网点台账", office, now)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != StatusReturned || got.ReviewNote != "请补充网点台账" || got.ReviewedBy != "office" {
		t.Errorf("returned version: %+v", got)
	}
	nv.File = []byte("v2")
	v2, err := s.SaveVersion(nv)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.ReviewVersion(v1.ID, DecisionApprove, "", office, now); ErrorCode(err) != EConflict {
		t.Errorf("reviewing a superseded version: %v, want conflict", err)
	}
	if _, err := s.ReviewVersion(v2.ID, DecisionApprove, "", office, now); err != nil {
		t.Fatal(err)
	}
	var entries []AuditEntry
	all, err := s.AuditEntries(AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range all {
		if e.Action != AuditUpload { // each SaveVersion writes its own
			entries = append(entries, e)
		}
	}
	if len(entries) != 2 || entries[0].Action != AuditApprove || entries[1].Action != AuditReturn || entries[1].IP != "10.0.0.1" {
		t.Errorf("audit entries: %+v", entries)
	}
}

func TestAuditEntriesCannotChange(t *testing.T) {
	s, _ := openTestStore(t)
	if err := s.Audit(AuditEntry{Actor: "office", Action: AuditLoginOK}); err != nil {
		t.Fatal(err)
	}
	if err := s.DB.Exec("UPDATE audit_entries SET actor = 'someone'").Error; err == nil {
		t.Error("UPDATE on audit_entries succeeded")
	}
	if err := s.DB.Exec("DELETE FROM audit_entries").Error; err == nil {
		t.Error("DELETE on audit_entries succeeded")
	}
	entries, _ := s.AuditEntries(AuditFilter{})
	if len(entries) != 1 || entries[0].Actor != "office" {
		t.Errorf("entries after attempts: %+v", entries)
	}
}
