package scalar

import (
	"math"

	"github.com/varpulis/varpulis-go/event"
)

// Implementation limits on values built by operators and functions. They
// are not VPL rules: they keep a runaway expression (a string doubled in a
// loop, a replace with a long replacement) from exhausting memory, which
// would take the server down. A result beyond them is null. Event limits
// (VPL.md §6.3) are far smaller, so no legitimate output is affected.
const (
	MaxStringBytes = 1 << 24 // bytes of a built string
	MaxArrayLen    = 1 << 20 // elements of a built array or map
	MaxRange       = 10000   // elements of a range value (VPL.md §5)
)

// kinds packs the kinds of two operands into one switch key.
func kinds(a, b event.Value) uint8 { return uint8(a.Kind())<<4 | uint8(b.Kind()) }

// Kind pairs used by the operator switches (constants, so that the
// switches compile to jump tables).
const (
	pII = uint8(event.KindInt)<<4 | uint8(event.KindInt)
	pIF = uint8(event.KindInt)<<4 | uint8(event.KindFloat)
	pFI = uint8(event.KindFloat)<<4 | uint8(event.KindInt)
	pFF = uint8(event.KindFloat)<<4 | uint8(event.KindFloat)
	pSS = uint8(event.KindString)<<4 | uint8(event.KindString)
	pAA = uint8(event.KindArray)<<4 | uint8(event.KindArray)
	pTD = uint8(event.KindTimestamp)<<4 | uint8(event.KindDuration)
	pDT = uint8(event.KindDuration)<<4 | uint8(event.KindTimestamp)
	pTT = uint8(event.KindTimestamp)<<4 | uint8(event.KindTimestamp)
	pDD = uint8(event.KindDuration)<<4 | uint8(event.KindDuration)
	pDI = uint8(event.KindDuration)<<4 | uint8(event.KindInt)
	pID = uint8(event.KindInt)<<4 | uint8(event.KindDuration)
	pBB = uint8(event.KindBool)<<4 | uint8(event.KindBool)
	pAI = uint8(event.KindArray)<<4 | uint8(event.KindInt)
	pMS = uint8(event.KindMap)<<4 | uint8(event.KindString)
	pSI = uint8(event.KindString)<<4 | uint8(event.KindInt)
)

func kp(a, b event.Kind) uint8 { return uint8(a)<<4 | uint8(b) }

func intOrNull(n int64, ok bool) event.Value {
	if !ok {
		return event.Null
	}
	return event.Int(n)
}

func floatOrNull(f float64, ok bool) event.Value {
	if !ok {
		return event.Null
	}
	return event.Float(f)
}

func durOrNull(n int64, ok bool) event.Value {
	if !ok {
		return event.Null
	}
	return event.Duration(n)
}

func tsOrNull(n int64, ok bool) event.Value {
	if !ok {
		return event.Null
	}
	return event.Timestamp(n)
}

// Neg is unary minus: int, float and duration; -MinInt64 overflows to null.
func Neg(a event.Value) event.Value {
	switch a.Kind() {
	case event.KindInt:
		return intOrNull(NegInt(a.AsInt()))
	case event.KindFloat:
		return event.Float(-a.AsFloat())
	case event.KindDuration:
		return durOrNull(NegInt(a.AsInt()))
	}
	return event.Null
}

// BitNot is ~x on an int.
func BitNot(a event.Value) event.Value {
	if a.Kind() == event.KindInt {
		return event.Int(^a.AsInt())
	}
	return event.Null
}

// Add is +: numbers (int + int stays int, null on overflow; a float operand
// makes it float), string and array concatenation, timestamp + duration (in
// either order) and duration + duration.
func Add(a, b event.Value) event.Value {
	// Fast paths first and everything else out of line: a Value is 40
	// bytes, and a large body makes every call copy both operands.
	if ka := a.Kind(); ka == b.Kind() {
		if ka == event.KindInt {
			return intOrNull(AddInt(a.AsInt(), b.AsInt()))
		}
		if ka == event.KindFloat {
			return event.Float(a.AsFloat() + b.AsFloat())
		}
	}
	return addSlow(a, b)
}

// addSlow covers the kinds that the fast path before it does not.
func addSlow(a, b event.Value) event.Value {
	switch kinds(a, b) {
	case pIF, pFI:
		return event.Float(a.AsFloat() + b.AsFloat())
	case pSS:
		x, y := a.AsString(), b.AsString()
		if len(x)+len(y) > MaxStringBytes {
			return event.Null
		}
		return event.String(x + y)
	case pAA:
		x, y := a.Elems(), b.Elems()
		if len(x)+len(y) > MaxArrayLen {
			return event.Null
		}
		out := make([]event.Value, 0, len(x)+len(y))
		return event.Array(append(append(out, x...), y...))
	case pTD, pDT:
		return tsOrNull(AddInt(a.AsInt(), b.AsInt()))
	case pDD:
		return durOrNull(AddInt(a.AsInt(), b.AsInt()))
	}
	return event.Null
}

