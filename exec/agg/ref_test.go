package agg

import (
	"bytes"
	"math"
	"math/big"

	"github.com/varpulis/varpulis-go/event"
	"github.com/varpulis/varpulis-go/event/scalar"
)

// refFold is the straightforward reference: the aggregate of vals (one
// group's argument values in event order), written from VPL.md §4.4 and the
// package documentation without any of the accumulators' machinery.
func refFold(s Spec, vals []event.Value) event.Value {
	var nonNull []event.Value
	var nums []event.Value
	for _, v := range vals {
		if !v.IsNull() {
			nonNull = append(nonNull, v)
		}
		if v.Kind().IsNumber() {
			nums = append(nums, v)
		}
	}
	switch s.Fn {
	case CountStar:
		return event.Int(int64(len(vals)))
	case Count:
		return event.Int(int64(len(nonNull)))
	case CountDistinct:
		var seen []event.Value
	outer:
		for _, v := range nonNull {
			for _, w := range seen {
				if event.Equal(v, w) {
					continue outer
				}
			}
			seen = append(seen, v)
		}
		return event.Int(int64(len(seen)))
	case Sum:
		if len(nums) == 0 {
			return event.Null
		}
		total := new(big.Int)
		fsum := 0.0
		allInt := true
		for _, v := range nums {
			fsum += v.AsFloat()
			if v.Kind() == event.KindInt {
				total.Add(total, big.NewInt(v.AsInt()))
			} else {
				allInt = false
			}
		}
		if !allInt {
			return event.Float(fsum)
		}
		if !total.IsInt64() {
			return event.Null
		}
		return event.Int(total.Int64())
	case Avg:
		if len(nums) == 0 {
			return event.Null
		}
		fsum := 0.0
		for _, v := range nums {
			fsum += v.AsFloat()
		}
		return event.Float(fsum / float64(len(nums)))
	case Min, Max:
		best := event.Null
		for _, v := range nonNull {
			if best.IsNull() {
				best = v
				continue
			}
			c := refOrder(v, best)
			if s.Fn == Min && c < 0 || s.Fn == Max && c > 0 {
				best = v
			}
		}
		return best
	case Stddev:
		var n int64
		var mean, m2 float64
		for _, v := range nums {
			x := v.AsFloat()
			n++
			d := x - mean
			mean += d / float64(n)
			m2 += float64(d * (x - mean))
		}
		if n < 2 {
			return event.Null
		}
		return event.Float(math.Sqrt(m2 / float64(n-1)))
	case First:
		if len(vals) == 0 {
			return event.Null
		}
		return vals[0]
	case Last:
		if len(vals) == 0 {
			return event.Null
		}
		return vals[len(vals)-1]
	case Ema:
		if s.Period < 1 || len(nums) == 0 {
			return event.Null
		}
		alpha := 2 / (float64(s.Period) + 1)
		e := nums[0].AsFloat()
		for _, v := range nums[1:] {
			e = float64(alpha*v.AsFloat()) + float64((1-alpha)*e)
		}
		return event.Float(e)
	}
	return event.Null
}

// refOrder: < where scalar.Compare defines it, else the kind order of the
// package documentation, arrays and maps by event.CompareKeys.
func refOrder(a, b event.Value) int {
	if c, ok := scalar.Compare(a, b); ok {
		return c
	}
	rank := map[event.Kind]int{
		event.KindBool: 1, event.KindInt: 2, event.KindFloat: 2, event.KindString: 3,
		event.KindTimestamp: 4, event.KindDuration: 5, event.KindArray: 6, event.KindMap: 7,
	}
	if ra, rb := rank[a.Kind()], rank[b.Kind()]; ra != rb {
		if ra < rb {
			return -1
		}
		return 1
	}
	return event.CompareKeys(a, b)
}

// identical reports whether a and b are the same value to the last bit:
// same kind, same float bits, same elements.
func identical(a, b event.Value) bool {
	return bytes.Equal(event.AppendBinary(nil, a), event.AppendBinary(nil, b))
}

// show renders a value for failure messages, kind included.
func show(v event.Value) string {
	return v.Kind().String() + ":" + string(event.AppendJSON(nil, v))
}
