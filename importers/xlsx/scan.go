package xlsx

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"
)

// tokenKind says what a token of the light XML scanner is.
type tokenKind uint8

const (
	tokStart     tokenKind = iota + 1 // <name attrs>
	tokEnd                            // </name>
	tokSelfClose                      // <name attrs/>
	tokText                           // character data (raw, entities not yet decoded)
	tokCDATA                          // <![CDATA[...]]> content (taken literally)
)

// errTokenTooLong is returned when one tag or text run exceeds the scanner's window; a
// well-formed sheet never gets close, a hostile one must not make the reader grow without bound.
var errTokenTooLong = errors.New("xlsx: xml token too long")

// errBadXML is returned for markup the scanner cannot make sense of.
var errBadXML = errors.New("xlsx: malformed xml")

// scanner is a minimal pull tokenizer for the SpreadsheetML parts (sheet, shared strings). It
// is not a general XML parser: it skips comments, processing instructions and DOCTYPEs, does not check
// nesting, and hands back tag names without their namespace prefix. That is all a worksheet needs,
// and it avoids the per-token allocations of encoding/xml, which dominate its cost on large sheets.
// Token slices point into the scanner's window and are valid until the next call to next.
type scanner struct {
	src    io.Reader
	buf    []byte
	r, w   int // unread data is buf[r:w]
	eof    bool
	total  int64 // bytes read from src so far
	maxTok int
	err    error // sticky read error

	kind  tokenKind
	name  []byte // local name for tags
	attrs []byte // raw attribute text of a start tag
	text  []byte // raw text or CDATA content
}

func newScanner(src io.Reader, bufSize, maxTok int) *scanner {
	bufSize = min(bufSize, maxTok)
	return &scanner{src: src, buf: make([]byte, bufSize), maxTok: maxTok}
}

// fill moves unread bytes to the front and reads more, growing the window (up to maxTok) when a
// single token does not fit. It reports whether any new byte arrived.
func (s *scanner) fill() bool {
	if s.eof || s.err != nil {
		return false
	}
	if s.r > 0 {
		n := copy(s.buf, s.buf[s.r:s.w])
		s.r, s.w = 0, n
	}
	if s.w == len(s.buf) {
		if len(s.buf) >= s.maxTok {
			s.err = errTokenTooLong
			return false
		}
		nb := make([]byte, min(2*len(s.buf), s.maxTok))
		copy(nb, s.buf[:s.w])
		s.buf = nb
	}
	for {
		n, err := s.src.Read(s.buf[s.w:])
		s.w += n
		s.total += int64(n)
		if err == io.EOF {
			s.eof = true
			return n > 0
		}
		if err != nil {
			s.err = err
			return n > 0
		}
		if n > 0 {
			return true
		}
	}
}

// next reads the next token; it returns io.EOF at the end of input.
func (s *scanner) next() error {
	for {
		if s.r >= s.w && !s.fill() {
			return s.endErr()
		}
		if s.buf[s.r] != '<' {
			// Text up to the next '<' (or the end of input).
			i := bytes.IndexByte(s.buf[s.r:s.w], '<')
			for i < 0 {
				scanned := s.w - s.r
				if !s.fill() {
					if s.err != nil {
						return s.err
					}
					i = s.w - s.r // text runs to the end of input
					break
				}
				if j := bytes.IndexByte(s.buf[s.r+scanned:s.w], '<'); j >= 0 {
					i = scanned + j
				}
			}
			s.kind, s.text = tokText, s.buf[s.r:s.r+i]
			s.r += i
			return nil
		}
		// Markup: make sure at least a few bytes after '<' are present to classify it.
		for s.w-s.r < 9 && s.fill() {
		}
		rest := s.buf[s.r:s.w]
		switch {
		case len(rest) >= 2 && rest[1] == '?':
			if err := s.skipPast("?>"); err != nil {
				return err
			}
			continue
		case bytes.HasPrefix(rest, []byte("<!--")):
			if err := s.skipPast("-->"); err != nil {
				return err
			}
			continue
		case bytes.HasPrefix(rest, []byte("<![CDATA[")):
			end, err := s.find("]]>", 9)
			if err != nil {
				return err
			}
			s.kind, s.text = tokCDATA, s.buf[s.r+9:s.r+end]
			s.r += end + 3
			return nil
		case len(rest) >= 2 && rest[1] == '!':
			if err := s.skipPast(">"); err != nil { // DOCTYPE and friends; sheets have none
				return err
			}
			continue
		}
		end, err := s.tagEnd()
		if err != nil {
			return err
		}
		tag := s.buf[s.r+1 : s.r+end] // without '<' and '>'
		s.r += end + 1
		if len(tag) > 0 && tag[0] == '/' {
			s.kind, s.name, s.attrs = tokEnd, localName(bytes.TrimRight(tag[1:], " \t\r\n")), nil
			return nil
		}
		s.kind = tokStart
		if len(tag) > 0 && tag[len(tag)-1] == '/' {
			s.kind, tag = tokSelfClose, tag[:len(tag)-1]
		}
		n := 0
		for n < len(tag) && !isSpace(tag[n]) {
			n++
		}
		if n == 0 {
			return errBadXML
		}
		s.name, s.attrs = localName(tag[:n]), tag[n:]
		return nil
	}
}

