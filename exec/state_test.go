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

func planOf(t *testing.T, src string) *planner.Plan {
	t.Helper()
	prog, diags := vpl.ParseFile("case.vpl", []byte(src), nil)
	if vpl.HasErrors(diags) {
		t.Fatalf("%s\n%s", src, vpl.Format(diags, []string{"case.vpl"}))
	}
	p, err := planner.LowerVPL(prog)
	if err != nil {
		t.Fatalf("%s: %v", src, err)
	}
	return p
}

// runCut runs evs through a runtime of src in random batches; when cut >= 0
// it snapshots after the batch holding event cut, restores into a fresh
// runtime and continues there.
func runCut(t *testing.T, src string, evs []event.Event, r *rand.Rand, cut int) ([]string, int64) {
	t.Helper()
	sink := &jsonSink{}
	rt, err := New(planOf(t, src), Options{Sink: sink})
	if err != nil {
		t.Fatal(err)
	}
	var base int64
	for start := 0; start < len(evs); {
		end := min(len(evs), start+1+r.IntN(6))
		for _, b := range buildBatches(t, evs[start:end], r.IntN(2) == 0) {
			if err := rt.Process(b, base); err != nil {
				t.Fatal(err)
			}
			base += int64(b.Len())
			b.Rec.Release()
		}
		if cut >= start && cut < end {
			snap := rt.Snapshot()
			fresh, err := New(planOf(t, src), Options{Sink: sink})
			if err != nil {
				t.Fatal(err)
			}
			if err := fresh.Restore(snap); err != nil {
				t.Fatalf("restore: %v\n%s", err, src)
			}
			if again := fresh.Snapshot(); string(again) != string(snap) {
				t.Fatalf("snapshot of the restored runtime differs\n%s", src)
			}
			rt = fresh
		}
		start = end
	}
	if err := rt.Finish(); err != nil {
		t.Fatal(err)
	}
	return sink.lines, rt.Late()
}

// statefulPrograms cover the stateful operators outside windowed
// aggregation, which the reference configurations cover.
var statefulPrograms = []string{
	`stream S = T.partition_by(k).distinct(v).emit()`,
	`stream S = T.distinct().emit()`,
	`stream S = T.partition_by(k).limit(2).emit()`,
	`stream S = T.partition_by(k).aggregate(n: count(), s: sum(v)).emit()`,
	`stream S = T.partition_by(k).window(3s).emit()`,
	`stream S = T.window(3, sliding: 2).emit()`,
	`stream S = T.partition_by(k).window(session: 2s).emit()`,
	`stream S = T.watermark(out_of_order: 2s).allowed_lateness(3s).window(4s, sliding: 2s).aggregate(n: count(), m: max(v)).emit()`,
	`stream S = T as a -> T where v > a.v as b .partition_by(k) .within(5s) .emit(x: a.v, y: b.v)`,
	`stream S = T as a -> all T where v >= a.v as b -> T where v < a.v as c .within(8s) .emit(n: count(b), top: max(b.v))`,
	`stream S = T as a -> T as b .policy(any) .within(3s) .emit(x: a.v, y: b.v)`,
	`stream S = T as a .not(T where v == a.v) .within(4s) .partition_by(k) .emit(x: a.v)`,
	`stream S = timer(2s).emit(n: tick)`,
}

// TestSnapshotRestore cuts runs anywhere, restores into a fresh runtime and
// requires the output of an uninterrupted run, for every stateful operator.
func TestSnapshotRestore(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 5))
	cases := 400
	if testing.Short() {
		cases = 60
	}
	for i := 0; i < cases; i++ {
		var src string
		var evs []event.Event
		if i%3 == 0 {
			src = statefulPrograms[r.IntN(len(statefulPrograms))]
			_, inputs := reference.Random(r)
			for _, in := range inputs {
				evs = append(evs, event.Event{Type: "T", TS: in.TS, Fields: in.Fields})
			}
		} else {
			cfg, inputs := reference.Random(r)
			src = cfg.VPL("S")
			for _, in := range inputs {
				evs = append(evs, event.Event{Type: "T", TS: in.TS, Fields: in.Fields})
			}
		}
		if len(evs) == 0 {
			continue
		}
		seed := r.Uint64()
		want, wantLate := runCut(t, src, evs, rand.New(rand.NewPCG(seed, 1)), -1)
		for try := 0; try < 3; try++ {
			cut := r.IntN(len(evs))
			got, late := runCut(t, src, evs, rand.New(rand.NewPCG(seed, 1)), cut)
			if strings.Join(got, "\n") != strings.Join(want, "\n") || late != wantLate {
				t.Fatalf("case %d, cut after event %d:\n%s\ninput:\n%s\n got (late %d):\n%s\nwant (late %d):\n%s",
					i, cut, src, reference.Evt(func() []reference.Input {
						var in []reference.Input
						for _, e := range evs {
							in = append(in, reference.Input{TS: e.TS, Fields: e.Fields})
						}
						return in
					}()), late, strings.Join(got, "\n"), wantLate, strings.Join(want, "\n"))
			}
		}
	}
}

// TestRestoreRejectsGarbage checks that corrupt snapshots fail cleanly.
func TestRestoreRejectsGarbage(t *testing.T) {
	src := `stream S = T.partition_by(k).window(2s).aggregate(n: count()).emit()`
	rt, _ := New(planOf(t, src), Options{})
	for _, b := range batches(t, []event.Event{ev("T", 1, "k", "a"), ev("T", 2, "k", "b")}) {
		if err := rt.Process(b, 0); err != nil {
			t.Fatal(err)
		}
	}
	snap := rt.Snapshot()
	r := rand.New(rand.NewPCG(1, 1))
	for i := 0; i < 2000; i++ {
		bad := []byte(string(snap))
		switch i % 3 {
		case 0:
			bad = bad[:r.IntN(len(bad))]
		default:
			bad[r.IntN(len(bad))] ^= byte(1 + r.IntN(255))
		}
		fresh, _ := New(planOf(t, src), Options{})
		_ = fresh.Restore(bad) // must not panic
	}
}

// FuzzRestore feeds arbitrary bytes to Restore, which must fail cleanly
// or load, never panic.
func FuzzRestore(f *testing.F) {
	src := `stream S = T.partition_by(k).window(2s).aggregate(n: count(), s: sum(v)).emit()
stream P = T as a -> T where v > a.v as b .within(5s) .emit(x: a.v)
stream D = T.distinct(v).limit(3).emit()`
	prog := func() *Runtime {
		prog, diags := vpl.ParseFile("f.vpl", []byte(src), nil)
		if vpl.HasErrors(diags) {
			f.Fatal(diags)
		}
		p, err := planner.LowerVPL(prog)
		if err != nil {
			f.Fatal(err)
		}
		rt, err := New(p, Options{})
		if err != nil {
			f.Fatal(err)
		}
		return rt
	}
	rt := prog()
	for _, b := range batches(f, []event.Event{ev("T", 1, "k", "a", "v", 1), ev("T", 2, "k", "b", "v", 2), ev("T", 3, "k", "a", "v", 3)}) {
		if err := rt.Process(b, 0); err != nil {
			f.Fatal(err)
		}
	}
	f.Add(rt.Snapshot())
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		_ = prog().Restore(data)
	})
}
