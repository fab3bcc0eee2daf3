package event

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"unicode/utf8"
	"unsafe"
)

// EvtReader reads the .evt format of VPL.md §6.1: one event per line,
// placed in time by BATCH and @ offsets, written as Type { name: value, … },
// Type(v0, …) or a JSON object.
type EvtReader struct {
	base
	p      parser
	offset int64 // current BATCH offset, ns
	parse  func([]byte, int) error
}

// NewEvtReader returns a reader of .evt input; name is the source named in
// errors and rejections.
func NewEvtReader(r io.Reader, name string, opts ReaderOptions) *EvtReader {
	er := &EvtReader{}
	er.init(r, name, opts)
	er.parse = er.parseLine
	return er
}

// Next returns the next batch (see BatchReader).
func (r *EvtReader) Next() (Batch, error) { return r.next(r.parse) }

// offset units of "@<n>[ms|s|m|h]".
const (
	nsPerMs   = int64(1e6)
	nsPerSec  = int64(1e9)
	nsPerMin  = 60 * nsPerSec
	nsPerHour = 60 * nsPerMin
)

func (r *EvtReader) parseLine(line []byte, lineNo int) error {
	if lineNo == 1 && len(line) >= 3 && line[0] == 0xEF && line[1] == 0xBB && line[2] == 0xBF {
		line = line[3:] // byte order mark
	}
	i, end := 0, len(line)
	for i < end && isSpace(line[i]) {
		i++
	}
	for end > i && isSpace(line[end-1]) {
		end--
	}
	if i == end || line[i] == '#' || line[i] == '/' && i+1 < end && line[i+1] == '/' {
		return nil
	}
	if !utf8.Valid(line[i:end]) {
		r.reject(lineNo, "invalid UTF-8")
		return nil
	}
	p := &r.p
	p.reset(line[:end], i)
	ts := r.offset
	switch {
	case line[i] == '@':
		off, ok := p.offset()
		if !ok {
			return r.malformed(lineNo, p.message(), p.hint)
		}
		ts = off
	case p.word("BATCH"):
		off, ok := p.batch()
		if !ok {
			return r.malformed(lineNo, p.message(), p.hint)
		}
		r.offset = off
		return nil
	}
	typ, ok := p.event()
	if ok {
		ok = p.trailer()
	}
	if !ok {
		if p.rejected {
			r.reject(lineNo, p.errMsg)
			return nil
		}
		return r.malformed(lineNo, p.message(), p.hint)
	}
	r.bb.AppendFields(typ, ts, p.fields, lineNo)
	return nil
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f' }

func isIdentStart(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' }

func isIdentChar(c byte) bool { return isIdentStart(c) || c >= '0' && c <= '9' }

// parser parses one line of .evt or JSON input. Strings it returns alias the
// line or buf (unsafe views, no allocation): they are valid only until the
// next line, which is long enough for the BatchBuilder to copy them.
type parser struct {
	s      []byte
	i      int
	buf    []byte // unescaped strings of the current line
	fields []Field
	alt    []Field  // JSON output shape: "fields" while "data" fills fields
	elems  []Value  // stack of array elements under construction
	keys   []string // stack of map keys under construction
	names  interner // field names
	types  interner // type names
	last   []string // field names of the previous event by position
	lastTy string   // type of the previous event
	sorted []string // scratch of the duplicate check

	// first failure of the line
	errMsg   string
	errCol   int
	hint     string
	rejected bool // a resource limit or duplicate: reject the event only
}

func (p *parser) reset(s []byte, i int) {
	p.s, p.i = s, i
	p.buf = p.buf[:0]
	p.fields = p.fields[:0] // stale entries only alias lines: nothing to free
	p.errMsg, p.hint, p.rejected = "", "", false
}

// syntax records a malformed-line error at the current column.
func (p *parser) syntax(msg string) bool {
	if p.errMsg == "" {
		p.errMsg, p.errCol = msg, p.i+1
	}
	return false
}

// limit records a rejection of the event.
func (p *parser) limit(reason string) bool {
	if p.errMsg == "" {
		p.errMsg, p.rejected = reason, true
	}
	return false
}

func (p *parser) message() string { return fmt.Sprintf("%s (column %d)", p.errMsg, p.errCol) }

// view returns b as a string without copying (see parser).
func view(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

// unsafeBytes returns the bytes of s without copying; they must not be
// written.
func unsafeBytes(s string) []byte { return unsafe.Slice(unsafe.StringData(s), len(s)) }

func (p *parser) skipSpace() {
	for p.i < len(p.s) && isSpace(p.s[p.i]) {
		p.i++
	}
}

func (p *parser) peek() byte {
	if p.i < len(p.s) {
		return p.s[p.i]
	}
	return 0
}

// word reports whether the line continues with w followed by a blank, and
// then consumes it. "BATCH {" and "BATCH(" stay events of type BATCH.
func (p *parser) word(w string) bool {
	j := p.i + len(w)
	if j > len(p.s) || string(p.s[p.i:j]) != w || j < len(p.s) && !isSpace(p.s[j]) {
		return false
	}
	k := j
	for k < len(p.s) && isSpace(p.s[k]) {
		k++
	}
	if k < len(p.s) && (p.s[k] == '{' || p.s[k] == '(') {
		return false
	}
	p.i = j
	return true
}

// uint parses a run of digits as a non-negative int64.
func (p *parser) uint() (int64, bool) {
	start := p.i
	var n int64
	for p.i < len(p.s) && p.s[p.i] >= '0' && p.s[p.i] <= '9' {
		d := int64(p.s[p.i] - '0')
		if n > (1<<63-1-d)/10 {
			p.i = start
			return 0, p.syntax("number too large")
		}
		n = n*10 + d
		p.i++
	}
	if p.i == start {
		return 0, p.syntax("expected a non-negative integer")
	}
	return n, true
}

// batch parses the rest of "BATCH <ms>".
func (p *parser) batch() (int64, bool) {
	p.skipSpace()
	ms, ok := p.uint()
	if !ok {
		p.hint = "BATCH takes an absolute offset in milliseconds, e.g. BATCH 250"
		return 0, false
	}
	if p.i < len(p.s) && !isSpace(p.s[p.i]) && p.s[p.i] != '#' && p.s[p.i] != ';' {
		p.hint = "BATCH takes an absolute offset in milliseconds, e.g. BATCH 250"
		return 0, p.syntax("BATCH offset must be a plain number of milliseconds")
	}
	if ms > (1<<63-1)/nsPerMs {
		return 0, p.syntax("BATCH offset out of range")
	}
	if !p.trailer() {
		return 0, false
	}
	return ms * nsPerMs, true
}

// offset parses "@<n>[ms|s|m|h]" and the blank after it.
func (p *parser) offset() (int64, bool) {
	const hint = "an offset is @<n> followed by ms, s, m or h (bare n is milliseconds), then a blank and the event"
	p.i++ // '@'
	n, ok := p.uint()
	if !ok {
		p.hint = hint
		return 0, false
	}
	start := p.i
	for p.i < len(p.s) && !isSpace(p.s[p.i]) {
		p.i++
	}
	unit := nsPerMs
	switch string(p.s[start:p.i]) {
	case "", "ms":
	case "s":
		unit = nsPerSec
	case "m":
		unit = nsPerMin
	case "h":
		unit = nsPerHour
	default:
		unit := string(p.s[start:p.i])
		p.i = start
		p.hint = hint
		return 0, p.syntax(fmt.Sprintf("unknown offset unit %q", unit))
	}
	if n > (1<<63-1)/unit {
		p.i = start
		return 0, p.syntax("offset out of range")
	}
	if p.i == len(p.s) {
		return 0, p.syntax("expected an event after the offset")
	}
	p.skipSpace()
	return n * unit, true
}

// trailer accepts what may follow an event: blanks, one ';', a # comment.
func (p *parser) trailer() bool {
	p.skipSpace()
	if p.peek() == ';' {
		p.i++
		p.skipSpace()
	}
	if p.i < len(p.s) && p.s[p.i] != '#' {
		p.hint = "only a ';' and a '# comment' may follow an event"
		return p.syntax("unexpected text after the event")
	}
	return true
}

// event parses one event into p.fields and returns its type.
func (p *parser) event() (string, bool) {
	p.skipSpace()
	c := p.peek()
	if c == '{' {
		typ, _, _, ok := p.jsonEvent(false)
		return typ, ok
	}
	if !isIdentStart(c) {
		p.hint = "an event is Type { name: value, … }, Type(v0, …) or a JSON object"
		return "", p.syntax("expected an event")
	}
	start := p.i
	for p.i < len(p.s) && isIdentChar(p.s[p.i]) {
		p.i++
	}
	if p.i-start > MaxStringBytes {
		return "", p.limit(fmt.Sprintf("type name longer than %d bytes", MaxStringBytes))
	}
	typ := p.typeName(p.s[start:p.i])
	p.skipSpace()
	switch p.peek() {
	case '{':
		p.i++
		if !p.namedFields() {
			return "", false
		}
	case '(':
		p.i++
		if !p.positional() {
			return "", false
		}
	default:
		p.hint = "an event is Type { name: value, … } or Type(v0, …)"
		return "", p.syntax(fmt.Sprintf("expected '{' or '(' after the type %s", typ))
	}
	return typ, p.checkDuplicates(p.fields, "field")
}

// namedFields parses the body of "Type { name: value, … }" after the '{'.
func (p *parser) namedFields() bool {
	p.skipSpace()
	if p.peek() == '}' {
		p.i++
		return true
	}
	for {
		p.skipSpace()
		key, ok := p.key()
		if !ok {
			return false
		}
		if len(p.fields) == MaxFields {
			return p.limit(fmt.Sprintf("more than %d fields", MaxFields))
		}
		p.fields = append(p.fields, Field{Name: p.fieldName(key)})
		if !p.value(1, &p.fields[len(p.fields)-1].Value) {
			return false
		}
		p.skipSpace()
		switch p.peek() {
		case ',':
			p.i++
		case '}':
			p.i++
			return true
		default:
			return p.syntax("expected ',' or '}' after a field")
		}
	}
}

// key parses "name:" or "'name':" and returns the name bytes.
func (p *parser) key() ([]byte, bool) {
	var k []byte
	switch c := p.peek(); {
	case c == '"' || c == '\'':
		s, ok := p.quoted(c)
		if !ok {
			return nil, false
		}
		k = unsafeBytes(s)
	case isIdentStart(c):
		start := p.i
		for p.i < len(p.s) && isIdentChar(p.s[p.i]) {
			p.i++
		}
		k = p.s[start:p.i]
	default:
		return nil, p.syntax("expected a field name")
	}
	if len(k) > MaxStringBytes {
		return nil, p.limit(fmt.Sprintf("name longer than %d bytes", MaxStringBytes))
	}
	p.skipSpace()
	if p.peek() != ':' {
		return nil, p.syntax("expected ':' after the name")
	}
	p.i++
	return k, true
}

// fieldName interns the name of the next field. Events of one stream
// usually repeat the previous event's names, so a comparison with the name
// at the same position saves the map lookup.
func (p *parser) fieldName(key []byte) string {
	n := len(p.fields)
	if n < len(p.last) {
		if string(key) == p.last[n] {
			return p.last[n]
		}
		p.last[n] = p.names.get(key)
		return p.last[n]
	}
	name := p.names.get(key)
	if n == len(p.last) {
		p.last = append(p.last, name)
	}
	return name
}

// typeName interns a type name, the previous one first.
func (p *parser) typeName(b []byte) string {
	if string(b) != p.lastTy {
		p.lastTy = p.types.get(b)
	}
	return p.lastTy
}

var positionalNames = func() []string {
	names := make([]string, MaxFields)
	for i := range names {
		names[i] = "field_" + strconv.Itoa(i)
	}
	return names
}()

// positional parses the body of "Type(v0, v1, …)" after the '('.
func (p *parser) positional() bool {
	p.skipSpace()
	if p.peek() == ')' {
		p.i++
		return true
	}
	for {
		if len(p.fields) == MaxFields {
			return p.limit(fmt.Sprintf("more than %d fields", MaxFields))
		}
		p.fields = append(p.fields, Field{Name: positionalNames[len(p.fields)]})
		if !p.value(1, &p.fields[len(p.fields)-1].Value) {
			return false
		}
		p.skipSpace()
		switch p.peek() {
		case ',':
			p.i++
		case ')':
			p.i++
			return true
		default:
			return p.syntax("expected ',' or ')' after a value")
		}
	}
}

// value parses a .evt value at the given depth (a field's value is 1)
// into dst. Parsers write values in place: a Value is five words, and
// returning it through every level costs more than parsing a number.
func (p *parser) value(depth int, dst *Value) bool {
	if depth > MaxDepth {
		return p.limit(fmt.Sprintf("nesting deeper than %d", MaxDepth))
	}
	p.skipSpace()
	switch c := p.peek(); c {
	case '"', '\'':
		s, ok := p.quoted(c)
		if !ok {
			return false
		}
		if len(s) > MaxStringBytes {
			return p.limit(fmt.Sprintf("string longer than %d bytes", MaxStringBytes))
		}
		*dst = String(s)
		return true
	case '[':
		return p.array(depth, dst)
	case '{':
		return p.mapValue(depth, dst)
	}
	return p.bare(dst)
}

func (p *parser) array(depth int, dst *Value) bool {
	p.i++ // '['
	p.skipSpace()
	if p.peek() == ']' {
		p.i++
		*dst = Array(nil)
		return true
	}
	base := len(p.elems)
	defer func() { p.elems = p.elems[:base] }()
	for {
		if len(p.elems)-base == MaxArrayLen {
			return p.limit(fmt.Sprintf("array with more than %d elements", MaxArrayLen))
		}
		var v Value // not in place: nested values grow p.elems
		if !p.value(depth+1, &v) {
			return false
		}
		p.elems = append(p.elems, v)
		p.skipSpace()
		switch p.peek() {
		case ',':
			p.i++
		case ']':
			p.i++
			*dst = Array(slices.Clone(p.elems[base:]))
			return true
		default:
			return p.syntax("expected ',' or ']' in an array")
		}
	}
}

func (p *parser) mapValue(depth int, dst *Value) bool {
	p.i++ // '{'
	p.skipSpace()
	if p.peek() == '}' {
		p.i++
		*dst = Map(nil, nil)
		return true
	}
	base := len(p.elems)
	kbase := len(p.keys)
	defer func() { p.elems, p.keys = p.elems[:base], p.keys[:kbase] }()
	for {
		p.skipSpace()
		k, ok := p.key()
		if !ok {
			return false
		}
		var v Value
		if !p.value(depth+1, &v) {
			return false
		}
		p.keys = append(p.keys, view(k))
		p.elems = append(p.elems, v)
		p.skipSpace()
		switch p.peek() {
		case ',':
			p.i++
		case '}':
			p.i++
			return p.finishMap(base, kbase, dst)
		default:
			return p.syntax("expected ',' or '}' in a map")
		}
	}
}

// finishMap builds the map whose entries sit on the stacks.
func (p *parser) finishMap(base, kbase int, dst *Value) bool {
	keys := slices.Clone(p.keys[kbase:])
	if !p.checkDuplicateKeys(keys, "key") {
		return false
	}
	*dst = Map(keys, slices.Clone(p.elems[base:]))
	return true
}

// checkDuplicates rejects an event with a repeated field name.
func (p *parser) checkDuplicates(fields []Field, what string) bool {
	if len(fields) <= 16 {
		for i := 1; i < len(fields); i++ {
			for j := 0; j < i; j++ {
				if fields[i].Name == fields[j].Name {
					return p.limit(fmt.Sprintf("duplicate %s %q", what, truncate(fields[i].Name)))
				}
			}
		}
		return true
	}
	p.sorted = p.sorted[:0]
	for i := range fields {
		p.sorted = append(p.sorted, fields[i].Name)
	}
	return p.checkDuplicateKeys(p.sorted, what)
}

// checkDuplicateKeys rejects a repeated key; it may reorder a long keys.
func (p *parser) checkDuplicateKeys(keys []string, what string) bool {
	if len(keys) <= 16 {
		for i := 1; i < len(keys); i++ {
			for j := 0; j < i; j++ {
				if keys[i] == keys[j] {
					return p.limit(fmt.Sprintf("duplicate %s %q", what, truncate(keys[i])))
				}
			}
		}
		return true
	}
	sorted := slices.Clone(keys)
	slices.Sort(sorted)
	for i := 1; i < len(sorted); i++ {
		if sorted[i] == sorted[i-1] {
			return p.limit(fmt.Sprintf("duplicate %s %q", what, truncate(sorted[i])))
		}
	}
	return true
}

// quoted parses a '…' or "…" string with the .evt escapes \n \t \r \" \' \\.
func (p *parser) quoted(q byte) (string, bool) {
	p.i++
	start := p.i
	for p.i < len(p.s) {
		c := p.s[p.i]
		if c == q {
			p.i++
			return view(p.s[start : p.i-1]), true
		}
		if c == '\\' {
			break
		}
		p.i++
	}
	bstart := len(p.buf)
	p.buf = append(p.buf, p.s[start:p.i]...)
	for p.i < len(p.s) {
		c := p.s[p.i]
		switch c {
		case q:
			p.i++
			return view(p.buf[bstart:]), true
		case '\\':
			if p.i+1 >= len(p.s) {
				p.i++
				return "", p.syntax("unterminated string")
			}
			switch e := p.s[p.i+1]; e {
			case 'n':
				p.buf = append(p.buf, '\n')
			case 't':
				p.buf = append(p.buf, '\t')
			case 'r':
				p.buf = append(p.buf, '\r')
			case '"', '\'', '\\':
				p.buf = append(p.buf, e)
			default:
				p.hint = `the escapes of .evt strings are \n \t \r \" \' \\`
				return "", p.syntax(fmt.Sprintf("unknown escape \\%c", e))
			}
			p.i += 2
		default:
			p.buf = append(p.buf, c)
			p.i++
		}
	}
	return "", p.syntax("unterminated string")
}

// bare parses unquoted text up to the next ',' or closing bracket and types
// it: null/nil, true/false, int, float, @timestamp, else a string.
func (p *parser) bare(dst *Value) bool {
	start := p.i
	for p.i < len(p.s) {
		c := p.s[p.i]
		if c == ',' || c == ')' || c == ']' || c == '}' {
			break
		}
		p.i++
	}
	end := p.i
	for end > start && isSpace(p.s[end-1]) {
		end--
	}
	if end == start {
		return p.syntax("expected a value")
	}
	return p.typed(p.s[start:end], dst)
}

// typed types a non-empty unquoted token as .evt does.
func (p *parser) typed(t []byte, dst *Value) bool {
	if c := t[0]; c == '-' || c >= '0' && c <= '9' {
		if isNum, ok := p.number(t, false, dst); isNum {
			return ok
		}
	}
	switch string(t) {
	case "null", "nil":
		*dst = Null
		return true
	case "true":
		*dst = Bool(true)
		return true
	case "false":
		*dst = Bool(false)
		return true
	}
	if t[0] == '@' {
		if ts, ok := parseTimestamp(view(t[1:]), true); ok {
			*dst = Timestamp(ts)
			return true
		}
	}
	if len(t) > MaxStringBytes {
		return p.limit(fmt.Sprintf("string longer than %d bytes", MaxStringBytes))
	}
	*dst = String(view(t))
	return true
}

// number types t if it is a number: -?[0-9]+ is an int (a float when out of
// int64 range); with a fraction ([0-9]+\.[0-9]+) and/or an exponent it is a
// float. In JSON mode the integer part has no leading zeros. isNum is false
// when t is not a number at all; ok is false for a float out of range.
//
// One pass validates and accumulates the digits; a float with at most 15
// significant digits and a decimal exponent within ±22 is then computed
// exactly (Clinger's fast path), others go to strconv.ParseFloat.
func (p *parser) number(t []byte, json bool, dst *Value) (isNum, ok bool) {
	i := 0
	neg := len(t) > 0 && t[0] == '-'
	if neg {
		i++
	}
	var mant uint64
	sig := 0 // significant digits in mant (leading zeros excluded)
	ds := i
	for i < len(t) && t[i] >= '0' && t[i] <= '9' {
		if sig < 19 {
			mant = mant*10 + uint64(t[i]-'0')
			if mant != 0 {
				sig++
			}
		} else {
			sig++
		}
		i++
	}
	intDigits := i - ds
	if intDigits == 0 || json && t[ds] == '0' && intDigits > 1 {
		return false, false
	}
	isInt := true
	exp10 := 0
	if i < len(t) && t[i] == '.' {
		i++
		fs := i
		for i < len(t) && t[i] >= '0' && t[i] <= '9' {
			if sig < 19 {
				mant = mant*10 + uint64(t[i]-'0')
				if mant != 0 {
					sig++
				}
				exp10--
			} else {
				sig++
			}
			i++
		}
		if i == fs {
			return false, false
		}
		isInt = false
	}
	if i < len(t) && (t[i] == 'e' || t[i] == 'E') {
		i++
		eneg := false
		if i < len(t) && (t[i] == '+' || t[i] == '-') {
			eneg = t[i] == '-'
			i++
		}
		es := i
		e := 0
		for i < len(t) && t[i] >= '0' && t[i] <= '9' {
			if e < 100000 {
				e = e*10 + int(t[i]-'0')
			}
			i++
		}
		if i == es {
			return false, false
		}
		if eneg {
			e = -e
		}
		exp10 += e
		isInt = false
	}
	if i != len(t) {
		return false, false
	}
	if isInt && sig <= 18 {
		n := int64(mant)
		if neg {
			n = -n
		}
		*dst = Int(n)
		return true, true
	}
	if isInt {
		if n, err := strconv.ParseInt(view(t), 10, 64); err == nil {
			*dst = Int(n)
			return true, true
		}
	} else if sig <= 15 && exp10 >= -22 && exp10 <= 22 {
		f := float64(mant)
		if exp10 < 0 {
			f /= pow10[-exp10]
		} else {
			f *= pow10[exp10]
		}
		if neg {
			f = -f
		}
		*dst = Float(f)
		return true, true
	}
	f, err := strconv.ParseFloat(view(t), 64)
	if err != nil {
		return true, p.limit(fmt.Sprintf("number %s out of range", truncate(string(t))))
	}
	*dst = Float(f)
	return true, true
}

// pow10 holds the powers of ten that float64 represents exactly.
var pow10 = [...]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
	1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}
