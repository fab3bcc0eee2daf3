package agg

import (
	"math"
	"testing"

	"github.com/varpulis/varpulis-go/event"
)

var (
	I   = event.Int
	F   = event.Float
	S   = event.String
	N   = event.Null
	TS  = event.Timestamp
	Dur = event.Duration
	B   = event.Bool
)

// fsum adds in order at run time (a constant expression would be exact).
func fsum(xs ...float64) float64 {
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s
}

// emaOf is the ema of xs written out at run time.
func emaOf(n int64, xs ...float64) float64 {
	alpha := 2 / (float64(n) + 1)
	beta := 1 - alpha
	e := xs[0]
	for _, x := range xs[1:] {
		e = float64(alpha*x) + float64(beta*e)
	}
	return e
}

func vs(v ...event.Value) []event.Value { return v }

func arr(v ...event.Value) event.Value { return event.Array(v) }

// TestRules holds one case per rule of VPL.md §4.4 and of the package
// documentation. Each case runs through typed and Value views, with
// Update and UpdateOne, and is checked against the reference fold too.
func TestRules(t *testing.T) {
	big := int64(math.MaxInt64)
	cases := []struct {
		name string
		spec Spec
		in   []event.Value
		want event.Value
	}{
		{"count() counts events, nulls included", Spec{Fn: CountStar}, vs(I(1), N, S("a")), I(3)},
		{"count() of nothing is 0", Spec{Fn: CountStar}, nil, I(0)},
		{"count(x) counts non-null x of any kind", Spec{Fn: Count}, vs(I(1), N, S("a"), B(false)), I(3)},
		{"count(x) of nulls is 0", Spec{Fn: Count}, vs(N, N), I(0)},
		{"count(x) of nothing is 0", Spec{Fn: Count}, nil, I(0)},
		{"count_distinct: 1 and 1.0 are one key", Spec{Fn: CountDistinct}, vs(I(1), F(1), I(2)), I(2)},
		{"count_distinct: -0.0 and 0 are one key", Spec{Fn: CountDistinct}, vs(F(math.Copysign(0, -1)), I(0), F(0)), I(1)},
		{"count_distinct ignores null", Spec{Fn: CountDistinct}, vs(N, S("a"), N, S("a")), I(1)},
		{"count_distinct: kinds are apart", Spec{Fn: CountDistinct}, vs(I(1), S("1"), B(true), TS(1), Dur(1)), I(5)},
		{"count_distinct: [1] == [1.0]", Spec{Fn: CountDistinct}, vs(arr(I(1)), arr(F(1)), arr(I(1), I(1))), I(2)},
		{"count_distinct: maps regardless of key order", Spec{Fn: CountDistinct}, vs(
			event.Map([]string{"a", "b"}, vs(I(1), I(2))), event.Map([]string{"b", "a"}, vs(F(2), I(1)))), I(1)},
		{"count_distinct: non-integral floats by value", Spec{Fn: CountDistinct}, vs(F(0.5), F(0.5), F(1.5), F(1e19), F(1e19)), I(3)},
		{"count_distinct of nothing is 0", Spec{Fn: CountDistinct}, vs(N), I(0)},
		{"sum of ints is an int", Spec{Fn: Sum}, vs(I(1), I(2), N), I(3)},
		{"sum with a float is a float", Spec{Fn: Sum}, vs(I(1), F(2.5)), F(3.5)},
		{"sum: intermediate overflow is fine", Spec{Fn: Sum}, vs(I(big), I(1), I(-1)), I(big)},
		{"sum: final overflow is null", Spec{Fn: Sum}, vs(I(big), I(1)), N},
		{"sum: negative extreme fits", Spec{Fn: Sum}, vs(I(math.MinInt64), I(-1), I(1)), I(math.MinInt64)},
		{"sum: negative overflow is null", Spec{Fn: Sum}, vs(I(math.MinInt64), I(-1)), N},
		{"sum: float sum runs in event order from the first value", Spec{Fn: Sum}, vs(I(1<<53), I(1), F(1)), F(1 << 53)},
		{"sum: floats in event order", Spec{Fn: Sum}, vs(F(0.1), F(0.2), F(0.3)), F(fsum(0.1, 0.2, 0.3))},
		{"sum ignores non-numbers", Spec{Fn: Sum}, vs(S("a"), I(1), B(true), Dur(5)), I(1)},
		{"sum of nulls is null", Spec{Fn: Sum}, vs(N), N},
		{"sum of non-numbers is null", Spec{Fn: Sum}, vs(S("x")), N},
		{"sum: float overflow is null", Spec{Fn: Sum}, vs(F(1e308), F(1e308)), N},
		{"avg is a float", Spec{Fn: Avg}, vs(I(2)), F(2)},
		{"avg ignores nulls and non-numbers", Spec{Fn: Avg}, vs(I(1), N, I(2), S("x")), F(1.5)},
		{"avg of nothing is null", Spec{Fn: Avg}, nil, N},
		{"min of numbers by value, keeps kind", Spec{Fn: Min}, vs(I(3), F(1), I(1)), F(1)},
		{"max: ties keep the first", Spec{Fn: Max}, vs(I(1), F(1)), I(1)},
		{"max exact across int and float", Spec{Fn: Max}, vs(F(1<<53), I(1<<53+1)), I(1<<53 + 1)},
		{"min exact across int and float", Spec{Fn: Min}, vs(I(1<<53+1), F(1<<53)), F(1 << 53)},
		{"min: -0.0 and 0 tie, first kept", Spec{Fn: Min}, vs(F(0), F(math.Copysign(0, -1))), F(0)},
		{"min of strings bytewise", Spec{Fn: Min}, vs(S("b"), S("a"), S("ab")), S("a")},
		{"max of strings bytewise", Spec{Fn: Max}, vs(S("b"), S("a"), S("ab")), S("b")},
		{"min of timestamps", Spec{Fn: Min}, vs(TS(5), N, TS(3)), TS(3)},
		{"max of durations", Spec{Fn: Max}, vs(Dur(5), Dur(7)), Dur(7)},
		{"min/max ignore nulls", Spec{Fn: Max}, vs(N, I(1), N), I(1)},
		{"min of nothing is null", Spec{Fn: Min}, vs(N), N},
		{"min across kinds: number < string", Spec{Fn: Min}, vs(S("a"), I(9)), I(9)},
		{"max across kinds: string > number", Spec{Fn: Max}, vs(S("a"), I(9)), S("a")},
		{"max across kinds: timestamp > string", Spec{Fn: Max}, vs(TS(1), S("z"), Dur(0)), Dur(0)},
		{"min across kinds: bool < number", Spec{Fn: Min}, vs(I(0), B(true)), B(true)},
		{"stddev is sample stddev", Spec{Fn: Stddev}, vs(I(2), I(4), I(4), I(4), I(5), I(5), I(7), I(9)), F(math.Sqrt(32.0 / 7))},
		{"stddev of one value is null", Spec{Fn: Stddev}, vs(I(1), N), N},
		{"stddev of two", Spec{Fn: Stddev}, vs(F(1), F(2)), F(math.Sqrt(0.5))},
		{"first may be null", Spec{Fn: First}, vs(N, I(1)), N},
		{"first", Spec{Fn: First}, vs(S("a"), I(1)), S("a")},
		{"last may be null", Spec{Fn: Last}, vs(I(1), N), N},
		{"last", Spec{Fn: Last}, vs(I(1), F(2.5)), F(2.5)},
		{"first of nothing is null", Spec{Fn: First}, nil, N},
		{"ema seeded with the first number", Spec{Fn: Ema, Period: 2}, vs(N, I(1), I(2), N, I(3)),
			F(emaOf(2, 1, 2, 3))},
		{"ema of one value", Spec{Fn: Ema, Period: 10}, vs(F(4.5)), F(4.5)},
		{"ema of nothing is null", Spec{Fn: Ema, Period: 3}, vs(N, S("x")), N},
		{"ema with period 1 is the last number", Spec{Fn: Ema, Period: 1}, vs(I(1), I(7)), F(7)},
		{"ema with a bad period is null", Spec{Fn: Ema, Period: 0}, vs(I(1)), N},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := refFold(tc.spec, tc.in); !identical(got, tc.want) {
				t.Errorf("reference: got %s, want %s", show(got), show(tc.want))
			}
			for _, typed := range []bool{false, true} {
				if got := updateAll(tc.spec, tc.in, typed).Result(0); !identical(got, tc.want) {
					t.Errorf("UpdateOne typed=%v: got %s, want %s", typed, show(got), show(tc.want))
				}
				// One row per call, through Update.
				a := New(tc.spec)
				a.Resize(3)
				for i, v := range tc.in {
					rows, size := []int32{int32(i % 2)}, 2
					a.Update([]int32{1}, rows, makeColumn([]event.Value{v}, rows, size, typed, i%3 == 0))
				}
				if got := a.Result(1); !identical(got, tc.want) {
					t.Errorf("Update row by row typed=%v: got %s, want %s", typed, show(got), show(tc.want))
				}
				if got := a.Result(0); tc.spec.Fn.Valid() && !identical(got, refFold(tc.spec, nil)) {
					t.Errorf("untouched group: got %s", show(got))
				}
			}
		})
	}
}

