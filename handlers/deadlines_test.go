package handlers

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"ruralkpi/models"
)

func TestDeadlinesBoardAndReopen(t *testing.T) {
	e := newAccessEnv(t)
	e.clock.Advance(60 * 24 * time.Hour) // 2024-09-01: June is locked
	onTime := time.Date(2024, 7, 4, 9, 0, 0, 0, models.ReportingZone())
	late := time.Date(2024, 7, 9, 9, 0, 0, 0, models.ReportingZone())
	for unit, at := range map[string]time.Time{"530302": onTime, "530303": late} {
		if _, err := e.store.SaveVersion(models.NewVersion{UnitCode: unit, Period: "2024-06", Source: models.SourceUpload, UploadedAt: at}); err != nil {
			t.Fatal(err)
		}
	}
	office := e.loggedIn("office")
	res := office.do("GET", "/deadlines?period=2024-06", nil)
	if res.status != fiber.StatusOK {
		t.Fatalf("board: %d %.300s", res.status, res.body)
	}
	for _, want := range []string{"截止日：<strong>2024-07-05</strong>", "按时 1 · 逾期 1 · 未报 8", "全周期报送一览"} {
		if !strings.Contains(res.body, want) {
			t.Errorf("board lacks %q", want)
		}
	}
	if res := office.do("POST", "/deadlines/reopen", url.Values{"period": {"2024-06"}, "unit": {"530304"}, "reason": {""}}); res.status != fiber.StatusUnprocessableEntity {
		t.Errorf("reopen without reason: %d", res.status)
	}
	check, _ := e.store.SubmitCheck(e.plan, "530304", models.MustPeriod("2024-06"), e.clock.Now())
	if ok, _ := models.CanSubmit(check); ok {
		t.Fatal("June should be locked on 2024-09-01")
	}
	office.do("POST", "/deadlines/reopen", url.Values{"period": {"2024-06"}, "unit": {"530304"}, "reason": {"系统故障补报"}})
	check, _ = e.store.SubmitCheck(e.plan, "530304", models.MustPeriod("2024-06"), e.clock.Now())
	if ok, why := models.CanSubmit(check); !ok {
		t.Errorf("reopened: %s", why)
	}
}

// TestDeadlinesBoardOfOneUnit: ?unit= opens the board of a unit of the tree — here a county, with its
// own row, the way back to the city's board, and its settings forms returning to it; an unknown
// unit is a 404 in words.
func TestDeadlinesBoardOfOneUnit(t *testing.T) {
	e := newAccessEnv(t)
	office := e.loggedIn("office")
	res := office.do("GET", "/deadlines?period=2024-06&unit=530302", nil)
	if res.status != fiber.StatusOK {
		t.Fatalf("board of 530302: %d %.300s", res.status, res.body)
	}
	root := "/deadlines?period=2024-06"
	// The env's clock stands at 2024-07-03, before June's deadline: the county's return is not yet due.
	for _, want := range []string{`<a href="` + root + `">` + e.plan.UnitShortName(e.plan.Root.Code) + `</a>`,
		`<td>` + e.plan.UnitName("530302") + `</td>`, `<input type="hidden" name="unit" value="530302">`, "按时 0 · 逾期 0 · 未报 0 · 未到期 1"} {
		if !strings.Contains(res.body, want) {
			t.Errorf("county board lacks %q", want)
		}
	}
	if strings.Contains(res.body, "<td>"+e.plan.UnitName("530303")+"</td>") {
		t.Error("a county's board lists another county")
	}
	back := office.do("POST", "/deadlines/lock", url.Values{"period": {"2024-06"}, "unit": {"530302"}, "days": {"10"}})
	if back.status != fiber.StatusSeeOther || back.location != root+"&unit=530302" {
		t.Errorf("lock days from the county's board: %d %q", back.status, back.location)
	}
	if res := office.do("GET", "/deadlines?unit=999999", nil); res.status != fiber.StatusNotFound || !strings.Contains(res.body, "没有代码为") {
		t.Errorf("unknown unit: %d %.200s", res.status, res.body)
	}
}
