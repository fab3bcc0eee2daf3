package exec

import (
	"math/rand/v2"
	"testing"

	"github.com/varpulis/varpulis-go/event"
	"github.com/varpulis/varpulis-go/event/scalar"
	"github.com/varpulis/varpulis-go/planner"
)

// TestFloatArithFullColumns holds the arithmetic loop over columns without
// nulls (floatArith) to the row evaluator, overflow to null included.
func TestFloatArithFullColumns(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 8))
	rt := &Runtime{warned: map[string]bool{}}
	ints := []int64{0, 1, -7, 3, 1 << 62, -(1 << 62), 50}
	floats := []float64{0, 1, -2.5, 50, 1e300, -1e300, 3.25, 1e-300}
	for iter := 0; iter < 500; iter++ {
		n := 1 + r.IntN(20)
		evs := make([]event.Event, n)
		for i := range evs {
			evs[i] = event.Event{Type: "T", TS: int64(i), Fields: []event.Field{
				{Name: "a", Value: event.Int(ints[r.IntN(len(ints))])},
				{Name: "b", Value: event.Float(floats[r.IntN(len(floats))])},
			}}
		}
		names := []string{"a", "b"}
		e := &planner.Binary{Op: []scalar.Op{scalar.OpAdd, scalar.OpSub, scalar.OpMul}[r.IntN(3)],
			X: &planner.FieldRef{Name: names[r.IntN(2)], K: planner.KindAny},
			Y: &planner.FieldRef{Name: names[r.IntN(2)], K: planner.KindAny}, K: planner.KindAny}
		for _, b := range batches(t, evs) {
			c := chunkFromBatch(b, nil)
			v := rt.compile(e).eval(c, c.sel)
			env := rowEnv{view: &batchView{c: c, typ: c.typ}, rt: rt}
			for _, row := range c.sel {
				env.row = int(row)
				ref, got := evalRow(e, &env), v.value(int(row))
				if !sameValue(ref, got) {
					t.Fatalf("%s on row %v: kernel %s, reference %s", e, c.rowEvent(int(row)).Fields, fmtValue(got), fmtValue(ref))
				}
				// Typed rows are read as slices (aggregates): a null must
				// be marked, never left as an infinity.
				if v.f64 != nil && v.isValid(int(row)) == ref.IsNull() {
					t.Fatalf("%s on row %v: validity %v, value %s", e, c.rowEvent(int(row)).Fields, v.isValid(int(row)), fmtValue(ref))
				}
			}
			b.Rec.Release()
		}
	}
}
