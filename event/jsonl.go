package event

import (
	"fmt"
	"io"
	"slices"
	"unicode/utf8"
)

// JSONLReader reads JSON lines (VPL.md §6.2): one object per line, either
// the envelope {"event_type", "data", "timestamp"} or the output shape
// {"stream", "ts", "fields"} of §7.2, so that outputs replay.
type JSONLReader struct {
	base
	p     parser
	parse func([]byte, int) error
}

// NewJSONLReader returns a reader of JSON lines; name is the source named
// in errors and rejections.
func NewJSONLReader(r io.Reader, name string, opts ReaderOptions) *JSONLReader {
	jr := &JSONLReader{}
	jr.init(r, name, opts)
	jr.parse = jr.parseLine
	return jr
}

// Next returns the next batch (see BatchReader).
func (r *JSONLReader) Next() (Batch, error) { return r.next(r.parse) }

func (r *JSONLReader) parseLine(line []byte, lineNo int) error {
	if lineNo == 1 && len(line) >= 3 && line[0] == 0xEF && line[1] == 0xBB && line[2] == 0xBF {
		line = line[3:]
	}
	i, end := 0, len(line)
	for i < end && isJSONSpace(line[i]) {
		i++
	}
	for end > i && isJSONSpace(line[end-1]) {
		end--
	}
	if i == end {
		return nil
	}
	if !utf8.Valid(line[i:end]) {
		r.reject(lineNo, "invalid UTF-8")
		return nil
	}
	p := &r.p
	p.reset(line[:end], i)
	typ, envTS, hasTS, ok := p.jsonEvent(true)
	if ok && p.i < len(p.s) {
		ok = p.syntax("unexpected text after the JSON object")
	}
	if !ok {
		if p.rejected {
			r.reject(lineNo, p.errMsg)
			return nil
		}
		return r.malformed(lineNo, p.message(), p.hint)
	}
	ts, reason := r.eventTime(typ, p.fields, envTS, hasTS)
	if reason != "" {
		r.reject(lineNo, reason)
		return nil
	}
	r.prevTS = ts
	r.bb.AppendFields(typ, ts, p.fields, lineNo)
	return nil
}

func isJSONSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

func (p *parser) jsonSpace() {
	for p.i < len(p.s) && isJSONSpace(p.s[p.i]) {
		p.i++
	}
}

// envelope members, as bits of a seen-set
const (
	memEventType = 1 << iota
	memData
	memTimestamp
	memStream
	memTS
	memFields
)

// jsonEvent parses a JSON event object at p.i into p.fields and returns its
// type and, with wantTime, the envelope time (ns) if it has one. Without
// wantTime (.evt input, whose time is the line's offset) the time members
// are only checked to be JSON.
func (p *parser) jsonEvent(wantTime bool) (typ string, ts int64, hasTS, ok bool) {
	const hint = `a JSON event is {"event_type": "T", "data": {…}, "timestamp": …} or {"stream": "T", "ts": "…", "fields": {…}}`
	clear(p.alt)
	p.alt = p.alt[:0]
	if p.peek() != '{' {
		p.hint = hint
		return "", 0, false, p.syntax("expected a JSON object")
	}
	p.i++
	var (
		seen           int
		evType, stream string
		envTS, outTS   Value // read once the shape is known
	)
	p.jsonSpace()
	if p.peek() == '}' {
		p.i++
	} else {
		for {
			p.jsonSpace()
			if p.peek() != '"' {
				return "", 0, false, p.syntax("expected a member name")
			}
			key, ok := p.jsonString()
			if !ok {
				return "", 0, false, false
			}
			p.jsonSpace()
			if p.peek() != ':' {
				return "", 0, false, p.syntax("expected ':' after a member name")
			}
			p.i++
			p.jsonSpace()
			bit := 0
			switch key {
			case "event_type", "stream":
				bit = memEventType
				if key == "stream" {
					bit = memStream
				}
				if p.peek() != '"' {
					p.hint = hint
					return "", 0, false, p.syntax(key + " must be a string")
				}
				col := p.i
				s, ok := p.jsonString()
				if !ok {
					return "", 0, false, false
				}
				if s == "" {
					p.i = col
					p.hint = hint
					return "", 0, false, p.syntax(key + " must not be empty")
				}
				if len(s) > MaxStringBytes {
					return "", 0, false, p.limit(fmt.Sprintf("type name longer than %d bytes", MaxStringBytes))
				}
				name := p.types.get(unsafeBytes(s))
				if key == "stream" {
					stream = name
				} else {
					evType = name
				}
			case "data", "fields":
				bit = memData
				dst := &p.fields
				if key == "fields" {
					bit, dst = memFields, &p.alt
				}
				if seen&bit != 0 {
					return "", 0, false, p.limit(fmt.Sprintf("duplicate member %q", key))
				}
				switch p.peek() {
				case '{':
					if !p.jsonFields(dst) {
						return "", 0, false, false
					}
				case 'n':
					var v Value
					if !p.jsonValue(1, &v) {
						return "", 0, false, false
					}
				default:
					p.hint = hint
					return "", 0, false, p.syntax(key + " must be an object")
				}
			case "timestamp", "ts":
				bit = memTimestamp
				if key == "ts" {
					bit = memTS
				}
				dst := &envTS
				if key == "ts" {
					dst = &outTS
				}
				if !p.jsonValue(1, dst) {
					return "", 0, false, false
				}
			default:
				var v Value
				if !p.jsonValue(1, &v) {
					return "", 0, false, false
				}
			}
			if seen&bit != 0 {
				return "", 0, false, p.limit(fmt.Sprintf("duplicate member %q", key))
			}
			seen |= bit
			p.jsonSpace()
			if p.peek() == ',' {
				p.i++
				continue
			}
			if p.peek() == '}' {
				p.i++
				break
			}
			return "", 0, false, p.syntax("expected ',' or '}' after a member")
		}
	}
	p.jsonSpace()
	tv, tkey := envTS, "timestamp"
	switch {
	case evType != "":
		typ = evType
	case stream != "":
		typ, tv, tkey = stream, outTS, "ts"
		p.fields, p.alt = p.alt, p.fields
	default:
		p.hint = hint
		return "", 0, false, p.syntax("missing event_type")
	}
	if !wantTime || tv.IsNull() {
		return typ, 0, false, true
	}
	t, reason := envelopeTime(tv)
	if reason != "" {
		return "", 0, false, p.limit(tkey + ": " + reason)
	}
	return typ, t, true, true
}