func TestParse(t *testing.T) {
	cases := []struct {
		name  string
		nargs int
		want  Func
		ok    bool
	}{
		{"count", 0, CountStar, true},
		{"count", 1, Count, true},
		{"count", 2, 0, false},
		{"count_distinct", 1, CountDistinct, true},
		{"count_distinct", 0, 0, false},
		{"sum", 1, Sum, true},
		{"avg", 1, Avg, true},
		{"min", 1, Min, true},
		{"max", 1, Max, true},
		{"stddev", 1, Stddev, true},
		{"first", 1, First, true},
		{"last", 1, Last, true},
		{"ema", 2, Ema, true},
		{"ema", 1, 0, false},
		{"sum", 2, 0, false},
		{"median", 1, 0, false},
		{"COUNT", 0, 0, false},
	}
	for _, tc := range cases {
		f, ok := Parse(tc.name, tc.nargs)
		if f != tc.want || ok != tc.ok {
			t.Errorf("Parse(%q, %d) = %v, %v; want %v, %v", tc.name, tc.nargs, f, ok, tc.want, tc.ok)
		}
		if ok && f.String() != tc.name && !(f == CountStar && f.String() == "count()") {
			t.Errorf("%v.String() = %q", f, f.String())
		}
	}
	if Func(0).Valid() || numFuncs.Valid() || Func(0).String() != "invalid" {
		t.Error("zero Func is valid")
	}
}

func TestSpecCheck(t *testing.T) {
	for f := CountStar; f < numFuncs; f++ {
		s := Spec{Fn: f, Period: 3}
		if err := s.Check(); err != nil {
			t.Errorf("%v: %v", f, err)
		}
	}
	for _, s := range []Spec{{}, {Fn: numFuncs}, {Fn: Ema}, {Fn: Ema, Period: -1}} {
		if s.Check() == nil {
			t.Errorf("%+v: no error", s)
		}
		a := New(s)
		a.Resize(1)
		a.UpdateOne(0, []int32{0}, &Column{IsConst: true, Const: I(1)})
		if got := a.Result(0); !got.IsNull() {
			t.Errorf("%+v: result %s", s, show(got))
		}
	}
}