// Sub is -: numbers, timestamp - duration (a timestamp), timestamp -
// timestamp (a duration) and duration - duration.
func Sub(a, b event.Value) event.Value {
	if ka := a.Kind(); ka == b.Kind() {
		if ka == event.KindInt {
			return intOrNull(SubInt(a.AsInt(), b.AsInt()))
		}
		if ka == event.KindFloat {
			return event.Float(a.AsFloat() - b.AsFloat())
		}
	}
	return subSlow(a, b)
}

// subSlow covers the kinds that the fast path before it does not.
func subSlow(a, b event.Value) event.Value {
	switch kinds(a, b) {
	case pIF, pFI:
		return event.Float(a.AsFloat() - b.AsFloat())
	case pTD:
		return tsOrNull(SubInt(a.AsInt(), b.AsInt()))
	case pTT, pDD:
		return durOrNull(SubInt(a.AsInt(), b.AsInt()))
	}
	return event.Null
}

// Mul is *: numbers, and duration × int in either order.
func Mul(a, b event.Value) event.Value {
	if ka := a.Kind(); ka == b.Kind() {
		if ka == event.KindInt {
			return intOrNull(MulInt(a.AsInt(), b.AsInt()))
		}
		if ka == event.KindFloat {
			return event.Float(a.AsFloat() * b.AsFloat())
		}
	}
	return mulSlow(a, b)
}

// mulSlow covers the kinds that the fast path before it does not.
func mulSlow(a, b event.Value) event.Value {
	switch kinds(a, b) {
	case pIF, pFI:
		return event.Float(a.AsFloat() * b.AsFloat())
	case pDI, pID:
		return durOrNull(MulInt(a.AsInt(), b.AsInt()))
	}
	return event.Null
}

// Div is /: int / int truncates toward zero; a float operand gives a float;
// duration / int is a duration and duration / duration a float. Division by
// zero, of either kind, is null, and so is MinInt64 / -1.
func Div(a, b event.Value) event.Value {
	if ka := a.Kind(); ka == b.Kind() && ka == event.KindInt {
		return intOrNull(DivInt(a.AsInt(), b.AsInt()))
	}
	return divSlow(a, b)
}

// divSlow covers the kinds that the fast path before it does not.
func divSlow(a, b event.Value) event.Value {
	switch kinds(a, b) {
	case pFF, pIF, pFI:
		return floatOrNull(DivFloat(a.AsFloat(), b.AsFloat()))
	case pDI:
		return durOrNull(DivInt(a.AsInt(), b.AsInt()))
	case pDD:
		y := b.AsInt()
		if y == 0 {
			return event.Null
		}
		return event.Float(float64(a.AsInt()) / float64(y))
	}
	return event.Null
}

// Mod is %: the result takes the sign of the dividend (-7 % 3 is -1), as
// Go's % and math.Mod do; a zero divisor gives null.
func Mod(a, b event.Value) event.Value {
	switch kinds(a, b) {
	case pII:
		return intOrNull(ModInt(a.AsInt(), b.AsInt()))
	case pFF, pIF, pFI:
		return floatOrNull(ModFloat(a.AsFloat(), b.AsFloat()))
	}
	return event.Null
}

// Pow is **: int ** non-negative int is an int (null on overflow); int **
// negative int and any float operand give a float (2 ** -1 is 0.5), null
// when not finite (0 ** -1, (-8) ** 0.5).
func Pow(a, b event.Value) event.Value {
	switch kinds(a, b) {
	case pII:
		x, e := a.AsInt(), b.AsInt()
		if e < 0 {
			return event.Float(math.Pow(float64(x), float64(e)))
		}
		return intOrNull(PowInt(x, e))
	case pFF, pIF, pFI:
		return event.Float(math.Pow(a.AsFloat(), b.AsFloat()))
	}
	return event.Null
}

func bitwise(a, b event.Value) (int64, int64, bool) {
	if kinds(a, b) != pII {
		return 0, 0, false
	}
	return a.AsInt(), b.AsInt(), true
}

// BitAnd is & on ints.
func BitAnd(a, b event.Value) event.Value {
	x, y, ok := bitwise(a, b)
	if !ok {
		return event.Null
	}
	return event.Int(x & y)
}

// BitOr is | on ints.
func BitOr(a, b event.Value) event.Value {
	x, y, ok := bitwise(a, b)
	if !ok {
		return event.Null
	}
	return event.Int(x | y)
}

// BitXor is ^ on ints.
func BitXor(a, b event.Value) event.Value {
	x, y, ok := bitwise(a, b)
	if !ok {
		return event.Null
	}
	return event.Int(x ^ y)
}

// Shl is << on ints with a count of 0 to 63 (else null). It is a bit
// operation, like PostgreSQL's bigint <<: bits shifted out are lost, so
// 1 << 63 is MinInt64 rather than an overflow.
func Shl(a, b event.Value) event.Value {
	x, n, ok := bitwise(a, b)
	if !ok {
		return event.Null
	}
	return intOrNull(ShlInt(x, n))
}

// Shr is >> on ints with a count of 0 to 63 (else null); it shifts in the
// sign bit (arithmetic shift), so -8 >> 1 is -4.
func Shr(a, b event.Value) event.Value {
	x, n, ok := bitwise(a, b)
	if !ok {
		return event.Null
	}
	return intOrNull(ShrInt(x, n))
}
