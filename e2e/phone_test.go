package e2e

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// phoneViewports are a phone and a small tablet, both held upright.
func phoneViewports() []viewport { return []viewport{{390, 844}, {768, 1024}} }

// phoneChecks fails a page that scrolls sideways, a chart wider than the screen, a status shown by
// colour alone (no icon, no word), headline cards below the first screen or after the matrix list,
// at phone width a review queue or follow-up list that is not a list of cards that fits and, at
// touch widths, a menu that fills the first screen, the desk matrix grid, or a tap target of the
// matrix list under 40 px.
const phoneChecks = `(function () {
  var out = [];
  var de = document.documentElement;
  // The screen's width: a phone zooms out to show a page wider than the screen, and then
  // innerWidth (the zoomed-out visual viewport) grows with the page; the layout viewport does not.
  var width = Math.min(window.innerWidth, de.clientWidth);
  if (de.scrollWidth > width || window.innerWidth > width + 1) {
    var wide = Array.from(document.querySelectorAll('body *')).filter(function (el) {
      var r = el.getBoundingClientRect();
      return r.right > width + 1 && r.width > 0 && !el.closest('.table-scroll');
    }).slice(0, 5).map(function (el) {
      return el.tagName.toLowerCase() + (typeof el.className === 'string' && el.className ? '.' + el.className.trim().split(/\s+/).join('.') : '') +
        ' (right ' + Math.round(el.getBoundingClientRect().right) + ')';
    });
    out.push('horizontal overflow: the page is ' + Math.max(de.scrollWidth, window.innerWidth) + ' px wide on a screen of ' + width + ' px: ' + wide.join(', '));
  }
  Array.from(document.querySelectorAll('canvas')).forEach(function (c) {
    var r = c.getBoundingClientRect();
    if (r.width > 0 && (r.right > width + 1 || r.left < -1)) {
      out.push('a chart is not resized to the screen: ' + Math.round(r.left) + '..' + Math.round(r.right) + ' of ' + width);
    }
  });
  // Status is never told by colour alone: whatever is coloured by status shows an icon (✓ ! ✕ –,
  // as text or as ::before) or a status word or symbol too.
  var coloured = /(^|\s)(card|cell|unit-box|status)-(red|amber|green|grey)(\s|$)/;
  // The timeliness grid's symbols (迟 缺 …) have a legend on the page.
  var cue = /[✓!✕–…迟缺]|正常|预警|滞后|按时|逾期|未报送|未到期/;
  var bare = Array.from(document.querySelectorAll('body [class]')).filter(function (el) {
    if (typeof el.className !== 'string' || !coloured.test(el.className) || el.getClientRects().length === 0) { return false; }
    var shown = el.textContent;
    [el].concat(Array.from(el.querySelectorAll('*'))).forEach(function (x) {
      var c = getComputedStyle(x, '::before').content;
      if (c && c !== 'none' && c !== 'normal') { shown += c; }
    });
    return !cue.test(shown);
  });
  if (bare.length) {
    out.push(bare.length + ' elements show their status by colour alone, e.g. ' + bare[0].className + ' "' + bare[0].textContent.trim().slice(0, 30) + '"');
  }
  var cards = document.querySelector('.cards .card');
  var list = document.querySelector('.matrix-units');
  if (cards && list && list.getClientRects().length > 0) {
    var top = cards.getBoundingClientRect().top + window.scrollY;
    if (top > window.innerHeight) { out.push('the headline cards start below the first screen (' + Math.round(top) + ' px)'); }
    if (list.getBoundingClientRect().top < cards.getBoundingClientRect().top) { out.push('the matrix list comes before the headline cards'); }
  }
  if (window.innerWidth <= 520) {
    var stacked = document.querySelectorAll('table.stack-on-phone');
    if (/^\/(review|followups)$/.test(location.pathname) && stacked.length === 0) { out.push('the list to act on is no list of cards on a phone'); }
    stacked.forEach(function (t) {
      var box = t.parentElement.getBoundingClientRect();
      if (t.scrollWidth > Math.ceil(box.width) + 1) { out.push('a list of cards is wider than its box: ' + t.scrollWidth + ' > ' + Math.round(box.width)); }
    });
  }
  if (window.innerWidth <= 800) {
    var nav = document.querySelector('.topbar nav');
    if (nav && getComputedStyle(nav).display !== 'none') { out.push('the menu is open before it is asked for'); }
    var button = document.querySelector('.menu-button');
    if (!button || button.getBoundingClientRect().height < 40) { out.push('no menu button of 40 px'); }
    var grid = document.querySelector('.matrix-grid');
    if (grid && grid.getClientRects().length > 0) { out.push('the desk matrix grid shows at phone width'); }
    var units = document.querySelectorAll('.matrix-unit');
    units.forEach(function (d) { d.open = true; });
    var targets = Array.from(document.querySelectorAll('.matrix-units a, .matrix-units summary, .matrix-grid a')).filter(function (el) {
      return el.getClientRects().length > 0;
    });
    var small = targets.filter(function (el) { return el.getBoundingClientRect().height < 40; });
    if (small.length) {
      out.push(small.length + ' of ' + targets.length + ' tap targets in the matrix are under 40 px, e.g. "' +
        small[0].textContent.trim().slice(0, 40) + '" ' + Math.round(small[0].getBoundingClientRect().height) + ' px');
    }
    if (grid && targets.length === 0) { out.push('no matrix list at phone width'); }
    units.forEach(function (d, i) { d.open = i < 2; });
  }
  return out;
})()`

