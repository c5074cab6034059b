package handlers

import (
	"net/http/httptest"
	"testing"

	"github.com/gofiber/fiber/v2"

	"ruralkpi/models"
)

// TestActingUserFailsClosed: who files a return comes from the signed-in user alone. With nobody
// signed in actingUser lent the office's powers (an empty actor, no error); it must refuse.
func TestActingUserFailsClosed(t *testing.T) {
	tests := []struct {
		name     string
		user     *models.User
		wantCode string
		wantUnit string
	}{
		{"nobody signed in", nil, models.EUnauthorized, ""},
		{"office files for any unit", &models.User{Username: "office", Role: models.RoleOffice}, "", ""},
		{"county files for its own unit", &models.User{Username: "county-530302", Role: models.RoleCounty, UnitCode: "530302"}, "", "530302"},
		{"county without a unit", &models.User{Username: "county-x", Role: models.RoleCounty}, models.EForbidden, ""},
		{"leader only reads", &models.User{Username: "leader", Role: models.RoleLeader}, models.EForbidden, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &Server{}
			app := fiber.New()
			app.Get("/", func(c *fiber.Ctx) error {
				if tt.user != nil {
					c.Locals(localUser, tt.user)
				}
				who, err := s.actingUser(c)
				if got := models.ErrorCode(err); got != tt.wantCode {
					t.Errorf("error %v (code %q), want code %q", err, got, tt.wantCode)
				}
				if err == nil && who.Unit != tt.wantUnit {
					t.Errorf("unit %q, want %q", who.Unit, tt.wantUnit)
				}
				return nil
			})
			if _, err := app.Test(httptest.NewRequest("GET", "/", nil), -1); err != nil {
				t.Fatal(err)
			}
		})
	}
}
