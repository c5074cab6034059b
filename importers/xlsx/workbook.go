// Package xlsx is the streaming .xlsx reader: it opens a workbook part by part straight from the zip
// archive and hands a sheet over row by row, within limits that refuse hostile files (zip bombs,
// enormous parts or cells), so that memory stays flat whatever the sheet's size. It knows nothing of
// ledgers or returns; the importers build on it.
package xlsx

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"

	"ruralkpi/models"
)

// Limits bounds what the streaming ledger reader accepts, so that a hostile or broken file
// (a zip bomb, a sheet of a million rows, one enormous cell) is refused instead of exhausting memory.
type Limits struct {
	// MaxFileBytes is the largest upload accepted, compressed.
	MaxFileBytes int64
	// MaxPartBytes is the largest decompressed size of any one part read (the sheet XML, shared strings).
	MaxPartBytes int64
	// MaxRatio is the largest decompressed/compressed ratio accepted for a part (zip-bomb guard).
	MaxRatio int64
	// MaxRows is the largest number of rows read from the sheet, header included.
	MaxRows int
	// MaxCols is the number of leading columns kept; cells further right are ignored.
	MaxCols int
	// MaxTokenBytes is the largest single tag or text run (one cell's text) accepted.
	MaxTokenBytes int
	// MaxSharedStringBytes bounds the shared-string table held in memory: the decoded text plus 4
	// bytes of index per entry. It is what the data needs (a 250,000-row ledger with a distinct
	// code and name per row holds about 20 MiB), never what the file declares in count/uniqueCount.
	MaxSharedStringBytes int
	// MaxSmallPartBytes bounds the parts read whole (the workbook and its relationships), which
	// are a few kilobytes in any real workbook.
	MaxSmallPartBytes int64
	// Noun names what the caller reads (台账, 行政村名录) in the refusals: "文件过大：台账文件不能超过
	// 64 MB", "超出台账的正常规模". The reader knows nothing of ledgers; blank reads as 表格.
	Noun string
}

// noun is what the refusals call the file: Noun, or 表格 when the caller named nothing.
func (l Limits) noun() string {
	if l.Noun == "" {
		return "表格"
	}
	return l.Noun
}

// DefaultLimits fits a province-scale ledger (200,000 points) with room to spare.
func DefaultLimits() Limits {
	return Limits{
		MaxFileBytes:  64 << 20,
		MaxPartBytes:  512 << 20,
		MaxRatio:      200,
		MaxRows:       250_001,
		MaxCols:       64,
		MaxTokenBytes: 1 << 20,
		// 24 MiB: room for 250,000 rows with two distinct strings each (code, name) of up to 40
		// bytes, and low enough that one hostile file adds well under 64 MiB to the process.
		MaxSharedStringBytes: 24 << 20,
		MaxSmallPartBytes:    1 << 20,
	}
}

// CellType is how a cell's value is stored in the sheet.
type CellType uint8

// Cell types of SpreadsheetML (the t attribute); CellNumber is the default.
const (
	CellNumber        CellType = iota // t absent or "n": a number, dates included (serial days)
	CellSharedString                  // t="s"
	CellInlineString                  // t="inlineStr"
	CellFormulaString                 // t="str": the cached result of a formula
	CellBool                          // t="b"
	CellError                         // t="e"
	CellISODate                       // t="d": an ISO 8601 date
)

// Cell is one non-empty cell of a row. Value is the decoded text (shared strings resolved,
// entities decoded) and is only valid until the callback that received it returns.
type Cell struct {
	Col   int // 0-based
	Type  CellType
	Value []byte
}

// Row is one row of the sheet as read: its 1-based number and its non-empty cells in order.
type Row struct {
	Number int
	Cells  []Cell
}

// Workbook is an opened .xlsx read part by part straight from the zip archive.
type Workbook struct {
	zr     *zip.Reader
	limits Limits
	sheets []sheetRef
	ssPath string
	// Shared strings live in fixed-size chunks (never copied as the table grows, so memory is the
	// table itself) and are found by one packed uint64 each: chunk, start and end.
	ssChunks [][]byte
	ssRefs   []uint64
	ssRead   bool
}

type sheetRef struct {
	Name string
	Path string
}

