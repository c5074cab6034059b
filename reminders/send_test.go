package reminders

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"

	"ruralkpi/models"
)

// smtpReceiver is a minimal SMTP server on loopback: it speaks enough of RFC 5321 for net/smtp and
// keeps every message it receives.
type smtpReceiver struct {
	ln net.Listener
	// tls, when set, is offered with STARTTLS; auth records the AUTH PLAIN credentials seen.
	tls  *tls.Config
	auth []string
	mu   sync.Mutex
	msgs []receivedMail
}

type receivedMail struct {
	From string
	To   []string
	Data []byte
}

func startSMTP(t *testing.T) *smtpReceiver {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r := &smtpReceiver{ln: ln}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go r.serve(conn)
		}
	}()
	return r
}

func (r *smtpReceiver) port() int { return r.ln.Addr().(*net.TCPAddr).Port }

func (r *smtpReceiver) serve(conn net.Conn) {
	defer conn.Close()
	tp := textproto.NewConn(conn)
	_ = tp.PrintfLine("220 localhost ESMTP test")
	var cur receivedMail
	for {
		line, err := tp.ReadLine()
		if err != nil {
			return
		}
		verb := strings.ToUpper(strings.Fields(line + " x")[0])
		switch verb {
		case "EHLO", "HELO":
			if r.tls != nil {
				if _, ok := conn.(*tls.Conn); !ok {
					_ = tp.PrintfLine("250-localhost\r\n250 STARTTLS")
					continue
				}
			}
			_ = tp.PrintfLine("250-localhost\r\n250-AUTH PLAIN\r\n250 8BITMIME")
		case "STARTTLS":
			_ = tp.PrintfLine("220 ready")
			tc := tls.Server(conn, r.tls)
			if err := tc.Handshake(); err != nil {
				return
			}
			conn = tc
			tp = textproto.NewConn(conn)
		case "AUTH":
			f := strings.Fields(line)
			raw, _ := base64.StdEncoding.DecodeString(f[len(f)-1])
			r.mu.Lock()
			r.auth = append(r.auth, string(raw))
			r.mu.Unlock()
			_ = tp.PrintfLine("235 ok")
		case "MAIL":
			cur = receivedMail{From: line}
			_ = tp.PrintfLine("250 ok")
		case "RCPT":
			cur.To = append(cur.To, line)
			_ = tp.PrintfLine("250 ok")
		case "DATA":
			_ = tp.PrintfLine("354 go ahead")
			data, err := tp.ReadDotBytes()
			if err != nil {
				return
			}
			cur.Data = data
			r.mu.Lock()
			r.msgs = append(r.msgs, cur)
			r.mu.Unlock()
			_ = tp.PrintfLine("250 queued")
		case "QUIT":
			_ = tp.PrintfLine("221 bye")
			return
		default:
			_ = tp.PrintfLine("250 ok")
		}
	}
}

func (r *smtpReceiver) mails() []receivedMail {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]receivedMail(nil), r.msgs...)
}

// hookReceiver is an HTTP server on loopback that records every POST and fails the first failFirst.
type hookReceiver struct {
	srv       *httptest.Server
	mu        sync.Mutex
	reqs      []hookRequest
	failFirst int
}

type hookRequest struct {
	Path     string
	RawQuery string
	Query    map[string][]string
	Body     map[string]any
}

func startHooks(t *testing.T) *hookReceiver {
	t.Helper()
	h := &hookReceiver{}
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		b, _ := io.ReadAll(req.Body)
		var body map[string]any
		_ = json.Unmarshal(b, &body)
		h.mu.Lock()
		h.reqs = append(h.reqs, hookRequest{Path: req.URL.Path, RawQuery: req.URL.RawQuery, Query: req.URL.Query(), Body: body})
		fail := len(h.reqs) <= h.failFirst
		h.mu.Unlock()
		if fail {
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		_, _ = w.Write([]byte(`{"errcode":0,"errmsg":"ok"}`))
	}))
	t.Cleanup(h.srv.Close)
	return h
}

