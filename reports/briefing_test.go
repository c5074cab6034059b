package reports

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"ruralkpi/internal/teststore"
	"ruralkpi/models"
)

// numberPattern finds the figures a text states: 1,350 · 91.4% · 3.2.
func numberPattern() *regexp.Regexp { return regexp.MustCompile(`\d[\d,]*(?:\.\d+)?%?`) }

// sentenceFigures returns the figures stated in the sentences, leaving out the month they are as of
// (a date, not a figure).
func sentenceFigures(b Briefing) []string {
	numberPattern := numberPattern()
	var out []string
	for _, s := range b.Summary {
		s = strings.ReplaceAll(s, b.PeriodLabel, "")
		out = append(out, numberPattern.FindAllString(s, -1)...)
	}
	return out
}

func TestBriefingSentencesOnlyStateTableFigures(t *testing.T) {
	st, p := teststore.Demo(t)
	start, end := models.MustPeriod(p.StartPeriod), models.MustPeriod("2025-12")
	for _, period := range models.PeriodsBetween(start, end) {
		t.Run(period.String(), func(t *testing.T) {
			in, err := Load(st, p, period, afterPlanTime())
			if err != nil {
				t.Fatal(err)
			}
			b := BuildBriefing(in)
			if len(b.Summary) < 3 {
				t.Fatalf("summary %v", b.Summary)
			}
			shown := map[string]bool{}
			numberPattern := numberPattern()
			for _, cell := range b.TableText() {
				for _, n := range numberPattern.FindAllString(cell, -1) {
					shown[n] = true
				}
			}
			for _, n := range sentenceFigures(b) {
				if !shown[n] {
					t.Errorf("sentence figure %s is not in any table; sentences: %s", n, strings.Join(b.Summary, ""))
				}
			}
		})
	}
}

func TestBriefingContent(t *testing.T) {
	st, p := teststore.Demo(t)
	in, err := Load(st, p, models.MustPeriod("2024-07"), afterPlanTime())
	if err != nil {
		t.Fatal(err)
	}
	b := BuildBriefing(in)
	ds, err := st.Dataset("2024-07")
	if err != nil {
		t.Fatal(err)
	}
	calc := models.NewProgressCalculator(p, ds, models.ProgressOptions{})
	t.Run("hub parks are a count of tasks, not 序时进度", func(t *testing.T) {
		// 2024-07: the city's parks read 序时进度 7 with 1 done, a 14.3% that is done of due by year end.
		if !strings.Contains(b.GoalsTaskNote, "区域性快递物流电商枢纽园区按节点任务考核：序时进度栏为年底前应完成的单位数") {
			t.Errorf("goals note %q does not say what the hub parks' 序时进度 column holds", b.GoalsTaskNote)
		}
	})
	t.Run("ranking counts leave out what does not apply", func(t *testing.T) {
		// The ranking counted the six office-only figures and the hub park 沾益区 has none of as
		// 未评价 (13 for 麒麟区), where the overview leaves them out (issue 13, item 7).
		for _, row := range b.Ranking {
			want := 0
			for _, pr := range calc.ForScope(row.Code, in.Period) {
				if !pr.NotStarted && pr.GreyReason != models.GreyOfficeOnly && pr.GreyReason != models.GreyNotApplicable {
					want++
				}
			}
			if got := row.Green + row.Amber + row.Red + row.Grey; got != want {
				t.Errorf("%s: %d counted (%d grey), want %d: office-only and not-applicable items are not 未评价", row.Unit, got, row.Grey, want)
			}
		}
	})
	t.Run("goals match progress", func(t *testing.T) {
		n := 0
		for _, ind := range p.Indicators {
			if !ind.Headline {
				continue
			}
			pr := calc.Progress(ind.Code, p.Root.Code, in.Period)
			g := b.Goals[n]
			n++
			suffix := ""
			if ind.Unit == "%" {
				suffix = "%"
			}
			if g.Name != ind.Name || g.Actual != models.FormatNumber(pr.Actual)+suffix || g.Target != models.FormatNumber(pr.Target)+suffix || g.StatusLabel != pr.StatusWord() {
				t.Errorf("goal %s: %+v, progress %+v", ind.Code, g, pr)
			}
			if pr.Target > 0 && g.Completion != models.FormatPercent(pr.Completion) {
				t.Errorf("goal %s completion %s, want %s", ind.Code, g.Completion, models.FormatPercent(pr.Completion))
			}
		}
		if n != len(b.Goals) {
			t.Errorf("%d goals, want %d", len(b.Goals), n)
		}
	})
	t.Run("ranking is ordered by red then amber", func(t *testing.T) {
		if len(b.Ranking) != len(p.Root.Children) {
			t.Fatalf("%d ranked, want %d", len(b.Ranking), len(p.Root.Children))
		}
		for i := 1; i < len(b.Ranking); i++ {
			x, y := b.Ranking[i-1], b.Ranking[i]
			if x.Red > y.Red || x.Red == y.Red && x.Amber > y.Amber {
				t.Errorf("rank %d (%+v) before rank %d (%+v)", x.Rank, x, y.Rank, y)
			}
		}
		for _, r := range b.Ranking {
			red := 0
			for _, pr := range calc.ForScope(r.Code, in.Period) {
				if pr.Status == models.StatusRed {
					red++
				}
			}
			if r.Red != red {
				t.Errorf("%s: %d red, progress has %d", r.Unit, r.Red, red)
			}
		}
	})
	t.Run("missing return is listed and said", func(t *testing.T) {
		if len(b.Returns) != 1 || b.Returns[0].Unit != "师宗县" || b.Returns[0].State != "未报送" {
			t.Errorf("returns %+v", b.Returns)
		}
		if !strings.Contains(strings.Join(b.Summary, ""), "未报送1个（师宗县）") {
			t.Errorf("summary does not name the missing return: %v", b.Summary)
		}
	})
	t.Run("follow-ups", func(t *testing.T) {
		in := in
		in.FollowUps = []FollowUpRow{{Unit: "530325", Indicator: "service_points", Title: "加快网点建设", Assignee: "富源县邮政管理局", DueDate: "2024-08-31", Status: "open", Overdue: true}}
		b := BuildBriefing(in)
		if len(b.FollowUps) != 1 || b.FollowUps[0].Unit != "富源县" || !strings.Contains(strings.Join(b.Summary, ""), "未销号1项，其中逾期1项") {
			t.Errorf("follow-ups %+v, summary %v", b.FollowUps, b.Summary)
		}
	})
}

func TestOpenFollowUps(t *testing.T) {
	now := time.Date(2024, 9, 2, 10, 0, 0, 0, models.ReportingZone())
	all := []models.FollowUp{
		{UnitCode: "530325", Indicator: "service_points", Title: "a", DueDate: "2024-08-31", Status: models.FollowUpOpen},
		{UnitCode: "530323", Indicator: "hub_parks", Title: "b", DueDate: "2024-09-30", Status: models.FollowUpAnswered},
		{UnitCode: "530304", Indicator: "hub_parks", Title: "c", DueDate: "2024-08-01", Status: models.FollowUpClosed},
	}
	got := OpenFollowUps(all, now)
	if len(got) != 2 || got[0].Title != "a" || !got[0].Overdue || got[1].Title != "b" || got[1].Overdue {
		t.Errorf("open follow-ups %+v", got)
	}
}
