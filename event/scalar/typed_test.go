package scalar

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/varpulis/varpulis-go/event"
)

// exact reports whether the big result fits an int64, and its value.
func exact(z *big.Int) (int64, bool) {
	if !z.IsInt64() {
		return 0, false
	}
	return z.Int64(), true
}

// TestTypedAgainstBig checks the int building blocks against math/big on
// the edge values and random ones, and the Value operators against them.
func TestTypedAgainstBig(t *testing.T) {
	ints := append([]int64{}, specialInts...)
	for _, n := range specialInts {
		ints = append(ints, -n)
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 40 {
		ints = append(ints, int64(r.Uint64()), int64(r.Uint64()>>uint(r.IntN(63))))
	}
	for _, x := range ints {
		for _, y := range ints {
			bx, by := big.NewInt(x), big.NewInt(y)
			type op struct {
				name  string
				got   func(x, y int64) (int64, bool)
				want  func() (int64, bool)
				value func(a, b event.Value) event.Value
			}
			ops := []op{
				{"+", AddInt, func() (int64, bool) { return exact(new(big.Int).Add(bx, by)) }, Add},
				{"-", SubInt, func() (int64, bool) { return exact(new(big.Int).Sub(bx, by)) }, Sub},
				{"*", MulInt, func() (int64, bool) { return exact(new(big.Int).Mul(bx, by)) }, Mul},
				{"/", DivInt, func() (int64, bool) {
					if y == 0 {
						return 0, false
					}
					return exact(new(big.Int).Quo(bx, by)) // Quo truncates toward zero
				}, Div},
				{"%", ModInt, func() (int64, bool) {
					if y == 0 {
						return 0, false
					}
					return exact(new(big.Int).Rem(bx, by)) // Rem has the dividend's sign
				}, Mod},
			}
			for _, o := range ops {
				got, ok := o.got(x, y)
				want, wok := o.want()
				if ok != wok || (ok && got != want) {
					t.Fatalf("%d %s %d = %d, %v; want %d, %v", x, o.name, y, got, ok, want, wok)
				}
				v := o.value(I(x), I(y))
				if ok != !v.IsNull() || (ok && v.AsInt() != got) {
					t.Fatalf("Value %d %s %d = %s", x, o.name, y, show(v))
				}
			}
			if y >= 0 && y < 200 {
				got, ok := PowInt(x, y)
				want, wok := exact(new(big.Int).Exp(bx, by, nil))
				if ok != wok || (ok && got != want) {
					t.Fatalf("%d ** %d = %d, %v; want %d, %v", x, y, got, ok, want, wok)
				}
			}
		}
		got, ok := NegInt(x)
		want, wok := exact(new(big.Int).Neg(big.NewInt(x)))
		if ok != wok || (ok && got != want) {
			t.Fatalf("-%d = %d, %v", x, got, ok)
		}
	}
}

func TestTypedEdges(t *testing.T) {
	if _, ok := PowInt(2, -1); ok {
		t.Error("PowInt with a negative exponent")
	}
	if v, ok := PowInt(2, maxI); ok {
		t.Errorf("2 ** MaxInt64 = %d", v)
	}
	if v, ok := ShlInt(1, 63); !ok || v != minI {
		t.Error("1 << 63")
	}
	for _, n := range []int64{-1, 64, minI, maxI} {
		if _, ok := ShlInt(1, n); ok {
			t.Errorf("1 << %d", n)
		}
		if _, ok := ShrInt(1, n); ok {
			t.Errorf("1 >> %d", n)
		}
	}
	if v, ok := ShrInt(-8, 1); !ok || v != -4 {
		t.Error("-8 >> 1")
	}
	if _, ok := DivFloat(1, 0); ok {
		t.Error("1.0 / 0")
	}
	if _, ok := DivFloat(1e300, 1e-300); ok {
		t.Error("infinite quotient")
	}
	if v, ok := DivFloat(1, 4); !ok || v != 0.25 {
		t.Error("1 / 4")
	}
	if _, ok := ModFloat(1, math.Copysign(0, -1)); ok {
		t.Error("% -0.0")
	}
	if v, ok := ModFloat(-7.5, 2); !ok || v != -1.5 {
		t.Error("-7.5 % 2")
	}
	if Finite(math.Inf(1)) || Finite(math.NaN()) || !Finite(1e308) {
		t.Error("Finite")
	}
}

// Kernel-style benchmarks: the typed building blocks over a column.
var (
	colA = func() []int64 {
		c := make([]int64, 4096)
		for i := range c {
			c[i] = int64(i*7919) - 1<<20
		}
		return c
	}()
	colOut = make([]int64, 4096)
	colOK  = make([]bool, 4096)
)

func BenchmarkKernelAddInt(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		for i, x := range colA {
			colOut[i], colOK[i] = AddInt(x, 12345)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(colA)), "ns/row")
}

func BenchmarkKernelMulInt(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		for i, x := range colA {
			colOut[i], colOK[i] = MulInt(x, 3)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(colA)), "ns/row")
}

func BenchmarkKernelDivInt(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		for i, x := range colA {
			colOut[i], colOK[i] = DivInt(x, 7)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(colA)), "ns/row")
}
