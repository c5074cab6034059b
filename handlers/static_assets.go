package handlers

import (
	"fmt"

	"github.com/gofiber/fiber/v2"

	"ruralkpi/static"
)

// registerStatic serves the embedded CSS, JavaScript, ECharts and map outlines under /static.
func registerStatic(app *fiber.App) error {
	assets, err := static.New(static.Files(), "/static")
	if err != nil {
		return fmt.Errorf("handlers: %w", err)
	}
	assets.Register(app)
	return nil
}
