package scalar

import (
	"math"
	"strconv"
	"strings"

	"github.com/varpulis/varpulis-go/event"
)

// fnToString: the text form of §7.2 (1.0, [1,"a"], @2026-…, 1m30s); a
// string is returned unchanged, without quotes.
func fnToString(a []event.Value) event.Value {
	if a[0].Kind() == event.KindString {
		return a[0]
	}
	return event.String(a[0].TextString())
}

// fnToInt: an int as is; a float truncated toward zero (null beyond
// int64); a string holding an integer or a decimal number, truncated
// (§11.3: "4.5" is 4), exactly, without going through a float; a bool as
// 0 or 1, as SQL's cast does. Anything else is null.
func fnToInt(a []event.Value) event.Value {
	x := a[0]
	switch x.Kind() {
	case event.KindInt:
		return x
	case event.KindFloat:
		return floatToInt(x.AsFloat())
	case event.KindBool:
		return event.Int(x.AsInt())
	case event.KindString:
		d, ok := parseDecimal(x.AsString())
		if !ok {
			return event.Null
		}
		return intOrNull(d.truncInt())
	}
	return event.Null
}

// floatToInt truncates f toward zero; null outside int64.
func floatToInt(f float64) event.Value {
	if f >= -(1<<63) && f < 1<<63 {
		return event.Int(int64(f))
	}
	return event.Null
}

// fnToFloat: a number as a float; a string holding an integer or decimal
// number (null if out of range); a bool as 0.0 or 1.0. Anything else is
// null.
func fnToFloat(a []event.Value) event.Value {
	x := a[0]
	switch x.Kind() {
	case event.KindInt, event.KindFloat:
		return event.Float(x.AsFloat())
	case event.KindBool:
		return event.Float(float64(x.AsInt()))
	case event.KindString:
		s := strings.TrimSpace(x.AsString())
		if _, ok := parseDecimal(s); !ok {
			return event.Null
		}
		f, err := strconv.ParseFloat(s, 64)
		if err != nil && (math.IsInf(f, 0) || math.IsNaN(f)) {
			return event.Null
		}
		return event.Float(f) // an underflow is 0, as it should be
	}
	return event.Null
}

// decimal is a parsed decimal number: sign, the digits before and after
// the point, and a power-of-ten exponent.
type decimal struct {
	neg        bool
	whole      string
	frac       string
	exp        int64
	allZeroDig bool
}

// maxDecExp bounds exponents: beyond it every nonzero value overflows an
// int64 or a float64 and every value truncates to 0, so saturating keeps
// arithmetic on the exponent safe without changing any result.
const maxDecExp = 1 << 20

// parseDecimal accepts, around optional white space, [+-] digits [. digits]
// [e [+-] digits], with digits on at least one side of the point ("1.",
// ".5", "-3", "2.5e3"). No hex, no underscores, no inf or nan.
func parseDecimal(s string) (decimal, bool) {
	var d decimal
	s = strings.TrimSpace(s)
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		d.neg = s[i] == '-'
		i++
	}
	start := i
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	d.whole = s[start:i]
	if i < len(s) && s[i] == '.' {
		i++
		start = i
		for i < len(s) && isDigit(s[i]) {
			i++
		}
		d.frac = s[start:i]
	}
	if d.whole == "" && d.frac == "" {
		return d, false
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		eneg := false
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			eneg = s[i] == '-'
			i++
		}
		start = i
		for i < len(s) && isDigit(s[i]) {
			if d.exp < maxDecExp {
				d.exp = d.exp*10 + int64(s[i]-'0')
			}
			i++
		}
		if start == i {
			return d, false
		}
		if eneg {
			d.exp = -d.exp
		}
	}
	if i != len(s) {
		return d, false
	}
	d.allZeroDig = strings.Trim(d.whole, "0") == "" && strings.Trim(d.frac, "0") == ""
	return d, true
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// truncInt returns the integer part of d exactly, reporting overflow.
func (d decimal) truncInt() (int64, bool) {
	if d.allZeroDig {
		return 0, true
	}
	point := int64(len(d.whole)) + d.exp // digits before the point
	nd := int64(len(d.whole) + len(d.frac))
	var u uint64
	for k := int64(0); k < point; k++ {
		c := byte('0')
		if k < int64(len(d.whole)) {
			c = d.whole[k]
		} else if k < nd {
			c = d.frac[k-int64(len(d.whole))]
		}
		if u > (1<<63)/10 {
			return 0, false
		}
		u = u*10 + uint64(c-'0')
		if u > 1<<63 {
			return 0, false
		}
	}
	if d.neg {
		return int64(-u), true // -(1<<63) wraps to MinInt64, as wanted
	}
	if u > math.MaxInt64 {
		return 0, false
	}
	return int64(u), true
}

// fnTypeOf names the kind of its argument; null is "null".
func fnTypeOf(a []event.Value) event.Value { return event.String(a[0].Kind().String()) }

// fnCoalesce is coalesce and if_null: the first non-null argument.
func fnCoalesce(a []event.Value) event.Value {
	for _, v := range a {
		if !v.IsNull() {
			return v
		}
	}
	return event.Null
}

// isKind builds is_null, is_int, …: always a bool.
func isKind(k event.Kind) func([]event.Value) event.Value {
	return func(a []event.Value) event.Value { return event.Bool(a[0].Kind() == k) }
}
