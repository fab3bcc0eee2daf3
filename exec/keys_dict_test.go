package exec

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/varpulis/varpulis-go/event"
	"github.com/varpulis/varpulis-go/internal/reference"
)

// taken returns the batches bb has closed.
func taken(bb *event.BatchBuilder) []event.Batch {
	var out []event.Batch
	for {
		b, ok := bb.Take()
		if !ok {
			return out
		}
		out = append(out, b)
	}
}

// plain returns b without its dictionaries: the same rows, read through
// the per-row path.
func plain(b event.Batch) event.Batch {
	b.Dicts = nil
	return b
}

// randomKeyEvents draws n events whose key k is a string of a small set
// (sometimes large), null, missing, or rarely an int, so that batches come
// with and without dictionaries and with nulls in dictionary columns.
func randomKeyEvents(r *rand.Rand, n int) []event.Event {
	card := 1 + r.IntN(12)
	if r.IntN(6) == 0 {
		card = 2000
	}
	evs := make([]event.Event, n)
	for i := range evs {
		var k event.Value
		switch x := r.IntN(40); {
		case x == 0:
			k = event.Null
		case x == 1 && r.IntN(4) == 0:
			k = event.Int(int64(r.IntN(3)))
		default:
			k = event.String(fmt.Sprintf("key%d", r.IntN(card)))
		}
		fields := []event.Field{{Name: "k", Value: k}, {Name: "v", Value: event.Int(int64(r.IntN(100)))}}
		if r.IntN(30) == 0 {
			fields = fields[1:] // k missing: another shape
		}
		evs[i] = event.Event{Type: "T", TS: int64(i) * 1e6, Fields: fields}
	}
	return evs
}

// TestKeyIdsDictionary gives two key indexes the same random batches, one
// with the builders' dictionaries and one without, over random row
// selections, and checks that they number the keys identically. Batches
// come from one builder (codes that persist from batch to batch) or from
// several, interleaved (numberings that change under the index).
func TestKeyIdsDictionary(t *testing.T) {
	for seed := range uint64(400) {
		r := rand.New(rand.NewPCG(seed, 3))
		evs := randomKeyEvents(r, 1+r.IntN(3000))
		builders := make([]*event.BatchBuilder, 1+r.IntN(6)) // more than the index remembers
		for i := range builders {
			builders[i] = event.NewBatchBuilder(memory.DefaultAllocator)
		}
		withDict, without := newKeyIndex([]string{"k"}), newKeyIndex([]string{"k"})
		var dicts int
		for start := 0; start < len(evs); {
			end := min(len(evs), start+1+r.IntN(600))
			bb := builders[r.IntN(len(builders))]
			for i := start; i < end; i++ {
				bb.Append(&evs[i])
			}
			bb.CloseBatch()
			for _, b := range taken(bb) {
				if b.Dict(1) != nil {
					dicts++
				}
				c, p := chunkFromBatch(b, nil), chunkFromBatch(plain(b), nil)
				// A random selection, in segments as the runtime splits
				// a batch at watermark triggers.
				var sel []int32
				for row := range int32(c.n) {
					if r.IntN(4) > 0 {
						sel = append(sel, row)
					}
				}
				for len(sel) > 0 {
					n := 1 + r.IntN(len(sel))
					got := withDict.ids(c, sel[:n], nil)
					want := without.ids(p, sel[:n], nil)
					if !slices.Equal(got, want) {
						t.Fatalf("seed %d: ids %v, without dictionary %v", seed, got, want)
					}
					sel = sel[n:]
				}
				b.Rec.Release()
			}
			start = end
		}
		if len(withDict.vals) != len(without.vals) {
			t.Fatalf("seed %d: %d keys, without dictionary %d", seed, len(withDict.vals), len(without.vals))
		}
		for i := range withDict.vals {
			if !event.Equal(withDict.vals[i], without.vals[i]) || withDict.vals[i].Kind() != without.vals[i].Kind() {
				t.Fatalf("seed %d: key %d is %v, without dictionary %v", seed, i, withDict.vals[i], without.vals[i])
			}
		}
		if dicts == 0 && seed < 10 {
			t.Fatalf("seed %d: no batch had a dictionary", seed)
		}
	}
}

// TestOutputsDictionary runs programs that partition by a string key (the
// window cases of the reference, and partitioned distinct, limit, running
// aggregates and patterns) over the same batches with and without their
// dictionaries, from one builder, and checks the outputs are identical.
func TestOutputsDictionary(t *testing.T) {
	fixed := []string{
		"stream S = T.partition_by(k).distinct(v).emit(k, v)",
		"stream S = T.partition_by(k).limit(3).emit(k, v)",
		"stream S = T.partition_by(k).aggregate(n: count(), s: sum(v)).emit()",
		"stream S = T.partition_by(k).window(3s, sliding: 1s).aggregate(n: count(), a: avg(v), m: max(v)).emit()",
		"stream S = T as a -> T where v > a.v as b .within(2s) .partition_by(k) .emit(k: a.k, x: a.v, y: b.v)",
	}
	r := rand.New(rand.NewPCG(5, 8))
	cases := 600
	if testing.Short() {
		cases = 150
	}
	for i := range cases {
		var src string
		var evs []event.Event
		if i%2 == 0 {
			src = fixed[(i/2)%len(fixed)]
			evs = randomKeyEvents(r, 1+r.IntN(400))
		} else {
			cfg, inputs := reference.Random(r)
			src = cfg.VPL("S")
			for _, in := range inputs {
				evs = append(evs, event.Event{Type: "T", TS: in.TS, Fields: in.Fields})
			}
		}
		// The same batches in both passes.
		bb := event.NewBatchBuilder(memory.DefaultAllocator)
		var bs []event.Batch
		for start := 0; start < len(evs); {
			end := min(len(evs), start+1+r.IntN(50))
			for j := start; j < end; j++ {
				bb.Append(&evs[j])
			}
			bb.CloseBatch()
			bs = append(bs, taken(bb)...)
			start = end
		}
		var outs [2]string
		for pass := range outs {
			sink := &jsonSink{}
			rt, err := New(planOf(t, src), Options{Sink: sink})
			if err != nil {
				t.Fatal(err)
			}
			var base int64
			for _, b := range bs {
				if pass == 1 {
					b = plain(b)
				}
				if err := rt.Process(b, base); err != nil {
					t.Fatal(err)
				}
				base += int64(b.Len())
			}
			if err := rt.Finish(); err != nil {
				t.Fatal(err)
			}
			outs[pass] = strings.Join(sink.lines, "\n")
		}
		for _, b := range bs {
			b.Rec.Release()
		}
		if outs[0] != outs[1] {
			t.Fatalf("case %d: %s\nwith dictionaries:\n%s\nwithout:\n%s", i, src, outs[0], outs[1])
		}
	}
}
