package scalar

import (
	"testing"

	"github.com/varpulis/varpulis-go/event"
)

// Sinks keep the compiler from discarding benchmarked calls.
var (
	sinkV event.Value
	sinkB bool
)

func benchBinary(b *testing.B, f func(x, y event.Value) event.Value, x, y event.Value) {
	b.ReportAllocs()
	for b.Loop() {
		sinkV = f(x, y)
	}
}

func BenchmarkAddInt(b *testing.B)   { benchBinary(b, Add, I(12345), I(678)) }
func BenchmarkAddFloat(b *testing.B) { benchBinary(b, Add, F(1.5), F(2.25)) }
func BenchmarkAddMixed(b *testing.B) { benchBinary(b, Add, I(1), F(2.25)) }
func BenchmarkLtInt(b *testing.B)    { benchBinary(b, Lt, I(12345), I(678)) }
func BenchmarkLtFloat(b *testing.B)  { benchBinary(b, Lt, F(1.5), F(2.25)) }
func BenchmarkLtMixed(b *testing.B)  { benchBinary(b, Lt, I(1), F(2.25)) }
func BenchmarkEqString(b *testing.B) { benchBinary(b, Eq, S("sensor-17"), S("sensor-17")) }
func BenchmarkMulInt(b *testing.B)   { benchBinary(b, Mul, I(3037000499), I(3)) }
func BenchmarkDivInt(b *testing.B)   { benchBinary(b, Div, I(12345), I(7)) }

func BenchmarkBinaryDispatch(b *testing.B) {
	x, y := I(12345), I(678)
	b.ReportAllocs()
	for b.Loop() {
		sinkV = Binary(OpAdd, x, y)
	}
}

func BenchmarkAndNull(b *testing.B) { benchBinary(b, And, N, B(false)) }

func BenchmarkCallAbs(b *testing.B) {
	f, _ := Lookup("abs")
	args := []event.Value{I(-5)}
	b.ReportAllocs()
	for b.Loop() {
		sinkV = f.Call(args)
	}
}

func BenchmarkLookup(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		_, sinkB = Lookup("starts_with")
	}
}

// TestNoAllocs pins the promise that scalar results do not allocate.
func TestNoAllocs(t *testing.T) {
	abs, _ := Lookup("abs")
	round, _ := Lookup("round")
	absArgs := []event.Value{F(-2.5)}
	roundArgs := []event.Value{F(2.5)}
	cases := map[string]func(){
		"add int":     func() { sinkV = Add(I(1), I(2)) },
		"add float":   func() { sinkV = Add(F(1), I(2)) },
		"sub ts":      func() { sinkV = Sub(T(5), T(2)) },
		"mul":         func() { sinkV = Mul(I(3), D(2)) },
		"div":         func() { sinkV = Div(D(3), D(2)) },
		"pow":         func() { sinkV = Pow(I(3), I(20)) },
		"lt string":   func() { sinkV = Lt(S("a"), S("b")) },
		"eq mixed":    func() { sinkV = Eq(I(1), F(1)) },
		"in string":   func() { sinkV = In(S("b"), S("abc")) },
		"and":         func() { sinkV = And(N, B(true)) },
		"index str":   func() { sinkV = Index(S("héllo"), I(-1)) },
		"slice str":   func() { sinkV = Slice(S("héllo"), I(1), I(3)) },
		"abs":         func() { sinkV = abs.Call(absArgs) },
		"round":       func() { sinkV = round.Call(roundArgs) },
		"binary":      func() { sinkV = Binary(OpShl, I(1), I(5)) },
		"shortcircut": func() { sinkV, sinkB = ShortCircuit(OpAnd, B(false)) },
	}
	for name, f := range cases {
		if n := testing.AllocsPerRun(100, f); n != 0 {
			t.Errorf("%s: %v allocations", name, n)
		}
	}
}
