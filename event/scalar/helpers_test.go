package scalar

import (
	"math"
	"testing"

	"github.com/varpulis/varpulis-go/event"
)

// Short constructors for test tables.

var N = event.Null

const (
	maxI = math.MaxInt64
	minI = math.MinInt64
	sec  = int64(1e9)
)

var negZero = math.Copysign(0, -1)

func I(n int64) event.Value   { return event.Int(n) }
func F(f float64) event.Value { return event.Float(f) }
func S(s string) event.Value  { return event.String(s) }
func B(b bool) event.Value    { return event.Bool(b) }
func T(ns int64) event.Value  { return event.Timestamp(ns) }
func D(ns int64) event.Value  { return event.Duration(ns) }

func A(vs ...event.Value) event.Value { return event.Array(append([]event.Value{}, vs...)) }

// M builds a map from alternating keys and values: M("a", I(1), "b", I(2)).
func M(kv ...any) event.Value {
	var keys []string
	var vals []event.Value
	for i := 0; i+1 < len(kv); i += 2 {
		keys = append(keys, kv[i].(string))
		vals = append(vals, kv[i+1].(event.Value))
	}
	return event.Map(keys, vals)
}

// show is the text form of v (§7.2), which tells every kind apart (1 from
// 1.0, "1s" from 1s, "null" from null) and keeps map order, so two values
// with the same show are identical for these tests.
func show(v event.Value) string { return string(event.AppendText(nil, v)) }

func showAll(vs []event.Value) string {
	s := "("
	for i, v := range vs {
		if i > 0 {
			s += ", "
		}
		s += show(v)
	}
	return s + ")"
}

func check(t *testing.T, what string, got, want event.Value) {
	t.Helper()
	if show(got) != show(want) {
		t.Errorf("%s = %s, want %s", what, show(got), show(want))
	}
}