// ReadFile reads an upload into memory, refusing one larger than the limit. The bytes are
// needed anyway: zip reads from the end of the file, and the original is kept for audit.
func ReadFile(r io.Reader, limits Limits) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, limits.MaxFileBytes+1))
	if err != nil {
		return nil, fmt.Errorf("xlsx: read upload: %w", err)
	}
	if int64(len(data)) > limits.MaxFileBytes {
		return nil, models.Errorf(models.ETooLarge, "文件过大：%s文件不能超过 %d MB。", limits.noun(), limits.MaxFileBytes>>20)
	}
	return data, nil
}

// Open opens an .xlsx (in memory or a spooled file) and reads its list of sheets.
func Open(r io.ReaderAt, size int64, limits Limits) (*Workbook, error) {
	if size > limits.MaxFileBytes {
		return nil, models.Errorf(models.ETooLarge, "文件过大：%s文件不能超过 %d MB。", limits.noun(), limits.MaxFileBytes>>20)
	}
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, models.Errorf(models.EInvalid, "文件不是有效的 Excel 工作簿（.xlsx），请用 Excel 或 WPS 另存为 .xlsx 后重新上传。")
	}
	if len(zr.File) > 10_000 {
		return nil, models.Errorf(models.EInvalid, "文件不是有效的 Excel 工作簿（.xlsx）：包含的部件过多。")
	}
	wb := &Workbook{zr: zr, limits: limits}
	if err := wb.readWorkbook(); err != nil {
		return nil, err
	}
	return wb, nil
}

// SheetNames lists the workbook's sheets in order.
func (wb *Workbook) SheetNames() []string {
	out := make([]string, len(wb.sheets))
	for i, s := range wb.sheets {
		out[i] = s.Name
	}
	return out
}

// part finds a part of the archive by name (case-insensitively, as Excel does).
func (wb *Workbook) part(name string) *zip.File {
	name = strings.TrimPrefix(name, "/")
	for _, f := range wb.zr.File {
		if strings.EqualFold(f.Name, name) {
			return f
		}
	}
	return nil
}

// openPart opens a part for streaming, guarding against zip bombs: the declared size is checked
// before reading and the actual size while reading.
func (wb *Workbook) openPart(f *zip.File) (io.ReadCloser, error) {
	if f.UncompressedSize64 > uint64(wb.limits.MaxPartBytes) ||
		(f.CompressedSize64 > 0 && f.UncompressedSize64/f.CompressedSize64 > uint64(wb.limits.MaxRatio)) {
		return nil, models.Errorf(models.ETooLarge, "文件内容解压后过大（%s），请检查文件或拆分后上传。", f.Name)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, models.Errorf(models.EInvalid, "文件已损坏，无法读取其中的 %s。", f.Name)
	}
	limit := min(int64(f.UncompressedSize64), wb.limits.MaxPartBytes)
	return &limitedPart{rc: rc, r: io.LimitReader(rc, limit+1), limit: limit, name: f.Name}, nil
}

// limitedPart fails once more bytes come out of a part than its header declared.
type limitedPart struct {
	rc    io.ReadCloser
	r     io.Reader
	n     int64
	limit int64
	name  string
}

func (p *limitedPart) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	p.n += int64(n)
	if p.n > p.limit {
		return n, models.Errorf(models.ETooLarge, "文件内容解压后超过声明的大小（%s），文件可能已损坏或被篡改。", p.name)
	}
	if err != nil && !errors.Is(err, io.EOF) {
		return n, models.Errorf(models.EInvalid, "文件已损坏，无法读取其中的 %s。", p.name)
	}
	return n, err
}

func (p *limitedPart) Close() error { return p.rc.Close() }

// readSmallPart reads a small XML part (workbook, relationships) whole, within the small-part limit.
func (wb *Workbook) readSmallPart(name string) ([]byte, bool, error) {
	f := wb.part(name)
	if f == nil {
		return nil, false, nil
	}
	if f.UncompressedSize64 > uint64(wb.limits.smallPartBytes()) {
		return nil, true, models.Errorf(models.ETooLarge, "文件内容异常：%s 过大（上限 %d KB），不是正常的 Excel 工作簿。", f.Name, wb.limits.smallPartBytes()>>10)
	}
	rc, err := wb.openPart(f)
	if err != nil {
		return nil, true, err
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		return nil, true, fmt.Errorf("xlsx: read %s: %w", name, err)
	}
	return b, true, nil
}

type rels struct {
	Rels []struct {
		ID     string `xml:"Id,attr"`
		Type   string `xml:"Type,attr"`
		Target string `xml:"Target,attr"`
	} `xml:"Relationship"`
}

