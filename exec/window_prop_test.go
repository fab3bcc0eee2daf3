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
	windowsAgainstReference(t, cases, rand.New(rand.NewPCG(7, 11)))
}

// TestWindowsForgettingKeysAgainstReference runs reference cases with
// keys forgotten as soon as most of them hold no window state, so that
// forgetting and renumbering keys is checked against the definition.
func TestWindowsForgettingKeysAgainstReference(t *testing.T) {
	defer func(f int) { forgetAfter = f }(forgetAfter)
	forgetAfter = 0
	cases := 1000
	if testing.Short() {
		cases = 200
	}
	windowsAgainstReference(t, cases, rand.New(rand.NewPCG(8, 13)))
}

func windowsAgainstReference(t *testing.T, cases int, r *rand.Rand) {
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
		feed(t, rt, evs, func() int {
			n := 1 + r.IntN(8)
			if i%3 == 0 {
				n = len(evs) // one batch: late events share a dispatch
			}
			return n
		}, false)
		got := strings.Join(sink.lines, "\n")
		if got != strings.Join(want, "\n") || rt.Late() != int64(wantLate) {
			t.Fatalf("case %d differs\nprogram:\n%s\ninput:\n%s\n got (late %d):\n%s\nwant (late %d):\n%s",
				i, src, reference.Evt(inputs), rt.Late(), got, wantLate, strings.Join(want, "\n"))
		}
	}
}

// TestSessionReleaseSurvivesForgetting checks that forgetting idle keys
// keeps what a late event of a live key is judged by: a session released
// for key a still drops a late event that would fall into it.
func TestSessionReleaseSurvivesForgetting(t *testing.T) {
	defer func(f int) { forgetAfter = f }(forgetAfter)
	forgetAfter = 0
	src := `stream S = T.partition_by(k).watermark(out_of_order: 30s).window(session: 10s).aggregate(n: count()).emit()`
	var evs []event.Event
	at := func(sec int64, k string) {
		evs = append(evs, event.Event{Type: "T", TS: sec * 1e9, Fields: []event.Field{{Name: "k", Value: event.String(k)}}})
	}
	for i := range 10 {
		at(92, "d"+string(rune('0'+i))) // released at W = 112, idle at 113
	}
	at(100, "a")
	at(102, "z")
	at(142, "x") // W = 112: the d sessions and a's [100, 100] are released
	at(143, "x") // W = 113: z is due; the d keys are idle and forgotten
	at(105, "a") // late: not by the gap (115 >= 113) but inside a's release
	for _, forget := range []int{1 << 30, 0} {
		forgetAfter = forget
		sink := &jsonSink{}
		rt, err := New(planOf(t, src), Options{Sink: sink})
		if err != nil {
			t.Fatal(err)
		}
		for i, e := range evs {
			for _, b := range batches(t, []event.Event{e}) {
				if err := rt.Process(b, int64(i)); err != nil {
					t.Fatal(err)
				}
				b.Rec.Release()
			}
		}
		if err := rt.Finish(); err != nil {
			t.Fatal(err)
		}
		if rt.Late() != 1 || len(sink.lines) != 13 {
			t.Fatalf("forgetAfter %d: late %d, %d outputs:\n%s", forget, rt.Late(), len(sink.lines), strings.Join(sink.lines, "\n"))
		}
	}
}
