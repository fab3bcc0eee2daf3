package event

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/cockroachdb/errors"
)

// Resource limits of every input (VPL.md §6.3). An event that violates one
// is rejected as a whole; it is never truncated.
const (
	MaxFields      = 1024    // top-level fields per event
	MaxStringBytes = 1 << 18 // bytes per string, field names and map keys included
	MaxDepth       = 32      // nesting: a top-level field's value is depth 1
	MaxArrayLen    = 10000   // elements per array
	MaxLineBytes   = 1 << 20 // bytes per line or message, line end excluded
)

// CheckLimits checks an event built elsewhere (API rows, output events)
// against the limits the readers enforce while parsing, and returns the
// rejection reason of the first violation, or "". The line limit is left to
// the caller, which knows the event's encoded form.
func CheckLimits(e *Event) string {
	if len(e.Fields) > MaxFields {
		return fmt.Sprintf("more than %d fields", MaxFields)
	}
	if r := checkString(e.Type, "type name"); r != "" {
		return r
	}
	for i := range e.Fields {
		f := &e.Fields[i]
		if r := checkString(f.Name, "name"); r != "" {
			return r
		}
		for j := range i {
			if e.Fields[j].Name == f.Name {
				return fmt.Sprintf("duplicate field %q", truncate(f.Name))
			}
		}
		if r := checkValue(f.Value, 1); r != "" {
			return r
		}
	}
	return ""
}

func checkString(s, what string) string {
	if len(s) > MaxStringBytes {
		return fmt.Sprintf("%s longer than %d bytes", what, MaxStringBytes)
	}
	if !utf8.ValidString(s) {
		return "invalid UTF-8"
	}
	return ""
}

func checkValue(v Value, depth int) string {
	if depth > MaxDepth {
		return fmt.Sprintf("nesting deeper than %d", MaxDepth)
	}
	switch v.Kind() {
	case KindString:
		return checkString(v.AsString(), "string")
	case KindArray:
		if v.Len() > MaxArrayLen {
			return fmt.Sprintf("array with more than %d elements", MaxArrayLen)
		}
	case KindMap:
		for _, k := range v.Keys() {
			if r := checkString(k, "key"); r != "" {
				return r
			}
		}
	default:
		return ""
	}
	for _, e := range v.Elems() {
		if r := checkValue(e, depth+1); r != "" {
			return r
		}
	}
	return ""
}

// ErrMalformed marks the fatal error a reader returns for a malformed line.
// Its message is exactly "<file>:<line>: error: <message>" (VPL.md §6.1).
var ErrMalformed = errors.New("malformed input")

// Rejection reports one rejected event: the reader skipped it and went on.
type Rejection struct {
	Source string
	Line   int
	Reason string
}

// String returns the line that VPL.md §6.3 prints on stderr.
func (r Rejection) String() string {
	return fmt.Sprintf("%s:%d: rejected: %s", r.Source, r.Line, r.Reason)
}

// ReaderOptions configures the input readers. The zero value reads files
// for simulate.
type ReaderOptions struct {
	// Mem allocates the Arrow buffers of the batches (default
	// memory.DefaultAllocator).
	Mem memory.Allocator
	// Reject is called for every rejected event, in input order (nil: only
	// counted, see Rejected).
	Reject func(Rejection)
	// EventTime maps an event type to its declared event_time field. It
	// applies to JSON lines and CSV rows, not to .evt events, whose time is
	// always their offset (VPL.md §6.1, §6.2).
	EventTime map[string]string
	// Clock gives the ingest time (ns) of JSON and CSV events that carry no
	// time of their own, under run. Nil means the ts of the previous event
	// (the epoch for the first), as simulate does.
	Clock func() int64
	// Type is the event type of CSV rows when the header has no event_type
	// column.
	Type string
	// MixTypes lets a batch hold events of several types with the same
	// field names (Batch.Types).
	MixTypes bool
	// ProcessingTime gives JSON and CSV events the Clock's time whatever
	// they carry (varpulis run --processing-time, VPL.md §4.1).
	ProcessingTime bool
	// KeyFields limits dictionary numbering to these columns
	// (BatchBuilder.KeyFields); nil numbers every string column.
	KeyFields map[string]bool
}

// BatchReader is the interface shared by the readers of .evt, JSON lines
// and CSV input.
type BatchReader interface {
	// Next returns the next batch, io.EOF after the last one, or the
	// error that stopped reading (a malformed line, marked ErrMalformed, or
	// an I/O error) once the batches before it have been returned. The
	// caller owns each batch and releases its Rec.
	Next() (Batch, error)
	// Rejected returns the number of events rejected so far.
	Rejected() int
	// Close releases batches built but not returned. It does not close the
	// underlying io.Reader.
	Close()
}