// readWorkbook finds the workbook part through the package relationships, then its sheets and
// shared strings through the workbook's relationships.
func (wb *Workbook) readWorkbook() error {
	bad := models.Errorf(models.EInvalid, "文件不是有效的 Excel 工作簿（.xlsx）：缺少工作簿信息。")
	wbPath := "xl/workbook.xml"
	if b, ok, err := wb.readSmallPart("_rels/.rels"); err != nil {
		return err
	} else if ok {
		var rels rels
		if xml.Unmarshal(b, &rels) == nil {
			for _, r := range rels.Rels {
				if strings.HasSuffix(r.Type, "/officeDocument") {
					wbPath = strings.TrimPrefix(r.Target, "/")
				}
			}
		}
	}
	b, ok, err := wb.readSmallPart(wbPath)
	if err != nil {
		return err
	}
	if !ok {
		return bad
	}
	var book struct {
		Sheets []struct {
			Name string `xml:"name,attr"`
			RID  string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
		} `xml:"sheets>sheet"`
	}
	if err := xml.Unmarshal(b, &book); err != nil || len(book.Sheets) == 0 {
		return bad
	}
	dir := path.Dir(wbPath)
	relsPath := path.Join(dir, "_rels", path.Base(wbPath)+".rels")
	targets := map[string]string{}
	wb.ssPath = path.Join(dir, "sharedStrings.xml")
	if rb, ok, err := wb.readSmallPart(relsPath); err != nil {
		return err
	} else if ok {
		var rels rels
		if err := xml.Unmarshal(rb, &rels); err != nil {
			return bad
		}
		for _, r := range rels.Rels {
			t := r.Target
			if strings.HasPrefix(t, "/") {
				t = strings.TrimPrefix(t, "/")
			} else {
				t = path.Join(dir, t)
			}
			targets[r.ID] = t
			if strings.HasSuffix(r.Type, "/sharedStrings") {
				wb.ssPath = t
			}
		}
	}
	for i, s := range book.Sheets {
		p, ok := targets[s.RID]
		if !ok {
			p = path.Join(dir, fmt.Sprintf("worksheets/sheet%d.xml", i+1))
		}
		wb.sheets = append(wb.sheets, sheetRef{Name: s.Name, Path: p})
	}
	return nil
}

// ssChunk is the size of one chunk of the shared-string table, and so also the longest
// shared string accepted (Excel's own cell limit, 32,767 characters, is under 128 KiB).
const ssChunk = 1 << 20

// loadSharedStrings reads the shared-string table once. The table is bounded in total bytes
// (MaxSharedStringBytes: text plus 8 bytes of index per entry), never sized from what the part
// declares (its size, count or uniqueCount), and grows only as text actually arrives.
func (wb *Workbook) loadSharedStrings() error {
	if wb.ssRead {
		return nil
	}
	wb.ssRead = true
	f := wb.part(wb.ssPath)
	if f == nil {
		return nil
	}
	rc, err := wb.openPart(f)
	if err != nil {
		return err
	}
	defer rc.Close()
	budget := wb.limits.sharedStringBytes()
	tooMany := models.Errorf(models.ETooLarge, "文件中的文字内容过多（共享字符串超过 %d MB），超出%s的正常规模，请检查文件或拆分后上传。", budget>>20, wb.limits.noun())
	var cur []byte // the chunk being filled; the open string is cur[start:]
	start, open, used := 0, false, 0
	closeString := func() error {
		if !open {
			return nil
		}
		open = false
		wb.ssRefs = append(wb.ssRefs, uint64(len(wb.ssChunks)-1)<<48|uint64(start)<<24|uint64(len(cur)))
		used += 8
		if used > budget {
			return tooMany
		}
		return nil
	}
	openString := func() {
		if cur == nil {
			cur = make([]byte, 0, min(ssChunk, budget))
			wb.ssChunks = append(wb.ssChunks, cur)
		}
		start, open = len(cur), true
	}
	// appendText adds text to the open string, starting a new chunk (and moving the string's
	// beginning there) when the current one is full. Decoding never lengthens text.
	appendText := func(text []byte, decode bool) error {
		if len(cur)+len(text) > cap(cur) {
			if len(cur)-start+len(text) > ssChunk {
				return models.Errorf(models.EInvalid, "文件内容异常：%s 中有过长的文字（超过 %d KB）。", f.Name, ssChunk>>10)
			}
			next := make([]byte, 0, ssChunk)
			next = append(next, cur[start:]...)
			wb.ssChunks[len(wb.ssChunks)-1] = cur
			cur, start = next, 0
			wb.ssChunks = append(wb.ssChunks, cur)
		}
		before := len(cur)
		if decode {
			cur = appendText(cur, text)
		} else {
			cur = append(cur, text...)
		}
		wb.ssChunks[len(wb.ssChunks)-1] = cur
		used += len(cur) - before
		if used > budget {
			return tooMany
		}
		return nil
	}
	sc := newScanner(rc, 64<<10, wb.limits.MaxTokenBytes)
	// Depth counters: text counts only inside <si>…<t>, never inside phonetic runs (<rPh>).
	inSI, inT, inRPh := false, false, 0
	for {
		err := sc.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return wb.xmlErr(f.Name, err)
		}
		switch sc.kind {
		case tokStart, tokSelfClose:
			switch string(sc.name) {
			case "si":
				if err := closeString(); err != nil {
					return err
				}
				openString()
				inSI = sc.kind == tokStart
			case "t":
				inT = inSI && sc.kind == tokStart
			case "rPh":
				if sc.kind == tokStart {
					inRPh++
				}
			}
		case tokEnd:
			switch string(sc.name) {
			case "si":
				inSI = false
			case "t":
				inT = false
			case "rPh":
				inRPh--
			}
		case tokText, tokCDATA:
			if inT && inRPh == 0 && open {
				if err := appendText(sc.text, sc.kind == tokText); err != nil {
					return err
				}
			}
		}
	}
	return closeString()
}

