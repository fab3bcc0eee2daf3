package scalar

import (
	"math"
	"testing"

	"github.com/varpulis/varpulis-go/event"
)

// TestHoldsIsBinaryIsTrue: Holds answers exactly as Binary(...).IsTrue()
// for every comparison and every pair of a spread of values, kinds mixed.
func TestHoldsIsBinaryIsTrue(t *testing.T) {
	vals := []event.Value{
		event.Null, event.Int(-3), event.Int(0), event.Int(2), event.Int(3),
		event.Float(-3), event.Float(math.Copysign(0, -1)), event.Float(0), event.Float(2.5), event.Float(3),
		event.String(""), event.String("a"), event.String("b"), event.Bool(true), event.Bool(false),
		event.Timestamp(5), event.Timestamp(7),
	}
	for _, op := range []Op{OpEq, OpNe, OpLt, OpLe, OpGt, OpGe} {
		for _, a := range vals {
			for _, b := range vals {
				if got, want := Holds(op, a, b), Binary(op, a, b).IsTrue(); got != want {
					t.Errorf("%v %v %v: Holds %v, Binary %v", a, op, b, got, want)
				}
			}
		}
	}
}