// consumed is the number of input bytes tokenized so far.
func (s *scanner) consumed() int64 { return s.total - int64(s.w-s.r) }

func (s *scanner) endErr() error {
	if s.err != nil {
		return s.err
	}
	return io.EOF
}

// tagEnd returns the offset from s.r of the '>' closing the tag at s.r, honouring quoted attribute
// values (which may legally contain '>').
func (s *scanner) tagEnd() (int, error) {
	i := 1
	var quote byte
	for {
		for ; s.r+i < s.w; i++ {
			c := s.buf[s.r+i]
			switch {
			case quote != 0:
				if c == quote {
					quote = 0
				}
			case c == '"' || c == '\'':
				quote = c
			case c == '>':
				return i, nil
			}
		}
		if !s.fill() {
			if s.err != nil {
				return 0, s.err
			}
			return 0, errBadXML
		}
	}
}

// find returns the offset from s.r of the first occurrence of pat at or after from.
func (s *scanner) find(pat string, from int) (int, error) {
	for {
		if s.r+from <= s.w {
			if j := bytes.Index(s.buf[s.r+from:s.w], []byte(pat)); j >= 0 {
				return from + j, nil
			}
		}
		if !s.fill() {
			if s.err != nil {
				return 0, s.err
			}
			return 0, errBadXML
		}
	}
}

func (s *scanner) skipPast(pat string) error {
	end, err := s.find(pat, 1)
	if err != nil {
		return err
	}
	s.r += end + len(pat)
	return nil
}

// attr returns the raw value of the attribute with the given local name in a start tag's attribute
// text, or nil.
func attr(attrs []byte, name string) []byte {
	for len(attrs) > 0 {
		i := 0
		for i < len(attrs) && isSpace(attrs[i]) {
			i++
		}
		attrs = attrs[i:]
		eq := bytes.IndexByte(attrs, '=')
		if eq < 0 {
			return nil
		}
		key := localName(bytes.TrimRight(attrs[:eq], " \t\r\n"))
		rest := attrs[eq+1:]
		i = 0
		for i < len(rest) && isSpace(rest[i]) {
			i++
		}
		if i >= len(rest) || (rest[i] != '"' && rest[i] != '\'') {
			return nil
		}
		q := rest[i]
		end := bytes.IndexByte(rest[i+1:], q)
		if end < 0 {
			return nil
		}
		val := rest[i+1 : i+1+end]
		if string(key) == name {
			return val
		}
		attrs = rest[i+1+end+1:]
	}
	return nil
}

