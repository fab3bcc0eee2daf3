package scalar

import (
	"strings"

	"github.com/varpulis/varpulis-go/event"
)

// Compare orders a and b as < <= > >= do: numbers by mathematical value
// (exact across int and float), strings bytewise, timestamps, durations and
// bools (false < true) among their own kind. ok is false for null operands
// and for any other combination, where those operators yield null.
func Compare(a, b event.Value) (c int, ok bool) {
	switch kinds(a, b) {
	case pII, pTT, pDD, pBB:
		return cmpInt(a.AsInt(), b.AsInt()), true
	case pFF, pIF, pFI:
		return event.CompareNumbers(a, b), true
	case pSS:
		return strings.Compare(a.AsString(), b.AsString()), true
	}
	return 0, false
}

func cmpInt(x, y int64) int {
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}

// Ordered reports whether values of kind k can be ordered by Compare
// against values of their own kind.
func Ordered(k event.Kind) bool {
	switch k {
	case event.KindBool, event.KindInt, event.KindFloat, event.KindString, event.KindTimestamp, event.KindDuration:
		return true
	}
	return false
}

// Eq is ==: null if either side is null; numbers by value across int and
// float (1 == 1.0); otherwise equal iff same kind and value, arrays and maps
// element-wise (maps regardless of key order, nested nulls equal); values of
// different kinds are unequal (false, not null).
func Eq(a, b event.Value) event.Value {
	ka, kb := a.Kind(), b.Kind()
	if ka == kb && ka == event.KindInt {
		return event.Bool(a.AsInt() == b.AsInt())
	}
	if ka == event.KindNull || kb == event.KindNull {
		return event.Null
	}
	return event.Bool(event.Equal(a, b))
}

// Ne is !=, the negation of Eq (null stays null).
func Ne(a, b event.Value) event.Value {
	ka, kb := a.Kind(), b.Kind()
	if ka == kb && ka == event.KindInt {
		return event.Bool(a.AsInt() != b.AsInt())
	}
	if ka == event.KindNull || kb == event.KindNull {
		return event.Null
	}
	return event.Bool(!event.Equal(a, b))
}

// Lt is <; see Compare for what is ordered. Other combinations are null.
func Lt(a, b event.Value) event.Value {
	if ka := a.Kind(); ka == b.Kind() {
		if ka == event.KindInt {
			return event.Bool(a.AsInt() < b.AsInt())
		}
		if ka == event.KindFloat { // finite, so IEEE order is the value order
			return event.Bool(a.AsFloat() < b.AsFloat())
		}
	}
	c, ok := Compare(a, b)
	if !ok {
		return event.Null
	}
	return event.Bool(c < 0)
}

// Le is <=.
func Le(a, b event.Value) event.Value {
	if ka := a.Kind(); ka == b.Kind() {
		if ka == event.KindInt {
			return event.Bool(a.AsInt() <= b.AsInt())
		}
		if ka == event.KindFloat { // finite, so IEEE order is the value order
			return event.Bool(a.AsFloat() <= b.AsFloat())
		}
	}
	c, ok := Compare(a, b)
	if !ok {
		return event.Null
	}
	return event.Bool(c <= 0)
}

// Gt is >.
func Gt(a, b event.Value) event.Value {
	if ka := a.Kind(); ka == b.Kind() {
		if ka == event.KindInt {
			return event.Bool(a.AsInt() > b.AsInt())
		}
		if ka == event.KindFloat { // finite, so IEEE order is the value order
			return event.Bool(a.AsFloat() > b.AsFloat())
		}
	}
	c, ok := Compare(a, b)
	if !ok {
		return event.Null
	}
	return event.Bool(c > 0)
}

// Ge is >=.
func Ge(a, b event.Value) event.Value {
	if ka := a.Kind(); ka == b.Kind() {
		if ka == event.KindInt {
			return event.Bool(a.AsInt() >= b.AsInt())
		}
		if ka == event.KindFloat { // finite, so IEEE order is the value order
			return event.Bool(a.AsFloat() >= b.AsFloat())
		}
	}
	c, ok := Compare(a, b)
	if !ok {
		return event.Null
	}
	return event.Bool(c >= 0)
}

// In is `a in b`: for an array, whether some element == a; for a map,
// whether the string a is one of its keys; for a string, whether the
// string a is a substring. The array case is SQL's IN, the disjunction of
// a == e over the elements: true if one matches, else null if an element is
// null (its comparison is unknown), else false. Null operands and other
// kinds give null.
func In(a, b event.Value) event.Value {
	if a.IsNull() {
		return event.Null
	}
	switch b.Kind() {
	case event.KindArray:
		sawNull := false
		for _, e := range b.Elems() {
			if e.IsNull() {
				sawNull = true
			} else if event.Equal(a, e) {
				return event.Bool(true)
			}
		}
		if sawNull {
			return event.Null
		}
		return event.Bool(false)
	case event.KindMap:
		if a.Kind() != event.KindString {
			return event.Null
		}
		_, ok := b.Get(a.AsString())
		return event.Bool(ok)
	case event.KindString:
		if a.Kind() != event.KindString {
			return event.Null
		}
		return event.Bool(strings.Contains(b.AsString(), a.AsString()))
	}
	return event.Null
}

// NotIn is `a not in b`, the negation of In (null stays null).
func NotIn(a, b event.Value) event.Value { return Not(In(a, b)) }

// Holds reports whether the comparison op (==, !=, <, <=, >, >=) of a and
// b is true: Binary(op, a, b).IsTrue(), with two ints or two floats
// compared in place, which is what a pattern's alias comparisons meet in
// their inner loop.
func Holds(op Op, a, b event.Value) bool {
	if ka := a.Kind(); ka == b.Kind() {
		switch ka {
		case event.KindInt:
			if op == OpEq || op == OpNe {
				return (a.AsInt() == b.AsInt()) == (op == OpEq)
			}
			if r, ok := applyOrder(op, a.AsInt(), b.AsInt()); ok {
				return r
			}
		case event.KindFloat: // finite, so IEEE order is the value order
			if r, ok := applyOrder(op, a.AsFloat(), b.AsFloat()); ok {
				return r
			}
		}
	}
	return Binary(op, a, b).IsTrue()
}

// applyOrder applies the order comparison op to x and y; ok is false for
// any other op.
func applyOrder[T int64 | float64](op Op, x, y T) (r, ok bool) {
	switch op {
	case OpLt:
		return x < y, true
	case OpLe:
		return x <= y, true
	case OpGt:
		return x > y, true
	case OpGe:
		return x >= y, true
	}
	return false, false
}