// envelopeTime reads an envelope time: an RFC 3339 string or integer ms.
func envelopeTime(v Value) (int64, string) {
	switch v.Kind() {
	case KindString:
		if t, ok := parseTimestamp(v.AsString(), false); ok {
			return t, ""
		}
		return 0, fmt.Sprintf("%q is not an RFC 3339 timestamp", truncate(v.AsString()))
	case KindInt:
		if t, ok := msToNanos(v.AsInt()); ok {
			return t, ""
		}
		return 0, fmt.Sprintf("%d ms is out of range", v.AsInt())
	}
	return 0, fmt.Sprintf("want an RFC 3339 string or integer milliseconds, got %s", v.Kind())
}

// jsonFields parses an object of event fields (each value at depth 1).
func (p *parser) jsonFields(dst *[]Field) bool {
	p.i++ // '{'
	p.jsonSpace()
	if p.peek() == '}' {
		p.i++
		return true
	}
	for {
		p.jsonSpace()
		if p.peek() != '"' {
			return p.syntax("expected a field name")
		}
		name, ok := p.jsonString()
		if !ok {
			return false
		}
		if len(name) > MaxStringBytes {
			return p.limit(fmt.Sprintf("name longer than %d bytes", MaxStringBytes))
		}
		p.jsonSpace()
		if p.peek() != ':' {
			return p.syntax("expected ':' after a field name")
		}
		p.i++
		if len(*dst) == MaxFields {
			return p.limit(fmt.Sprintf("more than %d fields", MaxFields))
		}
		*dst = append(*dst, Field{Name: p.fieldName(unsafeBytes(name))})
		if !p.jsonValue(1, &(*dst)[len(*dst)-1].Value) {
			return false
		}
		p.jsonSpace()
		switch p.peek() {
		case ',':
			p.i++
		case '}':
			p.i++
			return p.checkDuplicates(*dst, "field")
		default:
			return p.syntax("expected ',' or '}' after a field")
		}
	}
}

// jsonValue parses a JSON value: numbers without fraction or exponent that
// fit int64 are ints, other numbers floats, objects maps in key order.
func (p *parser) jsonValue(depth int, dst *Value) bool {
	if depth > MaxDepth {
		return p.limit(fmt.Sprintf("nesting deeper than %d", MaxDepth))
	}
	p.jsonSpace()
	switch c := p.peek(); {
	case c == '"':
		s, ok := p.jsonString()
		if !ok {
			return false
		}
		if len(s) > MaxStringBytes {
			return p.limit(fmt.Sprintf("string longer than %d bytes", MaxStringBytes))
		}
		*dst = String(s)
		return true
	case c == '{':
		return p.jsonObject(depth, dst)
	case c == '[':
		return p.jsonArray(depth, dst)
	case c == 't':
		*dst = Bool(true)
		return p.literal("true")
	case c == 'f':
		*dst = Bool(false)
		return p.literal("false")
	case c == 'n':
		*dst = Null
		return p.literal("null")
	case c == '-' || c >= '0' && c <= '9':
		start := p.i
		for p.i < len(p.s) {
			c := p.s[p.i]
			if !(c >= '0' && c <= '9' || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E') {
				break
			}
			p.i++
		}
		isNum, ok := p.number(p.s[start:p.i], true, dst)
		if !isNum {
			p.i = start
			return p.syntax("invalid number")
		}
		return ok
	}
	return p.syntax("expected a JSON value")
}

