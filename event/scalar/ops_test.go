package scalar

import (
	"testing"

	"github.com/varpulis/varpulis-go/event"
)

type binCase struct {
	op      Op
	a, b    event.Value
	want    event.Value
	comment string
}

// binaryCases holds every rule and example of VPL.md §5 and §11.1 that a
// binary operator decides. Comments name the rule where it is not obvious.
var binaryCases = []binCase{
	// + on ints, floats, overflow.
	{OpAdd, I(1), I(2), I(3), ""},
	{OpAdd, I(maxI), I(1), N, "int overflow is null"},
	{OpAdd, I(minI), I(-1), N, ""},
	{OpAdd, I(maxI), I(minI), I(-1), ""},
	{OpAdd, I(1), F(1.5), F(2.5), "a float operand makes the result float"},
	{OpAdd, F(1), I(1), F(2), ""},
	{OpAdd, F(1e308), F(1e308), N, "infinite result is null"},
	{OpAdd, I(1), N, N, "null operand"},
	{OpAdd, N, N, N, ""},
	{OpAdd, S("a"), S("b"), S("ab"), "string concatenation"},
	{OpAdd, S(""), S(""), S(""), ""},
	{OpAdd, A(I(1)), A(I(2), S("x")), A(I(1), I(2), S("x")), "array concatenation"},
	{OpAdd, A(), A(), A(), ""},
	{OpAdd, S("a"), I(1), N, "wrong kinds"},
	{OpAdd, A(I(1)), I(1), N, ""},
	{OpAdd, B(true), B(true), N, ""},
	{OpAdd, T(1 * sec), D(2 * sec), T(3 * sec), "timestamp + duration"},
	{OpAdd, D(2 * sec), T(1 * sec), T(3 * sec), "duration + timestamp"},
	{OpAdd, D(2 * sec), D(3 * sec), D(5 * sec), ""},
	{OpAdd, T(maxI), D(1), N, "timestamp overflow"},
	{OpAdd, T(1), T(1), N, ""},
	{OpAdd, T(1), I(1), N, ""},
	{OpAdd, D(1), I(1), N, ""},

	// -.
	{OpSub, I(5), I(7), I(-2), ""},
	{OpSub, I(minI), I(1), N, ""},
	{OpSub, I(0), I(minI), N, ""},
	{OpSub, I(-1), I(minI), I(maxI), ""},
	{OpSub, F(0.5), I(1), F(-0.5), ""},
	{OpSub, T(5 * sec), D(2 * sec), T(3 * sec), "timestamp - duration"},
	{OpSub, T(4 * sec), T(1 * sec), D(3 * sec), "timestamp - timestamp (E15)"},
	{OpSub, T(minI), T(1), N, ""},
	{OpSub, D(5), D(7), D(-2), ""},
	{OpSub, D(5), T(7), N, ""},
	{OpSub, S("ab"), S("b"), N, ""},

	// *.
	{OpMul, I(6), I(7), I(42), ""},
	{OpMul, I(maxI), I(2), N, ""},
	{OpMul, I(minI), I(-1), N, ""},
	{OpMul, I(-1), I(minI), N, ""},
	{OpMul, I(minI), I(1), I(minI), ""},
	{OpMul, I(3037000499), I(3037000499), I(9223372030926249001), ""},
	{OpMul, I(3037000500), I(3037000500), N, ""},
	{OpMul, I(-3037000500), I(3037000500), N, ""},
	{OpMul, I(1 << 32), I(-(1 << 31)), I(minI), ""},
	{OpMul, I(1 << 32), I(1 << 31), N, ""},
	{OpMul, F(1.5), I(2), F(3), ""},
	{OpMul, F(1e200), F(1e200), N, ""},
	{OpMul, D(2 * sec), I(3), D(6 * sec), "duration × int"},
	{OpMul, I(3), D(2 * sec), D(6 * sec), "int × duration"},
	{OpMul, D(maxI), I(2), N, ""},
	{OpMul, D(sec), F(1.5), N, "duration × float is not defined"},
	{OpMul, D(sec), D(sec), N, ""},
	{OpMul, S("a"), I(3), N, ""},

	// /.
	{OpDiv, I(7), I(2), I(3), "int / int truncates"},
	{OpDiv, I(-7), I(2), I(-3), "toward zero"},
	{OpDiv, I(7), I(-2), I(-3), ""},
	{OpDiv, I(3), I(2), I(1), "E2: qty / 2"},
	{OpDiv, F(2), I(2), F(1), "E2: 2.0 / 2 is 1.0"},
	{OpDiv, I(3), I(0), N, "E2: division by zero"},
	{OpDiv, I(0), I(0), N, ""},
	{OpDiv, F(1), F(0), N, "float division by zero"},
	{OpDiv, F(1), F(negZero), N, ""},
	{OpDiv, I(1), F(0), N, ""},
	{OpDiv, F(0), I(0), N, ""},
	{OpDiv, I(minI), I(-1), N, "MinInt64 / -1 overflows"},
	{OpDiv, I(minI), I(1), I(minI), ""},
	{OpDiv, I(3), F(2), F(1.5), ""},
	{OpDiv, F(1e-300), F(1e300), F(0), "underflow is 0, not null"},
	{OpDiv, F(1e300), F(1e-300), N, ""},
	{OpDiv, D(10 * sec), I(4), D(2500 * 1e6), "duration / int"},
	{OpDiv, D(sec), I(0), N, ""},
	{OpDiv, D(minI), I(-1), N, ""},
	{OpDiv, D(10 * sec), D(4 * sec), F(2.5), "duration / duration is a float"},
	{OpDiv, D(sec), D(0), N, ""},
	{OpDiv, I(10), D(2), N, ""},
	{OpDiv, D(sec), F(2), N, ""},

	// %.
	{OpMod, I(-7), I(3), I(-1), "§11.1: sign of the dividend"},
	{OpMod, I(7), I(-3), I(1), ""},
	{OpMod, I(7), I(3), I(1), ""},
	{OpMod, I(7), I(0), N, "remainder by zero"},
	{OpMod, I(minI), I(-1), I(0), ""},
	{OpMod, I(minI), I(maxI), I(-1), ""},
	{OpMod, F(7.5), I(2), F(1.5), ""},
	{OpMod, F(-7.5), I(2), F(-1.5), ""},
	{OpMod, I(7), F(0), N, ""},
	{OpMod, D(7), D(2), N, ""},

	// **.
	{OpPow, I(2), I(10), I(1024), ""},
	{OpPow, I(2), I(-1), F(0.5), "§11.1: int ** negative int is a float"},
	{OpPow, I(-2), I(-2), F(0.25), ""},
	{OpPow, I(0), I(-1), N, "0 ** -1 is infinite"},
	{OpPow, I(2), I(0), I(1), ""},
	{OpPow, I(0), I(0), I(1), ""},
	{OpPow, I(0), I(5), I(0), ""},
	{OpPow, I(2), I(62), I(1 << 62), ""},
	{OpPow, I(2), I(63), N, "overflow"},
	{OpPow, I(-2), I(63), I(minI), ""},
	{OpPow, I(-2), I(64), N, ""},
	{OpPow, I(3), I(39), I(4052555153018976267), ""},
	{OpPow, I(3), I(40), N, ""},
	{OpPow, I(10), I(18), I(1e18), ""},
	{OpPow, I(10), I(19), N, ""},
	{OpPow, I(7), I(maxI), N, ""},
	{OpPow, I(1), I(maxI), I(1), ""},
	{OpPow, I(-1), I(maxI), I(-1), ""},
	{OpPow, I(-1), I(maxI - 1), I(1), ""},
	{OpPow, I(3037000499), I(2), I(9223372030926249001), ""},
	{OpPow, I(3037000500), I(2), N, ""},
	{OpPow, F(2), I(3), F(8), "a float operand gives a float"},
	{OpPow, I(4), F(0.5), F(2), ""},
	{OpPow, I(-8), F(0.5), N, "NaN is null"},
	{OpPow, F(10), I(400), N, ""},
	{OpPow, S("a"), I(2), N, ""},

	// Bitwise.
	{OpBitAnd, I(6), I(3), I(2), ""},
	{OpBitOr, I(6), I(3), I(7), ""},
	{OpBitXor, I(6), I(3), I(5), ""},
	{OpBitAnd, I(-1), I(minI), I(minI), ""},
	{OpBitAnd, B(true), B(true), N, "ints only"},
	{OpBitOr, F(1), I(1), N, ""},
	{OpBitXor, I(1), N, N, ""},
	{OpShl, I(1), I(3), I(8), ""},
	{OpShl, I(1), I(63), I(minI), "bits shifted out are lost"},
	{OpShl, I(3), I(63), I(minI), ""},
	{OpShl, I(1), I(64), N, "shift 0–63"},
	{OpShl, I(1), I(-1), N, ""},
	{OpShl, I(5), I(0), I(5), ""},
	{OpShr, I(-8), I(1), I(-4), "arithmetic shift"},
	{OpShr, I(minI), I(63), I(-1), ""},
	{OpShr, I(maxI), I(63), I(0), ""},
	{OpShr, I(8), I(64), N, ""},
	{OpShr, I(8), F(1), N, ""},

	// ==, !=.
	{OpEq, I(1), F(1), B(true), "§5: 1 == 1.0"},
	{OpNe, I(1), F(1), B(false), ""},
	{OpEq, I(2), I(2), B(true), ""},
	{OpEq, I(9007199254740993), F(9007199254740992), B(false), "exact across int and float"},
	{OpEq, I(maxI), F(9223372036854775807), B(false), "the float is 2^63"},
	{OpEq, F(0), F(negZero), B(true), ""},
	{OpEq, S("a"), S("a"), B(true), ""},
	{OpEq, S("1"), I(1), B(false), "different kinds are unequal"},
	{OpNe, S("1"), I(1), B(true), ""},
	{OpEq, B(true), I(1), B(false), ""},
	{OpEq, T(5), D(5), B(false), ""},
	{OpEq, T(5), I(5), B(false), ""},
	{OpEq, T(5), T(5), B(true), ""},
	{OpEq, D(5), D(6), B(false), ""},
	{OpEq, B(false), B(false), B(true), ""},
	{OpEq, N, N, N, "null operand"},
	{OpEq, N, I(1), N, ""},
	{OpNe, I(1), N, N, ""},
	{OpEq, A(I(1), I(2)), A(I(1), F(2)), B(true), "arrays element-wise, by =="},
	{OpEq, A(I(1)), A(I(1), I(2)), B(false), ""},
	{OpEq, A(N), A(N), B(true), "nested nulls compare equal"},
	{OpEq, A(), A(), B(true), ""},
	{OpEq, M("a", I(1), "b", I(2)), M("b", I(2), "a", I(1)), B(true), "maps by entries"},
	{OpEq, M("a", I(1)), M("a", I(2)), B(false), ""},
	{OpEq, M("a", I(1)), M("a", I(1), "b", I(2)), B(false), ""},
	{OpEq, M(), A(), B(false), ""},
	{OpNe, A(I(1)), A(I(2)), B(true), ""},

	// < <= > >=.
	{OpLe, I(1), F(1.5), B(true), "§5: 1 <= 1.5"},
	{OpLt, I(1), F(1.5), B(true), ""},
	{OpGe, F(1.5), I(1), B(true), ""},
	{OpGt, I(2), F(1.5), B(true), ""},
	{OpLt, I(9007199254740993), F(9007199254740992), B(false), ""},
	{OpGt, I(9007199254740993), F(9007199254740992), B(true), ""},
	{OpLt, I(maxI), F(9223372036854775807), B(true), ""},
	{OpLe, I(2), I(2), B(true), ""},
	{OpLt, I(2), I(2), B(false), ""},
	{OpGe, I(minI), I(maxI), B(false), ""},
	{OpLt, S("a"), S("b"), B(true), "strings bytewise"},
	{OpLt, S("B"), S("a"), B(true), ""},
	{OpGt, S("é"), S("z"), B(true), "bytewise UTF-8, not collation"},
	{OpLt, S(""), S("a"), B(true), ""},
	{OpLt, T(1), T(2), B(true), ""},
	{OpGe, D(2), D(2), B(true), ""},
	{OpLt, B(false), B(true), B(true), "false < true"},
	{OpGt, B(false), B(true), B(false), ""},
	{OpLt, I(1), S("2"), N, "other combinations are null"},
	{OpLt, T(1), D(2), N, ""},
	{OpLt, T(1), I(2), N, ""},
	{OpLt, B(false), I(1), N, ""},
	{OpLt, A(I(1)), A(I(2)), N, ""},
	{OpLe, M(), M(), N, ""},
	{OpGt, N, I(1), N, ""},
	{OpGe, N, N, N, ""},

	// in, not in.
	{OpIn, I(1), A(I(1), I(2)), B(true), ""},
	{OpIn, F(1), A(I(1)), B(true), "by =="},
	{OpIn, I(3), A(I(1), I(2)), B(false), ""},
	{OpIn, I(3), A(), B(false), ""},
	{OpIn, S("1"), A(I(1)), B(false), ""},
	{OpIn, I(3), A(I(1), N), N, "SQL IN: an unknown element makes a miss unknown"},
	{OpIn, I(1), A(N, I(1)), B(true), ""},
	{OpIn, A(I(1)), A(A(F(1))), B(true), ""},
	{OpIn, N, A(N), N, ""},
	{OpIn, S("a"), M("a", I(1)), B(true), "map key"},
	{OpIn, S("b"), M("a", I(1)), B(false), ""},
	{OpIn, I(1), M("1", I(1)), N, ""},
	{OpIn, S("bc"), S("abcd"), B(true), "substring"},
	{OpIn, S(""), S("x"), B(true), ""},
	{OpIn, S("x"), S(""), B(false), ""},
	{OpIn, I(1), S("1"), N, ""},
	{OpIn, I(1), N, N, ""},
	{OpIn, I(1), I(1), N, ""},
	{OpNotIn, I(1), A(I(2)), B(true), ""},
	{OpNotIn, I(2), A(I(2)), B(false), ""},
	{OpNotIn, I(3), A(I(1), N), N, ""},
	{OpNotIn, S("z"), S("abc"), B(true), ""},
	{OpNotIn, S("a"), M("a", N), B(false), ""},
	{OpNotIn, N, A(), N, ""},

	// and, or (three-valued; a non-bool counts as null).
	{OpAnd, B(true), B(true), B(true), ""},
	{OpAnd, B(true), B(false), B(false), ""},
	{OpAnd, B(false), B(true), B(false), ""},
	{OpAnd, B(false), B(false), B(false), ""},
	{OpAnd, N, B(false), B(false), "§5: null and false is false"},
	{OpAnd, B(false), N, B(false), ""},
	{OpAnd, N, B(true), N, ""},
	{OpAnd, B(true), N, N, ""},
	{OpAnd, N, N, N, ""},
	{OpAnd, I(1), B(false), B(false), "a non-bool counts as null"},
	{OpAnd, I(1), B(true), N, ""},
	{OpAnd, S("x"), S("y"), N, ""},
	{OpOr, B(true), B(true), B(true), ""},
	{OpOr, B(true), B(false), B(true), ""},
	{OpOr, B(false), B(true), B(true), ""},
	{OpOr, B(false), B(false), B(false), ""},
	{OpOr, N, B(true), B(true), "§5: null or true is true"},
	{OpOr, B(true), N, B(true), ""},
	{OpOr, N, B(false), N, ""},
	{OpOr, B(false), N, N, ""},
	{OpOr, N, N, N, ""},
	{OpOr, S("x"), B(true), B(true), ""},
	{OpOr, I(0), B(false), N, ""},

	// Ranges.
	{OpRange, I(1), I(4), A(I(1), I(2), I(3)), ""},
	{OpRangeInclusive, I(1), I(4), A(I(1), I(2), I(3), I(4)), ""},
	{OpRange, I(-2), I(1), A(I(-2), I(-1), I(0)), ""},
	{OpRange, I(4), I(1), A(), "empty when b < a"},
	{OpRange, I(3), I(3), A(), ""},
	{OpRangeInclusive, I(3), I(3), A(I(3)), ""},
	{OpRangeInclusive, I(4), I(3), A(), ""},
	{OpRange, I(minI), I(maxI), N, "more than 10 000 elements"},
	{OpRangeInclusive, I(minI), I(maxI), N, ""},
	{OpRange, I(maxI - 1), I(maxI), A(I(maxI - 1)), ""},
	{OpRangeInclusive, I(maxI - 1), I(maxI), A(I(maxI-1), I(maxI)), ""},
	{OpRange, F(1), I(3), N, "ints only"},
	{OpRange, N, I(3), N, ""},

	// Indexing.
	{OpIndex, A(I(1), I(2), I(3)), I(0), I(1), ""},
	{OpIndex, A(I(1), I(2), I(3)), I(-1), I(3), "negative counts from the end"},
	{OpIndex, A(I(1), I(2), I(3)), I(-3), I(1), ""},
	{OpIndex, A(I(1), I(2), I(3)), I(3), N, "out of range"},
	{OpIndex, A(I(1), I(2), I(3)), I(-4), N, ""},
	{OpIndex, A(I(1)), I(minI), N, ""},
	{OpIndex, A(I(1)), I(maxI), N, ""},
	{OpIndex, A(I(1)), F(0), N, "an int index only"},
	{OpIndex, A(I(1)), S("0"), N, ""},
	{OpIndex, M("a", I(1)), S("a"), I(1), "map entry"},
	{OpIndex, M("a", I(1)), S("b"), N, ""},
	{OpIndex, M("a", I(1)), I(0), N, ""},
	{OpIndex, S("héllo"), I(1), S("é"), "string code point"},
	{OpIndex, S("héllo"), I(-1), S("o"), ""},
	{OpIndex, S("héllo"), I(-5), S("h"), ""},
	{OpIndex, S("héllo"), I(5), N, ""},
	{OpIndex, S("héllo"), I(-6), N, ""},
	{OpIndex, S("日本語"), I(2), S("語"), ""},
	{OpIndex, S(""), I(0), N, ""},
	{OpIndex, S("abc"), I(maxI), N, ""},
	{OpIndex, N, I(0), N, ""},
	{OpIndex, I(5), I(0), N, ""},
}

