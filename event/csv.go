package event

import (
	"fmt"
	"io"
	"unicode/utf8"
)

// CSVReader reads comma-separated events (docs/input-formats.md): a header
// row names the columns; an event_type column gives each row's type (or
// ReaderOptions.Type does) and a ts column its time; every other column is
// a field, typed like a bare .evt value unless quoted.
type CSVReader struct {
	base
	p     parser
	parse func([]byte, int) error

	header  bool     // the header has been read
	names   []string // field name per column; "" for the type and ts columns
	typeCol int      // -1 without an event_type column
	tsCol   int      // -1 without a ts column
	typ     string   // the type when typeCol < 0

	rec     []byte // a record whose quoted field spans lines
	recLine int
	cont    bool
	quote   csvState // quoting state at the end of rec
	tooLong bool     // rec was rejected; skipping to its end
	cells   []csvCell
	cbuf    []byte // unescaped quoted cells of the current record
}

// csvState is the state of scanQuotes.
type csvState uint8

const (
	csvFieldStart csvState = iota // before a field, blanks skipped
	csvUnquoted                   // in an unquoted field
	csvInQuote                    // in a quoted field
	csvAfterQuote                 // after the closing quote of a field
)

// scanQuotes runs the quoting state machine of split over data, so that a
// record whose quoted field spans lines is found complete in linear time.
func scanQuotes(data []byte, st csvState) csvState {
	for i := 0; i < len(data); i++ {
		c := data[i]
		switch st {
		case csvFieldStart:
			switch {
			case c == '"':
				st = csvInQuote
			case c == ',':
			case !isSpace(c):
				st = csvUnquoted
			}
		case csvUnquoted, csvAfterQuote:
			if c == ',' {
				st = csvFieldStart
			}
		case csvInQuote:
			if c == '"' {
				if i+1 < len(data) && data[i+1] == '"' {
					i++
				} else {
					st = csvAfterQuote
				}
			}
		}
	}
	return st
}

type csvCell struct {
	s      []byte
	quoted bool
}

// NewCSVReader returns a reader of CSV input; name is the source named in
// errors and rejections.
func NewCSVReader(r io.Reader, name string, opts ReaderOptions) *CSVReader {
	cr := &CSVReader{typeCol: -1, tsCol: -1}
	cr.init(r, name, opts)
	cr.parse = cr.parseLine
	cr.atEOF = func() error {
		if cr.cont {
			return cr.malformed(cr.recLine, "unterminated quoted field", "")
		}
		return nil
	}
	return cr
}

// Next returns the next batch (see BatchReader).
func (r *CSVReader) Next() (Batch, error) { return r.next(r.parse) }

func (r *CSVReader) parseLine(line []byte, lineNo int) error {
	data, start := line, lineNo
	if r.cont {
		// Only the new line is scanned: rescanning the record at every line
		// would be quadratic in its number of lines.
		r.quote = scanQuotes(line, r.quote)
		if !r.tooLong {
			r.rec = append(r.rec, '\n')
			r.rec = append(r.rec, line...)
			if len(r.rec) > MaxLineBytes {
				r.tooLong = true // skip to the end of the record
				r.rec = r.rec[:0]
				r.reject(r.recLine, fmt.Sprintf("record longer than %d bytes", MaxLineBytes))
			}
		}
		if r.quote == csvInQuote {
			return nil
		}
		r.cont = false
		if r.tooLong {
			r.tooLong = false
			return nil
		}
		data, start = r.rec, r.recLine
	} else {
		if lineNo == 1 && len(line) >= 3 && line[0] == 0xEF && line[1] == 0xBB && line[2] == 0xBF {
			data = line[3:]
		}
		blank := true
		for _, c := range data {
			if !isSpace(c) {
				blank = false
				break
			}
		}
		if blank {
			return nil
		}
		if r.quote = scanQuotes(data, csvFieldStart); r.quote == csvInQuote {
			r.rec = append(r.rec[:0], data...)
			r.recLine, r.cont = lineNo, true
			return nil
		}
	}
	complete, msg := r.split(data)
	if !complete {
		return r.malformed(start, "unterminated quoted field", "") // scanQuotes and split disagree: cannot happen
	}
	if msg != "" {
		return r.malformed(start, msg, `quote a field that holds a comma or a quote, and double the quotes inside: "say ""hi"""`)
	}
	if !r.header {
		return r.readHeader(start)
	}
	if !utf8.Valid(data) {
		r.reject(start, "invalid UTF-8")
		return nil
	}
	r.record(start)
	return nil
}

