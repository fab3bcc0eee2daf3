package exec

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/varpulis/varpulis-go/event"
	"github.com/varpulis/varpulis-go/event/scalar"
	"github.com/varpulis/varpulis-go/planner"
)

// randomValue draws from a small pool that hits the edges of the rules:
// nulls, int overflow, int/float equality, zero divisors, strings.
func randomValue(r *rand.Rand, kind int) event.Value {
	switch kind {
	case 0: // ints
		return []event.Value{event.Int(0), event.Int(1), event.Int(-7), event.Int(3), event.Int(math.MaxInt64),
			event.Int(math.MinInt64), event.Int(50), event.Null}[r.IntN(8)]
	case 1: // floats
		return []event.Value{event.Float(0), event.Float(1.0), event.Float(-2.5), event.Float(50), event.Float(1e300),
			event.Float(3.0), event.Null}[r.IntN(7)]
	case 2: // mixed
		if r.IntN(2) == 0 {
			return randomValue(r, 0)
		}
		return randomValue(r, 1)
	}
	return []event.Value{event.String("a"), event.String(""), event.Bool(true), event.Bool(false), event.Null,
		event.Int(2), event.Float(2.0), event.Duration(1e9)}[r.IntN(8)]
}

var kernelOps = []scalar.Op{scalar.OpAdd, scalar.OpSub, scalar.OpMul, scalar.OpDiv, scalar.OpMod,
	scalar.OpEq, scalar.OpNe, scalar.OpLt, scalar.OpLe, scalar.OpGt, scalar.OpGe, scalar.OpAnd, scalar.OpOr}

// randomExpr builds an expression over fields a, b, c and constants.
func randomExpr(r *rand.Rand, depth int) planner.Expr {
	if depth == 0 || r.IntN(3) == 0 {
		switch r.IntN(4) {
		case 0:
			return &planner.Const{Val: randomValue(r, r.IntN(4))}
		default:
			return &planner.FieldRef{Name: []string{"a", "b", "c", "missing"}[r.IntN(4)], K: planner.KindAny}
		}
	}
	switch r.IntN(8) {
	case 0:
		return &planner.Unary{Op: []scalar.Op{scalar.OpNeg, scalar.OpNot}[r.IntN(2)], X: randomExpr(r, depth-1)}
	case 1:
		return &planner.IsNull{X: randomExpr(r, depth-1), Not: r.IntN(2) == 0}
	case 2:
		return &planner.Cond{If: randomExpr(r, depth-1), Then: randomExpr(r, depth-1), Else: randomExpr(r, depth-1)}
	case 3:
		// f == f, as patterns add for an inferred partition (selfEqP)
		f := &planner.FieldRef{Name: []string{"a", "b", "c", "missing"}[r.IntN(4)], K: planner.KindAny}
		return &planner.Binary{Op: scalar.OpEq, X: f, Y: f, K: planner.KindAny}
	}
	return &planner.Binary{Op: kernelOps[r.IntN(len(kernelOps))], X: randomExpr(r, depth-1), Y: randomExpr(r, depth-1), K: planner.KindAny}
}

// TestKernelsMatchReference holds every vectorized kernel and predicate
// to the reference row evaluator on random expressions and batches: typed
// columns (a int, b float), a mixed-kind column (c) and a missing field.
func TestKernelsMatchReference(t *testing.T) {
	r := rand.New(rand.NewPCG(42, 1))
	rt := &Runtime{warned: map[string]bool{}}
	for iter := 0; iter < 3000; iter++ {
		n := 1 + r.IntN(20)
		evs := make([]event.Event, n)
		for i := range evs {
			evs[i] = event.Event{Type: "T", TS: int64(i), Fields: []event.Field{
				{Name: "a", Value: randomValue(r, 0)},
				{Name: "b", Value: randomValue(r, 1)},
				{Name: "c", Value: randomValue(r, 3)},
			}}
		}
		e := randomExpr(r, 3)
		for _, b := range batches(t, evs) {
			c := chunkFromBatch(b, nil)
			// a random sub-selection
			var sel []int32
			for _, row := range c.sel {
				if r.IntN(4) != 0 {
					sel = append(sel, row)
				}
			}
			k := rt.compile(e)
			v := k.eval(c, sel)
			p := rt.compilePred(e)
			kept := p.filter(c, sel, nil)
			env := rowEnv{view: &batchView{c: c, typ: c.typ}, rt: rt}
			var want []int32
			for _, row := range sel {
				env.row = int(row)
				ref := evalRow(e, &env)
				got := v.value(int(row))
				if !sameValue(ref, got) {
					t.Fatalf("iter %d: %s on row %v: kernel %s, reference %s", iter, e, c.rowEvent(int(row)).Fields,
						fmtValue(got), fmtValue(ref))
				}
				if ref.IsTrue() {
					want = append(want, row)
				}
			}
			if fmt.Sprint(kept) != fmt.Sprint(want) {
				t.Fatalf("iter %d: predicate %s kept %v, reference %v", iter, e, kept, want)
			}
			b.Rec.Release()
		}
	}
}

// sameValue is identity of values including the int/float distinction.
func sameValue(a, b event.Value) bool {
	return a.Kind() == b.Kind() && event.Equal(a, b)
}

func fmtValue(v event.Value) string {
	return v.Kind().String() + ":" + string(event.AppendJSON(nil, v))
}
