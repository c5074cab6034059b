package handlers

import (
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"

	"ruralkpi/models"
)

func TestReviewWorkflowCountySeesReason(t *testing.T) {
	e := newAccessEnv(t)
	fx := newAccessFixtures(t, e)
	office := e.loggedIn("office")
	county := e.loggedIn("county-530302")
	other := e.loggedIn("county-530303")
	if res := office.do("GET", "/review", nil); !strings.Contains(res.body, "待审核（1）") {
		t.Fatalf("queue: %.500s", res.body)
	}
	if res := office.do("POST", "/review/"+fx.versionID, url.Values{"decision": {"return"}, "note": {" "}}); res.status != fiber.StatusUnprocessableEntity || !strings.Contains(res.body, "退回原因") {
		t.Errorf("return without a reason: %d", res.status)
	}
	if res := office.do("POST", "/review/"+fx.versionID, url.Values{"decision": {"return"}, "note": {"网点数与台账不符，请核对"}}); res.status != fiber.StatusSeeOther {
		t.Fatalf("return: %d %.300s", res.status, res.body)
	}
	if res := county.do("GET", "/review", nil); !strings.Contains(res.body, "网点数与台账不符，请核对") || !strings.Contains(res.body, "已退回") {
		t.Errorf("county does not see the reason: %.600s", res.body)
	}
	if res := other.do("GET", "/review", nil); strings.Contains(res.body, "网点数与台账不符") {
		t.Error("another county sees the reason")
	}
	if res := office.do("POST", "/review/"+fx.versionID, url.Values{"decision": {"approve"}}); res.status != fiber.StatusConflict {
		t.Errorf("approving a returned version: %d", res.status)
	}
	api := e.tokenClient("office")
	v2, _ := e.store.SaveVersion(models.NewVersion{UnitCode: "530302", Period: "2024-06", Source: models.SourceUpload, File: []byte("v2")})
	req := httptest.NewRequest("POST", "/api/v1/returns/"+itoaUint(v2.ID)+"/review", strings.NewReader(`{"decision":"approve"}`))
	req.Header.Set("Content-Type", "application/json")
	if res := api.send(req); res.status != fiber.StatusOK || !strings.Contains(res.body, `"status":"approved"`) {
		t.Errorf("API approve: %d %s", res.status, res.body)
	}
}

// TestReviewQueueLinksToVersionHistory: before approving, the office can open what was uploaded
// (figures, warnings, differences, the original file) from the queue.
func TestReviewQueueLinksToVersionHistory(t *testing.T) {
	e := newAccessEnv(t)
	newAccessFixtures(t, e)
	res := e.loggedIn("office").do("GET", "/review", nil)
	if want := `href="/returns/history?county=530302&amp;period=2024-06"`; !strings.Contains(res.body, want) {
		t.Errorf("review queue has no link %s: %.800s", want, res.body)
	}
}
