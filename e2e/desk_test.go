package e2e

import (
	"context"
	"testing"
)

// boxesDontScroll is a page assertion: no table box scrolls sideways and the page does not either.
const boxesDontScroll = `(() => {
  const out = [];
  if (document.documentElement.scrollWidth > window.innerWidth + 1) {
    out.push("page is " + document.documentElement.scrollWidth + "px wide in a " + window.innerWidth + "px window");
  }
  document.querySelectorAll('.table-scroll').forEach((b, i) => {
    if (b.scrollWidth > b.clientWidth + 1) {
      const h = b.previousElementSibling && b.previousElementSibling.textContent.trim().slice(0, 20);
      out.push("table box " + i + " (" + h + ") scrolls sideways: " + b.scrollWidth + "px in " + b.clientWidth + "px");
    }
  });
  return out;
})()`

// inputsShowTheirValues is a page assertion: every text input shows its whole value.
const inputsShowTheirValues = `(() => Array.from(document.querySelectorAll('input:not([type]), input[type="text"]'))
  .filter(i => i.value && i.scrollWidth > i.clientWidth + 1)
  .map(i => i.name + " cuts its value " + JSON.stringify(i.value) + ": " + i.scrollWidth + "px in " + i.clientWidth + "px"))()`

// headersOnOneLine is a page assertion: the column heads of the figures' tables and their 单位
// column do not break over lines (at 1366 they broke one character per line: 单/位, 万/件).
const headersOnOneLine = `(() => {
  const lines = el => {
    const r = document.createRange(); r.selectNodeContents(el);
    return new Set(Array.from(r.getClientRects()).filter(x => x.width > 0).map(x => Math.round(x.top))).size;
  };
  const out = [];
  document.querySelectorAll('table.data').forEach(t => {
    t.querySelectorAll('thead th').forEach(th => { if (lines(th) > 1) out.push("header " + JSON.stringify(th.textContent) + " breaks over " + lines(th) + " lines"); });
    t.querySelectorAll('tbody tr > td:nth-child(2)').forEach(td => { if (td.textContent.trim() && lines(td) > 1) out.push("unit " + JSON.stringify(td.textContent) + " breaks over lines"); });
  });
  return out;
})()`

// mapLabelsAllShown is a page assertion on the county map: every unit that has an outline and a
// share shows its label, and no two labels overlap (麒麟区's label used to be hidden behind 沾益区's).
const mapLabelsAllShown = `(() => {
  const el = Array.from(document.querySelectorAll('[data-echarts]')).find(e => (e.getAttribute('data-echarts') || '').includes('"type":"map"'));
  if (!el) return ["no map on the page"];
  const chart = echarts.getInstanceByDom(el);
  const series = chart.getOption().series[0];
  const outlined = new Set(echarts.getMap(series.map).geoJSON.features.map(f => f.properties.name));
  const want = series.data.filter(d => d.label && outlined.has(d.name)).map(d => d.label.formatter.split(" ")[0]);
  // A label is a text element whose lines are drawn as its children; hideOverlap ignores it.
  const texts = new Map();
  chart.getZr().storage.getDisplayList().forEach(d => {
    const t = d.parent;
    if (d.type === "tspan" && t && !t.ignore && !t.invisible && t.style && typeof t.style.text === "string") texts.set(t, t.style.text);
  });
  const rects = [];
  const out = [];
  for (const name of want) {
    const t = Array.from(texts.keys()).find(x => texts.get(x).startsWith(name + " "));
    if (!t) { out.push("map label " + name + " is not drawn"); continue; }
    const r = t.getBoundingRect().clone(); r.applyTransform(t.getComputedTransform());
    rects.push({name, r});
  }
  for (let i = 0; i < rects.length; i++) for (let j = i + 1; j < rects.length; j++) {
    if (rects[i].r.intersect(rects[j].r)) out.push("map labels " + rects[i].name + " and " + rects[j].name + " overlap");
  }
  if (want.length < 9) out.push("only " + want.length + " labelled units with an outline");
  return out;
})()`

// menuOnOneRow is a page assertion: the office's menu keeps to one row (at 1366 it wrapped to three).
const menuOnOneRow = `(() => {
  const rows = new Set(Array.from(document.querySelectorAll('.topbar nav a')).map(a => Math.round(a.getBoundingClientRect().top)));
  return rows.size > 1 ? ["the menu takes " + rows.size + " rows"] : [];
})()`

// testDeskFit opens the office's wide pages at a projector's and a laptop's width and checks that
// they fit: tables without sideways scrolling, values whole in their inputs, headers on one line,
// every map label shown (issue 14's polish).
func testDeskFit(t *testing.T, browser context.Context, dir string) {
	checkDeskFit(t, browser, dir, startApp(t))
}

// checkDeskFit is testDeskFit on a running demo at base.
func checkDeskFit(t *testing.T, browser context.Context, dir, base string) {
	signIn(t, browser, base, "office")
	pages := []struct{ name, path, assert string }{
		{"fit-allocations", "/allocations", boxesDontScroll},
		{"fit-allocations-inputs", "/allocations", inputsShowTheirValues},
		{"fit-deadlines", "/deadlines", boxesDontScroll},
		{"fit-county", "/counties/530326", headersOnOneLine},
		{"fit-workstream", "/workstreams/goals", headersOnOneLine},
		{"fit-map", "/overview", mapLabelsAllShown},
		{"fit-menu", "/", menuOnOneRow},
	}
	for _, p := range pages {
		checkAtViewports(t, browser, dir, p.name+"/", viewports(), pageCheck{name: p.name, url: base + p.path, assert: p.assert})
	}
}
