package exec

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/varpulis/varpulis-go/event"
	"github.com/varpulis/varpulis-go/internal/patternoracle"
)

// TestKilledAbsencesLeaveNoState: absences a negation kills are dropped,
// and the partitions they leave empty are forgotten, so that a pattern
// keyed by an ever new id (an order whose payment comes) keeps state in
// proportion to its waiting runs, not to every key it has seen.
func TestKilledAbsencesLeaveNoState(t *testing.T) {
	defer func(e, f int) { sweepEvery, forgetAfter = e, f }(sweepEvery, forgetAfter)
	sweepEvery, forgetAfter = 1000, 100
	src := "stream Unpaid = Order as o .not(Payment where id == o.id) .within(15m) .emit(id: o.id)\n"
	rt, err := New(planOf(t, src), Options{Sink: &jsonSink{}})
	if err != nil {
		t.Fatal(err)
	}
	var op *patternOp
	for _, o := range rt.streams[0].multi {
		if p, ok := o.(*patternOp); ok {
			op = p
		}
	}
	if op == nil {
		t.Fatal("no pattern operator")
	}
	const orders = 20000
	evs := make([]event.Event, 0, 2*orders)
	for i := range orders {
		id := []event.Field{{Name: "id", Value: event.Int(int64(i))}}
		// Each order is paid a millisecond later: nothing stays unpaid.
		evs = append(evs, event.Event{Type: "Order", TS: int64(i) * 2e6, Fields: id},
			event.Event{Type: "Payment", TS: int64(i)*2e6 + 1e6, Fields: id})
	}
	var base int64
	for start := 0; start < len(evs); start += 500 {
		base = process(t, rt, evs[start:min(len(evs), start+500)], base, true)
	}
	held := 0
	for i := range op.parts {
		held += len(op.parts[i].runs) + len(op.parts[i].waiting)
	}
	if held > 1 || len(op.parts) > 2*sweepEvery {
		t.Fatalf("after %d paid orders: %d runs held in %d partitions", orders, held, len(op.parts))
	}
}

// TestNoDeadRunsWait: after every batch, no partition's waiting list
// holds a run that completed or was killed, whatever the order deadlines
// come in (random absence patterns from the oracle's generator, late
// events included).
func TestNoDeadRunsWait(t *testing.T) {
	quota := 2000
	if testing.Short() {
		quota = 200
	}
	r := rand.New(rand.NewPCG(29, 31))
	for n := 1; n <= quota; n++ {
		p, evs := randomAbsence(r)
		src := p.VPL()
		rt, err := New(planOf(t, src), Options{Sink: &jsonSink{}})
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		var ops []*patternOp
		for _, o := range rt.streams[0].multi {
			if p, ok := o.(*patternOp); ok {
				ops = append(ops, p)
			}
		}
		var base int64
		for start := 0; start < len(evs); {
			end := min(len(evs), start+1+r.IntN(6))
			base = process(t, rt, evs[start:end], base, true)
			start = end
			for _, op := range ops {
				for k := range op.parts {
					for _, x := range op.parts[k].waiting {
						if x.dead {
							t.Fatalf("case %d: a dead run waits after event %d\nprogram:\n%s\ninput:\n%s", n, end, src, patternoracle.Evt(evs))
						}
					}
				}
			}
		}
	}
}

// TestNoMatchAllocatesNothing: once warm, a pattern that matches nothing
// allocates nothing per batch (so nothing per event), in mixed batches
// and in batches of one type, through a filter stream beside it too.
func TestNoMatchAllocatesNothing(t *testing.T) {
	pattern := "stream None = T1 as a .where(id < 0) -> T2 as b -> T3 as c .within(100ms) .emit(x: a.id)\n"
	for i, src := range []string{pattern, pattern, pattern + "stream Few = T2 .where(id < 0) .emit(id)\n"} {
		mixed := i != 1
		rt, err := New(planOf(t, src), Options{Sink: &jsonSink{}})
		if err != nil {
			t.Fatal(err)
		}
		types := []string{"T1", "T2", "T3", "N1"}
		var batches []event.Batch
		for b := range 300 {
			evs := make([]event.Event, 0, 512)
			for i := range 512 {
				n := int64(b*512 + i)
				evs = append(evs, event.Event{Type: types[n%4], TS: n * 1e6, Fields: []event.Field{{Name: "id", Value: event.Int(n)}}})
			}
			batches = append(batches, buildBatches(t, evs, mixed)...)
		}
		if a := allocsPerBatch(t, rt, batches); a != 0 {
			t.Errorf("mixed %v:\n%s%v allocations per batch", mixed, src, a)
		}
	}
}

