package handlers

import (
	"bytes"
	"net/url"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
	"github.com/xuri/excelize/v2"

	"ruralkpi/importers"
	"ruralkpi/models"
)

func TestAllocationsImportAndBalance(t *testing.T) {
	e := newAccessEnv(t)
	office := e.loggedIn("office")
	res := office.do("GET", "/allocations/template", nil)
	if res.status != fiber.StatusOK {
		t.Fatalf("template: %d", res.status)
	}
	f, err := excelize.OpenReader(strings.NewReader(res.body))
	if err != nil {
		t.Fatal(err)
	}
	ind := models.Allocatable(e.plan)[0]
	code, _ := f.GetCellValue(importers.AllocationSheet, "A3")
	year, _ := f.GetCellValue(importers.AllocationSheet, "D3")
	target, _ := e.plan.Target(ind.Code, e.plan.Years[0])
	if code != ind.Code || year != itoaUint(uint(e.plan.Years[0])) {
		t.Fatalf("row 3 is %s %s", code, year)
	}
	// Give the whole target to the first unit: the row must then add up exactly.
	f.SetCellValue(importers.AllocationSheet, "F3", target)
	var good bytes.Buffer
	f.Write(&good)
	f.SetCellValue(importers.AllocationSheet, "G3", "many")
	var bad bytes.Buffer
	f.Write(&bad)

	res = office.upload("/allocations/import", bad.Bytes())
	if res.status != fiber.StatusUnprocessableEntity || !strings.Contains(res.body, "G3") || !strings.Contains(res.body, "未保存任何数据") {
		t.Fatalf("bad workbook: %d %.500s", res.status, res.body)
	}
	if all, _ := e.store.Allocations(0); len(all) != 0 {
		t.Fatalf("a bad workbook stored %d allocations", len(all))
	}
	if res := office.upload("/allocations/import", good.Bytes()); res.status != fiber.StatusSeeOther {
		t.Fatalf("good workbook: %d %.500s", res.status, res.body)
	}
	page := office.do("GET", "/allocations?year="+year, nil)
	if !strings.Contains(page.body, `class="balance-exact"><span class="status status-green">分解一致`) {
		t.Errorf("the row should add up exactly: %.300s", page.body)
	}
	// A row with nothing to compare says — plainly, not as a grey status pill ("– —", issue 14).
	if strings.Contains(page.body, `status-grey">—<`) || !strings.Contains(page.body, `class="balance-none"><span class="muted">—</span>`) {
		t.Errorf("an unallocated row's check is not a plain —")
	}
	entries, _ := e.store.AuditEntries(models.AuditFilter{Action: models.AuditAllocation})
	if len(entries) != 1 || entries[0].Actor != "office" {
		t.Errorf("allocation audit: %+v", entries)
	}
}

// TestAllocationsCanBeRemoved: a share filled in by mistake (the hub-park row used to switch six counties
// to linear judgement) can be undone — a blank field removes one unit's share, 清空本行 the row's (issue 13,
// item 4); each removal is audited.
func TestAllocationsCanBeRemoved(t *testing.T) {
	e := newAccessEnv(t)
	office := e.loggedIn("office")
	form := url.Values{"indicator": {"service_points"}, "year": {"2024"}, "v_530302": {"300"}, "v_530303": {"200"}}
	if res := office.do("POST", "/allocations", form); res.status != fiber.StatusSeeOther {
		t.Fatalf("set: %d %.300s", res.status, res.body)
	}
	// The page sends every field pre-filled; the clerk empties 沾益区's.
	form = url.Values{"indicator": {"service_points"}, "year": {"2024"}, "v_530302": {"300"}, "v_530303": {""}}
	if res := office.do("POST", "/allocations", form); res.status != fiber.StatusSeeOther {
		t.Fatalf("blank: %d %.300s", res.status, res.body)
	}
	left := func() int {
		all, _ := e.store.Allocations(2024)
		return len(all)
	}
	if n := left(); n != 1 {
		t.Errorf("%d shares after emptying one of two, want 1", n)
	}
	form = url.Values{"indicator": {"service_points"}, "year": {"2024"}, "v_530302": {"300"}, "clear": {"1"}}
	if res := office.do("POST", "/allocations", form); res.status != fiber.StatusSeeOther {
		t.Fatalf("clear: %d %.300s", res.status, res.body)
	}
	if n := left(); n != 0 {
		t.Errorf("%d shares after 清空本行, want 0", n)
	}
	entries, _ := e.store.AuditEntries(models.AuditFilter{Action: models.AuditAllocation})
	if len(entries) != 4 {
		t.Errorf("%d allocation audit entries, want 4 (two set, two removed)", len(entries))
	}
	if page := office.do("GET", "/allocations?year=2024", nil); !strings.Contains(page.body, "清空本行") {
		t.Error("the allocations page has no clear button")
	}
}
