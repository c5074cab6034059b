package handlers

import "github.com/gofiber/fiber/v2"

// healthz answers whether the server is up and its database answers.
func (s *Server) healthz(c *fiber.Ctx) error {
	sqlDB, err := s.Store.DB.DB()
	if err == nil {
		err = sqlDB.PingContext(c.Context())
	}
	if err != nil {
		s.Log.Error("health check", "err", err)
		return c.Status(fiber.StatusServiceUnavailable).JSON(fiber.Map{"status": "unavailable"})
	}
	return c.JSON(fiber.Map{"status": "ok", "plan": s.Plan.Code})
}