// NewReader picks the reader by the file name as simulate does (VPL.md
// §7.4): .jsonl and .ndjson are JSON lines, .csv is CSV, anything else is
// .evt.
func NewReader(r io.Reader, name string, opts ReaderOptions) BatchReader {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".jsonl", ".ndjson":
		return NewJSONLReader(r, name, opts)
	case ".csv":
		return NewCSVReader(r, name, opts)
	}
	return NewEvtReader(r, name, opts)
}

// base is the machinery the readers share: lines in, batches out.
type base struct {
	name     string
	opts     ReaderOptions
	lr       lineReader
	bb       *BatchBuilder
	err      error // sticky error, returned after the pending batches
	rejected int
	prevTS   int64        // ts of the previous accepted event (JSON and CSV)
	atEOF    func() error // optional check at the end of input
}

func (b *base) init(r io.Reader, name string, opts ReaderOptions) {
	b.name = name
	b.opts = opts
	b.lr.init(r)
	b.bb = NewBatchBuilder(opts.Mem)
	b.bb.MixTypes = opts.MixTypes
	b.bb.KeyFields = opts.KeyFields
}

// next drives a reader: it feeds lines to parse until a batch is ready. It
// returns the open batch early when the next line is not buffered and the
// input looks live, so that a slow producer never waits for a full batch.
func (b *base) next(parse func(line []byte, lineNo int) error) (Batch, error) {
	for {
		if bt, ok := b.bb.Take(); ok {
			return bt, nil
		}
		if b.err != nil {
			return Batch{}, b.err
		}
		line, lineNo, st := b.lr.line()
		switch st {
		case lineOK:
			if err := parse(line, lineNo); err != nil {
				b.stop(err)
			}
		case lineTooLong:
			b.reject(lineNo, fmt.Sprintf("line longer than %d bytes", MaxLineBytes))
		case lineNeedMore:
			if b.lr.live && b.bb.Len() > 0 {
				b.bb.CloseBatch()
				continue
			}
			b.lr.fill()
		case lineEOF:
			if b.atEOF != nil {
				if err := b.atEOF(); err != nil {
					b.stop(err)
					continue
				}
			}
			b.stop(io.EOF)
		case lineErr:
			b.stop(errors.Wrapf(b.lr.err, "%s", b.name))
		}
	}
}

// stop records the error that ends reading and closes the open batch, so
// that the events before the error are still delivered.
func (b *base) stop(err error) {
	b.err = err
	b.bb.CloseBatch()
}

func (b *base) reject(line int, reason string) {
	b.rejected++
	if b.opts.Reject != nil {
		b.opts.Reject(Rejection{Source: b.name, Line: line, Reason: reason})
	}
}

// malformed builds the fatal error of a malformed line.
func (b *base) malformed(line int, msg, hint string) error {
	err := errors.Mark(errors.Newf("%s:%d: error: %s", b.name, line, msg), ErrMalformed)
	if hint != "" {
		err = errors.WithHint(err, hint)
	}
	return err
}

// Rejected returns the number of events rejected so far.
func (b *base) Rejected() int { return b.rejected }

// Close releases the batches not yet returned; Next then reports that the
// reader is closed.
func (b *base) Close() {
	b.bb.Release()
	if b.err == nil || b.err == io.EOF {
		b.err = errors.New("reader closed")
	}
}

// eventTime assigns the time of a JSON or CSV event (VPL.md §6.2): the
// declared event_time field (which becomes a timestamp), else the envelope
// time, else the clock or the previous event's ts. It returns a rejection
// reason when the declared field holds something else than a time.
func (b *base) eventTime(typ string, fields []Field, envTS int64, hasEnv bool) (int64, string) {
	if b.opts.ProcessingTime && b.opts.Clock != nil {
		return b.opts.Clock(), "" // run --processing-time: ts is the ingest time
	}
	if name, ok := b.opts.EventTime[typ]; ok {
		for i := range fields {
			if fields[i].Name != name {
				continue
			}
			v := fields[i].Value
			var ts int64
			switch v.Kind() {
			case KindTimestamp:
				ts = v.AsInt()
			case KindInt:
				t, ok := msToNanos(v.AsInt())
				if !ok {
					return 0, fmt.Sprintf("event_time field %q: %d ms is out of range", name, v.AsInt())
				}
				ts = t
			case KindString:
				t, ok := parseTimestamp(v.AsString(), false)
				if !ok {
					return 0, fmt.Sprintf("event_time field %q: %q is not an RFC 3339 timestamp", name, truncate(v.AsString()))
				}
				ts = t
			default:
				return 0, fmt.Sprintf("event_time field %q: want an RFC 3339 string, integer ms or a timestamp, got %s", name, v.Kind())
			}
			fields[i].Value = Timestamp(ts)
			return ts, ""
		}
	}
	if hasEnv {
		return envTS, ""
	}
	if b.opts.Clock != nil {
		return b.opts.Clock(), ""
	}
	return b.prevTS, ""
}

