package importers

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"ruralkpi/models"
)

// maxFigure is far above any figure of a county return; larger numbers are typing slips.
const maxFigure = 1e12

var (
	plainNumber   = regexp.MustCompile(`^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$`)
	groupedNumber = regexp.MustCompile(`^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$`)
)

// NumberRepair maps the characters Chinese input methods and office programs produce to ASCII.
var NumberRepair = strings.NewReplacer(
	"０", "0", "１", "1", "２", "2", "３", "3", "４", "4", "５", "5", "６", "6", "７", "7", "８", "8", "９", "9",
	"．", ".", "。", ".", "，", ",", "､", ",", "－", "-", "−", "-", "—", "-", "＋", "+", "％", "%", "ｅ", "e", "Ｅ", "E",
)

// ParsedNumber is a figure as the reader understood it.
type ParsedNumber struct {
	Value   float64
	Percent bool // the text ended with a % sign
}

// ParseFigure reads a figure as a clerk may have typed it: with stray or full-width spaces, full-width
// digits, thousands separators, a trailing % or the indicator's unit. It returns a Chinese message
// when the text is not a number.
func ParseFigure(raw, unit string) (ParsedNumber, string) {
	s := strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '\u200b' || r == '\ufeff' {
			return -1
		}
		return r
	}, NumberRepair.Replace(raw))
	if s == "" {
		return ParsedNumber{}, "是空的"
	}
	if strings.HasPrefix(s, "#") {
		return ParsedNumber{}, "单元格显示错误值 " + s + "，请改为直接填写数字"
	}
	if unit != "" && unit != "%" {
		s = strings.TrimSuffix(s, unit)
	}
	var out ParsedNumber
	if t, ok := strings.CutSuffix(s, "%"); ok {
		out.Percent = true
		s = t
	}
	if strings.Contains(s, ",") {
		if !groupedNumber.MatchString(s) {
			return ParsedNumber{}, "“" + strings.TrimSpace(raw) + "”不是可识别的数字（千分位逗号位置不对）"
		}
		s = strings.ReplaceAll(s, ",", "")
	}
	if !plainNumber.MatchString(s) {
		return ParsedNumber{}, "“" + Clip(strings.TrimSpace(raw), 30) + "”不是数字，请只填写数字（可带小数点）"
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) || math.Abs(v) > maxFigure {
		return ParsedNumber{}, "“" + Clip(strings.TrimSpace(raw), 30) + "”数值过大，请检查是否多打了数字"
	}
	out.Value = v
	return out, ""
}

// Clip shortens text quoted back to the user.
func Clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

// FormatFigure writes a figure without needless decimals.
func FormatFigure(v float64) string {
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// CleanText trims a note or a code, full-width spaces included.
func CleanText(s string) string {
	return models.UnescapeCell(strings.TrimFunc(s, func(r rune) bool { return unicode.IsSpace(r) || r == '\u200b' || r == '\ufeff' }))
}
