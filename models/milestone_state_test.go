package models

import "testing"

// TestMilestoneStateLabel: each stored milestone state has its one Chinese word; others have none.
func TestMilestoneStateLabel(t *testing.T) {
	tests := []struct{ state, want string }{
		{MilestoneNotStarted, "未启动"},
		{MilestoneInProgress, "建设中"},
		{MilestoneDone, "已完成"},
		{"bogus", ""},
	}
	for _, tc := range tests {
		t.Run(tc.state, func(t *testing.T) {
			if got := MilestoneState(tc.state).Label(); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}
