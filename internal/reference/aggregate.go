package reference

import (
	"math"
	"math/big"
	"strings"

	"github.com/varpulis/varpulis-go/event"
)

// aggregate computes one aggregate call over a window's events, given in
// arrival order (VPL.md §4.4).
func aggregate(a Agg, events []rec) event.Value {
	// §4.4: nulls are ignored except by count(), first and last. A missing
	// field is null (§5).
	var xs []event.Value
	for _, e := range events {
		if v := e.get(a.Field); !v.IsNull() {
			xs = append(xs, v)
		}
	}
	switch a.Fn {
	case "count":
		if a.Field == "" {
			// count(): number of events.
			return event.Int(int64(len(events)))
		}
		// count(x): number of non-null x.
		return event.Int(int64(len(xs)))
	case "count_distinct":
		// Number of distinct non-null x; distinct under == (§11.7: 1 and
		// 1.0 are one value). No non-null input: 0 (reading 8).
		var seen []event.Value
		for _, x := range xs {
			dup := false
			for _, s := range seen {
				if event.Equal(s, x) {
					dup = true
				}
			}
			if !dup {
				seen = append(seen, x)
			}
		}
		return event.Int(int64(len(seen)))
	case "first":
		// x of the first event (may be null).
		return events[0].get(a.Field)
	case "last":
		// x of the last event (may be null).
		return events[len(events)-1].get(a.Field)
	}
	// §4.4: with no non-null input the result is null.
	if len(xs) == 0 {
		return event.Null
	}
	switch a.Fn {
	case "sum":
		return sum(xs)
	case "avg":
		// float; §11.5: accumulated in event order.
		return event.Float(floatSum(numbers(xs)) / float64(len(xs)))
	case "min":
		return extreme(xs, -1)
	case "max":
		return extreme(xs, +1)
	case "stddev":
		return stddev(numbers(xs))
	case "ema":
		return ema(numbers(xs), a.Period)
	}
	panic("reference: unknown aggregate " + a.Fn)
}

// numbers returns the float64 of each value; values must be numbers (the
// reference covers numeric aggregates over numbers only).
func numbers(xs []event.Value) []float64 {
	fs := make([]float64, len(xs))
	for i, x := range xs {
		if !x.Kind().IsNumber() {
			panic("reference: numeric aggregate over a " + x.Kind().String() + " (not covered)")
		}
		fs[i] = x.AsFloat()
	}
	return fs
}

// floatSum adds the values in event order, from +0.0 (§11.5; reading 7).
func floatSum(fs []float64) float64 {
	s := 0.0
	for _, f := range fs {
		s += f
	}
	return s
}

// sum is §4.4 sum(x): int when every non-null x is int, else float; int
// overflow gives null. Ints are summed exactly, so only the final total
// decides overflow.
func sum(xs []event.Value) event.Value {
	fs := numbers(xs)
	allInt := true
	for _, x := range xs {
		if x.Kind() != event.KindInt {
			allInt = false
		}
	}
	if !allInt {
		// event.Float turns an infinite total into null (§5).
		return event.Float(floatSum(fs))
	}
	total := new(big.Int)
	for _, x := range xs {
		total.Add(total, big.NewInt(x.AsInt()))
	}
	if !total.IsInt64() {
		return event.Null
	}
	return event.Int(total.Int64())
}

// extreme is min (dir −1) or max (dir +1): the least/greatest non-null x,
// keeping its type; numbers by value, strings bytewise. The first of equal
// values in arrival order wins (reading 6).
func extreme(xs []event.Value, dir int) event.Value {
	best := xs[0]
	for _, x := range xs[1:] {
		if order(x, best)*dir > 0 {
			best = x
		}
	}
	return best
}

// order compares two numbers by value or two strings bytewise.
func order(a, b event.Value) int {
	switch {
	case a.Kind().IsNumber() && b.Kind().IsNumber():
		return event.CompareNumbers(a, b)
	case a.Kind() == event.KindString && b.Kind() == event.KindString:
		return strings.Compare(a.AsString(), b.AsString())
	}
	panic("reference: min/max over " + a.Kind().String() + " and " + b.Kind().String() + " (not covered)")
}

// stddev is the sample standard deviation (n − 1), float, null for fewer
// than 2 values, by Welford's online algorithm in event order (§4.4,
// §11.5; reading 7 gives the exact steps).
func stddev(fs []float64) event.Value {
	if len(fs) < 2 {
		return event.Null
	}
	var n, mean, m2 float64
	for _, x := range fs {
		n++
		delta := x - mean
		mean += delta / n
		m2 += delta * (x - mean)
	}
	return event.Float(math.Sqrt(m2 / (n - 1)))
}

// ema is the exponential moving average in event order, α = 2/(n+1),
// seeded with the first value; float (§4.4; reading 7).
func ema(fs []float64, period int64) event.Value {
	alpha := 2 / (float64(period) + 1)
	v := fs[0]
	for _, x := range fs[1:] {
		v = alpha*x + (1-alpha)*v
	}
	return event.Float(v)
}

// compare evaluates "a op b" as VPL does (§5): null when an operand is
// null; == and != compare numbers by value across int and float and other
// values by kind and value (different kinds are unequal); < <= > >=
// compare numbers by value, strings bytewise, bools, timestamps and
// durations, and are null for other combinations.
func compare(op string, a, b event.Value) event.Value {
	if a.IsNull() || b.IsNull() {
		return event.Null
	}
	switch op {
	case "==":
		return event.Bool(event.Equal(a, b))
	case "!=":
		return event.Bool(!event.Equal(a, b))
	}
	var c int
	switch {
	case a.Kind().IsNumber() && b.Kind().IsNumber():
		c = event.CompareNumbers(a, b)
	case a.Kind() != b.Kind():
		return event.Null
	case a.Kind() == event.KindString:
		c = strings.Compare(a.AsString(), b.AsString())
	case a.Kind() == event.KindBool, a.Kind() == event.KindTimestamp, a.Kind() == event.KindDuration:
		c = cmp64(a.AsInt(), b.AsInt())
	default:
		return event.Null
	}
	switch op {
	case "<":
		return event.Bool(c < 0)
	case "<=":
		return event.Bool(c <= 0)
	case ">":
		return event.Bool(c > 0)
	case ">=":
		return event.Bool(c >= 0)
	}
	panic("reference: unknown comparison " + op)
}

func cmp64(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
