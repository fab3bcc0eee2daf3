package scalar

import "github.com/varpulis/varpulis-go/event"

// isFalse reports whether v is exactly false.
func isFalse(v event.Value) bool { return v.Kind() == event.KindBool && !v.AsBool() }

// Not is `not x`: the negation of a bool; null (or any non-bool) is null.
func Not(a event.Value) event.Value {
	if a.Kind() != event.KindBool {
		return event.Null
	}
	return event.Bool(!a.AsBool())
}

// And is SQL's three-valued and: false if either side is false, else null
// if either side is not a bool (null or another kind counts as null), else
// true. So `null and false` is false.
func And(a, b event.Value) event.Value {
	if isFalse(a) || isFalse(b) {
		return event.Bool(false)
	}
	if a.Kind() != event.KindBool || b.Kind() != event.KindBool {
		return event.Null
	}
	return event.Bool(true)
}

// Or is SQL's three-valued or: true if either side is true, else null if
// either side is not a bool, else false. So `null or true` is true.
func Or(a, b event.Value) event.Value {
	if a.IsTrue() || b.IsTrue() {
		return event.Bool(true)
	}
	if a.Kind() != event.KindBool || b.Kind() != event.KindBool {
		return event.Null
	}
	return event.Bool(false)
}

// ShortCircuit tells whether the left operand of and/or decides the result
// alone (false for and, true for or), in which case VPL does not evaluate
// the right side (VPL.md §5). It returns that result and true; otherwise
// null and false, and the caller evaluates the right side and calls
// Binary. Other ops never short-circuit.
func ShortCircuit(op Op, left event.Value) (event.Value, bool) {
	switch op {
	case OpAnd:
		if isFalse(left) {
			return left, true
		}
	case OpOr:
		if left.IsTrue() {
			return left, true
		}
	}
	return event.Null, false
}

// IsNull is `x is null`, always a bool.
func IsNull(a event.Value) event.Value { return event.Bool(a.IsNull()) }

// IsNotNull is `x is not null`, always a bool.
func IsNotNull(a event.Value) event.Value { return event.Bool(!a.IsNull()) }
