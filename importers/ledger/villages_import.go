package ledger

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"ruralkpi/importers/xlsx"
	"ruralkpi/models"
)

// VillageList is a unit's administrative-village reference list as read from Excel.
type VillageList struct {
	Villages []Village
	Problems []models.LedgerProblem
}

// villageListLimits are the caller's limits with the reader's refusals calling the file a 行政村名录.
func villageListLimits(l xlsx.Limits) xlsx.Limits {
	l.Noun = VillageSheet
	return l
}

// ParseVillages reads a village reference list: the 行政村名录 sheet of the ledger template
// (or the first sheet) with the columns 乡（镇、街道）, 行政村（社区） and, optionally, 统计用区划代码.
// Every problem is listed with its cell; the list must not be stored when there is any.
func ParseVillages(r io.Reader, limits xlsx.Limits) (VillageList, error) {
	data, err := xlsx.ReadFile(r, villageListLimits(limits))
	if err != nil {
		return VillageList{}, err
	}
	return ParseVillagesAt(bytes.NewReader(data), int64(len(data)), limits)
}

// ParseVillagesAt is ParseVillages for a file read at offsets (an upload spooled to
// disk), so that the upload is never held in memory.
func ParseVillagesAt(r io.ReaderAt, size int64, limits xlsx.Limits) (VillageList, error) {
	wb, err := xlsx.Open(r, size, villageListLimits(limits))
	if err != nil {
		return VillageList{}, err
	}
	sheet := wb.SheetNames()[0]
	for _, n := range wb.SheetNames() {
		if n == VillageSheet {
			sheet = n
		}
	}
	var out VillageList
	problem := func(col, row int, format string, args ...any) {
		if len(out.Problems) < MaxProblems {
			out.Problems = append(out.Problems, models.LedgerProblem{Sheet: sheet, Cell: fmt.Sprintf("%s%d", xlsx.ColumnName(col), row), Message: fmt.Sprintf(format, args...)})
		}
	}
	colTown, colName, colDiv := -1, -1, -1
	header := false
	seen := map[string]int{}
	err = wb.ReadRows(sheet, nil, func(row xlsx.Row) error {
		var cells [3]string
		if !header {
			header = true
			for _, c := range row.Cells {
				switch ledgerNormHeader(string(c.Value)) {
				case "乡（镇、街道）":
					colTown = c.Col
				case "行政村（社区）":
					colName = c.Col
				case "统计用区划代码":
					colDiv = c.Col
				}
			}
			if colTown < 0 || colName < 0 {
				problem(0, row.Number, "表头应包含“乡（镇、街道）”和“行政村（社区）”两列，请使用行政村名录模板。")
				return errLedgerBadHeader // rows under a wrong header mean nothing; do not read on
			}
			return nil
		}
		for _, c := range row.Cells {
			v := models.UnescapeCell(strings.TrimSpace(string(c.Value)))
			switch c.Col {
			case colTown:
				cells[0] = v
			case colName:
				cells[1] = v
			case colDiv:
				cells[2] = v
			}
		}
		if cells == [3]string{} {
			return nil
		}
		v := Village{Township: cells[0], Name: cells[1], Division: cells[2]}
		bad := false
		switch {
		case v.Township == "":
			problem(colTown, row.Number, "“乡（镇、街道）”不能为空。")
			bad = true
		case utf8.RuneCountInString(v.Township) > 30:
			problem(colTown, row.Number, "乡（镇、街道）名称过长。")
			bad = true
		}
		switch {
		case v.Name == "":
			problem(colName, row.Number, "“行政村（社区）”不能为空。")
			bad = true
		case utf8.RuneCountInString(v.Name) > 30:
			problem(colName, row.Number, "行政村（社区）名称过长。")
			bad = true
		}
		if v.Division != "" && (len(v.Division) != 12 || strings.Trim(v.Division, "0123456789") != "") {
			problem(colDiv, row.Number, "统计用区划代码“%s”应为 12 位数字。", v.Division)
			bad = true
		}
		key := v.Township + "\x00" + v.Name
		if first, dup := seen[key]; dup && v.Name != "" {
			problem(colName, row.Number, "“%s %s”重复，与第 %d 行相同。", v.Township, v.Name, first)
			bad = true
		}
		if _, dup := seen[key]; !dup {
			seen[key] = row.Number
		}
		if !bad {
			out.Villages = append(out.Villages, v)
		}
		return nil
	})
	if err != nil && !errors.Is(err, errLedgerBadHeader) {
		return VillageList{}, fmt.Errorf("importers: read village list: %w", err)
	}
	if len(out.Problems) > 0 {
		out.Villages = nil
	} else if len(out.Villages) == 0 {
		problem(0, 2, "名录中没有任何行政村。")
	}
	return out, nil
}
