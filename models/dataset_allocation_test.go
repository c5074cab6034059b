package models

import (
	"strconv"
	"testing"
)

func TestDatasetAddAllocation(t *testing.T) {
	var ds Dataset // no maps yet: AddAllocation makes them
	for _, a := range []Allocation{
		{Indicator: "service_points", Year: 2024, UnitCode: "530302", Value: 40},
		{Indicator: "service_points", Year: 2024, UnitCode: "530303", Value: 20},
		{Indicator: "service_points", Year: 2025, UnitCode: "530302", Value: 50},
		{Indicator: "service_points", Year: 2024, UnitCode: "530302", Value: 45}, // a later share replaces the earlier
	} {
		ds.AddAllocation(a)
	}
	tests := []struct {
		year int
		unit string
		want float64
	}{{2024, "530302", 45}, {2024, "530303", 20}, {2025, "530302", 50}}
	for _, tc := range tests {
		t.Run(tc.unit+"/"+strconv.Itoa(tc.year), func(t *testing.T) {
			if got := ds.Allocations["service_points"][tc.year][tc.unit]; got != tc.want {
				t.Errorf("%d %s: %v, want %v", tc.year, tc.unit, got, tc.want)
			}
		})
	}
	if n := len(ds.Allocations["service_points"][2024]); n != 2 {
		t.Errorf("2024 has %d shares, want 2", n)
	}
}
