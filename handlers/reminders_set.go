package handlers

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"ruralkpi/dashboards"
	"ruralkpi/models"
	"ruralkpi/reminders"
)

// setReminders saves the reminder rules, the mail relay and the channels (audited).
func (s *Server) setReminders(c *fiber.Ctx) error {
	before, err := s.Store.ReminderSettings()
	if err != nil {
		return err
	}
	rs, err := parseReminderForm(c, before, s.Reminders.Secrets)
	if err != nil {
		return err
	}
	if err := s.Store.SaveReminderSettings(s.Plan, rs, s.actor(c), s.Config.Now()); err != nil {
		return err
	}
	s.flash(c, "提醒设置已保存。")
	return c.Redirect("/reminders", fiber.StatusSeeOther)
}

// testReminder sends a test message to one configured channel now.
func (s *Server) testReminder(c *fiber.Ctx) error {
	rs, err := s.Store.ReminderSettings()
	if err != nil {
		return err
	}
	i, err := strconv.Atoi(c.FormValue("channel"))
	if err != nil || i < 0 || i >= len(rs.Channels) {
		return models.Errorf(models.EInvalid, "请选择要测试的接收渠道（先保存设置）。")
	}
	ctx, cancel := context.WithTimeout(c.UserContext(), 30*time.Second)
	defer cancel()
	if err := s.Reminders.SendTest(ctx, rs, rs.Channels[i], s.actor(c).Username); err != nil {
		s.flash(c, "测试消息发送失败："+err.Error())
	} else {
		s.flash(c, "测试消息已发送，请到接收方确认。")
	}
	return c.Redirect("/reminders", fiber.StatusSeeOther)
}

// parseReminderForm reads the settings form. Secrets typed in are encrypted (or kept as env:NAME
// references); a masked or empty secret keeps the stored one; "-" clears it.
func parseReminderForm(c *fiber.Ctx, before models.ReminderSettings, secrets *reminders.Secrets) (models.ReminderSettings, error) {
	num := func(field string) (int, error) {
		v := strings.TrimSpace(c.FormValue(field))
		if v == "" {
			return 0, nil
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			return 0, models.Errorf(models.EInvalid, "%q 应为整数。", v)
		}
		return n, nil
	}
	var rs models.ReminderSettings
	var err error
	if rs.Rules.BeforeDays, err = num("before_days"); err != nil {
		return rs, err
	}
	if rs.Rules.FollowUpSoonDays, err = num("followup_soon_days"); err != nil {
		return rs, err
	}
	if rs.SMTP.Port, err = num("smtp_port"); err != nil {
		return rs, err
	}
	if rs.SMTP.Port == 0 {
		rs.SMTP.Port = 25 // an empty field is SMTP's port, as on a first visit
	}
	rs.Rules.OnDeadline, rs.Rules.Returned = c.FormValue("on_deadline") == "1", c.FormValue("returned") == "1"
	rs.Rules.FollowUpOverdue, rs.Rules.NewRed = c.FormValue("followup_overdue") == "1", c.FormValue("new_red") == "1"
	rs.Rules.BaseURL = strings.TrimSpace(c.FormValue("base_url"))
	rs.SMTP.Host, rs.SMTP.From = strings.TrimSpace(c.FormValue("smtp_host")), strings.TrimSpace(c.FormValue("smtp_from"))
	rs.SMTP.Username, rs.SMTP.StartTLS = strings.TrimSpace(c.FormValue("smtp_username")), c.FormValue("smtp_starttls") == "1"
	if rs.SMTP.Password, err = sealSecret(secrets, strings.TrimSpace(c.FormValue("smtp_password")), before.SMTP.Password); err != nil {
		return rs, err
	}
	for n, line := range strings.Split(c.FormValue("channels"), "\n") {
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		if len(f) < 3 || len(f) > 4 {
			return rs, models.Errorf(models.EInvalid, "接收渠道第%d行应为“接收方 类型 地址 [密钥]”，例如 office wecom https://…。", n+1)
		}
		ch := models.ReminderChannel{Audience: f[0], Kind: strings.ToLower(f[1]), Target: f[2]}
		if len(f) == 4 {
			old := ""
			for _, b := range before.Channels {
				if b.Audience == ch.Audience && b.Kind == ch.Kind && b.Target == ch.Target {
					old = b.Secret
				}
			}
			if ch.Secret, err = sealSecret(secrets, f[3], old); err != nil {
				return rs, err
			}
		}
		rs.Channels = append(rs.Channels, ch)
	}
	return rs, nil
}

// sealSecret turns a typed secret into what is stored.
func sealSecret(secrets *reminders.Secrets, typed, stored string) (string, error) {
	switch typed {
	case "", dashboards.MaskedSecret:
		return stored, nil
	case "-":
		return "", nil
	}
	sealed, err := secrets.Seal(typed)
	if errors.Is(err, reminders.ErrNoKey) {
		return "", models.Errorf(models.EInvalid, "服务器未配置加密密钥（%s 或 --secret-key-file），密码和密钥不能保存；请改填 env:环境变量名。", reminders.SecretKeyEnv)
	}
	return sealed, err
}
