package event

import (
	"math"
	"strings"
)

// Kind is the kind of a Value.
type Kind uint8

// The kinds of VPL values (VPL.md §5).
const (
	KindNull Kind = iota
	KindBool
	KindInt
	KindFloat
	KindString
	KindTimestamp
	KindDuration
	KindArray
	KindMap
)

var kindNames = [...]string{"null", "bool", "int", "float", "string", "timestamp", "duration", "array", "map"}

// String returns the name that type_of() reports for the kind.
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "invalid"
}

// IsNumber reports whether k is int or float.
func (k Kind) IsNumber() bool { return k == KindInt || k == KindFloat }

// Value is a dynamically typed VPL value. The zero Value is null.
//
// Scalars are held inline; arrays and maps share one pointer to their
// elements, so copying a Value never copies elements. Values are immutable:
// functions that "change" an array or map build a new one.
type Value struct {
	kind Kind
	n    int64  // bool (0/1), int, timestamp, duration, or float bits
	s    string // string
	c    *composite
}

// composite holds the elements of an array (keys == nil) or a map.
type composite struct {
	keys  []string
	elems []Value
}

// Null is the null value.
var Null = Value{}

// Bool returns a bool value.
func Bool(b bool) Value {
	if b {
		return Value{kind: KindBool, n: 1}
	}
	return Value{kind: KindBool}
}

// Int returns an int value.
func Int(i int64) Value { return Value{kind: KindInt, n: i} }

// Float returns a float value. NaN and infinities are not VPL values and
// become null (VPL.md §5: a NaN or infinite result is null).
func Float(f float64) Value {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return Null
	}
	return Value{kind: KindFloat, n: int64(math.Float64bits(f))}
}

// String returns a string value.
func String(s string) Value { return Value{kind: KindString, s: s} }

// Timestamp returns a timestamp value (nanoseconds since the Unix epoch).
func Timestamp(ns int64) Value { return Value{kind: KindTimestamp, n: ns} }

// Duration returns a duration value in nanoseconds.
func Duration(ns int64) Value { return Value{kind: KindDuration, n: ns} }

// Array returns an array value holding elems (not copied).
func Array(elems []Value) Value {
	if elems == nil {
		elems = []Value{}
	}
	return Value{kind: KindArray, c: &composite{elems: elems}}
}

// Map returns a map value with keys and vals in insertion order (not
// copied). Keys must be distinct; use MapBuilder to build from pairs that
// may repeat.
func Map(keys []string, vals []Value) Value {
	if keys == nil {
		keys = []string{}
	}
	return Value{kind: KindMap, c: &composite{keys: keys, elems: vals}}
}

// Kind returns the kind of v.
func (v Value) Kind() Kind { return v.kind }

// IsNull reports whether v is null.
func (v Value) IsNull() bool { return v.kind == KindNull }

// AsBool returns the bool held by v; false for other kinds.
func (v Value) AsBool() bool { return v.kind == KindBool && v.n != 0 }

// IsTrue reports whether v is exactly true, the test that where, having,
// step predicates and if apply (VPL.md §5).
func (v Value) IsTrue() bool { return v.kind == KindBool && v.n != 0 }

// AsInt returns the int64 payload of an int, timestamp, duration or bool.
func (v Value) AsInt() int64 { return v.n }

// AsFloat returns the float held by v; an int is converted.
func (v Value) AsFloat() float64 {
	if v.kind == KindInt {
		return float64(v.n)
	}
	if v.kind == KindFloat {
		return math.Float64frombits(uint64(v.n))
	}
	return 0
}

// AsString returns the string held by v; "" for other kinds.
func (v Value) AsString() string { return v.s }

// Elems returns the elements of an array or the values of a map.
func (v Value) Elems() []Value {
	if v.c == nil {
		return nil
	}
	return v.c.elems
}