// truncate shortens s for an error message.
func truncate(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}

// msToNanos converts integer milliseconds to ns, reporting overflow.
func msToNanos(ms int64) (int64, bool) {
	const limit = (1<<63 - 1) / 1_000_000
	if ms > limit || ms < -limit {
		return 0, false
	}
	return ms * 1e6, true
}

// Line reading.

type lineStatus uint8

const (
	lineOK       lineStatus = iota
	lineNeedMore            // no complete line buffered: call fill
	lineTooLong             // a line over MaxLineBytes was skipped
	lineEOF
	lineErr
)

// lineReader splits input into lines without copying them. Lines up to
// MaxLineBytes are returned whole; longer ones are skipped (the buffer never
// grows past the limit) and reported, so that one huge line neither stops
// the reader nor exhausts memory.
type lineReader struct {
	rd     io.Reader
	buf    []byte
	r, w   int
	lineNo int
	eof    bool
	err    error
	live   bool // the last read was short: the producer may be slow
	full   bool // the last read filled the buffer: grow it
	skip   bool // discarding the rest of an overlong line
}

// The line buffer starts small, so that a reader of one short message
// costs little, and doubles while reads fill it, up to lineBufSize.
const (
	lineBufStart = 4 << 10
	lineBufSize  = 256 << 10
)

func (l *lineReader) init(r io.Reader) {
	l.rd = r
	l.buf = make([]byte, lineBufStart)
}

// line returns the next line without its terminator (LF or CRLF), valid
// until the next call.
func (l *lineReader) line() ([]byte, int, lineStatus) {
	for {
		data := l.buf[l.r:l.w]
		i := bytes.IndexByte(data, '\n')
		if l.skip {
			if i < 0 {
				l.r = l.w
				if l.eof {
					l.skip = false
					return nil, l.lineNo, lineTooLong
				}
				return nil, 0, lineNeedMore
			}
			l.r += i + 1
			l.skip = false
			return nil, l.lineNo, lineTooLong
		}
		if i < 0 {
			if len(data) > MaxLineBytes+1 { // +1: a CR that may precede the LF
				l.lineNo++
				l.skip = true
				l.r = l.w
				continue
			}
			if l.eof {
				if len(data) == 0 {
					if l.err != nil {
						return nil, 0, lineErr
					}
					return nil, 0, lineEOF
				}
				l.r = l.w
				l.lineNo++
				return l.checked(data)
			}
			return nil, 0, lineNeedMore
		}
		l.r += i + 1
		l.lineNo++
		return l.checked(data[:i])
	}
}

func (l *lineReader) checked(line []byte) ([]byte, int, lineStatus) {
	if n := len(line); n > 0 && line[n-1] == '\r' {
		line = line[:n-1]
	}
	if len(line) > MaxLineBytes {
		return nil, l.lineNo, lineTooLong
	}
	return line, l.lineNo, lineOK
}

// fill reads more input, compacting or growing the buffer as needed.
func (l *lineReader) fill() {
	if l.eof {
		return
	}
	if l.r > 0 {
		l.w = copy(l.buf, l.buf[l.r:l.w])
		l.r = 0
	}
	if l.w == len(l.buf) || l.full && len(l.buf) < lineBufSize {
		size := 2 * len(l.buf)
		if size > MaxLineBytes+lineBufSize {
			size = MaxLineBytes + lineBufSize
		}
		nb := make([]byte, size)
		copy(nb, l.buf[:l.w])
		l.buf = nb
	}
	for tries := 0; ; tries++ {
		n, err := l.rd.Read(l.buf[l.w:])
		if n < 0 || n > len(l.buf)-l.w {
			l.eof, l.err = true, errors.New("reader returned an invalid count")
			return
		}
		l.w += n
		l.live = l.w < len(l.buf)
		l.full = !l.live
		if err != nil {
			l.eof = true
			if err != io.EOF {
				l.err = err
			}
			return
		}
		if n > 0 || tries > 100 {
			if n == 0 {
				l.eof = true
				l.err = io.ErrNoProgress
			}
			return
		}
	}
}

