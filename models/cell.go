package models

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// cellTriggers are the characters that make a spreadsheet read a cell as a formula (or a DDE
// command) when they lead it, with their full-width forms, which some spreadsheets and IMEs fold
// to the ASCII ones.
const cellTriggers = "=+-@\t\r\n＝＋－＠"

// plainNumber is a figure as the exports write it (sign, digits, thousands commas, decimals,
// exponent, percent): a cell like this is a number to every spreadsheet, never a formula.
var plainNumber = regexp.MustCompile(`^[+-]?(?:[0-9][0-9,]*(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?%?$`)

// SafeCell is the one escape for text put into a spreadsheet cell, by every CSV and workbook this
// program writes: a cell whose first visible character would start a formula (= + - @, tab, CR,
// LF, or their full-width forms ＝＋－＠) gets a leading apostrophe, so a user name or note typed
// as =HYPERLINK(…) stays text. Numbers, negative ones included, are left alone.
func SafeCell(c string) string {
	// Leading spaces do not protect a cell: some spreadsheets trim them before reading it.
	first, _ := utf8.DecodeRuneInString(strings.TrimLeft(c, " \u00a0\u3000"))
	if strings.ContainsRune(cellTriggers, first) && !plainNumber.MatchString(c) {
		return "'" + c
	}
	// Text that already starts with an apostrophe before a formula gets one more, so that
	// UnescapeCell gives back exactly what was written.
	if rest, ok := strings.CutPrefix(c, "'"); ok && SafeCell(rest) != rest {
		return "'" + c
	}
	return c
}

// UnescapeCell undoes SafeCell for text read back from a workbook this program wrote (a template
// filled in and uploaded again), so that a note or a name survives the round trip unchanged. It
// removes the apostrophe only where SafeCell would have put one.
func UnescapeCell(c string) string {
	if rest, ok := strings.CutPrefix(c, "'"); ok && SafeCell(rest) == c {
		return rest
	}
	return c
}