// allocsPerBatch processes bs in order and returns the allocations per
// batch after the first 20, which let buffers grow to their size.
func allocsPerBatch(t *testing.T, rt *Runtime, bs []event.Batch) float64 {
	t.Helper()
	var base int64
	next := 0
	process := func() {
		b := bs[next]
		next++
		if err := rt.Process(b, base); err != nil {
			t.Fatal(err)
		}
		base += int64(b.Len())
	}
	for range 20 {
		process()
	}
	return testing.AllocsPerRun(len(bs)-21, process)
}

// TestPatternOfManySteps: a pattern of more items than one word of the
// per-row item bits holds (66 steps) matches exactly when every step's
// event comes, the ones past the first word included.
func TestPatternOfManySteps(t *testing.T) {
	const n = 66
	var src strings.Builder
	src.WriteString("stream Long = ")
	src.WriteString("T0 as s0")
	for i := 1; i < n; i++ {
		fmt.Fprintf(&src, " -> T%d where v > 0 as s%d", i, i)
	}
	src.WriteString(" .emit(last: s65.v)\n")
	for _, missing := range []int{-1, 64, 65} {
		var evs []event.Event
		for i := range n {
			v := int64(i + 1)
			if i == missing {
				v = 0 // fails the step's predicate
			}
			evs = append(evs, event.Event{Type: fmt.Sprintf("T%d", i), TS: int64(i) * 1e6, Fields: []event.Field{{Name: "v", Value: event.Int(v)}}})
		}
		for _, mixed := range []bool{true, false} {
			sink := &jsonSink{}
			rt, err := New(planOf(t, src.String()), Options{Sink: sink})
			if err != nil {
				t.Fatal(err)
			}
			feed(t, rt, evs, func() int { return 7 }, mixed)
			want := 0
			if missing < 0 {
				want = 1
			}
			if len(sink.lines) != want {
				t.Fatalf("step %d failing, mixed %v: %d matches, want %d: %v", missing, mixed, len(sink.lines), want, sink.lines)
			}
		}
	}
}

// TestPoolsDropOldBatches: once a dispatch is over, the runtime's pooled
// views and output chunks refer to no batch's columns beyond the next
// dispatch, however many the earlier one used.
func TestPoolsDropOldBatches(t *testing.T) {
	src := "stream All = A .where(v > 0) .emit(v)\nstream Bs = B .where(v > 0) .emit(v)\n"
	rt, err := New(planOf(t, src), Options{Sink: &jsonSink{}})
	if err != nil {
		t.Fatal(err)
	}
	var evs []event.Event
	for i := range 64 { // types alternate: a view and an output per row
		typ := []string{"A", "B"}[i%2]
		evs = append(evs, event.Event{Type: typ, TS: int64(i) * 1e6, Fields: []event.Field{{Name: "v", Value: event.Int(1)}}})
	}
	evs = append(evs, event.Event{Type: "C", TS: 64e6, Fields: []event.Field{{Name: "v", Value: event.Int(1)}}})
	var base int64
	for _, b := range buildBatches(t, evs[:64], true) {
		if err := rt.Process(b, base); err != nil {
			t.Fatal(err)
		}
		base += int64(b.Len())
	}
	if rt.outs.nc < 2 || rt.viewsUsed < 2 {
		t.Fatalf("the first batch used %d outputs and %d views: the test needs several", rt.outs.nc, rt.viewsUsed)
	}
	for _, b := range buildBatches(t, evs[64:], true) { // no stream reads C
		if err := rt.Process(b, base); err != nil {
			t.Fatal(err)
		}
	}
	for i, c := range rt.outs.chunks[rt.outs.nc:] {
		if c.cols != nil || c.prov != nil {
			t.Errorf("pooled output %d still refers to an old batch", rt.outs.nc+i)
		}
	}
	for i, v := range rt.views[rt.viewsUsed:] {
		if v.cols != nil {
			t.Errorf("pooled view %d still refers to an old batch", rt.viewsUsed+i)
		}
	}
}

