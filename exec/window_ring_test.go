package exec

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/varpulis/varpulis-go/event"
	"github.com/varpulis/varpulis-go/internal/reference"
)

// runOneByOne runs evs through a runtime of src one event per batch: a
// window that several late events of one batch update is emitted again
// once for the batch, where the reference emits it once per late event.
// When cut >= 0 it snapshots after event cut and continues in a restored
// runtime.
func runOneByOne(t *testing.T, src string, evs []event.Event, cut int) ([]string, int64) {
	t.Helper()
	sink := &jsonSink{}
	rt, err := New(planOf(t, src), Options{Sink: sink})
	if err != nil {
		t.Fatal(err)
	}
	for i := range evs {
		for _, b := range batches(t, evs[i:i+1]) {
			if err := rt.Process(b, int64(i)); err != nil {
				t.Fatal(err)
			}
			b.Rec.Release()
		}
		if i == cut {
			snap := rt.Snapshot()
			if rt, err = New(planOf(t, src), Options{Sink: sink}); err != nil {
				t.Fatal(err)
			}
			if err := rt.Restore(snap); err != nil {
				t.Fatalf("restore: %v\n%s", err, src)
			}
		}
	}
	if err := rt.Finish(); err != nil {
		t.Fatal(err)
	}
	return sink.lines, rt.Late()
}

// TestTimeWindowRings drives the rings of time windows (window_time.go)
// where the reference cases rarely go: many windows per event and per
// key, so that rings wrap and grow; keys silent longer than a window, so
// that rings have gaps and late events insert windows before and between
// others; large allowances and lateness. Results must equal the naive
// reference, with and without a snapshot and restore midway.
func TestTimeWindowRings(t *testing.T) {
	cases := 300
	if testing.Short() {
		cases = 60
	}
	r := rand.New(rand.NewPCG(17, 19))
	aggs := []string{"count", "sum", "avg", "min", "first", "last", "stddev"}
	for i := 0; i < cases; i++ {
		var cfg reference.Config
		cfg.Window.Kind = reference.Sliding
		slide := 1 + r.Int64N(2)
		cfg.Window.Slide = slide * second
		cfg.Window.Size = slide * (1 + r.Int64N(24)) * second
		if r.IntN(4) == 0 {
			cfg.Window.Kind, cfg.Window.Slide = reference.Tumbling, 0
		}
		cfg.OutOfOrder = r.Int64N(40) * second
		if r.IntN(2) == 0 {
			cfg.AllowedLateness = r.Int64N(30) * second
		}
		if r.IntN(3) > 0 {
			cfg.PartitionBy = []string{"k"}
		}
		for a := range 1 + r.IntN(2) {
			fn := aggs[r.IntN(len(aggs))]
			cfg.Aggs = append(cfg.Aggs, reference.Agg{Alias: fn + "_" + string(rune('a'+a)), Fn: fn, Field: "v"})
		}
		n := 20 + r.IntN(200)
		inputs := make([]reference.Input, n)
		clock := r.Int64N(100) * second
		for j := range inputs {
			switch r.IntN(10) {
			case 0: // a silence longer than most windows
				clock += r.Int64N(80) * second
			case 1, 2: // late, by up to the allowance and lateness and beyond
				inputs[j].TS = max(0, clock-r.Int64N(60)*second)
			default:
				clock += r.Int64N(3) * second / 2
			}
			if inputs[j].TS == 0 {
				inputs[j].TS = clock
			}
			inputs[j].Fields = []event.Field{
				{Name: "k", Value: event.Int(int64(r.IntN(3)))},
				{Name: "v", Value: event.Float(float64(r.IntN(1000)) / 8)},
			}
		}
		want, wantLate := reference.Run(cfg, inputs)
		src := cfg.VPL("S")
		evs := make([]event.Event, n)
		for j, in := range inputs {
			evs[j] = event.Event{Type: "T", TS: in.TS, Fields: in.Fields}
		}
		cut := -1
		if i%2 == 1 {
			cut = r.IntN(n)
		}
		got, late := runOneByOne(t, src, evs, cut)
		if strings.Join(got, "\n") != strings.Join(want, "\n") || late != int64(wantLate) {
			t.Fatalf("case %d (cut %d) differs\nprogram:\n%s\ninput:\n%s\n got (late %d):\n%s\nwant (late %d):\n%s",
				i, cut, src, reference.Evt(inputs), late, strings.Join(got, "\n"), wantLate, strings.Join(want, "\n"))
		}
	}
}

const second = int64(1e9)
