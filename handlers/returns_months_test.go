package handlers

import (
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"

	"ruralkpi/models"
)

// TestUploadPageOffersOnlyTheUnitsMonths: a unit is offered the months from its start. In the Qujing
// plan every unit reports from the plan's start (issue 13: 会泽县 files its 2023 statistics too); a
// plan that starts a unit later (start_period) offers it only its own months.
func TestUploadPageOffersOnlyTheUnitsMonths(t *testing.T) {
	_, s := returnsApp(t)
	app := fiber.New(fiber.Config{Immutable: true, ErrorHandler: s.errorHandler})
	app.Use(func(c *fiber.Ctx) error {
		c.Locals(localUser, &models.User{Username: "county-530326", Role: models.RoleCounty, UnitCode: "530326"})
		return c.Next()
	})
	s.routes(app)
	if status, body := get(t, app, "/returns"); status != 200 || !strings.Contains(string(body), `value="2023-12"`) {
		t.Errorf("upload page: %d, want 2023 months offered to 会泽县", status)
	}
	if status, _ := get(t, app, "/api/v1/returns/template?county=530326&period=2023-12"); status != 200 {
		t.Errorf("会泽县's 2023-12 template: %d, want 200", status)
	}
	for i := range s.Plan.Root.Children {
		if s.Plan.Root.Children[i].Code == "530326" {
			s.Plan.Root.Children[i].StartPeriod = "2024-01"
		}
	}
	if err := s.Plan.Validate(); err != nil {
		t.Fatal(err)
	}
	status, body := get(t, app, "/returns")
	if status != 200 || !strings.Contains(string(body), `value="2024-01"`) || strings.Contains(string(body), `value="2023-12"`) {
		t.Errorf("upload page: %d, want months from 2024-01 only", status)
	}
	if status, body := get(t, app, "/api/v1/returns/template?county=530326&period=2023-12"); status != 422 || !strings.Contains(string(body), "会泽县从 2024-01 起报送月报") {
		t.Errorf("template before the unit's first month: %d %.200q", status, body)
	}
}