func (p *parser) literal(w string) bool {
	if len(p.s)-p.i < len(w) || string(p.s[p.i:p.i+len(w)]) != w {
		return p.syntax("expected a JSON value")
	}
	p.i += len(w)
	return true
}

func (p *parser) jsonArray(depth int, dst *Value) bool {
	p.i++ // '['
	p.jsonSpace()
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
		var v Value
		if !p.jsonValue(depth+1, &v) {
			return false
		}
		p.elems = append(p.elems, v)
		p.jsonSpace()
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

func (p *parser) jsonObject(depth int, dst *Value) bool {
	p.i++ // '{'
	p.jsonSpace()
	if p.peek() == '}' {
		p.i++
		*dst = Map(nil, nil)
		return true
	}
	base, kbase := len(p.elems), len(p.keys)
	defer func() { p.elems, p.keys = p.elems[:base], p.keys[:kbase] }()
	for {
		p.jsonSpace()
		if p.peek() != '"' {
			return p.syntax("expected a key")
		}
		k, ok := p.jsonString()
		if !ok {
			return false
		}
		if len(k) > MaxStringBytes {
			return p.limit(fmt.Sprintf("key longer than %d bytes", MaxStringBytes))
		}
		p.jsonSpace()
		if p.peek() != ':' {
			return p.syntax("expected ':' after a key")
		}
		p.i++
		var v Value
		if !p.jsonValue(depth+1, &v) {
			return false
		}
		p.keys = append(p.keys, k)
		p.elems = append(p.elems, v)
		p.jsonSpace()
		switch p.peek() {
		case ',':
			p.i++
		case '}':
			p.i++
			return p.finishMap(base, kbase, dst)
		default:
			return p.syntax("expected ',' or '}' in an object")
		}
	}
}

// jsonString parses a JSON string at p.i (on its opening quote).
func (p *parser) jsonString() (string, bool) {
	p.i++
	start := p.i
	for p.i < len(p.s) {
		c := p.s[p.i]
		if c == '"' {
			p.i++
			return view(p.s[start : p.i-1]), true
		}
		if c == '\\' {
			break
		}
		if c < 0x20 {
			return "", p.syntax("control character in a string")
		}
		p.i++
	}
	bstart := len(p.buf)
	p.buf = append(p.buf, p.s[start:p.i]...)
	for p.i < len(p.s) {
		c := p.s[p.i]
		switch {
		case c == '"':
			p.i++
			return view(p.buf[bstart:]), true
		case c < 0x20:
			return "", p.syntax("control character in a string")
		case c != '\\':
			p.buf = append(p.buf, c)
			p.i++
			continue
		}
		if p.i+1 >= len(p.s) {
			break
		}
		e := p.s[p.i+1]
		p.i += 2
		switch e {
		case '"', '\\', '/':
			p.buf = append(p.buf, e)
		case 'b':
			p.buf = append(p.buf, '\b')
		case 'f':
			p.buf = append(p.buf, '\f')
		case 'n':
			p.buf = append(p.buf, '\n')
		case 'r':
			p.buf = append(p.buf, '\r')
		case 't':
			p.buf = append(p.buf, '\t')
		case 'u':
			r, ok := p.hex4()
			if !ok {
				return "", false
			}
			if utf16IsHigh(r) && p.i+1 < len(p.s) && p.s[p.i] == '\\' && p.s[p.i+1] == 'u' {
				save := p.i
				p.i += 2
				r2, ok := p.hex4()
				if !ok {
					return "", false
				}
				if r2 >= 0xDC00 && r2 <= 0xDFFF {
					r = 0x10000 + (r-0xD800)<<10 + (r2 - 0xDC00)
				} else {
					p.i = save // a lone high surrogate; r2 is decoded on its own
				}
			}
			p.buf = utf8.AppendRune(p.buf, r) // surrogates left alone become U+FFFD
		default:
			p.i -= 2
			return "", p.syntax(fmt.Sprintf("invalid escape \\%c", e))
		}
	}
	return "", p.syntax("unterminated string")
}

func utf16IsHigh(r rune) bool { return r >= 0xD800 && r <= 0xDBFF }

func (p *parser) hex4() (rune, bool) {
	if len(p.s)-p.i < 4 {
		return 0, p.syntax(`\u needs four hex digits`)
	}
	var r rune
	for k := 0; k < 4; k++ {
		c := p.s[p.i+k]
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, p.syntax(`\u needs four hex digits`)
		}
	}
	p.i += 4
	return r, true
}
