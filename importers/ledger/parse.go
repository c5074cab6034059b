package ledger

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unsafe"

	"ruralkpi/importers/xlsx"
	"ruralkpi/models"
)

// MaxProblems caps the problems listed for one file; a ledger of 200,000 wrong rows must not
// produce a million messages. The last entry then says how many more there were.
const MaxProblems = 1000

// Check is what a ledger is validated against.
type Check struct {
	// AsOf is the month of the snapshot: dates after its last day are in the future.
	AsOf models.Period
	// Villages is the unit's reference list of administrative villages; when empty, villages are not
	// checked and a warning says so.
	Villages *VillageIndex
	Limits   xlsx.Limits
	// Sink, when set, receives each valid point as it is read instead of Points collecting them,
	// so that a large ledger need not be held in memory; an error from it stops the read. Points
	// passed to it are only good if the import ends without problems.
	Sink func(models.LedgerPoint) error
}

// Parsed is the result of reading a ledger: the points, and every problem and warning. Points
// must not be stored when Problems is not empty.
type Parsed struct {
	Points   []models.LedgerPoint
	Problems []models.LedgerProblem
	Warnings []models.LedgerProblem
	// Rows is the number of data rows read (blank rows excluded).
	Rows int
	// Accepted is the number of valid points (kept in Points or handed to the sink).
	Accepted int
}

// ledgerLimits are the caller's limits with the reader's refusals calling the file a 台账.
func ledgerLimits(l xlsx.Limits) xlsx.Limits {
	l.Noun = "台账"
	return l
}

// OK reports whether the ledger may be stored.
func (li Parsed) OK() bool { return len(li.Problems) == 0 }

// Parse reads and validates a ledger upload. File-level refusals (not an .xlsx, too large,
// corrupt) come back as an error carrying a Chinese message (*models.Error); everything wrong
// inside the sheet comes back as Problems. It returns the file's bytes for keeping.
func Parse(r io.Reader, chk Check) (Parsed, []byte, error) {
	data, err := xlsx.ReadFile(r, ledgerLimits(chk.Limits))
	if err != nil {
		return Parsed{}, nil, err
	}
	li, err := ParseBytes(data, chk)
	return li, data, err
}

// ParseBytes is Parse for a file already in memory.
func ParseBytes(data []byte, chk Check) (Parsed, error) {
	return ParseAt(bytes.NewReader(data), int64(len(data)), chk)
}

// ParseAt is Parse for a file that can be read at offsets, such as an upload spooled
// to disk.
func ParseAt(r io.ReaderAt, size int64, chk Check) (Parsed, error) {
	wb, err := xlsx.Open(r, size, ledgerLimits(chk.Limits))
	if err != nil {
		return Parsed{}, err
	}
	sheet := SheetName
	names := wb.SheetNames()
	found := false
	for _, n := range names {
		found = found || n == sheet
	}
	if !found {
		sheet = names[0] // a clerk may have renamed the only sheet; the header check still applies
	}
	v := newLedgerValidator(sheet, chk)
	err = wb.ReadRows(sheet, v.hint, v.row)
	if errors.Is(err, errLedgerBadHeader) {
		err = nil // the header's problems are listed; rows under a wrong header mean nothing
	}
	if err != nil {
		return Parsed{}, fmt.Errorf("importers: read ledger sheet %q: %w", sheet, err)
	}
	return v.finish(), nil
}

// ledgerValidator turns rows into points as they stream past, collecting problems.
type ledgerValidator struct {
	sheet    string
	chk      Check
	lastDay  models.LedgerDate
	colField []Field // column index → field, -1 for an unknown column
	header   bool
	out      Parsed
	sunk     int             // points handed to the sink
	more     int             // problems beyond the cap
	codes    []ledgerCodeRow // every code read, for the duplicate check
	codeText ledgerStringArena
	text     ledgerStringArena
	intern   map[string]string // townships, operators: few distinct values, many rows
	cells    [fieldCount][]byte
	seen     [fieldCount]xlsx.CellType
	colOf    [fieldCount]int
	checkVil bool
}

func newLedgerValidator(sheet string, chk Check) *ledgerValidator {
	end := time.Date(chk.AsOf.Year, time.Month(chk.AsOf.Month)+1, 0, 0, 0, 0, 0, time.UTC)
	v := &ledgerValidator{
		sheet: sheet, chk: chk, lastDay: models.LedgerDateOf(end),
		intern:   map[string]string{},
		checkVil: chk.Villages != nil && chk.Villages.Len() > 0,
	}
	if !v.checkVil {
		v.out.Warnings = append(v.out.Warnings, models.LedgerProblem{Sheet: sheet, Message: "本单位尚未导入行政村名录，未核对行政村名称；请工作专班办公室导入名录后重新上传。"})
	}
	return v
}

