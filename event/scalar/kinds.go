package scalar

import "github.com/varpulis/varpulis-go/event"

// The *Kind functions predict result kinds from operand kinds, for the
// planner's type checking and for picking vectorized kernels. They report
// the kind that every non-null result has; ok is false when the values,
// not just their kinds, decide (int ** int is an int or a float by the
// exponent's sign; an array element can be anything). KindNull with ok
// means the result is always null (e.g. "a" - 1), which a checker may flag.
// The fuzz test holds these predictions to the operators' behaviour.

// UnaryKind predicts the kind of Unary(op, a) for an operand of kind a.
func UnaryKind(op Op, a event.Kind) (event.Kind, bool) {
	switch op {
	case OpNeg:
		switch a {
		case event.KindInt, event.KindFloat, event.KindDuration:
			return a, true
		}
	case OpBitNot:
		if a == event.KindInt {
			return a, true
		}
	case OpNot:
		if a == event.KindBool {
			return a, true
		}
	case OpIsNull, OpIsNotNull:
		return event.KindBool, true
	}
	return event.KindNull, true
}

// BinaryKind predicts the kind of Binary(op, a, b) for operands of kinds a
// and b.
func BinaryKind(op Op, a, b event.Kind) (event.Kind, bool) {
	p := kp(a, b)
	num := a.IsNumber() && b.IsNumber()
	numKind := event.KindFloat
	if p == pII {
		numKind = event.KindInt
	}
	switch op {
	case OpAdd:
		if num {
			return numKind, true
		}
		switch p {
		case pSS:
			return event.KindString, true
		case pAA:
			return event.KindArray, true
		case pTD, pDT:
			return event.KindTimestamp, true
		case pDD:
			return event.KindDuration, true
		}
	case OpSub:
		if num {
			return numKind, true
		}
		switch p {
		case pTD:
			return event.KindTimestamp, true
		case pTT, pDD:
			return event.KindDuration, true
		}
	case OpMul:
		if num {
			return numKind, true
		}
		if p == pDI || p == pID {
			return event.KindDuration, true
		}
	case OpDiv:
		if num {
			return numKind, true
		}
		switch p {
		case pDI:
			return event.KindDuration, true
		case pDD:
			return event.KindFloat, true
		}
	case OpMod:
		if num {
			return numKind, true
		}
	case OpPow:
		if p == pII {
			return event.KindNull, false
		}
		if num {
			return event.KindFloat, true
		}
	case OpBitAnd, OpBitOr, OpBitXor, OpShl, OpShr:
		if p == pII {
			return event.KindInt, true
		}
	case OpEq, OpNe:
		if a != event.KindNull && b != event.KindNull {
			return event.KindBool, true
		}
	case OpLt, OpLe, OpGt, OpGe:
		if num || (a == b && Ordered(a)) {
			return event.KindBool, true
		}
	case OpIn, OpNotIn:
		if a != event.KindNull && (b == event.KindArray || (a == event.KindString && (b == event.KindMap || b == event.KindString))) {
			return event.KindBool, true
		}
	case OpAnd, OpOr:
		if a == event.KindBool || b == event.KindBool {
			return event.KindBool, true
		}
	case OpRange, OpRangeInclusive:
		if p == pII {
			return event.KindArray, true
		}
	case OpIndex:
		switch p {
		case pAI, pMS:
			return event.KindNull, false
		case pSI:
			return event.KindString, true
		}
	}
	return event.KindNull, true
}