func TestBinary(t *testing.T) {
	for _, c := range binaryCases {
		got := Binary(c.op, c.a, c.b)
		check(t, show(c.a)+" "+c.op.Symbol()+" "+show(c.b), got, c.want)
		// The predicted kind must hold for the expected result.
		if k, ok := BinaryKind(c.op, c.a.Kind(), c.b.Kind()); ok && !c.want.IsNull() && k != c.want.Kind() {
			t.Errorf("BinaryKind(%s, %s, %s) = %s, but %s", c.op, c.a.Kind(), c.b.Kind(), k, show(c.want))
		}
	}
}

func TestUnary(t *testing.T) {
	cases := []struct {
		op      Op
		a, want event.Value
	}{
		{OpNeg, I(5), I(-5)},
		{OpNeg, I(minI), N}, // -MinInt64 overflows
		{OpNeg, I(maxI), I(-maxI)},
		{OpNeg, F(1.5), F(-1.5)},
		{OpNeg, D(sec), D(-sec)},
		{OpNeg, D(minI), N},
		{OpNeg, T(1), N},
		{OpNeg, S("a"), N},
		{OpNeg, N, N},
		{OpBitNot, I(0), I(-1)},
		{OpBitNot, I(minI), I(maxI)},
		{OpBitNot, B(true), N},
		{OpNot, B(true), B(false)},
		{OpNot, B(false), B(true)},
		{OpNot, N, N}, // §5: not null is null
		{OpNot, I(0), N},
		{OpIsNull, N, B(true)},
		{OpIsNull, I(0), B(false)},
		{OpIsNotNull, N, B(false)},
		{OpIsNotNull, A(), B(true)},
		{OpInvalid, I(1), N},
		{OpAdd, I(1), N}, // a binary op through Unary
	}
	for _, c := range cases {
		check(t, c.op.String()+" "+show(c.a), Unary(c.op, c.a), c.want)
	}
}