func (v *ledgerValidator) hint(rows xlsx.SheetDimension) {
	n := min(int(rows), v.chk.Limits.MaxRows)
	if v.chk.Sink == nil && n > cap(v.out.Points) {
		v.out.Points = slices.Grow(v.out.Points, n-len(v.out.Points))
	}
}

func (v *ledgerValidator) problem(col, row int, format string, args ...any) {
	if len(v.out.Problems) >= MaxProblems {
		v.more++
		return
	}
	cell := ""
	if row > 0 {
		cell = xlsx.ColumnName(col) + strconv.Itoa(row)
	}
	v.out.Problems = append(v.out.Problems, models.LedgerProblem{Sheet: v.sheet, Cell: cell, Message: fmt.Sprintf(format, args...)})
}

// errLedgerBadHeader stops the read of a sheet whose header lacks a required column: its rows
// cannot be checked, and a hostile sheet of a million rows is not worth reading.
var errLedgerBadHeader = errors.New("importers: ledger header incomplete")

func (v *ledgerValidator) row(r xlsx.Row) error {
	if !v.header {
		if !v.readHeader(r) {
			return errLedgerBadHeader
		}
		return nil
	}
	for i := range v.cells {
		v.cells[i] = nil
	}
	blank := true
	for _, c := range r.Cells {
		if c.Col >= len(v.colField) || v.colField[c.Col] < 0 {
			continue
		}
		val := bytes.TrimSpace(c.Value)
		if len(val) == 0 {
			continue
		}
		if val[0] == '\'' { // a name the template wrote escaped (models.SafeCell) reads back as it was
			val = []byte(models.UnescapeCell(string(val)))
		}
		f := v.colField[c.Col]
		v.cells[f], v.seen[f] = val, c.Type
		blank = false
	}
	if blank {
		return nil // empty rows (formatting left by Excel) are not points
	}
	v.out.Rows++
	return v.point(r.Number)
}

// readHeader maps columns to fields by their header text, so that a reordered template still reads.
func (v *ledgerValidator) readHeader(r xlsx.Row) (complete bool) {
	v.header = true
	cols := Columns()
	byHeader := map[string]Field{}
	for _, c := range cols {
		byHeader[ledgerNormHeader(c.Header)] = c.Field
	}
	for i := range v.colOf {
		v.colOf[i] = -1
	}
	for _, c := range r.Cells {
		f, ok := byHeader[ledgerNormHeader(string(c.Value))]
		if !ok {
			continue
		}
		for len(v.colField) <= c.Col {
			v.colField = append(v.colField, -1)
		}
		if v.colOf[f] >= 0 {
			v.problem(c.Col, r.Number, "表头“%s”重复出现（另见 %s%d）。", cols[f].Header, xlsx.ColumnName(v.colOf[f]), r.Number)
			continue
		}
		v.colField[c.Col], v.colOf[f] = f, c.Col
	}
	complete = true
	for _, c := range cols {
		if c.Required && v.colOf[c.Field] < 0 {
			// Addressed to where the template has the column, so the clerk knows where it belongs.
			v.problem(int(c.Field), r.Number, "表头缺少“%s”列，请使用最新的台账模板。", c.Header)
			complete = false
		}
	}
	return complete
}

func ledgerNormHeader(s string) string {
	s = strings.Join(strings.Fields(s), "")
	return strings.NewReplacer("(", "（", ")", "）").Replace(s)
}

