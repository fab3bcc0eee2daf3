package agg

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestAddAvgCells checks the folds avg's spans use (assembly on amd64,
// each this CPU runs) against the Go loop, bit for bit, over random cells, lengths and values,
// including signed zeros, subnormals and sums that round.
func TestAddAvgCells(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	specials := []float64{0, math.Copysign(0, -1), 5e-324, -5e-324, math.MaxFloat64, 0.1, 1e300}
	for range 5000 {
		n := r.IntN(70)
		want := make([]avgCell, n+1) // one more: nothing past the span may change
		for i := range want {
			// Counts of every size: their bits read as doubles are zero,
			// subnormal or normal (the AVX2 fold adds +0.0 to them).
			want[i] = avgCell{f: r.NormFloat64() * math.Pow(10, float64(r.IntN(30)-15)), n: r.Int64N(1 << (1 + r.IntN(62)))}
			if r.IntN(8) == 0 {
				want[i].f = specials[r.IntN(len(specials))]
			}
		}
		x := r.NormFloat64() * 100
		if r.IntN(8) == 0 {
			x = specials[r.IntN(len(specials))]
		}
		var gots [][]avgCell
		for _, fold := range avgFolds() {
			got := append([]avgCell(nil), want...)
			fold.f(got[:n], x)
			gots = append(gots, got)
		}
		addAvgCellsGo(want[:n], x)
		for j, got := range gots {
			for i := range want {
				if math.Float64bits(got[i].f) != math.Float64bits(want[i].f) || got[i].n != want[i].n {
					t.Fatalf("%s: n %d, cell %d, x %v: %v, want %v", avgFolds()[j].name, n, i, x, got[i], want[i])
				}
			}
		}
	}
}

// namedFold is one implementation of the avg fold.
type namedFold struct {
	name string
	f    func([]avgCell, float64)
}