// Keys returns the keys of a map in insertion order.
func (v Value) Keys() []string {
	if v.c == nil {
		return nil
	}
	return v.c.keys
}

// Len returns the number of elements of an array or entries of a map.
func (v Value) Len() int {
	if v.c == nil {
		return 0
	}
	return len(v.c.elems)
}

// Get returns the value stored under key in a map, and whether it exists.
func (v Value) Get(key string) (Value, bool) {
	if v.kind != KindMap {
		return Null, false
	}
	for i, k := range v.c.keys {
		if k == key {
			return v.c.elems[i], true
		}
	}
	return Null, false
}

// Equal reports whether a and b are the same value under VPL's == on
// non-null operands, with null equal to null: numbers compare by value
// across int and float, everything else by kind and value, arrays and maps
// element-wise. It is the key equality of partitions and distinct
// (VPL.md §11.7).
func Equal(a, b Value) bool {
	if a.kind.IsNumber() && b.kind.IsNumber() {
		return compareNumbers(a, b) == 0
	}
	if a.kind != b.kind {
		return false
	}
	switch a.kind {
	case KindNull:
		return true
	case KindString:
		return a.s == b.s
	case KindArray:
		ae, be := a.c.elems, b.c.elems
		if len(ae) != len(be) {
			return false
		}
		for i := range ae {
			if !Equal(ae[i], be[i]) {
				return false
			}
		}
		return true
	case KindMap:
		if len(a.c.keys) != len(b.c.keys) {
			return false
		}
		for i, k := range a.c.keys {
			bv, ok := b.Get(k)
			if !ok || !Equal(a.c.elems[i], bv) {
				return false
			}
		}
		return true
	default:
		return a.n == b.n
	}
}

// compareNumbers orders two numbers by mathematical value. An int64 and a
// float64 are compared exactly, without rounding the int.
func compareNumbers(a, b Value) int {
	if a.kind == KindInt && b.kind == KindInt {
		return cmpInt(a.n, b.n)
	}
	if a.kind == KindFloat && b.kind == KindFloat {
		return cmpFloat(a.AsFloat(), b.AsFloat())
	}
	if a.kind == KindInt {
		return -compareFloatInt(b.AsFloat(), a.n)
	}
	return compareFloatInt(a.AsFloat(), b.n)
}

// compareFloatInt compares f with i exactly.
func compareFloatInt(f float64, i int64) int {
	if f < -9.223372036854775808e18 {
		return -1
	}
	if f >= 9.223372036854775808e18 {
		return 1
	}
	t := math.Trunc(f)
	ti := int64(t)
	if ti != i {
		return cmpInt(ti, i)
	}
	return cmpFloat(f, t)
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// CompareNumbers orders two numeric values by value (exact across int and
// float). Both must be numbers.
func CompareNumbers(a, b Value) int { return compareNumbers(a, b) }

// keyRank places kinds in the key order of VPL.md §7.3:
// null < false < true < numbers < strings < others (by JSON text).
func keyRank(v Value) int {
	switch v.kind {
	case KindNull:
		return 0
	case KindBool:
		return 1 + int(v.n) // false 1, true 2
	case KindInt, KindFloat:
		return 3
	case KindString:
		return 4
	}
	return 5
}

// CompareKeys orders two key values as VPL.md §7.3 orders partition keys in
// output. It is consistent with Equal: CompareKeys(a, b) == 0 iff
// Equal(a, b), except that distinct "other" values with equal JSON text
// compare equal.
func CompareKeys(a, b Value) int {
	ra, rb := keyRank(a), keyRank(b)
	if ra != rb {
		return cmpInt(int64(ra), int64(rb))
	}
	switch ra {
	case 3:
		return compareNumbers(a, b)
	case 4:
		return strings.Compare(a.s, b.s)
	case 5:
		return strings.Compare(string(AppendJSON(nil, a)), string(AppendJSON(nil, b)))
	}
	return 0
}