func (h *hookReceiver) requests() []hookRequest {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]hookRequest(nil), h.reqs...)
}

// TestDingTalkSignedReturnedNotice: the unit whose return the office sent back hears it on its 钉钉
// robot, signed with the secret read from the environment.
func TestDingTalkSignedReturnedNotice(t *testing.T) {
	st, plan, _ := openStore(t)
	hooks := startHooks(t)
	saveSettings(t, st, plan, models.ReminderSettings{
		Rules:    models.ReminderRules{Returned: true},
		Channels: []models.ReminderChannel{{Audience: "530302", Kind: models.ChannelDingTalk, Target: hooks.srv.URL + "/robot/send?access_token=abc", Secret: "env:DT_SECRET"}},
	})
	v, err := st.SaveVersion(models.NewVersion{UnitCode: "530302", Period: "2024-06", Source: models.SourceUpload, File: []byte("f"), UploadedAt: at(t, "2024-07-02 10:00")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.ReviewVersion(v.ID, models.DecisionReturn, "快递进村数量与台账不符", models.Actor{Username: "office"}, at(t, "2024-07-03 10:00")); err != nil {
		t.Fatal(err)
	}
	clock := &testClock{t: at(t, "2024-07-03 10:05")}
	s := &Scheduler{Store: st, Plan: plan, Now: clock.Now, Secrets: NewSecrets("", func(k string) string {
		if k == "DT_SECRET" {
			return "SEC123"
		}
		return ""
	})}
	if _, err := s.RunOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	reqs := hooks.requests()
	if len(reqs) != 1 {
		t.Fatalf("%d requests", len(reqs))
	}
	q := reqs[0].Query
	ts, _ := strconv.ParseInt(q["timestamp"][0], 10, 64)
	if ts != clock.Now().UnixMilli() || q["sign"][0] != DingTalkSign(ts, "SEC123") || q["access_token"][0] != "abc" {
		t.Errorf("query %v", q)
	}
	// 钉钉 wants the Base64 signature URL-encoded in the query ("=" as %3D, "+" as %2B, "/" as %2F).
	if want := "sign=" + url.QueryEscape(DingTalkSign(ts, "SEC123")); !strings.Contains(reqs[0].RawQuery, want) || !strings.Contains(want, "%3D") {
		t.Errorf("raw query %q lacks %q", reqs[0].RawQuery, want)
	}
	md, _ := reqs[0].Body["markdown"].(map[string]any)
	if text, _ := md["text"].(string); !strings.Contains(text, "快递进村数量与台账不符") || !strings.Contains(md["title"].(string), "退回") {
		t.Errorf("markdown %v", md)
	}
}

// TestDingTalkSignKnownValue checks the signature against a value computed independently
// (printf '1700000000000\nSEC123' | openssl dgst -sha256 -hmac SEC123 -binary | base64).
func TestDingTalkSignKnownValue(t *testing.T) {
	if got, want := DingTalkSign(1700000000000, "SEC123"), dingTalkKnownSign; got != want {
		t.Fatalf("sign %q, want %q", got, want)
	}
}

const dingTalkKnownSign = "lkcPI1uoxBY1gUnCnnPH1Kkru0Hqjo7rFpA3haIVhEQ="

// TestMailOverSTARTTLSWithPassword: with STARTTLS on, the connection is upgraded before the password
// (stored encrypted) is sent, and the mail arrives.
func TestMailOverSTARTTLSWithPassword(t *testing.T) {
	st, plan, _ := openStore(t)
	// httptest's certificate is valid for 127.0.0.1; the SMTP receiver borrows it.
	certSrv := httptest.NewTLSServer(http.NotFoundHandler())
	defer certSrv.Close()
	smtpSrv := startSMTP(t)
	smtpSrv.tls = &tls.Config{Certificates: certSrv.TLS.Certificates}
	secrets := NewSecrets("k", nil)
	sealed, err := secrets.Seal("relay-pass")
	if err != nil {
		t.Fatal(err)
	}
	saveSettings(t, st, plan, models.ReminderSettings{
		Rules:    models.ReminderRules{OnDeadline: true},
		SMTP:     models.SMTPSettings{Host: "127.0.0.1", Port: smtpSrv.port(), From: "kpi@example.gov.cn", Username: "kpi", Password: sealed, StartTLS: true},
		Channels: []models.ReminderChannel{{Audience: "530302", Kind: models.ChannelEmail, Target: "clerk@example.cn"}},
	})
	roots := x509.NewCertPool()
	roots.AddCert(certSrv.Certificate())
	clock := &testClock{t: at(t, "2024-07-05 09:00")}
	s := &Scheduler{Store: st, Plan: plan, Now: clock.Now, Secrets: secrets, RootCAs: roots}
	res, err := s.RunOnce(context.Background())
	if err != nil || res.Sent != 1 {
		t.Fatalf("run: %+v %v", res, err)
	}
	smtpSrv.mu.Lock()
	auth := append([]string(nil), smtpSrv.auth...)
	smtpSrv.mu.Unlock()
	if len(smtpSrv.mails()) != 1 || len(auth) != 1 || auth[0] != "\x00kpi\x00relay-pass" {
		t.Fatalf("mails %d, auth %q", len(smtpSrv.mails()), auth)
	}
	// Without trusting the certificate the upgrade fails and nothing is sent.
	clock.Set(at(t, "2024-07-05 09:00").AddDate(0, 1, 0))
	if err := st.SetDeadline(models.MustPeriod("2024-07"), at(t, "2024-08-05 00:00"), models.Actor{Username: "office"}, clock.Now()); err != nil {
		t.Fatal(err)
	}
	s.RootCAs = nil
	if res, err := s.RunOnce(context.Background()); err != nil || res.Failed != 1 || len(smtpSrv.mails()) != 1 {
		t.Fatalf("untrusted relay: %+v %v, %d mails", res, err, len(smtpSrv.mails()))
	}
}

// TestMailOnPlainRelayWithPasswordFromEnv: a plain relay (no STARTTLS, as on an intranet; Go sends a
// password unencrypted only to localhost) with the password read from the environment at send time.
func TestMailOnPlainRelayWithPasswordFromEnv(t *testing.T) {
	st, plan, _ := openStore(t)
	smtpSrv := startSMTP(t)
	saveSettings(t, st, plan, models.ReminderSettings{
		Rules:    models.ReminderRules{OnDeadline: true, BaseURL: "http://kpi.example.gov.cn"},
		SMTP:     models.SMTPSettings{Host: "localhost", Port: smtpSrv.port(), From: "kpi@example.gov.cn", Username: "kpi", Password: "env:SMTP_PW"},
		Channels: []models.ReminderChannel{{Audience: "530302", Kind: models.ChannelEmail, Target: "clerk@example.cn"}},
	})
	secrets := NewSecrets("", func(k string) string {
		if k == "SMTP_PW" {
			return "from-env"
		}
		return ""
	})
	s := &Scheduler{Store: st, Plan: plan, Now: (&testClock{t: at(t, "2024-07-05 09:00")}).Now, Secrets: secrets}
	if res, err := s.RunOnce(context.Background()); err != nil || res.Sent != 1 {
		t.Fatalf("run: %+v %v", res, err)
	}
	smtpSrv.mu.Lock()
	auth := append([]string(nil), smtpSrv.auth...)
	smtpSrv.mu.Unlock()
	if len(smtpSrv.mails()) != 1 || len(auth) != 1 || auth[0] != "\x00kpi\x00from-env" {
		t.Fatalf("mails %d, auth %q", len(smtpSrv.mails()), auth)
	}
}