// point validates one data row and keeps the point (or hands it to the sink) when the row is sound.
func (v *ledgerValidator) point(row int) error {
	before := len(v.out.Problems) + v.more
	p := models.LedgerPoint{Row: int32(row)}
	col := func(f Field) int { return v.colOf[f] }

	// Required texts.
	for _, f := range []Field{FieldCode, FieldName, FieldTownship, FieldVillage, FieldOperator} {
		if v.cells[f] == nil && col(f) >= 0 {
			v.problem(col(f), row, "“%s”不能为空。", f.Header())
		}
	}
	if b := v.cells[FieldCode]; b != nil {
		if len(b) > 64 {
			v.problem(col(FieldCode), row, "网点编码过长（最多 64 个字符）。")
		} else {
			p.Code = v.keep(FieldCode, &v.codeText, b) // uniqueness is checked once all rows are in, by sorting
			v.codes = append(v.codes, ledgerCodeRow{code: p.Code, row: int32(row)})
		}
	}
	if b := v.cells[FieldName]; b != nil {
		if len(b) > 200 {
			v.problem(col(FieldName), row, "网点名称过长（最多 200 个字节）。")
		}
		p.Name = v.keep(FieldName, &v.text, b)
	}
	p.Township = v.interned(v.cells[FieldTownship])
	p.Operator = v.interned(v.cells[FieldOperator])
	if b := v.cells[FieldVillage]; b != nil {
		p.Village = v.village(v.cells[FieldTownship], b, row)
	}

	// Dates.
	p.OpenedOn = v.date(FieldOpenedOn, row, true)
	p.ChangedOn = v.date(FieldChangedOn, row, false)

	// Status and what it implies.
	if b := v.cells[FieldStatus]; b == nil {
		v.problem(col(FieldStatus), row, "“运营状态”不能为空，请填 运营中、已撤并 或 已裁撤。")
	} else if st, ok := models.ParseLedgerStatus(string(b)); !ok {
		v.problem(col(FieldStatus), row, "运营状态“%s”无法识别，请填 运营中、已撤并 或 已裁撤。", b)
	} else {
		p.Status = st
	}
	if p.Status == models.LedgerMerged || p.Status == models.LedgerClosed {
		if v.cells[FieldChangedOn] == nil {
			v.problem(col(FieldChangedOn), row, "网点状态为“%s”，须填写状态变更日期。", p.Status.Label())
		}
	}
	if p.OpenedOn != 0 && p.ChangedOn != 0 && p.ChangedOn < p.OpenedOn {
		v.problem(col(FieldChangedOn), row, "状态变更日期 %s 早于开办日期 %s。", p.ChangedOn, p.OpenedOn)
	}

	p.Fused = v.yesNo(FieldFused, row)
	p.Direct = v.yesNo(FieldDirect, row)

	// Money and parcels: required while the point operates.
	needFigures := p.Status == models.LedgerOperating
	if inc, ok := v.number(FieldIncome, row, needFigures); ok {
		if inc < 0 {
			v.problem(col(FieldIncome), row, "上月收入不能为负数（填写了 %s）。", strconv.FormatFloat(inc, 'f', -1, 64))
		} else if inc > 1e9 {
			v.problem(col(FieldIncome), row, "上月收入 %s 元明显过大，请核对单位是否为元。", strconv.FormatFloat(inc, 'f', -1, 64))
		}
		p.Income = inc
	}
	if n, ok := v.number(FieldParcels, row, needFigures); ok {
		switch {
		case n < 0:
			v.problem(col(FieldParcels), row, "上月业务量不能为负数。")
		case n != math.Trunc(n) || n > 1e12:
			v.problem(col(FieldParcels), row, "上月业务量应为整数件数。")
		default:
			p.Parcels = int64(n)
		}
	}

	// Coordinates: optional, but both or neither, and inside China.
	lon, okLon := v.number(FieldLon, row, false)
	lat, okLat := v.number(FieldLat, row, false)
	switch {
	case okLon && okLat:
		if lon < 73 || lon > 136 || lat < 3 || lat > 54 {
			v.problem(col(FieldLon), row, "经纬度（%s, %s）不在我国范围内，请核对是否填反或单位有误。",
				strconv.FormatFloat(lon, 'f', -1, 64), strconv.FormatFloat(lat, 'f', -1, 64))
		}
		p.Lon, p.Lat, p.HasCoords = float32(lon), float32(lat), true
	case (v.cells[FieldLon] == nil) != (v.cells[FieldLat] == nil):
		f := FieldLat
		if v.cells[FieldLon] == nil {
			f = FieldLon
		}
		v.problem(col(f), row, "经度和纬度须同时填写。")
	}

	if len(v.out.Problems)+v.more != before {
		return nil
	}
	if v.chk.Sink != nil {
		v.sunk++
		return v.chk.Sink(p)
	}
	v.out.Points = append(v.out.Points, p)
	return nil
}

func (v *ledgerValidator) interned(b []byte) string {
	if b == nil {
		return ""
	}
	if s, ok := v.intern[string(b)]; ok {
		return s
	}
	s := string(b)
	if len(v.intern) < 100_000 {
		v.intern[s] = s
	}
	return s
}

