package scalar

import "github.com/varpulis/varpulis-go/event"

// Op is an operator code, so that plans and kernels can carry an operator
// as data and evaluate it through Unary or Binary.
type Op uint8

// The operators of VPL.md §5. Indexing x[i] is a binary operator here
// (OpIndex); slicing x[a:b] and member access x.f are not, because they do
// not take two values (see Slice and Member).
const (
	OpInvalid Op = iota

	// Unary.
	OpNeg       // -x
	OpBitNot    // ~x
	OpNot       // not x
	OpIsNull    // x is null
	OpIsNotNull // x is not null

	// Arithmetic.
	OpAdd // +
	OpSub // -
	OpMul // *
	OpDiv // /
	OpMod // %
	OpPow // **

	// Bitwise.
	OpBitAnd // &
	OpBitOr  // |
	OpBitXor // ^
	OpShl    // <<
	OpShr    // >>

	// Comparison.
	OpEq    // ==
	OpNe    // !=
	OpLt    // <
	OpLe    // <=
	OpGt    // >
	OpGe    // >=
	OpIn    // in
	OpNotIn // not in

	// Logic (three-valued).
	OpAnd // and
	OpOr  // or

	// Ranges and indexing.
	OpRange          // a..b
	OpRangeInclusive // a..=b
	OpIndex          // x[i]

	numOps
)

type opInfo struct {
	name, symbol string
	arity        uint8
}

var ops = [numOps]opInfo{
	OpInvalid:        {"invalid", "?", 0},
	OpNeg:            {"neg", "-", 1},
	OpBitNot:         {"bitnot", "~", 1},
	OpNot:            {"not", "not", 1},
	OpIsNull:         {"is_null", "is null", 1},
	OpIsNotNull:      {"is_not_null", "is not null", 1},
	OpAdd:            {"add", "+", 2},
	OpSub:            {"sub", "-", 2},
	OpMul:            {"mul", "*", 2},
	OpDiv:            {"div", "/", 2},
	OpMod:            {"mod", "%", 2},
	OpPow:            {"pow", "**", 2},
	OpBitAnd:         {"bitand", "&", 2},
	OpBitOr:          {"bitor", "|", 2},
	OpBitXor:         {"bitxor", "^", 2},
	OpShl:            {"shl", "<<", 2},
	OpShr:            {"shr", ">>", 2},
	OpEq:             {"eq", "==", 2},
	OpNe:             {"ne", "!=", 2},
	OpLt:             {"lt", "<", 2},
	OpLe:             {"le", "<=", 2},
	OpGt:             {"gt", ">", 2},
	OpGe:             {"ge", ">=", 2},
	OpIn:             {"in", "in", 2},
	OpNotIn:          {"not_in", "not in", 2},
	OpAnd:            {"and", "and", 2},
	OpOr:             {"or", "or", 2},
	OpRange:          {"range", "..", 2},
	OpRangeInclusive: {"range_inclusive", "..=", 2},
	OpIndex:          {"index", "[]", 2},
}

func (op Op) info() opInfo {
	if op < numOps {
		return ops[op]
	}
	return ops[OpInvalid]
}

// String returns the operator's identifier-like name ("add", "not_in"),
// stable for plans and logs.
func (op Op) String() string { return op.info().name }

// Symbol returns the operator as written in VPL ("+", "not in", "..=");
// OpIndex is "[]".
func (op Op) Symbol() string { return op.info().symbol }

// Arity is 1 for unary operators, 2 for binary ones and 0 for OpInvalid or
// an unknown code.
func (op Op) Arity() int { return int(op.info().arity) }

// IsComparison reports whether op is one of == != < <= > >= in, not in:
// the non-associative operators whose result is a bool or null.
func (op Op) IsComparison() bool { return op >= OpEq && op <= OpNotIn }

// Ops returns every valid operator code in declaration order.
func Ops() []Op {
	out := make([]Op, 0, numOps-1)
	for op := OpInvalid + 1; op < numOps; op++ {
		out = append(out, op)
	}
	return out
}

// ParseBinary returns the binary operator written sym in VPL ("+", "in",
// "not in", "..="); "[]" gives OpIndex.
func ParseBinary(sym string) (Op, bool) {
	for op := OpAdd; op < numOps; op++ {
		if ops[op].symbol == sym {
			return op, true
		}
	}
	return OpInvalid, false
}

// ParseUnary returns the unary operator written sym ("-", "~", "not",
// "is null", "is not null").
func ParseUnary(sym string) (Op, bool) {
	for op := OpNeg; op <= OpIsNotNull; op++ {
		if ops[op].symbol == sym {
			return op, true
		}
	}
	return OpInvalid, false
}

// Unary applies a unary operator; a binary or unknown op gives null.
func Unary(op Op, a event.Value) event.Value {
	switch op {
	case OpNeg:
		return Neg(a)
	case OpBitNot:
		return BitNot(a)
	case OpNot:
		return Not(a)
	case OpIsNull:
		return IsNull(a)
	case OpIsNotNull:
		return IsNotNull(a)
	}
	return event.Null
}

// Binary applies a binary operator to two evaluated operands; a unary or
// unknown op gives null. For and/or the caller decides, with ShortCircuit,
// whether b needs evaluating at all.
func Binary(op Op, a, b event.Value) event.Value {
	switch op {
	case OpAdd:
		return Add(a, b)
	case OpSub:
		return Sub(a, b)
	case OpMul:
		return Mul(a, b)
	case OpDiv:
		return Div(a, b)
	case OpMod:
		return Mod(a, b)
	case OpPow:
		return Pow(a, b)
	case OpBitAnd:
		return BitAnd(a, b)
	case OpBitOr:
		return BitOr(a, b)
	case OpBitXor:
		return BitXor(a, b)
	case OpShl:
		return Shl(a, b)
	case OpShr:
		return Shr(a, b)
	case OpEq:
		return Eq(a, b)
	case OpNe:
		return Ne(a, b)
	case OpLt:
		return Lt(a, b)
	case OpLe:
		return Le(a, b)
	case OpGt:
		return Gt(a, b)
	case OpGe:
		return Ge(a, b)
	case OpIn:
		return In(a, b)
	case OpNotIn:
		return NotIn(a, b)
	case OpAnd:
		return And(a, b)
	case OpOr:
		return Or(a, b)
	case OpRange:
		return Range(a, b, false)
	case OpRangeInclusive:
		return Range(a, b, true)
	case OpIndex:
		return Index(a, b)
	}
	return event.Null
}