// sharedStringBytes is MaxSharedStringBytes, or its default when limits were built by hand.
func (l Limits) sharedStringBytes() int {
	if l.MaxSharedStringBytes > 0 {
		return l.MaxSharedStringBytes
	}
	return DefaultLimits().MaxSharedStringBytes
}

// smallPartBytes is MaxSmallPartBytes, or its default when limits were built by hand.
func (l Limits) smallPartBytes() int64 {
	if l.MaxSmallPartBytes > 0 {
		return l.MaxSmallPartBytes
	}
	return DefaultLimits().MaxSmallPartBytes
}

// sharedString returns shared string i, or false when the index is out of range.
func (wb *Workbook) sharedString(i int) ([]byte, bool) {
	if i < 0 || i >= len(wb.ssRefs) {
		return nil, false
	}
	ref := wb.ssRefs[i]
	return wb.ssChunks[ref>>48][ref>>24&(1<<24-1) : ref&(1<<24-1)], true
}

func (wb *Workbook) xmlErr(part string, err error) error {
	var appErr *models.Error
	if errors.As(err, &appErr) {
		return err
	}
	if errors.Is(err, errTokenTooLong) {
		return models.Errorf(models.EInvalid, "文件内容异常：%s 中有过长的单元格或标记。", part)
	}
	return models.Errorf(models.EInvalid, "文件已损坏：%s 的内容无法识别。", part)
}

// SheetDimension is the row count a sheet declares in its <dimension> (0 when absent); a hint
// for sizing, never trusted as a limit.
type SheetDimension int

// ReadRows streams the named sheet row by row into fn. Rows are handed over in file order with their
// non-empty cells; the row and its cells are reused after fn returns. An error from fn stops the read
// and is returned as is. hint, if not nil, is told the row count the sheet declares in its
// <dimension> or, lacking one, an estimate made from the part's size after the first rows.
func (wb *Workbook) ReadRows(sheet string, hint func(SheetDimension), fn func(Row) error) error {
	var ref *sheetRef
	for i := range wb.sheets {
		if wb.sheets[i].Name == sheet {
			ref = &wb.sheets[i]
		}
	}
	if ref == nil {
		return models.Errorf(models.EInvalid, "文件中没有名为“%s”的工作表。", sheet)
	}
	if err := wb.loadSharedStrings(); err != nil {
		return err
	}
	f := wb.part(ref.Path)
	if f == nil {
		return models.Errorf(models.EInvalid, "文件已损坏：找不到工作表“%s”的内容。", sheet)
	}
	rc, err := wb.openPart(f)
	if err != nil {
		return err
	}
	defer rc.Close()
	rr := rowReader{wb: wb, sc: newScanner(rc, 128<<10, wb.limits.MaxTokenBytes), sheet: sheet, hint: hint, fn: fn,
		partSize: int64(f.UncompressedSize64)}
	if err := rr.run(); err != nil {
		if errors.Is(err, errCallback) {
			return rr.cbErr
		}
		return wb.xmlErr(f.Name, err)
	}
	return nil
}