// phonePages are every page of the application (appPages: the office's pages too — review queue,
// deadlines, allocations, follow-ups, audit, ledger, reminders, closeout, plan) and the web form,
// which a clerk fills on a phone.
func phonePages() []appPage {
	return append(appPages(),
		appPage{name: "returns-form", path: "/returns/form?county=530326&period=2025-09"},
	)
}

// testPhone opens the main pages at phone and tablet size (screenshots phone-*.png) and fills the
// web return form with the keyboard alone.
func testPhone(t *testing.T, browser context.Context, dir string) {
	base := startApp(t)
	signIn(t, browser, base, "office")
	for _, p := range phonePages() {
		checkAtViewports(t, browser, dir, p.name+"/", phoneViewports(), pageCheck{name: "phone-" + p.name, url: base + p.path, mobile: true,
			minCharts: p.minCharts, assert: phoneChecks})
	}
	t.Run("returns-form-keyboard", func(t *testing.T) { testReturnFormKeyboard(t, browser, base) })
}

// testReturnFormKeyboard reopens 会泽县's locked December 2025 as the office does, then fills the
// month's return on the web form with Tab and Enter only: a wrong figure is flagged on its field by
// the server's check, the corrected one previews, and Enter on 确认提交 stores version 2.
func testReturnFormKeyboard(t *testing.T, browser context.Context, base string) {
	tab, cancel := chromedp.NewContext(browser)
	defer cancel()
	tab, cancelTimeout := context.WithTimeout(tab, 90*time.Second)
	defer cancelTimeout()
	// The demo stands on 2025-10-04: September is open, and 麒麟区 has filed it (the form comes filled in).
	if err := chromedp.Do(tab, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile)); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(tab, chromedp.Navigate(base+"/returns/form?county=530302&period=2025-09"), chromedp.WaitVisible(`#v_service_points`)); err != nil {
		t.Fatal(err)
	}
	// The figure to type: above both this month's stored figure and last month's, so it is accepted.
	current, err := chromedp.Run(tab, chromedp.Evaluate[string](`document.getElementById('v_service_points').value`))
	if err != nil {
		t.Fatal(err)
	}
	previous, err := chromedp.Run(tab, chromedp.Evaluate[string](`document.getElementById('v_service_points').closest('.rf-row').querySelectorAll('.rf-ref dd')[1].textContent.replace(/,/g, '')`))
	if err != nil {
		t.Fatal(err)
	}
	n, _ := strconv.Atoi(current)
	if p, err := strconv.Atoi(previous); err == nil && p > n {
		n = p
	}
	erase := strings.Repeat("\b", len(current)+2)
	active := func() string {
		id, err := chromedp.Run(tab, chromedp.Evaluate[string](`document.activeElement ? document.activeElement.id : ''`))
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	// Tab from the field before it, as a clerk moving down the form does.
	if err := chromedp.Do(tab, chromedp.Focus(`#n_hub_parks`), chromedp.KeyEvent("\t")); err != nil {
		t.Fatal(err)
	}
	if id := active(); id != "v_service_points" {
		t.Fatalf("Tab from the note above went to %q", id)
	}
	if err := chromedp.Do(tab, chromedp.KeyEvent(erase+"12x")); err != nil {
		t.Fatal(err)
	}
	msg, err := chromedp.Run(tab, chromedp.Poll[string](`(function () { var t = document.getElementById('p-v_service_points').textContent; return t || false; })()`,
		chromedp.WithPollingTimeout(10*time.Second)))
	if err != nil || !strings.Contains(msg, "村（社区）级快递物流电商末端服务网点") {
		t.Fatalf("the check did not flag the field: %q %v", msg, err)
	}
	// Leaving with unsaved input asks first: the test says stay, and the form is still there.
	dialogs := make(chan page.DialogType, 1)
	go func() {
		for ev, err := range chromedp.Events(tab, page.JavascriptDialogOpening) {
			if err != nil {
				return
			}
			dialogs <- ev.Type
			_, _ = chromedp.Call(tab, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: false})
			return
		}
	}()
	if _, err := chromedp.Run(tab, chromedp.Evaluate[bool](`setTimeout(function () { location.href = '/'; }, 0); true`)); err != nil {
		t.Fatal(err)
	}
	select {
	case typ := <-dialogs:
		if typ != page.DialogTypeBeforeunload {
			t.Errorf("leaving opened a %s dialog, want beforeunload", typ)
		}
	case <-time.After(10 * time.Second):
		t.Error("leaving the form with unsaved input did not ask first")
	}
	if _, err := chromedp.Run(tab, chromedp.Poll[bool](`location.pathname === '/returns/form' && !!document.getElementById('v_service_points')`,
		chromedp.WithPollingTimeout(5*time.Second))); err != nil {
		t.Fatalf("staying did not keep the form: %v", err)
	}
	if err := chromedp.Do(tab, chromedp.Focus(`#v_service_points`)); err != nil {
		t.Fatal(err)
	}
	figure := strconv.Itoa(n + 3)
	if err := chromedp.Do(tab, chromedp.KeyEvent(erase+figure+"\t")); err != nil {
		t.Fatal(err)
	}
	if id := active(); id != "n_service_points" {
		t.Fatalf("Tab from the figure went to %q, not its note", id)
	}
	if err := chromedp.Do(tab, chromedp.KeyEvent("键盘填报")); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(tab, chromedp.Poll[bool](`document.getElementById('p-v_service_points').textContent === '' && /检查通过/.test(document.getElementById('rf-status').textContent)`,
		chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		t.Fatalf("the corrected figure was not accepted by the check: %v", err)
	}
	draft, err := chromedp.Run(tab, chromedp.Evaluate[bool](`Object.keys(localStorage).some(function (k) { return k.indexOf('ruralkpi:return-draft:') === 0 && localStorage.getItem(k).indexOf('键盘填报') > 0; })`))
	if err != nil || !draft {
		t.Errorf("no draft kept in the browser: %v", err)
	}
	// Coming back later (another tab of the same browser) finds the draft restored, and says so.
	func() {
		other, cancelOther := chromedp.NewContext(browser)
		defer cancelOther()
		if err := chromedp.Do(other, chromedp.Navigate(base+"/returns/form?county=530302&period=2025-09")); err != nil {
			t.Fatal(err)
		}
		restored, err := chromedp.Run(other, chromedp.Poll[string](`(function () { var b = document.getElementById('rf-draft'); return b && !b.hidden ? document.getElementById('v_service_points').value + '|' + document.getElementById('n_service_points').value : false; })()`,
			chromedp.WithPollingTimeout(10*time.Second)))
		if err != nil || restored != figure+"|键盘填报" {
			t.Errorf("the draft was not restored: %q %v", restored, err)
		}
	}()
	// Enter in the note previews (the first button of the form); then Enter on 确认提交.
	if err := chromedp.Do(tab, chromedp.KeyEvent("\r"), chromedp.WaitVisible(`#rf-submit`)); err != nil {
		t.Fatalf("Enter did not preview: %v", err)
	}
	preview, err := chromedp.Run(tab, chromedp.Text(`#preview`))
	if err != nil || !strings.Contains(preview, "检查通过") || !strings.Contains(preview, figure) {
		t.Fatalf("preview: %q %v", preview, err)
	}
	if err := chromedp.Do(tab, chromedp.Focus(`#rf-submit`), chromedp.KeyEvent("\r"), chromedp.WaitVisible(`.flash`)); err != nil {
		t.Fatalf("Enter on 确认提交: %v", err)
	}
	flash, err := chromedp.Run(tab, chromedp.Text(`.flash`))
	if err != nil || !strings.Contains(flash, "网页填报已保存为第") {
		t.Fatalf("after submitting: %q %v", flash, err)
	}
	body, err := chromedp.Run(tab, chromedp.Text(`main`))
	if err != nil || !strings.Contains(body, "网页填报") {
		t.Errorf("the history does not show the web version: %v", err)
	}
}