func TestShortCircuit(t *testing.T) {
	cases := []struct {
		op   Op
		left event.Value
		want event.Value
		done bool
	}{
		{OpAnd, B(false), B(false), true},
		{OpAnd, B(true), N, false},
		{OpAnd, N, N, false},
		{OpAnd, I(0), N, false},
		{OpOr, B(true), B(true), true},
		{OpOr, B(false), N, false},
		{OpOr, N, N, false},
		{OpAdd, B(false), N, false},
	}
	for _, c := range cases {
		got, done := ShortCircuit(c.op, c.left)
		if done != c.done {
			t.Errorf("ShortCircuit(%s, %s) done = %v", c.op, show(c.left), done)
		}
		check(t, "ShortCircuit("+c.op.String()+", "+show(c.left)+")", got, c.want)
		// Whatever the right side, a decided result must be what Binary gives.
		if done {
			for _, r := range []event.Value{N, B(true), B(false), I(1)} {
				check(t, "decided "+c.op.String(), Binary(c.op, c.left, r), got)
			}
		}
	}
}

func TestOps(t *testing.T) {
	names := map[string]bool{}
	for _, op := range Ops() {
		if names[op.String()] {
			t.Errorf("duplicate name %q", op)
		}
		names[op.String()] = true
		switch op.Arity() {
		case 1:
			if got, ok := ParseUnary(op.Symbol()); !ok || got != op {
				t.Errorf("ParseUnary(%q) = %v, %v", op.Symbol(), got, ok)
			}
			if Binary(op, I(1), I(1)).Kind() != event.KindNull {
				t.Errorf("Binary accepts unary %s", op)
			}
		case 2:
			if got, ok := ParseBinary(op.Symbol()); !ok || got != op {
				t.Errorf("ParseBinary(%q) = %v, %v", op.Symbol(), got, ok)
			}
		default:
			t.Errorf("%s has arity %d", op, op.Arity())
		}
	}
	if len(Ops()) != int(numOps)-1 {
		t.Errorf("Ops() has %d entries", len(Ops()))
	}
	if _, ok := ParseBinary("=="); !ok {
		t.Error("== not found")
	}
	if _, ok := ParseBinary("==="); ok {
		t.Error("=== found")
	}
	if Op(200).String() != "invalid" || Op(200).Arity() != 0 {
		t.Error("unknown op code")
	}
	if !OpIn.IsComparison() || !OpNotIn.IsComparison() || OpAnd.IsComparison() || !OpEq.IsComparison() {
		t.Error("IsComparison")
	}
}

