package scalar

import (
	"math"
	"math/bits"
	"slices"
	"strings"

	"github.com/varpulis/varpulis-go/event"
)

// Arrays and maps are immutable: functions that "change" one build a new
// value. Results that keep a prefix or all of the input share its
// elements, with the capacity cut so that nothing can append in place.

// fnFirst: the first element of an array; null when empty.
func fnFirst(a []event.Value) event.Value {
	if a[0].Kind() != event.KindArray || a[0].Len() == 0 {
		return event.Null
	}
	return a[0].Elems()[0]
}

// fnLast: the last element of an array; null when empty.
func fnLast(a []event.Value) event.Value {
	if a[0].Kind() != event.KindArray || a[0].Len() == 0 {
		return event.Null
	}
	e := a[0].Elems()
	return e[len(e)-1]
}

// fnReverse: an array's elements in reverse order.
func fnReverse(a []event.Value) event.Value {
	if a[0].Kind() != event.KindArray {
		return event.Null
	}
	e := a[0].Elems()
	out := make([]event.Value, len(e))
	for i, v := range e {
		out[len(e)-1-i] = v
	}
	return event.Array(out)
}

// uniqueKey identifies a scalar up to ==: ints and integral floats in
// int64 range share the int's key (1 and 1.0 are one element), other
// floats key by bits (no NaN exists, and -0.0 is integral).
type uniqueKey struct {
	kind event.Kind
	n    int64
	s    string
}

func keyOf(v event.Value) (uniqueKey, bool) {
	switch v.Kind() {
	case event.KindArray, event.KindMap:
		return uniqueKey{}, false
	case event.KindFloat:
		f := v.AsFloat()
		if f == math.Trunc(f) && f >= -(1<<63) && f < 1<<63 {
			return uniqueKey{kind: event.KindInt, n: int64(f)}, true
		}
		return uniqueKey{kind: event.KindFloat, n: int64(math.Float64bits(f))}, true
	case event.KindString:
		return uniqueKey{kind: event.KindString, s: v.AsString()}, true
	}
	return uniqueKey{kind: v.Kind(), n: v.AsInt()}, true
}

// fnUnique keeps the first of every group of elements equal under ==
// (the key equality of §11.7: 1 and 1.0 are one element, nulls are one),
// in order.
func fnUnique(a []event.Value) event.Value {
	if a[0].Kind() != event.KindArray {
		return event.Null
	}
	e := a[0].Elems()
	out := make([]event.Value, 0, len(e))
	if len(e) <= 16 {
		for _, v := range e {
			if !slices.ContainsFunc(out, func(w event.Value) bool { return event.Equal(v, w) }) {
				out = append(out, v)
			}
		}
		return event.Array(out)
	}
	seen := make(map[uniqueKey]struct{}, len(e))
	var composites []event.Value // arrays and maps, compared pairwise
	for _, v := range e {
		if k, ok := keyOf(v); ok {
			if _, dup := seen[k]; dup {
				continue
			}
			seen[k] = struct{}{}
		} else {
			if slices.ContainsFunc(composites, func(w event.Value) bool { return event.Equal(v, w) }) {
				continue
			}
			composites = append(composites, v)
		}
		out = append(out, v)
	}
	return event.Array(out)
}

// fnKeys: a map's keys, in insertion order, as an array of strings.
func fnKeys(a []event.Value) event.Value {
	if a[0].Kind() != event.KindMap {
		return event.Null
	}
	keys := a[0].Keys()
	out := make([]event.Value, len(keys))
	for i, k := range keys {
		out[i] = event.String(k)
	}
	return event.Array(out)
}

// fnValues: a map's values, in insertion order.
func fnValues(a []event.Value) event.Value {
	if a[0].Kind() != event.KindMap {
		return event.Null
	}
	e := a[0].Elems()
	return event.Array(e[:len(e):len(e)])
}

// fnPush: the array with v appended. v may be null (it is data, not an
// operand); a null array is null.
func fnPush(a []event.Value) event.Value {
	if a[0].Kind() != event.KindArray || a[0].Len() >= MaxArrayLen {
		return event.Null
	}
	e := a[0].Elems()
	out := make([]event.Value, len(e)+1)
	copy(out, e)
	out[len(e)] = a[1]
	return event.Array(out)
}

