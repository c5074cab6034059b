package handlers

import "github.com/gofiber/fiber/v2"

// healthz answers whether the server is up, its database answers, and it can take writes (a full
// disk is reported, while pages keep being served).
func (s *Server) healthz(c *fiber.Ctx) error {
	if err := s.Store.Ping(c.Context()); err != nil {
		s.Log.Error("health check", "err", err)
		return c.Status(fiber.StatusServiceUnavailable).JSON(fiber.Map{"status": "unavailable"})
	}
	if why := s.Store.WriteBlocked(); why != "" {
		s.Log.Error("health check: database cannot write", "reason", why)
		return c.Status(fiber.StatusServiceUnavailable).JSON(fiber.Map{"status": "read_only", "plan": s.Plan.Code,
			"error": why, "message": "存储空间不足，数据无法保存，请联系管理员。"})
	}
	return c.JSON(fiber.Map{"status": "ok", "plan": s.Plan.Code})
}
