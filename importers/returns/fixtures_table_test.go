package returns

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"ruralkpi/importers"
	"ruralkpi/internal/testkit"
)

func readFixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// want is one problem a refused fixture must report: where, and a phrase of the message.
type want struct {
	sheet, cell, indicator, phrase string
}

func TestRefusedFixtures(t *testing.T) {
	p := testkit.Plan(t)
	tests := []struct {
		file string
		want []want
		only bool // the listed problems are all the problems
	}{
		{"bad_xls.xls", []want{{"", "", "", "旧版 Excel 97-2003"}}, true},
		{"bad_encrypted.xlsx", []want{{"", "", "", "打开密码"}}, true},
		{"bad_ods.ods", []want{{"", "", "", "OpenDocument 表格（.ods）"}}, true},
		{"bad_csv.csv", []want{{"", "", "", "CSV"}}, true},
		{"bad_html.xls", []want{{"", "", "", "HTML"}}, true},
		{"bad_xlsm.xlsm", []want{{"", "", "", "启用宏"}}, true},
		{"bad_pdf.pdf", []want{{"", "", "", "PDF"}}, true},
		{"bad_png.png", []want{{"", "", "", "图片"}}, true},
		{"bad_plain.zip", []want{{"", "", "", "zip 压缩包"}}, true},
		{"bad_docx.docx", []want{{"", "", "", "Word"}}, true},
		{"bad_corrupt.xlsx", []want{{"", "", "", "已损坏"}}, true},
		{"bad_zipbomb.xlsx", []want{{"", "", "", "解压后过大"}}, true},
		{"bad_zipbomb_lying.xlsx", []want{{"", "", "", "大小与文件声明不符"}}, true},
		{"bad_too_many_rows.xlsx", []want{{SheetMonthly, "", "", "行数过多"}}, true},
		{"bad_missing_sheet.xlsx", []want{{SheetMonthly, "", "", "缺少工作表“月报”"}, {SheetMilestones, "", "", "缺少工作表“里程碑”"}}, true},
		{"bad_missing_header.xlsx", []want{{SheetMonthly, "A4", "", "表头缺少“填报数”"}, {SheetMilestones, "", "", "找不到表头行"}}, true},
		{"bad_header_edited.xlsx", []want{{SheetMonthly, "D2", "", "表头的单位或月份被改动过"}}, true},
		{"bad_period_future.xlsx", []want{{SheetMonthly, "F2", "", "还没有到"}}, true},
		{"bad_period_outside.xlsx", []want{{SheetMonthly, "F2", "", "不在规划期"}}, true},
		{"bad_old_version.xlsx", []want{{SheetMonthly, "H2", "", "模板版本"}}, true},
		{"bad_empty.xlsx", []want{{SheetMonthly, "", "", "没有填写任何数据"}}, true},
		{"bad_values.xlsx", []want{
			{SheetMonthly, "H5", "hub_parks", "错误值 #DIV/0!"},
			{SheetMonthly, "H6", "service_points", "不能为负数"},
			{SheetMonthly, "H7", "covered_villages", "低于 2024年5月 已确认的 90"},
			{SheetMonthly, "H8", "outbound_parcels", "不是数字"},
			{SheetMonthly, "H9", "express_revenue", "不是百分比"},
			{SheetMonthly, "H11", "ev_replacement", "只能填整数"},
			{SheetMonthly, "H21", "mfg_factories", "数值过大"},
			{SheetMonthly, "A24", "parcels_total", "不存在"},
			{SheetMonthly, "A25", "mfg_parks", "与第 20 行重复"},
			{SheetMonthly, "H26", "cost_reduction", "工作专班办公室填报"},
			{SheetMonthly, "H27", "village_coverage", "自动计算"},
			{SheetMonthly, "A28", "", "没有指标代码"},
		}, true},
		{"bad_milestones.xlsx", []want{
			{SheetMilestones, "F5", "joint_distribution", "请填写完成日期"},
			{SheetMilestones, "E6", "third_party_company", "“快完成了”无法识别"},
		}, true},
		{"bad_milestone_date.xlsx", []want{
			{SheetMilestones, "F5", "joint_distribution", "晚于填报月份"},
			{SheetMilestones, "F6", "third_party_company", "无法识别"},
		}, true},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			res := parseBytes(t, readFixture(t, tc.file), testReference(p))
			if res.OK() {
				t.Fatal("accepted, want refused")
			}
			for _, w := range tc.want {
				found := false
				for _, got := range res.Problems {
					if got.Sheet == w.sheet && got.Cell == w.cell && got.Indicator == w.indicator && strings.Contains(got.Message, w.phrase) {
						found = true
					}
				}
				if !found {
					t.Errorf("missing problem %+v; got:\n%s", w, problemsText(res.Problems))
				}
			}
			if tc.only && len(res.Problems) != len(tc.want) {
				t.Errorf("got %d problems, want %d:\n%s", len(res.Problems), len(tc.want), problemsText(res.Problems))
			}
		})
	}
}

