package reports

import (
	"bytes"
	"fmt"
	"slices"
	"strconv"
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

// TestCloseoutRanksTheUnitsBelowTheRoot: a city's summary ranks its counties, a country's its
// provinces, each judged on its own figures (the roll-up of the counties below it).
func TestCloseoutRanksTheUnitsBelowTheRoot(t *testing.T) {
	p, _, _, err := models.SyntheticCountry(2, 4, 8)
	if err != nil {
		t.Fatal(err)
	}
	c := BuildCloseout(models.NewProgressCalculator(p, models.Dataset{}, models.ProgressOptions{}), true)
	var got, want []string
	for _, u := range c.Units {
		got = append(got, u.Code)
	}
	for _, u := range p.Root.Children {
		want = append(want, u.Code)
	}
	slices.Sort(got)
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("ranked %v, want the provinces %v", got, want)
	}
}

// TestCloseoutBoundsTheLateMilestones: the findings name at most ten unfinished milestones and the
// page lists at most fifty, the workbook all; a country's summary had named 6,411 in one sentence.
func TestCloseoutBoundsTheLateMilestones(t *testing.T) {
	var c Closeout
	for i := range 60 {
		c.Milestones = append(c.Milestones, CloseoutMilestone{Unit: fmt.Sprintf("第%d县", i+1), Indicator: "物流园区", DueYear: 2024})
	}
	sentence := closeoutSentences(c)[len(closeoutSentences(c))-1]
	tests := []struct {
		name, got, want string
	}{
		{"the sentence counts them all", strconv.FormatBool(strings.Contains(sentence, "60项至期末仍未完成")), "true"},
		{"names the first ten", strconv.FormatBool(strings.Contains(sentence, "第10县物流园区等。")), "true"},
		{"not the eleventh", strconv.FormatBool(strings.Contains(sentence, "第11县")), "false"},
		{"the page lists fifty", strconv.Itoa(len(c.ListedMilestones())), "50"},
		{"and counts the rest", strconv.Itoa(c.UnlistedMilestones()), "10"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("%s = %q, want %q (%s)", tt.name, tt.got, tt.want, sentence)
			}
		})
	}
	var few Closeout
	few.Milestones = c.Milestones[:3]
	if s := closeoutSentences(few); !strings.Contains(s[len(s)-1], "第3县物流园区。") || few.UnlistedMilestones() != 0 {
		t.Errorf("three milestones: %q, %d unlisted", s[len(s)-1], few.UnlistedMilestones())
	}
}
