package handlers

import (
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"

	"ruralkpi/models"
)

// TestUploadPageOffersOnlyTheUnitsMonths: 会泽县 reports from 2024-01, so its clerk is not offered
// 2023 months (whose template and upload would be refused).
func TestUploadPageOffersOnlyTheUnitsMonths(t *testing.T) {
	_, s := returnsApp(t)
	app := fiber.New(fiber.Config{Immutable: true, ErrorHandler: s.errorHandler})
	app.Use(func(c *fiber.Ctx) error {
		c.Locals(localUser, &models.User{Username: "county-530326", Role: models.RoleCounty, UnitCode: "530326"})
		return c.Next()
	})
	s.registerReturns(app)
	status, body := get(t, app, "/returns")
	if status != 200 || !strings.Contains(string(body), `value="2024-01"`) || strings.Contains(string(body), `value="2023-12"`) {
		t.Errorf("upload page: %d, want months from 2024-01 only", status)
	}
	if status, body := get(t, app, "/api/v1/returns/template?county=530326&period=2023-12"); status != 422 || !strings.Contains(string(body), "会泽县从 2024-01 起报送月报") {
		t.Errorf("template before the unit's first month: %d %.200q", status, body)
	}
}
