package handlers

import (
	"errors"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"

	"ruralkpi/models"
)

// statusFor maps application error codes to HTTP statuses.
func statusFor(code string) int {
	switch code {
	case models.EInvalid:
		return fiber.StatusUnprocessableEntity
	case models.ENotFound:
		return fiber.StatusNotFound
	case models.EUnauthorized:
		return fiber.StatusUnauthorized
	case models.EForbidden:
		return fiber.StatusForbidden
	case models.EConflict:
		return fiber.StatusConflict
	case models.ETooLarge:
		return fiber.StatusRequestEntityTooLarge
	case models.EBusy:
		return fiber.StatusServiceUnavailable
	case models.EFull:
		return fiber.StatusInsufficientStorage
	default:
		return fiber.StatusInternalServerError
	}
}

// retryAfterSeconds is what a 503 for a busy database asks the client to wait.
const retryAfterSeconds = "5"

// apiError is the stable JSON error shape: {"error": {"code": …, "message": …}}.
type apiError struct {
	Error apiErrorBody `json:"error"`
}

type apiErrorBody struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// errorHandler is the one place errors become responses: typed errors keep their message, Fiber's
// own errors (404 route, 413 body) get a Chinese one, and anything else is logged and shown plainly.
func (s *Server) errorHandler(c *fiber.Ctx, err error) error {
	code := models.ErrorCode(err)
	message := models.ErrorMessage(err)
	var fe *fiber.Error
	if errors.As(err, &fe) {
		switch fe.Code {
		case fiber.StatusNotFound:
			code, message = models.ENotFound, "页面不存在。"
		case fiber.StatusRequestEntityTooLarge:
			code, message = models.ETooLarge, "上传的内容过大，系统拒收。台账文件不能超过 64 MB，月报文件不能超过 5 MB，请检查是否选错了文件。"
		case fiber.StatusMethodNotAllowed:
			code, message = models.EInvalid, "不支持该请求方式。"
		case fiber.StatusBadRequest:
			code, message = models.EInvalid, "请求格式不正确。"
		case fiber.StatusForbidden:
			code, message = models.EForbidden, "没有权限执行该操作。"
		case fiber.StatusServiceUnavailable:
			code, message = models.EInternal, fe.Message
		default:
			code = models.EInternal
		}
	}
	status := statusFor(code)
	if fe != nil && code == models.EInternal {
		status = fe.Code
	}
	switch code {
	case models.EInternal:
		s.Log.Error("request failed", "method", c.Method(), "path", c.Path(), "err", err)
	case models.EBusy, models.EFull:
		// Nothing was stored (the write's transaction rolled back); a busy database clears in seconds.
		s.Log.Warn("write refused", "method", c.Method(), "path", c.Path(), "err", err)
		if code == models.EBusy {
			c.Set(fiber.HeaderRetryAfter, retryAfterSeconds)
		}
	}
	if wantsJSON(c) {
		return c.Status(status).JSON(apiError{Error: apiErrorBody{Code: code, Message: message}})
	}
	c.Status(status)
	title := map[int]string{404: "页面不存在", 403: "没有权限", 401: "请先登录", 413: "文件过大", 422: "输入有误", 503: "系统繁忙", 507: "存储空间不足"}[status]
	if title == "" {
		title = "出错了"
	}
	if rerr := s.render(c, "error.html", "", title, map[string]string{"Title": title, "Message": message, "Back": backPath(c)}); rerr != nil {
		s.Log.Error("render error page", "err", rerr)
		return c.Status(status).SendString(message)
	}
	return nil
}

// backPath is the page of this site the request came from (a refused form's page), so the error page
// can lead back to it; "" when there is none or it is another site's.
func backPath(c *fiber.Ctx) string {
	ref, err := url.Parse(c.Get(fiber.HeaderReferer))
	if err != nil || ref.Host != c.Hostname() || !strings.HasPrefix(ref.Path, "/") || strings.HasPrefix(ref.Path, "//") {
		return ""
	}
	back := ref.EscapedPath()
	if ref.RawQuery != "" {
		back += "?" + ref.RawQuery
	}
	if back == "/" || back == c.OriginalURL() {
		return ""
	}
	return back
}

func wantsJSON(c *fiber.Ctx) bool {
	return strings.HasPrefix(c.Path(), "/api/") || strings.Contains(c.Get(fiber.HeaderAccept), fiber.MIMEApplicationJSON) && !strings.Contains(c.Get(fiber.HeaderAccept), "text/html")
}