func TestCompare(t *testing.T) {
	cases := []struct {
		a, b event.Value
		c    int
		ok   bool
	}{
		{I(1), F(1), 0, true},
		{F(0.5), I(1), -1, true},
		{S("b"), S("a"), 1, true},
		{B(true), B(false), 1, true},
		{T(1), T(1), 0, true},
		{D(-1), D(1), -1, true},
		{I(1), S("1"), 0, false},
		{N, N, 0, false},
		{A(), A(), 0, false},
	}
	for _, c := range cases {
		got, ok := Compare(c.a, c.b)
		if got != c.c || ok != c.ok {
			t.Errorf("Compare(%s, %s) = %d, %v", show(c.a), show(c.b), got, ok)
		}
	}
}

func TestSlice(t *testing.T) {
	arr := A(I(1), I(2), I(3), I(4))
	cases := []struct {
		x, a, b, want event.Value
	}{
		{S("hello"), I(1), I(3), S("el")},
		{S("hello"), I(-3), N, S("llo")},
		{S("hello"), N, I(-1), S("hell")},
		{S("hello"), N, N, S("hello")},
		{S("hello"), I(-100), I(100), S("hello")},
		{S("hello"), I(4), I(1), S("")},
		{S("hello"), I(5), N, S("")},
		{S("hello"), I(minI), I(maxI), S("hello")},
		{S("héllo"), I(1), I(3), S("él")}, // code points
		{S("日本語"), I(1), N, S("本語")},
		{S("日本語"), I(-1), N, S("語")},
		{S("日本語"), N, I(-2), S("日")},
		{S(""), I(0), I(1), S("")},
		{arr, I(1), I(-1), A(I(2), I(3))},
		{arr, N, I(2), A(I(1), I(2))},
		{arr, I(-2), N, A(I(3), I(4))},
		{arr, I(3), I(1), A()},
		{arr, I(10), I(20), A()},
		{S("abc"), F(1), N, N}, // non-int bound
		{arr, N, S("1"), N},
		{I(5), I(0), I(1), N},
		{M("a", I(1)), N, N, N},
		{N, N, N, N},
	}
	for _, c := range cases {
		check(t, show(c.x)+"["+show(c.a)+":"+show(c.b)+"]", Slice(c.x, c.a, c.b), c.want)
	}
	// A slice must not let a later push write into the original.
	s := Slice(arr, I(0), I(2))
	Call("push", s, I(99))
	check(t, "original after push on a slice", arr, A(I(1), I(2), I(3), I(4)))
}

