package scalar

import (
	"math"
	"math/bits"
)

// Typed building blocks: VPL's arithmetic rules on unboxed int64 and
// float64 operands, for vectorized kernels that loop over typed columns.
// They are what the Value operators use, so a kernel built on them gives
// the same answers as the row-at-a-time path. ok false means the VPL
// result is null.

// AddInt is int + int; overflow is null.
func AddInt(x, y int64) (int64, bool) {
	s := x + y
	return s, (s^x)&(s^y) >= 0
}

// SubInt is int - int; overflow is null.
func SubInt(x, y int64) (int64, bool) {
	d := x - y
	return d, (x^y)&(x^d) >= 0
}

// NegInt is -int; -MinInt64 overflows.
func NegInt(x int64) (int64, bool) { return SubInt(0, x) }

// MulInt is int * int; overflow is null.
func MulInt(x, y int64) (int64, bool) {
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

// DivInt is int / int, truncating toward zero; division by zero and
// MinInt64 / -1 (which overflows) are null.
func DivInt(x, y int64) (int64, bool) {
	if y == 0 || (y == -1 && x == math.MinInt64) {
		return 0, false
	}
	return x / y, true
}

// ModInt is int % int with the sign of the dividend (-7 % 3 is -1); a zero
// divisor is null. MinInt64 % -1 is 0.
func ModInt(x, y int64) (int64, bool) {
	switch y {
	case 0:
		return 0, false
	case -1:
		return 0, true
	}
	return x % y, true
}

// PowInt is int ** int for an exponent e >= 0, by squaring; overflow is
// null. For e < 0 it reports false, but there the VPL result is not null:
// it is the float math.Pow(x, e) (2 ** -1 is 0.5), which Pow computes.
func PowInt(x, e int64) (int64, bool) {
	if e < 0 {
		return 0, false
	}
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
			if r, ok = MulInt(r, x); !ok {
				return 0, false
			}
		}
		e >>= 1
		if e == 0 {
			return r, true
		}
		// A square that overflows is always needed later (a bit of e is
		// still set), so the result overflows too.
		if x, ok = MulInt(x, x); !ok {
			return 0, false
		}
	}
}

// ShlInt is x << n for n in 0..63 (else null); bits shifted out are lost.
func ShlInt(x, n int64) (int64, bool) {
	if n < 0 || n > 63 {
		return 0, false
	}
	return x << uint(n), true
}

// ShrInt is x >> n for n in 0..63 (else null), shifting in the sign bit.
func ShrInt(x, n int64) (int64, bool) {
	if n < 0 || n > 63 {
		return 0, false
	}
	return x >> uint(n), true
}

// Finite reports whether a float result is a VPL value: NaN and infinities
// are null. Kernels check + - * ** results of floats with it.
func Finite(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }

// DivFloat is / with a float operand: a zero divisor is null, and so is a
// result that is not finite.
func DivFloat(x, y float64) (float64, bool) {
	if y == 0 {
		return 0, false
	}
	q := x / y
	return q, Finite(q)
}

// ModFloat is % with a float operand, with the sign of the dividend; a zero
// divisor is null.
func ModFloat(x, y float64) (float64, bool) {
	if y == 0 {
		return 0, false
	}
	r := math.Mod(x, y)
	return r, Finite(r)
}
