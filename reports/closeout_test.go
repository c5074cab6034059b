package reports

import (
	"bytes"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"ruralkpi/internal/teststore"
	"ruralkpi/models"
)

// TestCloseoutOfTheDemo: the whole demo's summary names met and missed targets, ranks units with
// ties sharing a rank, and lists 师宗县's joint distribution as never done and 富源县's hub park late.
func TestCloseoutOfTheDemo(t *testing.T) {
	store, p := teststore.Demo(t)
	ds, err := store.Dataset(p.EndPeriod)
	if err != nil {
		t.Fatal(err)
	}
	c := BuildCloseout(models.NewProgressCalculator(p, ds, models.ProgressOptions{}), true)
	if c.AsOf != "2025年12月" || len(c.City) == 0 || len(c.Units) != len(p.ReportingUnits()) {
		t.Fatalf("as of %s, %d city rows, %d units", c.AsOf, len(c.City), len(c.Units))
	}
	for _, ci := range c.City {
		if len(ci.Years) != len(p.Years) {
			t.Errorf("%s has %d years", ci.Name, len(ci.Years))
		}
	}
	for i := 1; i < len(c.Units); i++ {
		a, b := c.Units[i-1], c.Units[i]
		if b.Rank < a.Rank || (b.Rank == a.Rank && (a.Met != b.Met || a.Evaluated != b.Evaluated)) {
			t.Errorf("ranking: %s #%d (%d/%d) before %s #%d (%d/%d)", a.Name, a.Rank, a.Met, a.Evaluated, b.Name, b.Rank, b.Met, b.Evaluated)
		}
	}
	all := strings.Join(c.Sentences, "")
	for _, want := range []string{"已实施完毕", "2025年全市", "2025年目标完成比例最高的是" + joinTied(c.Units, 1), "仍未完成", "师宗县统仓共配"} {
		if !strings.Contains(all, want) {
			t.Errorf("sentences lack %q:\n%s", want, all)
		}
	}
	late := false
	for _, m := range c.Milestones {
		if m.Unit == "富源县" && m.Done {
			late = true
		}
	}
	if !late {
		t.Errorf("富源县's late milestones missing: %+v", c.Milestones)
	}
	var buf bytes.Buffer
	if err := WriteCloseout(&buf, c); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := strings.Join(f.GetSheetList(), ","); got != "总结,全市目标,各单位,排名,节点任务" {
		t.Errorf("sheets %s", got)
	}
	if v, _ := f.GetCellValue("总结", "A4"); v != c.Sentences[0] {
		t.Errorf("summary A4 = %q", v)
	}
}

func TestRankUnitsSharesTies(t *testing.T) {
	us := []CloseoutUnit{{Name: "甲", Met: 3, Evaluated: 4}, {Name: "乙", Met: 4, Evaluated: 4}, {Name: "丙", Met: 3, Evaluated: 4}, {Name: "丁"}}
	rankUnits(us)
	got := ""
	for _, u := range us {
		got += u.Name + string(rune('0'+u.Rank))
	}
	if got != "乙1甲2丙2丁4" {
		t.Errorf("ranks %s", got)
	}
	if joinTied(us, 2) != "甲、丙" {
		t.Errorf("tie named %q", joinTied(us, 2))
	}
}

// TestBriefingNamesEveryTiedUnit: "units with the most red indicators" named one of two tied units.
func TestBriefingNamesEveryTiedUnit(t *testing.T) {
	b := Briefing{UnitWord: "县（市、区）", Ranking: []RankRow{{Unit: "甲", Red: 5}, {Unit: "乙", Red: 4}, {Unit: "丙", Red: 3}, {Unit: "丁", Red: 3}, {Unit: "戊", Red: 1}}}
	got := b.unitSentence()
	if !strings.Contains(got, "丙（3项）、丁（3项）") || strings.Contains(got, "戊") {
		t.Errorf("sentence %q", got)
	}
}

// TestCloseoutFigureWords: inside the plan the provisional summary wrote 进度落后 for amber and red
// alike, the two words (预警, 滞后) every page keeps apart; once the year is final it is met or not.
func TestCloseoutFigureWords(t *testing.T) {
	tests := []struct {
		name      string
		status    models.ProgressStatus
		final     bool
		word      string
		color     models.ProgressStatus
		met, eval bool
	}{
		{"provisional green", models.StatusGreen, false, models.StatusGreen.Label(), models.StatusGreen, true, true},
		{"provisional amber", models.StatusAmber, false, models.StatusAmber.Label(), models.StatusAmber, false, true},
		{"provisional red", models.StatusRed, false, models.StatusRed.Label(), models.StatusRed, false, true},
		{"final green", models.StatusGreen, true, "完成", models.StatusGreen, true, true},
		{"final amber", models.StatusAmber, true, "未完成", models.StatusRed, false, true},
		{"final red", models.StatusRed, true, "未完成", models.StatusRed, false, true},
		{"grey", models.StatusGrey, true, models.StatusGrey.Label(), models.StatusGrey, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := closeoutFigure(models.Progress{Status: tt.status, HasTarget: true}, 2025, tt.final)
			if f.Word != tt.word || f.Color != tt.color || f.Met != tt.met || f.Evaluated != tt.eval {
				t.Errorf("got %q %s met=%v evaluated=%v, want %q %s met=%v evaluated=%v", f.Word, f.Color, f.Met, f.Evaluated, tt.word, tt.color, tt.met, tt.eval)
			}
		})
	}
	if models.StatusAmber.Label() == models.StatusRed.Label() {
		t.Fatal("amber and red share a word")
	}
}