// TestPatternStates checks the active partial matches a runtime reports:
// runs count while they may complete, and stop counting when they match,
// when a negation removes them and when they expire; their bytes grow with
// the elements of a Kleene step.
func TestPatternStates(t *testing.T) {
	src := `stream Seq = A as a -> all B as b -> C as c .within(1m) .emit(n: count(b))
stream Unpaid = Order as o .not(Payment where id == o.id) .within(15m) .emit(id: o.id)
stream Plain = A as a .where(id > 0) .emit(id)
`
	rt, err := New(planOf(t, src), Options{Sink: &jsonSink{}})
	if err != nil {
		t.Fatal(err)
	}
	ev := func(typ string, sec, id int64) event.Event {
		return event.Event{Type: typ, TS: sec * 1e9, Fields: []event.Field{{Name: "id", Value: event.Int(id)}}}
	}
	var base int64
	feed := func(evs ...event.Event) map[string]PatternState {
		t.Helper()
		base = process(t, rt, evs, base, true)
		got := map[string]PatternState{}
		for _, s := range rt.PatternStates() {
			got[s.Stream] = s
		}
		if _, ok := got["Plain"]; ok || len(got) != 2 {
			t.Fatalf("pattern states %v", got)
		}
		return got
	}
	s := feed(ev("A", 0, 1), ev("A", 1, 2), ev("Order", 1, 7), ev("Order", 2, 8))
	if s["Seq"].Runs != 2 || s["Unpaid"].Runs != 2 || s["Seq"].Bytes <= 0 || s["Unpaid"].Bytes <= 0 {
		t.Fatalf("after two As and two orders: %+v", s)
	}
	two := s["Seq"].Bytes
	s = feed(ev("B", 3, 0), ev("B", 4, 0), ev("B", 5, 0), ev("B", 6, 0), ev("B", 7, 0), ev("Payment", 8, 7))
	if s["Seq"].Runs != 2 || s["Seq"].Bytes <= two || s["Unpaid"].Runs != 1 {
		t.Fatalf("after five Bs and a payment: %+v (Seq held %d bytes before)", s, two)
	}
	s = feed(ev("C", 9, 0))
	if s["Seq"].Runs != 0 || s["Seq"].Bytes != 0 {
		t.Fatalf("after C: %+v", s)
	}
	s = feed(ev("A", 10, 3), ev("B", 11, 0))
	if s["Seq"].Runs != 1 {
		t.Fatalf("after an A and a B: %+v", s)
	}
	// The watermark passes the run's deadline; no event of its partition
	// has come to remove it, but it can no longer complete.
	s = feed(ev("Order", 200, 9))
	if s["Seq"].Runs != 0 || s["Unpaid"].Runs != 2 {
		t.Fatalf("a run past its minute still counts: %+v", s)
	}
}

// TestCaptureReadsWhatItCan checks which pattern streams capture the
// values their .emit reads instead of keeping bound events, and that a
// capturing run's memory does not grow with a Kleene step's elements.
func TestCaptureReadsWhatItCan(t *testing.T) {
	for _, c := range []struct {
		emit, policy string
		capture      bool
	}{
		{".emit(x: a.id, n: count(b))", "", true},
		{".emit(id, top: max(b.id), s: sum(b.id), f: first(b.id), m: avg(b.id))", "", true},
		{".emit(t: event_time(c), n: count(b.id))", "strict", true},
		{".emit(s: sum(b.id))", "any", false}, // a copy would need its own group
		{".emit(n: count(b))", "any", true},
		{".emit(b)", "", false}, // the events themselves
	} {
		src := "stream S = A as a -> all B as b -> C as c .within(1h)"
		if c.policy != "" {
			src += " .policy(" + c.policy + ")"
		}
		src += " " + c.emit + "\n"
		rt, err := New(planOf(t, src), Options{Sink: &jsonSink{}})
		if err != nil {
			t.Fatal(err)
		}
		op := rt.streams[0].timed.(*patternOp)
		if op.capture != c.capture {
			t.Errorf("%s: capture %v, want %v", src, op.capture, c.capture)
		}
		if !c.capture || c.policy == "any" {
			continue // under any, every combination is a run of its own
		}
		evs := []event.Event{{Type: "A", TS: 0, Fields: []event.Field{{Name: "id", Value: event.Int(0)}}}}
		for i := range 900 { // below max_kleene, which would end the run under strict
			evs = append(evs, event.Event{Type: "B", TS: int64(i+1) * 1e6, Fields: []event.Field{{Name: "id", Value: event.Int(int64(i))}}})
		}
		process(t, rt, evs, 0, true)
		st := rt.PatternStates()
		// 900 events of 48 bytes would be 43,200 bytes; their positions
		// take 8 bytes each, in a list that grows by a quarter at a time.
		if len(st) != 1 || st[0].Runs != 1 || st[0].Bytes > 2000+16*900 {
			t.Errorf("%s: after 900 Bs %+v", src, st)
		}
	}
}