func TestAcceptedFixtures(t *testing.T) {
	p := testkit.Plan(t)
	goodFloat := map[string]float64{}
	for k, v := range goodValues {
		switch x := v.(type) {
		case int:
			goodFloat[k] = float64(x)
		case float64:
			goodFloat[k] = x
		}
	}
	tests := []struct {
		file       string
		values     map[string]float64
		milestones map[string]string // indicator → state/doneOn
		meta       bool
		warnings   []string
	}{
		{"ok_template.xlsx", goodFloat, map[string]string{"joint_distribution": "done/2023-11-20", "third_party_company": "in_progress/"}, true, nil},
		{"ok_libreoffice.xlsx", goodFloat, map[string]string{"joint_distribution": "done/2023-11-20", "third_party_company": "in_progress/"}, true, nil},
		{"ok_messy.xlsx", messyWant, map[string]string{"joint_distribution": "done/2023-11-20", "third_party_company": "in_progress/"}, false, nil},
		{"ok_messy_libreoffice.xlsx", messyWant, map[string]string{"joint_distribution": "done/2023-11-20", "third_party_company": "in_progress/"}, false, nil},
		{"ok_wps_like.xlsx", map[string]float64{"service_points": 118, "outbound_parcels": 612.5, "express_revenue": 1.32},
			map[string]string{"joint_distribution": "done/2023-11-20"}, false, []string{"I6 备注说明数据有更正"}},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			b := readFixture(t, tc.file)
			res := parseBytes(t, b, testReference(p))
			if !res.OK() {
				t.Fatalf("refused:\n%s", problemsText(res.Problems))
			}
			if res.Return.UnitCode != testUnit || res.Return.Period != testPeriod {
				t.Errorf("unit/period = %s %s", res.Return.UnitCode, res.Return.Period)
			}
			got := map[string]float64{}
			for _, v := range res.Return.Values {
				got[v.Indicator] = v.Value
			}
			if len(got) != len(tc.values) {
				t.Errorf("values = %v, want %v", got, tc.values)
			}
			for k, w := range tc.values {
				if got[k] != w {
					t.Errorf("%s = %v, want %v", k, got[k], w)
				}
			}
			gotMs := map[string]string{}
			for _, m := range res.Return.Milestones {
				gotMs[m.Indicator] = m.State + "/" + m.DoneOn
			}
			if len(gotMs) != len(tc.milestones) {
				t.Errorf("milestones = %v, want %v", gotMs, tc.milestones)
			}
			for k, w := range tc.milestones {
				if gotMs[k] != w {
					t.Errorf("milestone %s = %q, want %q", k, gotMs[k], w)
				}
			}
			d, _, err := Read(strings.NewReader(string(b)), importers.DefaultLimits(), p)
			if err != nil {
				t.Fatal(err)
			}
			if d.HasMeta != tc.meta {
				t.Errorf("hidden header copy found = %v, want %v", d.HasMeta, tc.meta)
			}
			if len(res.Warnings) != len(tc.warnings) {
				t.Errorf("warnings:\n%s", problemsText(res.Warnings))
			}
			for i, w := range tc.warnings {
				cell, phrase, _ := strings.Cut(w, " ")
				if i < len(res.Warnings) && (res.Warnings[i].Cell != cell || !strings.Contains(res.Warnings[i].Message, phrase)) {
					t.Errorf("warning %d = %s, want %s", i, res.Warnings[i], w)
				}
			}
		})
	}
}
