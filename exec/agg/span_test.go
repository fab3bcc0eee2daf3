package agg

import (
	"math/rand/v2"
	"testing"

	"github.com/varpulis/varpulis-go/event"
)

// spans folds vals through UpdateSpans, each into a random run of groups
// (sometimes reaching outside [0, ngroup), which must be skipped).
func (d *driver) spans(vals []event.Value) {
	rows, size := layout(d.rng, len(vals))
	col := makeColumn(vals, rows, size, d.rng.IntN(3) > 0, d.rng.IntN(4) == 0)
	if d.spec.Fn == CountStar && d.rng.IntN(2) == 0 {
		col = nil
	}
	spans := make([]Span, len(vals))
	for i := range vals {
		first := int32(d.rng.IntN(d.ngroup+1)) - 1
		n := int32(d.rng.IntN(d.ngroup + 2))
		spans[i] = Span{First: first, N: n, Row: rows[i]}
		for g := max(first, 0); g < min(first+n, int32(d.ngroup)); g++ {
			d.seen[g] = append(d.seen[g], vals[i])
		}
	}
	d.acc.UpdateSpans(spans, col)
}

// TestSpansAgainstReference: folding through spans, mixed with ordinary
// batches, moves and snapshots, gives the reference fold to the last bit.
func TestSpansAgainstReference(t *testing.T) {
	iters := 300
	if testing.Short() {
		iters = 50
	}
	for _, spec := range allSpecs {
		for it := range iters {
			rng := rand.New(rand.NewPCG(uint64(it), uint64(spec.Fn)<<8|uint64(spec.Period)|1<<20))
			profile := rng.IntN(5)
			d := &driver{rng: rng, spec: spec, acc: New(spec), ngroup: 1 + rng.IntN(8)}
			d.seen = make([][]event.Value, d.ngroup)
			d.acc.Resize(d.ngroup + 1) // the last group is the spare of swap
			for n := rng.IntN(60); n > 0; {
				k := min(n, 1+rng.IntN(12))
				n -= k
				vals := make([]event.Value, k)
				for i := range vals {
					vals[i] = genValue(rng, profile)
				}
				if rng.IntN(4) == 0 {
					groups := make([]int32, k)
					for i := range groups {
						groups[i] = int32(rng.IntN(d.ngroup))
					}
					d.batch(vals, groups)
				} else {
					d.spans(vals)
				}
				if rng.IntN(3) == 0 {
					d.swap(t)
				}
				if rng.IntN(5) == 0 {
					d.check(t, "mid-stream")
					d.restore(t)
					d.acc.Resize(d.ngroup + 1)
				}
			}
			d.check(t, "at end")
		}
	}
}

// swap exchanges two groups' states with Move through the spare group
// (group ngroup), which must be left empty.
func (d *driver) swap(t *testing.T) {
	a, b, spare := int32(d.rng.IntN(d.ngroup)), int32(d.rng.IntN(d.ngroup)), int32(d.ngroup)
	d.acc.Move(spare, a)
	d.acc.Move(a, b)
	d.acc.Move(b, spare)
	d.seen[a], d.seen[b] = d.seen[b], d.seen[a]
	if got, want := d.acc.Result(spare), refFold(d.spec, nil); !identical(got, want) {
		t.Fatalf("%v: a moved-from group reads %s, want %s", d.spec.Fn, show(got), show(want))
	}
	if got, want := d.acc.AppendState(nil, spare), New(d.spec).AppendState(nil, 0); string(got) != string(want) {
		t.Fatalf("%v: a moved-from group's state %x, want the empty state %x", d.spec.Fn, got, want)
	}
}
