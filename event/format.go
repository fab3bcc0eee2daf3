package event

import (
	"strconv"
	"time"
	"unicode/utf8"
)

// TimestampLayout is the layout of timestamps in output (VPL.md §7.2):
// RFC 3339 in UTC, up to nine fraction digits, trailing zeros removed.
const TimestampLayout = "2006-01-02T15:04:05.999999999Z07:00"

// AppendTimestamp appends ts (ns since the epoch) in TimestampLayout.
func AppendTimestamp(b []byte, ns int64) []byte {
	// Civil date from days since the epoch (proleptic Gregorian, integer
	// arithmetic only): output writes one timestamp per event.
	secs, frac := ns/1e9, ns%1e9
	if frac < 0 {
		secs, frac = secs-1, frac+1e9
	}
	days, sod := secs/86400, secs%86400
	if sod < 0 {
		days, sod = days-1, sod+86400
	}
	z := days + 719468
	era := z / 146097
	if z < 0 && z%146097 != 0 {
		era--
	}
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y := yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d := doy - (153*mp+2)/5 + 1
	mo := mp + 3
	if mo > 12 {
		mo -= 12
	}
	if mo <= 2 {
		y++
	}
	if y < 0 || y > 9999 {
		return time.Unix(0, ns).UTC().AppendFormat(b, TimestampLayout)
	}
	h, mi, sec := sod/3600, sod/60%60, sod%60
	b = append(b, byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10), '-',
		byte('0'+mo/10), byte('0'+mo%10), '-', byte('0'+d/10), byte('0'+d%10), 'T',
		byte('0'+h/10), byte('0'+h%10), ':', byte('0'+mi/10), byte('0'+mi%10), ':',
		byte('0'+sec/10), byte('0'+sec%10))
	if frac != 0 {
		var digits [9]byte
		for i := 8; i >= 0; i-- {
			digits[i] = byte('0' + frac%10)
			frac /= 10
		}
		n := 9
		for digits[n-1] == '0' {
			n--
		}
		b = append(b, '.')
		b = append(b, digits[:n]...)
	}
	return append(b, 'Z')
}

// AppendDuration appends d in Go duration notation ("1m30s", "250ms").
func AppendDuration(b []byte, ns int64) []byte {
	return append(b, time.Duration(ns).String()...)
}

// AppendFloat appends f in the output form of VPL.md §7.2 and §11.4: the
// shortest text that round-trips, always with a '.' or an exponent, plain
// when 1e-6 <= |f| < 1e21, otherwise with an exponent written without
// leading zeros and with a sign (1e-7, 1.5e+21).
func AppendFloat(b []byte, f float64) []byte {
	abs := f
	if abs < 0 {
		abs = -abs
	}
	if abs == 0 || (abs >= 1e-6 && abs < 1e21) {
		start := len(b)
		b = strconv.AppendFloat(b, f, 'f', -1, 64)
		for _, c := range b[start:] {
			if c == '.' {
				return b
			}
		}
		return append(b, '.', '0')
	}
	start := len(b)
	b = strconv.AppendFloat(b, f, 'e', -1, 64)
	// Go writes at least two exponent digits ("1e-07"); drop leading zeros.
	for i := start; i < len(b); i++ {
		if b[i] == 'e' {
			j := i + 2 // past 'e' and the sign
			k := j
			for k < len(b)-1 && b[k] == '0' {
				k++
			}
			b = append(b[:j], b[k:]...)
			break
		}
	}
	return b
}

// AppendJSONString appends s as a JSON string, escaping only what JSON
// requires: '"', '\\' and control characters (\n \r \t \b \f, others as
// \u00xx in lower-case hex). Invalid UTF-8 bytes become U+FFFD.
func AppendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			i++
			continue
		}
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				b = append(b, s[start:i]...)
				b = append(b, "\uFFFD"...)
				i++
				start = i
				continue
			}
			i += size
			continue
		}
		b = append(b, s[start:i]...)
		switch c {
		case '"', '\\':
			b = append(b, '\\', c)
		case '\n':
			b = append(b, '\\', 'n')
		case '\r':
			b = append(b, '\\', 'r')
		case '\t':
			b = append(b, '\\', 't')
		case '\b':
			b = append(b, '\\', 'b')
		case '\f':
			b = append(b, '\\', 'f')
		default:
			b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		}
		i++
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// AppendJSON appends v in the JSON form of VPL.md §7.2.
func AppendJSON(b []byte, v Value) []byte { return appendValue(b, v, false) }

// AppendText appends v in the text form of VPL.md §7.2: as JSON, except
// that timestamps are written @<ts> and durations unquoted.
func AppendText(b []byte, v Value) []byte { return appendValue(b, v, true) }

func appendValue(b []byte, v Value, text bool) []byte {
	switch v.kind {
	case KindNull:
		return append(b, "null"...)
	case KindBool:
		if v.n != 0 {
			return append(b, "true"...)
		}
		return append(b, "false"...)
	case KindInt:
		return strconv.AppendInt(b, v.n, 10)
	case KindFloat:
		return AppendFloat(b, v.AsFloat())
	case KindString:
		return AppendJSONString(b, v.s)
	case KindTimestamp:
		if text {
			return AppendTimestamp(append(b, '@'), v.n)
		}
		b = append(b, '"')
		return append(AppendTimestamp(b, v.n), '"')
	case KindDuration:
		if text {
			return AppendDuration(b, v.n)
		}
		b = append(b, '"')
		return append(AppendDuration(b, v.n), '"')
	case KindArray:
		b = append(b, '[')
		for i, e := range v.c.elems {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendValue(b, e, text)
		}
		return append(b, ']')
	case KindMap:
		b = append(b, '{')
		for i, k := range v.c.keys {
			if i > 0 {
				b = append(b, ',')
			}
			b = AppendJSONString(b, k)
			b = append(b, ':')
			b = appendValue(b, v.c.elems[i], text)
		}
		return append(b, '}')
	}
	return append(b, "null"...)
}

// TextString returns v in text form; to_string() uses it, except that a
// string is returned unchanged.
func (v Value) TextString() string {
	if v.kind == KindString {
		return v.s
	}
	return string(AppendText(nil, v))
}
