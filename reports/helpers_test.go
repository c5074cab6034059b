package reports

import (
	"time"
)

// afterPlanTime is a "now" long after every demo deadline.
func afterPlanTime() time.Time { return time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC) }