func localName(b []byte) []byte {
	if i := bytes.LastIndexByte(b, ':'); i >= 0 {
		return b[i+1:]
	}
	return b
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// appendText appends character data to dst, decoding XML entities and Excel's _xHHHH_
// escapes (how Excel stores control characters such as _x000D_ in strings).
func appendText(dst, raw []byte) []byte {
	if bytes.IndexByte(raw, '&') < 0 && !bytes.Contains(raw, []byte("_x")) {
		return append(dst, raw...)
	}
	for len(raw) > 0 {
		i := bytes.IndexAny(raw, "&_")
		if i < 0 {
			return append(dst, raw...)
		}
		dst = append(dst, raw[:i]...)
		raw = raw[i:]
		if raw[0] == '_' {
			if r, ok := excelEscape(raw); ok {
				dst = utf8.AppendRune(dst, r)
				raw = raw[7:]
				continue
			}
			dst = append(dst, '_')
			raw = raw[1:]
			continue
		}
		semi := bytes.IndexByte(raw, ';')
		if semi < 0 || semi > 12 {
			dst = append(dst, '&') // a stray ampersand: keep it as written
			raw = raw[1:]
			continue
		}
		ent := raw[1:semi]
		switch string(ent) {
		case "lt":
			dst = append(dst, '<')
		case "gt":
			dst = append(dst, '>')
		case "amp":
			dst = append(dst, '&')
		case "quot":
			dst = append(dst, '"')
		case "apos":
			dst = append(dst, '\'')
		default:
			r, ok := charRef(ent)
			if !ok {
				dst = append(dst, raw[:semi+1]...)
				raw = raw[semi+1:]
				continue
			}
			dst = utf8.AppendRune(dst, r)
		}
		raw = raw[semi+1:]
	}
	return dst
}

// excelEscape decodes _xHHHH_ at the start of b.
func excelEscape(b []byte) (rune, bool) {
	if len(b) < 7 || b[1] != 'x' || b[6] != '_' {
		return 0, false
	}
	var r rune
	for _, c := range b[2:6] {
		v, ok := hexDigit(c)
		if !ok {
			return 0, false
		}
		r = r<<4 | rune(v)
	}
	return r, true
}

// charRef decodes the body of a numeric character reference (#123 or #x7B).
func charRef(ent []byte) (rune, bool) {
	if len(ent) < 2 || ent[0] != '#' {
		return 0, false
	}
	var r rune
	if ent[1] == 'x' || ent[1] == 'X' {
		if len(ent) < 3 {
			return 0, false
		}
		for _, c := range ent[2:] {
			v, ok := hexDigit(c)
			if !ok {
				return 0, false
			}
			r = r<<4 | rune(v)
		}
	} else {
		for _, c := range ent[1:] {
			if c < '0' || c > '9' {
				return 0, false
			}
			r = r*10 + rune(c-'0')
		}
	}
	if r > utf8.MaxRune {
		return 0, false
	}
	return r, true
}

func hexDigit(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// CellRef splits a cell reference such as "AB12" into a 0-based column and a 1-based row.
func CellRef(ref []byte) (col, row int, err error) {
	i := 0
	for i < len(ref) && ref[i] >= 'A' && ref[i] <= 'Z' {
		col = col*26 + int(ref[i]-'A'+1)
		i++
		if col > 16384 {
			return 0, 0, fmt.Errorf("xlsx: cell reference %q: %w", ref, errBadXML)
		}
	}
	if i == 0 || i == len(ref) {
		return 0, 0, fmt.Errorf("xlsx: cell reference %q: %w", ref, errBadXML)
	}
	row, err = atoi(ref[i:])
	if err != nil || row < 1 {
		return 0, 0, fmt.Errorf("xlsx: cell reference %q: %w", ref, errBadXML)
	}
	return col - 1, row, nil
}

// atoi parses a small non-negative decimal integer without allocating.
func atoi(b []byte) (int, error) {
	if len(b) == 0 || len(b) > 9 {
		return 0, errBadXML
	}
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, errBadXML
		}
		n = n*10 + int(c-'0')
	}
	return n, nil
}

// ColumnName turns a 0-based column index into its letters (0 → "A", 27 → "AB").
func ColumnName(col int) string {
	var b [4]byte
	i := len(b)
	for col++; col > 0 && i > 0; col = (col - 1) / 26 {
		i--
		b[i] = byte('A' + (col-1)%26)
	}
	return string(b[i:])
}