func TestMember(t *testing.T) {
	m := M("a", I(1), "b", A(I(2)))
	check(t, "m.a", Member(m, "a"), I(1))
	check(t, "m.b", Member(m, "b"), A(I(2)))
	check(t, "m.c", Member(m, "c"), N)
	check(t, "5.a", Member(I(5), "a"), N)
	check(t, "null.a", Member(N, "a"), N)
	check(t, "[1].a", Member(A(I(1)), "a"), N)
}

func TestRangeLimit(t *testing.T) {
	if got := Range(I(0), I(MaxRange), false); got.Len() != MaxRange {
		t.Errorf("0..10000 has %d elements", got.Len())
	}
	if got := Range(I(0), I(MaxRange+1), false); !got.IsNull() {
		t.Errorf("0..10001 = %s", show(got))
	}
	if got := Range(I(1), I(MaxRange), true); got.Len() != MaxRange {
		t.Errorf("1..=10000 has %d elements", got.Len())
	}
	if got := Range(I(0), I(MaxRange), true); !got.IsNull() {
		t.Errorf("0..=10000 is not null")
	}
	if got := Range(I(-5), I(MaxRange-5), false); got.Len() != MaxRange || got.Elems()[0].AsInt() != -5 {
		t.Errorf("-5..9995 wrong")
	}
}