func (v *ledgerValidator) village(town, name []byte, row int) string {
	if !v.checkVil {
		return v.interned(name)
	}
	c, others, ok := v.chk.Villages.Lookup(town, name)
	if ok {
		return c
	}
	col := v.colOf[FieldVillage]
	if len(others) > 0 {
		v.problem(col, row, "行政村“%s”在名录中属于“%s”，与填写的乡（镇、街道）“%s”不一致。", name, strings.Join(others, "、"), town)
		return ""
	}
	if len(v.out.Problems) >= MaxProblems {
		v.more++
		return ""
	}
	if s := v.chk.Villages.Suggest(string(name), 3); len(s) > 0 {
		v.problem(col, row, "行政村“%s”不在本单位的行政村名录中，是否为：%s？", name, strings.Join(s, "、"))
	} else {
		v.problem(col, row, "行政村“%s”不在本单位的行政村名录中，请核对名称或请办公室补充名录。", name)
	}
	return ""
}

// date reads a date cell: an Excel serial number (how Excel stores dates), an ISO date (t="d"), or
// text such as 2023-08-15, 2023/8/15, 2023.8.15 or 2023年8月15日.
func (v *ledgerValidator) date(f Field, row int, required bool) models.LedgerDate {
	b := v.cells[f]
	hdr := f.Header()
	if b == nil {
		if required && v.colOf[f] >= 0 {
			v.problem(v.colOf[f], row, "“%s”不能为空。", hdr)
		}
		return 0
	}
	d, ok := ParseDate(b, v.seen[f])
	if !ok {
		v.problem(v.colOf[f], row, "“%s”的值“%s”不是有效日期，请填写如 2023-08-15 的日期。", hdr, b)
		return 0
	}
	if d > v.lastDay {
		v.problem(v.colOf[f], row, "%s %s 晚于台账所属月份（%s），日期不能在未来。", hdr, d, v.chk.AsOf.Label())
		return 0
	}
	if d < models.LedgerDateOf(time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC)) {
		v.problem(v.colOf[f], row, "%s %s 过早，请核对。", hdr, d)
		return 0
	}
	return d
}

// ParseDate reads a date as the ledger accepts it; typ is the cell's storage type.
func ParseDate(b []byte, typ xlsx.CellType) (models.LedgerDate, bool) {
	if typ == xlsx.CellNumber {
		f, err := strconv.ParseFloat(string(b), 64)
		if err != nil || f < 1 || f > 2958465 {
			return 0, false
		}
		return models.LedgerDate(int32(f)), true
	}
	s := string(b)
	if typ == xlsx.CellISODate && len(s) >= 10 {
		s = s[:10]
	}
	s = strings.TrimSuffix(s, "日")
	// Normalise 2023年8月15日, 2023/8/15 and 2023.8.15 to numbers separated by '-'.
	var parts [3]int
	n, cur, digits := 0, 0, 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= '0' && c <= '9' {
			cur = cur*10 + int(c-'0')
			digits++
			if digits > 4 {
				return 0, false
			}
			continue
		}
		if digits == 0 || n >= 2 {
			return 0, false
		}
		parts[n], cur, digits = cur, 0, 0
		n++
		// Skip the separator: one ASCII byte or the three-byte 年/月.
		switch {
		case c == '-' || c == '/' || c == '.':
		case strings.HasPrefix(s[i:], "年") || strings.HasPrefix(s[i:], "月"):
			i += len("年") - 1
		default:
			return 0, false
		}
	}
	if digits == 0 || n != 2 {
		return 0, false
	}
	parts[2] = cur
	y, m, d := parts[0], parts[1], parts[2]
	if y < 1900 || y > 9999 || m < 1 || m > 12 || d < 1 || d > 31 {
		return 0, false
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Day() != d {
		return 0, false // 2023-02-30
	}
	return models.LedgerDateOf(t), true
}

func (v *ledgerValidator) yesNo(f Field, row int) bool {
	b := v.cells[f]
	hdr := f.Header()
	if b == nil {
		if v.colOf[f] >= 0 {
			v.problem(v.colOf[f], row, "“%s”不能为空，请填 是 或 否。", hdr)
		}
		return false
	}
	switch string(b) {
	case "是":
		return true
	case "否":
		return false
	}
	if v.seen[f] == xlsx.CellBool {
		return string(b) == "1"
	}
	v.problem(v.colOf[f], row, "“%s”只能填 是 或 否（填写了“%s”）。", hdr, b)
	return false
}

