package scalar

import (
	"math"
	"math/bits"

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

// addInt, subInt and mulInt are int64 arithmetic reporting overflow, which
// VPL turns into null instead of wrapping.
func addInt(x, y int64) (int64, bool) {
	s := x + y
	return s, (s^x)&(s^y) >= 0
}

func subInt(x, y int64) (int64, bool) {
	d := x - y
	return d, (x^y)&(x^d) >= 0
}

func mulInt(x, y int64) (int64, bool) {
	hi, lo := bits.Mul64(uint64(x), uint64(y))
	// The signed high word is the unsigned one minus the other operand for
	// each negative operand; the product fits iff that word is the sign
	// extension of the low word.
	shi := int64(hi)
	if x < 0 {
		shi -= y
	}
	if y < 0 {
		shi -= x
	}
	return int64(lo), shi == int64(lo)>>63
}

// divInt truncates toward zero; division by zero and MinInt64 / -1 fail.
func divInt(x, y int64) (int64, bool) {
	if y == 0 || (y == -1 && x == math.MinInt64) {
		return 0, false
	}
	return x / y, true
}

func intOrNull(n int64, ok bool) event.Value {
	if !ok {
		return event.Null
	}
	return event.Int(n)
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
		return intOrNull(subInt(0, a.AsInt()))
	case event.KindFloat:
		return event.Float(-a.AsFloat())
	case event.KindDuration:
		return durOrNull(subInt(0, a.AsInt()))
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
	switch kinds(a, b) {
	case pII:
		return intOrNull(addInt(a.AsInt(), b.AsInt()))
	case pFF, pIF, pFI:
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
		return tsOrNull(addInt(a.AsInt(), b.AsInt()))
	case pDD:
		return durOrNull(addInt(a.AsInt(), b.AsInt()))
	}
	return event.Null
}

// Sub is -: numbers, timestamp - duration (a timestamp), timestamp -
// timestamp (a duration) and duration - duration.
func Sub(a, b event.Value) event.Value {
	switch kinds(a, b) {
	case pII:
		return intOrNull(subInt(a.AsInt(), b.AsInt()))
	case pFF, pIF, pFI:
		return event.Float(a.AsFloat() - b.AsFloat())
	case pTD:
		return tsOrNull(subInt(a.AsInt(), b.AsInt()))
	case pTT, pDD:
		return durOrNull(subInt(a.AsInt(), b.AsInt()))
	}
	return event.Null
}

// Mul is *: numbers, and duration × int in either order.
func Mul(a, b event.Value) event.Value {
	switch kinds(a, b) {
	case pII:
		return intOrNull(mulInt(a.AsInt(), b.AsInt()))
	case pFF, pIF, pFI:
		return event.Float(a.AsFloat() * b.AsFloat())
	case pDI, pID:
		return durOrNull(mulInt(a.AsInt(), b.AsInt()))
	}
	return event.Null
}

// Div is /: int / int truncates toward zero; a float operand gives a float;
// duration / int is a duration and duration / duration a float. Division by
// zero, of either kind, is null, and so is MinInt64 / -1.
func Div(a, b event.Value) event.Value {
	switch kinds(a, b) {
	case pII:
		return intOrNull(divInt(a.AsInt(), b.AsInt()))
	case pFF, pIF, pFI:
		y := b.AsFloat()
		if y == 0 {
			return event.Null
		}
		return event.Float(a.AsFloat() / y)
	case pDI:
		return durOrNull(divInt(a.AsInt(), b.AsInt()))
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
		y := b.AsInt()
		if y == 0 {
			return event.Null
		}
		if y == -1 { // MinInt64 % -1 is 0; avoid relying on the edge case
			return event.Int(0)
		}
		return event.Int(a.AsInt() % y)
	case pFF, pIF, pFI:
		y := b.AsFloat()
		if y == 0 {
			return event.Null
		}
		return event.Float(math.Mod(a.AsFloat(), y))
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
		return intOrNull(powInt(x, e))
	case pFF, pIF, pFI:
		return event.Float(math.Pow(a.AsFloat(), b.AsFloat()))
	}
	return event.Null
}

// powInt raises x to e >= 0 by squaring, reporting overflow.
func powInt(x, e int64) (int64, bool) {
	switch x {
	case 0:
		if e == 0 {
			return 1, true
		}
		return 0, true
	case 1:
		return 1, true
	case -1:
		if e&1 == 0 {
			return 1, true
		}
		return -1, true
	}
	if e >= 64 { // |x| >= 2
		return 0, false
	}
	r := int64(1)
	ok := true
	for {
		if e&1 != 0 {
			if r, ok = mulInt(r, x); !ok {
				return 0, false
			}
		}
		e >>= 1
		if e == 0 {
			return r, true
		}
		// A square that overflows is always needed later (a bit of e is
		// still set), so the result overflows too.
		if x, ok = mulInt(x, x); !ok {
			return 0, false
		}
	}
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
	if !ok || n < 0 || n > 63 {
		return event.Null
	}
	return event.Int(x << uint(n))
}

// Shr is >> on ints with a count of 0 to 63 (else null); it shifts in the
// sign bit (arithmetic shift), so -8 >> 1 is -4.
func Shr(a, b event.Value) event.Value {
	x, n, ok := bitwise(a, b)
	if !ok || n < 0 || n > 63 {
		return event.Null
	}
	return event.Int(x >> uint(n))
}
