package exec

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/varpulis/varpulis-go/event"
	"github.com/varpulis/varpulis-go/internal/patternoracle"
)

// TestDeferredPhasesAsSplit checks that firing absences once per dispatch
// (Runtime.fireDeferred) writes exactly what a watermark phase at each
// deadline writes: random absence patterns from the oracle's generator,
// next to a stream that outputs at dispatch and a time window whose
// phases split the batches, in random batches, run both ways.
func TestDeferredPhasesAsSplit(t *testing.T) {
	defer func(d bool) { deferPhases = d }(deferPhases)
	quota := 3000
	if testing.Short() {
		quota = 300
	}
	r := rand.New(rand.NewPCG(23, 41))
	for n := 1; n <= quota; n++ {
		p, evs := randomAbsence(r)
		src := p.VPL()
		if n%2 == 0 {
			src += "\nstream Passed = B .where(v != 1) .emit()\nstream Counted = C .window(2s) .aggregate(n: count()) .emit()\n"
		}
		var out [2][]string
		for i, deferred := range []bool{false, true} {
			deferPhases = deferred
			sink := &jsonSink{}
			rt, err := New(planOf(t, src), Options{Sink: sink})
			if err != nil {
				t.Fatalf("%s: %v", src, err)
			}
			if len(rt.deferred) != i {
				t.Fatalf("%s: %d streams deferred, want %d", src, len(rt.deferred), i)
			}
			feed(t, rt, evs, func() int { return 1 + r.IntN(8) }, n%3 != 0)
			out[i] = sink.lines
		}
		if strings.Join(out[0], "\n") != strings.Join(out[1], "\n") {
			t.Fatalf("case %d differs\nprogram:\n%s\ninput:\n%s\nsplit:\n%s\ndeferred:\n%s", n, src,
				patternoracle.Evt(evs), strings.Join(out[0], "\n"), strings.Join(out[1], "\n"))
		}
	}
}

// randomAbsence returns a random absence pattern (a trailing negation
// with a within) from the oracle's generator, and its input.
func randomAbsence(r *rand.Rand) (patternoracle.Pattern, []event.Event) {
	for {
		p, evs := patternoracle.Random(r)
		if p.Within > 0 && p.Named == "" && len(p.Nots) > 0 && p.Nots[len(p.Nots)-1].After == len(p.Steps) {
			return p, evs
		}
	}
}

// TestDeferredLateCompletion: an absence a late event completes past its
// deadline fires at the next advance of the watermark, after an absence
// with a later deadline that an earlier phase fired; fired at the end of
// one batch, the two must keep that order.
func TestDeferredLateCompletion(t *testing.T) {
	defer func(d bool) { deferPhases = d }(deferPhases)
	src := "stream S = A as a .not(B) .within(2s) .emit(id: a.id)\n"
	ev := func(typ string, ms int64, id int64) event.Event {
		return event.Event{Type: typ, TS: ms * 1e6, Fields: []event.Field{{Name: "id", Value: event.Int(id)}}}
	}
	evs := []event.Event{
		ev("A", 10000, 1), // deadline 12 s
		ev("C", 13000, 0), // W = 13 s: 1 completes here
		ev("A", 9000, 2),  // late: deadline 11 s, completes at the next advance
		ev("C", 14000, 0), // 2 completes here
	}
	want := `{"stream":"S","ts":"1970-01-01T00:00:12Z","fields":{"id":1}}
{"stream":"S","ts":"1970-01-01T00:00:11Z","fields":{"id":2}}`
	for _, deferred := range []bool{false, true} {
		deferPhases = deferred
		sink := &jsonSink{}
		rt, err := New(planOf(t, src), Options{Sink: sink})
		if err != nil {
			t.Fatal(err)
		}
		feed(t, rt, evs, func() int { return len(evs) }, true)
		if got := strings.Join(sink.lines, "\n"); got != want {
			t.Errorf("deferred %v:\n%s\nwant:\n%s", deferred, got, want)
		}
	}
}