// number reads a number cell, accepting numbers stored as text with thousands separators.
func (v *ledgerValidator) number(f Field, row int, required bool) (float64, bool) {
	b := v.cells[f]
	hdr := f.Header()
	if b == nil {
		if required && v.colOf[f] >= 0 {
			v.problem(v.colOf[f], row, "“%s”不能为空。", hdr)
		}
		return 0, false
	}
	x, err := strconv.ParseFloat(string(b), 64)
	if err != nil && v.seen[f] != xlsx.CellNumber && bytes.IndexByte(b, ',') >= 0 {
		x, err = strconv.ParseFloat(string(bytes.ReplaceAll(b, []byte(","), nil)), 64)
	}
	if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
		v.problem(v.colOf[f], row, "“%s”的值“%s”不是数字。", hdr, b)
		return 0, false
	}
	return x, true
}

func (v *ledgerValidator) finish() Parsed {
	v.checkDuplicateCodes()
	if !v.header {
		v.problem(0, 1, "工作表“%s”是空的，没有表头和数据。", v.sheet)
	} else if v.out.Rows == 0 && len(v.out.Problems) == 0 {
		v.problem(0, 2, "工作表“%s”没有任何网点数据。", v.sheet)
	}
	if v.more > 0 {
		v.out.Problems = append(v.out.Problems, models.LedgerProblem{Sheet: v.sheet, Message: fmt.Sprintf("另有 %d 个问题未逐一列出，请先改正以上问题后重新上传。", v.more)})
	}
	if len(v.out.Problems) > 0 {
		v.out.Points = nil // nothing is stored on any error; let the memory go
	}
	v.out.Accepted = len(v.out.Points) + v.sunk
	return v.out
}

// keep turns a cell's text into a string that outlives the row. A shared string is already held,
// never to be written again, by the workbook's string table (or, unescaped, in bytes of its own), so
// it is viewed in place; inline text lives in the row buffer, which the next row overwrites, and is
// copied into arena. A 200,000-point ledger in the shared layout then keeps its codes for the
// duplicate check without a second copy of them (about 4 MiB).
func (v *ledgerValidator) keep(f Field, arena *ledgerStringArena, b []byte) string {
	if v.seen[f] == xlsx.CellSharedString && len(b) > 0 {
		return unsafe.String(&b[0], len(b))
	}
	return arena.string(b)
}

// ledgerCodeRow is a point code and the row it is on.
type ledgerCodeRow struct {
	code string
	row  int32
}

// checkDuplicateCodes sorts the codes read and reports every repeat, naming the first row that
// used the code. Sorting 200,000 small pairs costs far less memory than a map of every code.
func (v *ledgerValidator) checkDuplicateCodes() {
	slices.SortFunc(v.codes, func(a, b ledgerCodeRow) int {
		if c := strings.Compare(a.code, b.code); c != 0 {
			return c
		}
		return int(a.row - b.row)
	})
	dup := false
	for i := 1; i < len(v.codes); i++ {
		first := v.codes[i-1]
		for i < len(v.codes) && v.codes[i].code == first.code {
			v.problem(v.colOf[FieldCode], int(v.codes[i].row), "网点编码“%s”重复，与第 %d 行相同；每个网点的编码必须唯一。", first.code, first.row)
			dup = true
			i++
		}
	}
	v.codes = nil
	if dup {
		// Duplicates are found last; put every problem back in sheet order for the clerk.
		slices.SortStableFunc(v.out.Problems, func(a, b models.LedgerProblem) int {
			_, ra, _ := xlsx.CellRef([]byte(a.Cell))
			_, rb, _ := xlsx.CellRef([]byte(b.Cell))
			return ra - rb
		})
	}
}

// ledgerStringArena hands out strings carved from large shared chunks, so that 200,000 point codes
// and names cost their bytes and not 200,000 separate heap objects (size-class rounding and GC
// work). A chunk's bytes are never written again once handed out, which is what makes the
// unsafe.String views sound.
type ledgerStringArena struct {
	chunk []byte
}

func (a *ledgerStringArena) string(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if len(b) > 4096 {
		return string(b)
	}
	if cap(a.chunk)-len(a.chunk) < len(b) {
		a.chunk = make([]byte, 0, 256<<10)
	}
	start := len(a.chunk)
	a.chunk = append(a.chunk, b...)
	return unsafe.String(&a.chunk[start], len(b))
}