var errCallback = errors.New("xlsx: callback stopped the read")

// rowReader holds the state of one pass over a sheet.
type rowReader struct {
	wb    *Workbook
	sc    *scanner
	sheet string
	hint  func(SheetDimension)
	fn    func(Row) error
	cbErr error

	row      Row
	text     []byte // decoded text of the current row's cells; cells hold offsets until the row ends
	offs     []int  // start of each cell's text in text, end is the next start
	rows     int
	lastRow  int
	partSize int64
	hinted   bool
	at       sheetPos
}

// sheetPos is where the reader is in the sheet's XML: inside which row, cell and text elements,
// and the cell being read.
type sheetPos struct {
	inRow, inCell, inV, inIS, inT bool
	inRPh                         int // depth of <rPh> (phonetic runs, not part of the text)
	lastCol                       int
	cell                          Cell
	cellStart                     int
}

// keepsText reports whether text here is a cell's value: inside <v>, or inside <t> of an inline
// string but not of a phonetic run.
func (p *sheetPos) keepsText() bool { return p.inV || (p.inT && p.inRPh == 0) }

// estimateAfter is the number of rows after which, lacking a usable <dimension>, the row
// count is estimated from the part's size and the bytes per row seen so far.
const estimateAfter = 64

// minRowBytes is fewer bytes of sheet XML than any ledger row with a point takes (ten or more
// cells of at least 20 bytes each), so partSize/minRowBytes bounds the rows a sheet can hold.
const minRowBytes = 200

// run reads the sheet's tokens until </sheetData> or the end of the part, handing each finished
// row to the callback.
func (rr *rowReader) run() error {
	for {
		err := rr.sc.next()
		if errors.Is(err, io.EOF) {
			if rr.at.inRow {
				return errBadXML
			}
			return nil
		}
		if err != nil {
			return err
		}
		done, err := rr.token()
		if err != nil || done {
			return err
		}
		if len(rr.text) > rr.wb.limits.MaxTokenBytes*4 {
			return errTokenTooLong
		}
	}
}

// token takes in the scanner's current token; done is true at </sheetData>, after which nothing
// holds cells.
func (rr *rowReader) token() (done bool, err error) {
	switch rr.sc.kind {
	case tokStart, tokSelfClose:
		return false, rr.openTag(rr.sc.kind == tokSelfClose)
	case tokEnd:
		return rr.closeTag()
	case tokText:
		if rr.at.keepsText() {
			rr.text = appendText(rr.text, rr.sc.text)
		}
	case tokCDATA:
		if rr.at.keepsText() {
			rr.text = append(rr.text, rr.sc.text...)
		}
	}
	return false, nil
}

// openTag takes in a start tag (self is true for a self-closing one).
func (rr *rowReader) openTag(self bool) error {
	at := &rr.at
	switch string(rr.sc.name) {
	case "c":
		return rr.startCell(self)
	case "v":
		at.inV = at.inCell && !self
	case "is":
		at.inIS = at.inCell && !self
	case "t":
		at.inT = at.inIS && !self
	case "rPh":
		if !self {
			at.inRPh++
		}
	case "row":
		return rr.startRow(self)
	case "dimension":
		rr.readDimension()
	}
	return nil
}

// closeTag takes in an end tag; done is true at </sheetData>.
func (rr *rowReader) closeTag() (done bool, err error) {
	at := &rr.at
	switch string(rr.sc.name) {
	case "c":
		if at.inCell {
			if err := rr.endCell(at.cell, at.cellStart); err != nil {
				return false, err
			}
		}
		at.inCell, at.inV, at.inIS, at.inT = false, false, false, false
	case "v":
		at.inV = false
	case "is":
		at.inIS = false
	case "t":
		at.inT = false
	case "rPh":
		at.inRPh--
	case "row":
		if !at.inRow {
			return false, errBadXML
		}
		if err := rr.endRow(); err != nil {
			return false, err
		}
		at.inRow = false
	case "sheetData":
		return true, nil
	}
	return false, nil
}

// startCell begins a <c> cell: its column (from r, or the one after the last) and its type.
func (rr *rowReader) startCell(self bool) error {
	at := &rr.at
	if !at.inRow {
		return errBadXML
	}
	col := at.lastCol + 1
	if r := attr(rr.sc.attrs, "r"); r != nil {
		c, _, err := CellRef(r)
		if err != nil {
			return err
		}
		col = c
	}
	at.lastCol = col
	at.cell = Cell{Col: col, Type: cellType(attr(rr.sc.attrs, "t"))}
	at.cellStart = len(rr.text)
	at.inCell = !self
	return nil
}