// fnPop: the array without its last element; an empty array stays empty.
func fnPop(a []event.Value) event.Value {
	if a[0].Kind() != event.KindArray {
		return event.Null
	}
	e := a[0].Elems()
	if len(e) == 0 {
		return a[0]
	}
	return event.Array(e[: len(e)-1 : len(e)-1])
}

// fnSort sorts an array of numbers (by value, mixed int and float) or of
// strings (bytewise), ascending and stable. Any other element, a null
// included, or a mix of numbers and strings gives null.
func fnSort(a []event.Value) event.Value {
	if a[0].Kind() != event.KindArray {
		return event.Null
	}
	e := a[0].Elems()
	if len(e) == 0 {
		return a[0]
	}
	strs := e[0].Kind() == event.KindString
	for _, v := range e {
		if strs && v.Kind() != event.KindString || !strs && !v.Kind().IsNumber() {
			return event.Null
		}
	}
	out := slices.Clone(e)
	if strs {
		slices.SortStableFunc(out, func(x, y event.Value) int { return strings.Compare(x.AsString(), y.AsString()) })
	} else {
		slices.SortStableFunc(out, event.CompareNumbers)
	}
	return event.Array(out)
}

// fnSum adds an array's numbers in order, skipping nulls, with the typing
// of the sum aggregate (§4.4): an int when every element is an int, else a
// float accumulated in order over all elements; null for no numbers or for
// another kind of element. The int sum is exact (128-bit), so it is null
// only when the total does not fit an int64, whatever the order.
func fnSum(a []event.Value) event.Value {
	if a[0].Kind() != event.KindArray {
		return event.Null
	}
	var (
		hi     int64  // high word of the 128-bit int sum
		lo     uint64 // low word
		fsum   float64
		n      int
		allInt = true
	)
	for _, v := range a[0].Elems() {
		switch v.Kind() {
		case event.KindNull:
			continue
		case event.KindInt:
			x := v.AsInt()
			var carry uint64
			lo, carry = bits.Add64(lo, uint64(x), 0)
			hi += int64(carry) + x>>63 // x>>63 sign-extends x
		case event.KindFloat:
			allInt = false
		default:
			return event.Null
		}
		fsum += v.AsFloat()
		n++
	}
	switch {
	case n == 0:
		return event.Null
	case !allInt:
		return event.Float(fsum)
	case hi != int64(lo)>>63: // beyond int64
		return event.Null
	}
	return event.Int(int64(lo))
}

// fnAvg is the mean of an array's numbers as a float, skipping nulls and
// accumulating in order like the avg aggregate; null for no numbers.
func fnAvg(a []event.Value) event.Value {
	if a[0].Kind() != event.KindArray {
		return event.Null
	}
	var sum float64
	n := 0
	for _, v := range a[0].Elems() {
		switch v.Kind() {
		case event.KindNull:
			continue
		case event.KindInt, event.KindFloat:
			sum += v.AsFloat()
			n++
		default:
			return event.Null
		}
	}
	if n == 0 {
		return event.Null
	}
	return event.Float(sum / float64(n))
}

// fnGet is get(map, key[, default]): the entry, or default (null when
// omitted) when the key is missing. The default may be null; a null map
// or key is null.
func fnGet(a []event.Value) event.Value {
	if kinds(a[0], a[1]) != pMS {
		return event.Null
	}
	if v, ok := a[0].Get(a[1].AsString()); ok {
		return v
	}
	if len(a) == 3 {
		return a[2]
	}
	return event.Null
}

// fnSet is set(map, key, v): a new map with key set to v (v may be null),
// replacing the entry in place or appending it.
func fnSet(a []event.Value) event.Value {
	if kinds(a[0], a[1]) != pMS {
		return event.Null
	}
	m, key := a[0], a[1].AsString()
	keys, vals := m.Keys(), m.Elems()
	for i, k := range keys {
		if k == key {
			nv := slices.Clone(vals)
			nv[i] = a[2]
			return event.Map(keys[:len(keys):len(keys)], nv)
		}
	}
	if len(keys) >= MaxArrayLen {
		return event.Null
	}
	nk := make([]string, len(keys)+1)
	copy(nk, keys)
	nk[len(keys)] = key
	nv := make([]event.Value, len(vals)+1)
	copy(nv, vals)
	nv[len(vals)] = a[2]
	return event.Map(nk, nv)
}
