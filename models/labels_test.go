package models_test

import (
	"testing"
	"unicode"

	"ruralkpi/models"
)

// TestEnumLabelsAreChineseAndDistinct checks that every value of each labelled enum has a
// non-empty Chinese label of its own: no value falls through to its code, no two values of one
// enum share a label.
func TestEnumLabelsAreChineseAndDistinct(t *testing.T) {
	type value struct{ code, label string }
	enums := map[string][]value{}
	for _, s := range models.FollowUpStatuses() {
		enums["FollowUpStatus"] = append(enums["FollowUpStatus"], value{string(s), s.Label()})
	}
	for _, a := range models.AuditActions() {
		enums["AuditAction"] = append(enums["AuditAction"], value{a[0], models.AuditAction(a[0]).Label()})
	}
	for _, k := range models.ReminderKinds() {
		enums["ReminderKind"] = append(enums["ReminderKind"], value{string(k), k.Label()})
	}
	for _, s := range models.DeliveryStatuses() {
		enums["DeliveryStatus"] = append(enums["DeliveryStatus"], value{string(s), s.Label()})
	}
	for _, r := range models.QualityRuleList() {
		enums["QualityRule"] = append(enums["QualityRule"], value{string(r), r.Label()})
	}
	for _, r := range models.Roles() {
		enums["Role"] = append(enums["Role"], value{string(r), r.Label()})
	}
	for _, name := range []string{"FollowUpStatus", "AuditAction", "ReminderKind", "DeliveryStatus", "QualityRule", "Role"} {
		t.Run(name, func(t *testing.T) {
			values := enums[name]
			if len(values) < 3 {
				t.Fatalf("only %d values listed", len(values))
			}
			seen := map[string]string{}
			for _, v := range values {
				if v.label == "" || v.label == v.code || !hasHan(v.label) {
					t.Errorf("%s %q: label %q is not a Chinese name", name, v.code, v.label)
				}
				if other, dup := seen[v.label]; dup {
					t.Errorf("%s %q and %q share the label %q", name, other, v.code, v.label)
				}
				seen[v.label] = v.code
			}
		})
	}
}

// TestEnumListsNameEveryConstant pins the value lists to the constants, so a new constant
// without a label (or left out of its list) is noticed.
func TestEnumListsNameEveryConstant(t *testing.T) {
	cases := []struct {
		name string
		got  int
		want []string
	}{
		{"FollowUpStatus", len(models.FollowUpStatuses()), []string{models.FollowUpOpen, models.FollowUpAnswered, models.FollowUpClosed}},
		{"ReminderKind", len(models.ReminderKinds()), []string{models.ReminderBefore, models.ReminderDue, models.ReminderReturned,
			models.ReminderFUSoon, models.ReminderFUDue, models.ReminderRed, models.ReminderTest}},
		{"DeliveryStatus", len(models.DeliveryStatuses()), []string{models.DeliverySending, models.DeliverySent, models.DeliveryFailed, models.DeliveryGaveUp}},
		{"QualityRule", len(models.QualityRuleList()), []string{models.FlagIdenticalPeer, models.FlagIdenticalPrevious, models.FlagJump,
			models.FlagTargetPace, models.FlagSameDigits, models.FlagLedger}},
		{"Role", len(models.Roles()), []string{models.RoleOffice, models.RoleCounty, models.RoleLeader}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.got != len(c.want) {
				t.Errorf("list has %d values, constants %d", c.got, len(c.want))
			}
		})
	}
	if got := models.AuditAction("no.such").Label(); got != "no.such" {
		t.Errorf("unknown action labelled %q, want its code", got)
	}
}

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}
