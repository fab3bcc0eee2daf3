package exec

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/varpulis/varpulis-go/event"
	"github.com/varpulis/varpulis-go/internal/reference"
	"github.com/varpulis/varpulis-go/planner"
	"github.com/varpulis/varpulis-go/vpl"
)

// TestWindowsAgainstReference compares every window kind and aggregate,
// over random inputs with random out-of-orderness and random batch sizes,
// with the naive reference implementation.
func TestWindowsAgainstReference(t *testing.T) {
	cases := 2000
	if testing.Short() {
		cases = 300
	}
	r := rand.New(rand.NewPCG(7, 11))
	for i := 0; i < cases; i++ {
		cfg, inputs := reference.Random(r)
		src := cfg.VPL("S")
		want, wantLate := reference.Run(cfg, inputs)
		prog, diags := vpl.ParseFile("case.vpl", []byte(src), nil)
		if vpl.HasErrors(diags) {
			t.Fatalf("case %d: %s\n%s", i, src, vpl.Format(diags, []string{"case.vpl"}))
		}
		plan, err := planner.LowerVPL(prog)
		if err != nil {
			t.Fatalf("case %d: %s: %v", i, src, err)
		}
		evs := make([]event.Event, len(inputs))
		for j, in := range inputs {
			evs[j] = event.Event{Type: "T", TS: in.TS, Fields: in.Fields}
		}
		sink := &jsonSink{}
		rt, err := New(plan, Options{Sink: sink})
		if err != nil {
			t.Fatal(err)
		}
		var base int64
		for start := 0; start < len(evs); {
			end := min(len(evs), start+1+r.IntN(8))
			if i%3 == 0 {
				end = len(evs) // one batch: late events share a dispatch
			}
			for _, b := range batches(t, evs[start:end]) {
				if err := rt.Process(b, base); err != nil {
					t.Fatal(err)
				}
				base += int64(b.Len())
				b.Rec.Release()
			}
			start = end
		}
		if err := rt.Finish(); err != nil {
			t.Fatal(err)
		}
		got := strings.Join(sink.lines, "\n")
		if got != strings.Join(want, "\n") || rt.Late() != int64(wantLate) {
			t.Fatalf("case %d differs\nprogram:\n%s\ninput:\n%s\n got (late %d):\n%s\nwant (late %d):\n%s",
				i, src, reference.Evt(inputs), rt.Late(), got, wantLate, strings.Join(want, "\n"))
		}
	}
}