// startRow begins a <row>: its number (from r, or the one after the last) and an empty row; a
// self-closing row ends at once.
func (rr *rowReader) startRow(self bool) error {
	at := &rr.at
	if at.inRow {
		return errBadXML
	}
	n := rr.lastRow + 1
	if r := attr(rr.sc.attrs, "r"); r != nil {
		v, err := atoi(r)
		if err != nil || v < 1 {
			return errBadXML
		}
		n = v
	}
	rr.lastRow = n
	rr.row.Number, rr.row.Cells, rr.text, rr.offs = n, rr.row.Cells[:0], rr.text[:0], rr.offs[:0]
	at.lastCol = -1
	at.inRow = true
	if self {
		if err := rr.endRow(); err != nil {
			return err
		}
		at.inRow = false
	}
	return nil
}

// readDimension tells the hint the row count <dimension ref="A1:…"> declares, believed only as far
// as the part's real size allows: A1:XFD1048576 in a small sheet sizes nothing.
func (rr *rowReader) readDimension() {
	if rr.hint == nil {
		return
	}
	ref := attr(rr.sc.attrs, "ref")
	if ref == nil {
		return
	}
	i := bytes.IndexByte(ref, ':')
	if i < 0 {
		return
	}
	if _, last, err := CellRef(ref[i+1:]); err == nil && last > 1 {
		last = int(min(int64(last), rr.partSize/minRowBytes+1))
		rr.hint(SheetDimension(last))
		rr.hinted = true
	}
}

// endCell records a finished cell: shared-string indexes are resolved, cells right of MaxCols and
// empty cells are dropped.
func (rr *rowReader) endCell(cell Cell, start int) error {
	if cell.Col >= rr.wb.limits.MaxCols || len(rr.text) == start {
		rr.text = rr.text[:start]
		return nil
	}
	if cell.Type == CellSharedString {
		i, err := atoi(bytes.TrimSpace(rr.text[start:]))
		rr.text = rr.text[:start]
		if err != nil {
			return errBadXML
		}
		s, ok := rr.wb.sharedString(i)
		if !ok {
			return errBadXML
		}
		if len(s) == 0 {
			return nil
		}
		// Shared strings are referenced in place: a negative offset marks them.
		rr.offs = append(rr.offs, -1)
		cell.Value = s
		rr.row.Cells = append(rr.row.Cells, cell)
		return nil
	}
	rr.offs = append(rr.offs, start)
	rr.row.Cells = append(rr.row.Cells, cell)
	return nil
}

// endRow fixes up cell values (the text buffer may have moved while the row grew) and hands the row
// to the callback.
func (rr *rowReader) endRow() error {
	rr.rows++
	if rr.rows == estimateAfter && !rr.hinted && rr.hint != nil && rr.partSize > 0 {
		// Writers such as excelize's StreamWriter leave <dimension ref="A1">; guess from the size so
		// that the caller can size its buffers once instead of doubling them.
		if used := rr.sc.consumed(); used > 0 {
			est := rr.partSize * int64(rr.rows) / used
			rr.hint(SheetDimension(min(est+est/32+1, int64(rr.wb.limits.MaxRows))))
		}
	}
	if rr.rows > rr.wb.limits.MaxRows {
		rr.cbErr = models.Errorf(models.ETooLarge, "工作表“%s”超过 %d 行，请拆分后上传。", rr.sheet, rr.wb.limits.MaxRows-1)
		return errCallback
	}
	// Inline values live in rr.text; their end is the start of the next inline value.
	next := len(rr.text)
	for i := len(rr.row.Cells) - 1; i >= 0; i-- {
		if rr.offs[i] < 0 {
			continue
		}
		rr.row.Cells[i].Value = rr.text[rr.offs[i]:next]
		next = rr.offs[i]
	}
	if err := rr.fn(rr.row); err != nil {
		rr.cbErr = err
		return errCallback
	}
	return nil
}

func cellType(t []byte) CellType {
	switch string(t) {
	case "s":
		return CellSharedString
	case "inlineStr":
		return CellInlineString
	case "str":
		return CellFormulaString
	case "b":
		return CellBool
	case "e":
		return CellError
	case "d":
		return CellISODate
	}
	return CellNumber
}
