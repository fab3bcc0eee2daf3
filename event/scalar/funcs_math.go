package scalar

import (
	"math"
	"strconv"

	"github.com/varpulis/varpulis-go/event"
)

// fnAbs: abs(int) stays an int (abs(MinInt64) overflows to null), abs(float)
// a float.
func fnAbs(a []event.Value) event.Value {
	x := a[0]
	switch x.Kind() {
	case event.KindInt:
		if x.AsInt() < 0 {
			return intOrNull(NegInt(x.AsInt()))
		}
		return x
	case event.KindFloat:
		return event.Float(math.Abs(x.AsFloat()))
	}
	return event.Null
}

// floatFn lifts a float function to a VPL function of one number whose
// result is a float; a NaN or infinite result (sqrt(-1), log(0)) is null
// through event.Float.
func floatFn(f func(float64) float64) func([]event.Value) event.Value {
	return func(a []event.Value) event.Value {
		if !a[0].Kind().IsNumber() {
			return event.Null
		}
		return event.Float(f(a[0].AsFloat()))
	}
}

// posZero turns -0.0 into 0.0, so that rounding functions never print
// "-0.0" (ceil(-0.5) is 0.0). Equality is unaffected: -0.0 == 0.0.
func posZero(f float64) float64 {
	if f == 0 {
		return 0
	}
	return f
}

// fnFloor: an int stays an int, a float stays a float (§11.2).
func fnFloor(a []event.Value) event.Value {
	switch a[0].Kind() {
	case event.KindInt:
		return a[0]
	case event.KindFloat:
		return event.Float(posZero(math.Floor(a[0].AsFloat())))
	}
	return event.Null
}

// fnCeil: an int stays an int, a float stays a float (§11.2).
func fnCeil(a []event.Value) event.Value {
	switch a[0].Kind() {
	case event.KindInt:
		return a[0]
	case event.KindFloat:
		return event.Float(posZero(math.Ceil(a[0].AsFloat())))
	}
	return event.Null
}

// fnRound is round(x[, digits]): half away from zero, to digits decimal
// places (negative: to tens, hundreds, …); an int stays an int, a float a
// float. digits must be an int.
func fnRound(a []event.Value) event.Value {
	x := a[0]
	var digits int64
	if len(a) == 2 {
		if a[1].Kind() != event.KindInt {
			return event.Null
		}
		digits = a[1].AsInt()
	}
	switch x.Kind() {
	case event.KindInt:
		if digits >= 0 {
			return x
		}
		return roundInt(x.AsInt(), digits)
	case event.KindFloat:
		if digits == 0 {
			return event.Float(posZero(math.Round(x.AsFloat())))
		}
		return roundFloat(x.AsFloat(), digits)
	}
	return event.Null
}

var pow10 = [...]uint64{1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
	1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19}

// roundInt rounds x to a multiple of 10^-digits (digits < 0), half away
// from zero; a result beyond int64 is null.
func roundInt(x, digits int64) event.Value {
	u := uint64(x)
	if x < 0 {
		u = -u // |MinInt64| = 1<<63 is representable as uint64
	}
	var r uint64
	if digits > -int64(len(pow10)) { // never negate digits: it may be MinInt64
		p := pow10[-digits]
		q, rem := u/p, u%p
		if rem >= p-rem { // rem >= p/2, without overflow
			q++
		}
		r = q * p // <= u + p < 2^64
	}
	// else 10^-digits > 2 * 2^63 > 2|x|: the result is 0.
	if x < 0 {
		if r > 1<<63 {
			return event.Null
		}
		return event.Int(int64(-r))
	}
	if r > math.MaxInt64 {
		return event.Null
	}
	return event.Int(int64(r))
}

// roundFloat rounds f to digits decimal places, half away from zero, on the
// shortest decimal form of f (the digits that its text form shows), so that
// round(1.005, 2) is 1.01 as written, not 1.0 as the binary value
// 1.00499999999999989… would give.
func roundFloat(f float64, digits int64) event.Value {
	if f == 0 || digits > 400 {
		return event.Float(posZero(f)) // more places than a float64 has digits
	}
	if digits < -400 {
		return event.Float(0)
	}
	var buf [40]byte
	s := strconv.AppendFloat(buf[:0], math.Abs(f), 'e', -1, 64) // d.ddde±x
	var mant [20]byte
	n := 0
	i := 0
	for ; i < len(s) && s[i] != 'e'; i++ {
		if s[i] != '.' {
			mant[n] = s[i]
			n++
		}
	}
	exp, err := strconv.Atoi(string(s[i+1:]))
	if err != nil {
		return event.Null // unreachable: AppendFloat's exponent
	}
	// f = 0.m1m2…mn × 10^(exp+1); keep the first k digits.
	k := int64(exp) + 1 + digits
	if k >= int64(n) {
		return event.Float(f)
	}
	if k < 0 {
		return event.Float(0)
	}
	up := mant[k] >= '5'
	kept := mant[:k]
	if up {
		j := len(kept) - 1
		for ; j >= 0 && kept[j] == '9'; j-- {
			kept[j] = '0'
		}
		if j >= 0 {
			kept[j]++
		} else {
			kept = append([]byte{'1'}, kept...)
		}
	}
	if len(kept) == 0 {
		return event.Float(0)
	}
	// The kept digits, read as an integer, are in units of 10^-digits.
	out := make([]byte, 0, 48)
	if f < 0 {
		out = append(out, '-')
	}
	out = append(out, kept...)
	out = append(out, 'e')
	out = strconv.AppendInt(out, -digits, 10)
	r, err := strconv.ParseFloat(string(out), 64)
	if err != nil {
		return event.Null // out of range (round(1.7e308, -308))
	}
	return event.Float(posZero(r))
}

// extreme is min (sign 1) or max (sign -1): of its arguments, or of the
// elements of a single array argument. Numbers compare by value across int
// and float and the winner keeps its kind; ties keep the first. The array
// form skips null elements, as the aggregates do, and is null when empty;
// values that cannot be ordered against each other give null.
func extreme(a []event.Value, sign int) event.Value {
	if len(a) == 1 {
		x := a[0]
		if x.Kind() == event.KindArray {
			return extremeOf(x.Elems(), sign)
		}
		if Ordered(x.Kind()) {
			return x
		}
		return event.Null
	}
	return extremeOf(a, sign)
}

func extremeOf(vals []event.Value, sign int) event.Value {
	best := event.Null
	for _, v := range vals {
		if v.IsNull() {
			continue
		}
		if best.IsNull() {
			if !Ordered(v.Kind()) {
				return event.Null
			}
			best = v
			continue
		}
		c, ok := Compare(v, best)
		if !ok {
			return event.Null
		}
		if c*sign < 0 {
			best = v
		}
	}
	return best
}

func fnMin(a []event.Value) event.Value { return extreme(a, 1) }
func fnMax(a []event.Value) event.Value { return extreme(a, -1) }

// fnClamp is clamp(x, lo, hi): lo if x < lo, hi if x > hi, else x; null if
// lo > hi or the values cannot be ordered.
func fnClamp(a []event.Value) event.Value {
	x, lo, hi := a[0], a[1], a[2]
	if c, ok := Compare(lo, hi); !ok || c > 0 {
		return event.Null
	}
	c, ok := Compare(x, lo)
	if !ok {
		return event.Null
	}
	if c < 0 {
		return lo
	}
	if c, ok = Compare(x, hi); !ok {
		return event.Null
	}
	if c > 0 {
		return hi
	}
	return x
}