// split cuts a record into r.cells (RFC 4180 quoting; blanks around fields
// are trimmed). It reports incomplete when a quoted field is still open at
// the end of data.
func (r *CSVReader) split(data []byte) (complete bool, msg string) {
	r.cells = r.cells[:0]
	r.cbuf = r.cbuf[:0]
	i := 0
	for {
		for i < len(data) && isSpace(data[i]) {
			i++
		}
		if i < len(data) && data[i] == '"' {
			i++
			start := len(r.cbuf)
			for {
				if i >= len(data) {
					return false, ""
				}
				c := data[i]
				if c == '"' {
					if i+1 < len(data) && data[i+1] == '"' {
						r.cbuf = append(r.cbuf, '"')
						i += 2
						continue
					}
					i++
					break
				}
				r.cbuf = append(r.cbuf, c)
				i++
			}
			for i < len(data) && isSpace(data[i]) {
				i++
			}
			if i < len(data) && data[i] != ',' {
				return true, fmt.Sprintf("unexpected text after a quoted field (column %d)", i+1)
			}
			r.cells = append(r.cells, csvCell{s: r.cbuf[start:len(r.cbuf):len(r.cbuf)], quoted: true})
		} else {
			start := i
			for i < len(data) && data[i] != ',' {
				i++
			}
			end := i
			for end > start && isSpace(data[end-1]) {
				end--
			}
			r.cells = append(r.cells, csvCell{s: data[start:end]})
		}
		if i >= len(data) {
			return true, ""
		}
		i++ // ','
	}
}

func (r *CSVReader) readHeader(line int) error {
	r.header = true
	const hint = "the first row of a CSV input names its columns"
	nfields := 0
	seen := make(map[string]bool, len(r.cells))
	for col, c := range r.cells {
		if !utf8.Valid(c.s) {
			return r.malformed(line, fmt.Sprintf("column %d: name is not valid UTF-8", col+1), hint)
		}
		name := string(c.s)
		switch {
		case name == "":
			return r.malformed(line, fmt.Sprintf("column %d has no name", col+1), hint)
		case len(name) > MaxStringBytes:
			return r.malformed(line, fmt.Sprintf("column %d: name longer than %d bytes", col+1, MaxStringBytes), hint)
		case seen[name]:
			return r.malformed(line, fmt.Sprintf("duplicate column %q", truncate(name)), hint)
		}
		seen[name] = true
		switch name {
		case "event_type":
			r.typeCol = col
			r.names = append(r.names, "")
		case TSColumn:
			r.tsCol = col
			r.names = append(r.names, "")
		default:
			r.names = append(r.names, r.p.names.get(c.s))
			nfields++
		}
	}
	if nfields > MaxFields {
		return r.malformed(line, fmt.Sprintf("more than %d field columns", MaxFields), hint)
	}
	if r.typeCol < 0 {
		if r.opts.Type == "" {
			return r.malformed(line, "no event_type column", "add an event_type column, or give the type of the rows")
		}
		r.typ = r.opts.Type
	}
	return nil
}

// record turns the cells of one data row into an event.
func (r *CSVReader) record(line int) {
	if len(r.cells) != len(r.names) {
		r.reject(line, fmt.Sprintf("%d fields, but the header has %d columns", len(r.cells), len(r.names)))
		return
	}
	p := &r.p
	p.reset(nil, 0)
	typ := r.typ
	var ts int64
	hasTS := false
	for col, c := range r.cells {
		switch col {
		case r.typeCol:
			if len(c.s) == 0 {
				r.reject(line, "empty event_type")
				return
			}
			if len(c.s) > MaxStringBytes {
				r.reject(line, fmt.Sprintf("type name longer than %d bytes", MaxStringBytes))
				return
			}
			typ = p.types.get(c.s)
			continue
		case r.tsCol:
			if len(c.s) == 0 {
				continue
			}
			t, reason := csvTime(p, c)
			if reason != "" {
				r.reject(line, "ts: "+reason)
				return
			}
			ts, hasTS = t, true
			continue
		}
		var v Value
		switch {
		case c.quoted:
			if len(c.s) > MaxStringBytes {
				r.reject(line, fmt.Sprintf("string longer than %d bytes", MaxStringBytes))
				return
			}
			v = String(view(c.s))
		case len(c.s) > 0:
			if !p.typed(c.s, &v) {
				r.reject(line, p.errMsg)
				return
			}
		}
		p.fields = append(p.fields, Field{Name: r.names[col], Value: v})
	}
	ts, reason := r.eventTime(typ, p.fields, ts, hasTS)
	if reason != "" {
		r.reject(line, reason)
		return
	}
	r.prevTS = ts
	r.bb.AppendFields(typ, ts, p.fields, line)
}

// csvTime reads a ts cell: integer milliseconds or RFC 3339.
func csvTime(p *parser, c csvCell) (int64, string) {
	var v Value
	if isNum, _ := p.number(c.s, false, &v); isNum {
		return envelopeTime(v)
	}
	return envelopeTime(String(view(c.s)))
}
