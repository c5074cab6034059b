package reminders

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/mail"
	"net/smtp"
	"net/url"
	"strconv"
	"strings"
	"time"

	"ruralkpi/models"
)

// Message is what is sent: a title and plain-text lines (unit, month, what is missing, link).
type Message struct {
	Kind, Unit, UnitName, Period, Key string
	Title, Text, Link                 string
}

// messageOf turns a reminder into a message.
func messageOf(r models.Reminder) Message {
	return Message{Kind: r.Kind, Unit: r.Unit, UnitName: r.UnitName, Period: r.Period, Key: r.Key,
		Title: r.Title, Text: models.ReminderText(r), Link: r.Link}
}

// Sender delivers messages to channels.
type Sender struct {
	SMTP    models.SMTPSettings
	Secrets *Secrets
	HTTP    *http.Client
	// Now stamps 钉钉's signature and the mail's Date header.
	Now func() time.Time
	// RootCAs verifies the relay's STARTTLS certificate; nil means the system's roots.
	RootCAs *x509.CertPool
}

// Send delivers one message to one channel.
func (s *Sender) Send(ctx context.Context, c models.ReminderChannel, m Message) error {
	switch c.Kind {
	case models.ChannelEmail:
		return s.sendMail(c, m)
	case models.ChannelWeCom:
		return s.postJSON(ctx, c.Target, map[string]any{"msgtype": "markdown", "markdown": map[string]string{"content": markdown(m)}}, true)
	case models.ChannelDingTalk:
		target, err := s.dingTalkURL(c)
		if err != nil {
			return err
		}
		return s.postJSON(ctx, target, map[string]any{"msgtype": "markdown", "markdown": map[string]string{"title": m.Title, "text": markdown(m)}}, true)
	case models.ChannelJSON:
		return s.postJSON(ctx, c.Target, map[string]string{"key": m.Key, "kind": m.Kind, "unit": m.Unit, "unit_name": m.UnitName,
			"period": m.Period, "title": m.Title, "text": m.Text, "link": m.Link}, false)
	}
	return fmt.Errorf("reminders: unknown channel kind %q", c.Kind)
}

// markdown is the robots' message: a bold title, the lines, the link.
func markdown(m Message) string {
	var b strings.Builder
	fmt.Fprintf(&b, "**%s**\n\n", m.Title)
	for _, line := range strings.Split(strings.TrimSpace(m.Text), "\n") {
		if strings.HasPrefix(line, "链接：") && m.Link != "" {
			fmt.Fprintf(&b, "> [打开系统处理](%s)\n", m.Link)
			continue
		}
		fmt.Fprintf(&b, "> %s\n", line)
	}
	return b.String()
}

// DingTalkSign is 钉钉自定义机器人's signature: Base64(HMAC-SHA256(secret, timestamp+"\n"+secret)),
// with the timestamp in milliseconds.
func DingTalkSign(timestampMs int64, secret string) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(strconv.FormatInt(timestampMs, 10) + "\n" + secret))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// dingTalkURL adds timestamp and sign to the webhook URL when the robot has a signing secret.
func (s *Sender) dingTalkURL(c models.ReminderChannel) (string, error) {
	if c.Secret == "" {
		return c.Target, nil
	}
	secret, err := s.Secrets.Open(c.Secret)
	if err != nil {
		return "", err
	}
	u, err := url.Parse(c.Target)
	if err != nil {
		return "", fmt.Errorf("reminders: webhook URL: %w", err)
	}
	ts := s.now().UnixMilli()
	q := u.Query()
	q.Set("timestamp", strconv.FormatInt(ts, 10))
	q.Set("sign", DingTalkSign(ts, secret))
	u.RawQuery = q.Encode()
	return u.String(), nil
}