// interner makes one string per distinct type or field name, so that
// steady-state parsing allocates none and the builder compares names by
// pointer. It stops growing at a bound: hostile input with ever new names
// then costs one allocation per name instead of unbounded memory.
type interner struct {
	m map[string]string
}

const maxInterned = 1 << 14

func (in *interner) get(b []byte) string {
	if s, ok := in.m[string(b)]; ok {
		return s
	}
	s := string(b)
	if in.m == nil {
		in.m = make(map[string]string)
	}
	if len(in.m) < maxInterned {
		in.m[s] = s
	}
	return s
}

// parseTimestamp parses an RFC 3339 timestamp (vpl false: date, 'T', time
// and zone required, any number of fraction digits, beyond nine truncated)
// or the body of a VPL timestamp literal after its '@' (vpl true:
// YYYY-MM-DD[THH:MM:SS[.f…][Z|±HH:MM]], at most nine fraction digits, UTC
// when the zone is missing). It returns ns since the epoch and false for
// anything invalid or outside the int64 range.
func parseTimestamp(s string, vpl bool) (int64, bool) {
	if len(s) < 10 || s[4] != '-' || s[7] != '-' {
		return 0, false
	}
	year, ok1 := atoiFixed(s[0:4])
	month, ok2 := atoiFixed(s[5:7])
	day, ok3 := atoiFixed(s[8:10])
	if !ok1 || !ok2 || !ok3 || month < 1 || month > 12 || day < 1 || day > daysIn(year, month) {
		return 0, false
	}
	s = s[10:]
	var hour, minute, sec, frac, offset int64
	if len(s) == 0 {
		if !vpl {
			return 0, false
		}
	} else {
		if s[0] != 'T' && s[0] != 't' || len(s) < 9 || s[3] != ':' || s[6] != ':' {
			return 0, false
		}
		var ok1, ok2, ok3 bool
		hour, ok1 = atoiFixed(s[1:3])
		minute, ok2 = atoiFixed(s[4:6])
		sec, ok3 = atoiFixed(s[7:9])
		if !ok1 || !ok2 || !ok3 || hour > 23 || minute > 59 || sec > 59 {
			return 0, false
		}
		s = s[9:]
		if len(s) > 0 && s[0] == '.' {
			n := 1
			for n < len(s) && s[n] >= '0' && s[n] <= '9' {
				if n <= 9 {
					frac = frac*10 + int64(s[n]-'0')
				}
				n++
			}
			digits := n - 1
			if digits == 0 || vpl && digits > 9 {
				return 0, false
			}
			for d := digits; d < 9; d++ {
				frac *= 10
			}
			s = s[n:]
		}
		switch {
		case len(s) == 0:
			if !vpl {
				return 0, false
			}
		case s == "Z" || s == "z":
		case len(s) == 6 && (s[0] == '+' || s[0] == '-') && s[3] == ':':
			oh, ok1 := atoiFixed(s[1:3])
			om, ok2 := atoiFixed(s[4:6])
			if !ok1 || !ok2 || oh > 23 || om > 59 {
				return 0, false
			}
			offset = oh*3600 + om*60
			if s[0] == '-' {
				offset = -offset
			}
		default:
			return 0, false
		}
	}
	secs := daysFromCivil(year, month, day)*86400 + hour*3600 + minute*60 + sec - offset
	const maxSecs = (1<<63 - 1) / 1_000_000_000
	if secs > maxSecs || secs < -maxSecs-1 {
		return 0, false
	}
	if secs >= 0 {
		ns := secs * 1e9
		if ns > math.MaxInt64-frac {
			return 0, false
		}
		return ns + frac, true
	}
	ns, under := (secs+1)*1e9, 1e9-frac // secs+1 keeps the product in range
	if ns < math.MinInt64+under {
		return 0, false
	}
	return ns - under, true
}

// atoiFixed parses a run of ASCII digits.
func atoiFixed(s string) (int64, bool) {
	var n int64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, len(s) > 0
}

func daysIn(year, month int64) int64 {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// daysFromCivil returns the days since 1970-01-01 of a proleptic Gregorian
// date (Howard Hinnant's algorithm), without time.Date's allocations.
func daysFromCivil(y, m, d int64) int64 {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era--
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}
