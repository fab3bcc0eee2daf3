package scalar

import (
	"unicode/utf8"

	"github.com/varpulis/varpulis-go/event"
)

// Index is x[i]: an array element (a negative i counts from the end), a map
// entry (i a string) or a string's code point i (as a one-character
// string, negative from the end too). Out of range, a missing key and any
// other kinds give null.
func Index(x, i event.Value) event.Value {
	switch kinds(x, i) {
	case pAI:
		elems := x.Elems()
		j := i.AsInt()
		if j < 0 {
			j += int64(len(elems))
		}
		if j < 0 || j >= int64(len(elems)) {
			return event.Null
		}
		return elems[j]
	case pMS:
		v, _ := x.Get(i.AsString())
		return v
	case pSI:
		s := x.AsString()
		j := i.AsInt()
		if j < 0 {
			j += int64(utf8.RuneCountInString(s))
			if j < 0 {
				return event.Null
			}
		}
		start, end := cpRange(s, j, j+1)
		if start == end {
			return event.Null
		}
		return event.String(s[start:end])
	}
	return event.Null
}

// cpRange returns the byte offsets of code points [from, to) of s, with
// 0 <= from <= to; offsets past the end are clamped to len(s). Invalid
// UTF-8 bytes count as one code point each, as utf8.RuneCountInString
// counts them.
func cpRange(s string, from, to int64) (int, int) {
	start, n := -1, int64(0)
	for off := 0; off < len(s); {
		if n == from {
			start = off
		}
		if n == to {
			return start, off
		}
		if s[off] < utf8.RuneSelf {
			off++
		} else {
			_, size := utf8.DecodeRuneInString(s[off:])
			off += size
		}
		n++
	}
	if start < 0 {
		start = len(s)
	}
	return start, len(s)
}

// sliceBound resolves one bound of x[a:b] as Python does: null is the
// default, a negative bound counts from the end, the result is clamped to
// [0, n]. ok is false for a bound that is neither null nor an int.
func sliceBound(b event.Value, def, n int64) (int64, bool) {
	switch b.Kind() {
	case event.KindNull:
		return def, true
	case event.KindInt:
		i := b.AsInt()
		if i < 0 {
			i += n
			if i < 0 {
				i = 0
			}
		}
		if i > n {
			i = n
		}
		return i, true
	}
	return 0, false
}

// Slice is x[a:b] on arrays and strings (by code points), with Python's
// rules: bounds count from 0, a negative bound from the end, a null bound
// is open, bounds are clamped, and a start past the end gives an empty
// result. A non-int bound or another kind of x gives null.
func Slice(x, a, b event.Value) event.Value {
	var n int64
	switch x.Kind() {
	case event.KindArray:
		n = int64(x.Len())
	case event.KindString:
		n = int64(utf8.RuneCountInString(x.AsString()))
	default:
		return event.Null
	}
	from, ok1 := sliceBound(a, 0, n)
	to, ok2 := sliceBound(b, n, n)
	if !ok1 || !ok2 {
		return event.Null
	}
	if to < from {
		to = from
	}
	if x.Kind() == event.KindArray {
		elems := x.Elems()
		// The capacity limit keeps the shared backing array from ever being
		// appended to in place.
		return event.Array(elems[from:to:to])
	}
	s := x.AsString()
	if int64(len(s)) == n { // ASCII: code points are bytes
		return event.String(s[from:to])
	}
	start, end := cpRange(s, from, to)
	return event.String(s[start:end])
}

// Member is x.f (and x?.f, which is the same): the entry f of a map; null
// for a missing entry and for any other kind (all access is null-safe).
func Member(x event.Value, name string) event.Value {
	v, _ := x.Get(name)
	return v
}

// Range is a..b (inclusive: a..=b): the ints from a up to b as an array,
// empty when b is below a. More than MaxRange elements, or operands that
// are not ints, give null.
func Range(a, b event.Value, inclusive bool) event.Value {
	if kinds(a, b) != pII {
		return event.Null
	}
	lo, hi := a.AsInt(), b.AsInt()
	if hi < lo || (hi == lo && !inclusive) {
		return event.Array(nil)
	}
	span := uint64(hi) - uint64(lo) // exact: hi >= lo
	if span > MaxRange || (inclusive && span == MaxRange) {
		return event.Null
	}
	n := int(span)
	if inclusive {
		n++
	}
	out := make([]event.Value, n)
	for k := range out {
		out[k] = event.Int(lo + int64(k))
	}
	return event.Array(out)
}