func (s *Sender) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// postJSON posts a JSON body; robots answer 200 with {"errcode":0} on success and a non-zero errcode
// (e.g. a bad signature or rate limit) otherwise.
func (s *Sender) postJSON(ctx context.Context, target string, body any, robot bool) error {
	b, err := json.Marshal(body)
	if err != nil {
		return fmt.Errorf("reminders: encode: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(b))
	if err != nil {
		return fmt.Errorf("reminders: webhook: %w", err)
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	client := s.HTTP
	if client == nil {
		client = &http.Client{Timeout: 15 * time.Second}
	}
	res, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("reminders: webhook: %w", redactURL(err))
	}
	defer res.Body.Close()
	reply, _ := io.ReadAll(io.LimitReader(res.Body, 4096))
	if res.StatusCode/100 != 2 {
		return fmt.Errorf("reminders: webhook answered %d: %.200s", res.StatusCode, reply)
	}
	if robot {
		var r struct {
			ErrCode *int   `json:"errcode"`
			ErrMsg  string `json:"errmsg"`
		}
		if err := json.Unmarshal(reply, &r); err == nil && r.ErrCode != nil && *r.ErrCode != 0 {
			return fmt.Errorf("reminders: robot refused the message: errcode %d %s", *r.ErrCode, r.ErrMsg)
		}
	}
	return nil
}

// redactURL drops the URL from a client error: robot URLs carry their access token.
func redactURL(err error) error {
	if ue, ok := err.(*url.Error); ok {
		return fmt.Errorf("%s: %w", ue.Op, ue.Err)
	}
	return err
}

// sendMail sends a UTF-8 plain-text mail through the office's relay, upgrading with STARTTLS when set.
func (s *Sender) sendMail(c models.ReminderChannel, m Message) error {
	cfg := s.SMTP
	if cfg.Host == "" {
		return fmt.Errorf("reminders: no SMTP server configured")
	}
	to, err := mail.ParseAddressList(c.Target)
	if err != nil {
		return fmt.Errorf("reminders: recipients: %w", err)
	}
	from, err := mail.ParseAddress(cfg.From)
	if err != nil {
		return fmt.Errorf("reminders: sender address: %w", err)
	}
	addr := net.JoinHostPort(cfg.Host, strconv.Itoa(cfg.Port))
	conn, err := net.DialTimeout("tcp", addr, 15*time.Second)
	if err != nil {
		return fmt.Errorf("reminders: smtp: %w", err)
	}
	_ = conn.SetDeadline(time.Now().Add(60 * time.Second))
	cl, err := smtp.NewClient(conn, cfg.Host)
	if err != nil {
		conn.Close()
		return fmt.Errorf("reminders: smtp: %w", err)
	}
	defer cl.Close()
	if cfg.StartTLS {
		if err := cl.StartTLS(&tls.Config{ServerName: cfg.Host, MinVersion: tls.VersionTLS12, RootCAs: s.RootCAs}); err != nil {
			return fmt.Errorf("reminders: smtp starttls: %w", err)
		}
	}
	if cfg.Username != "" {
		pw, err := s.Secrets.Open(cfg.Password)
		if err != nil {
			return err
		}
		if err := cl.Auth(smtp.PlainAuth("", cfg.Username, pw, cfg.Host)); err != nil {
			return fmt.Errorf("reminders: smtp auth: %w", err)
		}
	}
	if err := cl.Mail(from.Address); err != nil {
		return fmt.Errorf("reminders: smtp MAIL FROM: %w", err)
	}
	for _, a := range to {
		if err := cl.Rcpt(a.Address); err != nil {
			return fmt.Errorf("reminders: smtp RCPT TO %s: %w", a.Address, err)
		}
	}
	w, err := cl.Data()
	if err != nil {
		return fmt.Errorf("reminders: smtp DATA: %w", err)
	}
	if _, err := w.Write(mailBytes(from, to, m, s.now())); err != nil {
		return fmt.Errorf("reminders: smtp write: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("reminders: smtp end of data: %w", err)
	}
	return cl.Quit()
}

// mailBytes builds the message: RFC 2047 subject, base64 UTF-8 body in 76-character lines.
func mailBytes(from *mail.Address, to []*mail.Address, m Message, now time.Time) []byte {
	var b bytes.Buffer
	names := make([]string, len(to))
	for i, a := range to {
		names[i] = a.String()
	}
	fmt.Fprintf(&b, "From: %s\r\nTo: %s\r\nSubject: %s\r\nDate: %s\r\n", from.String(), strings.Join(names, ", "),
		mime.BEncoding.Encode("UTF-8", m.Title), now.Format(time.RFC1123Z))
	b.WriteString("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n")
	enc := base64.StdEncoding.EncodeToString([]byte(m.Title + "\n\n" + m.Text))
	for len(enc) > 76 {
		b.WriteString(enc[:76] + "\r\n")
		enc = enc[76:]
	}
	b.WriteString(enc + "\r\n")
	return b.Bytes()
}
