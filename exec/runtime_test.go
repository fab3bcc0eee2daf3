package exec

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/varpulis/varpulis-go/event"
	"github.com/varpulis/varpulis-go/event/scalar"
	"github.com/varpulis/varpulis-go/planner"
)

// jsonSink collects outputs in JSON form.
type jsonSink struct{ lines []string }

func (s *jsonSink) Emit(o *Output) error {
	for i := 0; i < o.Len(); i++ {
		s.lines = append(s.lines, string(o.AppendJSON(nil, i)))
	}
	return nil
}

func batches(t testing.TB, evs []event.Event) []event.Batch {
	return buildBatches(t, evs, false)
}

func buildBatches(t testing.TB, evs []event.Event, mix bool) []event.Batch {
	t.Helper()
	bb := event.NewBatchBuilder(memory.DefaultAllocator)
	bb.MixTypes = mix
	for i := range evs {
		bb.Append(&evs[i])
	}
	return bb.Flush()
}

func ev(typ string, sec int64, kv ...any) event.Event {
	e := event.Event{Type: typ, TS: sec * 1e9}
	for i := 0; i < len(kv); i += 2 {
		var v event.Value
		switch x := kv[i+1].(type) {
		case int:
			v = event.Int(int64(x))
		case float64:
			v = event.Float(x)
		case string:
			v = event.String(x)
		case bool:
			v = event.Bool(x)
		case nil:
		}
		e.Fields = append(e.Fields, event.Field{Name: kv[i].(string), Value: v})
	}
	return e
}

func field(name string) planner.Expr  { return &planner.FieldRef{Name: name, K: planner.KindAny} }
func cnst(v event.Value) planner.Expr { return &planner.Const{Val: v} }
func bin(op scalar.Op, x, y planner.Expr) planner.Expr {
	return &planner.Binary{Op: op, X: x, Y: y, K: planner.KindAny}
}

func runPlan(t *testing.T, p *planner.Plan, evs []event.Event, batchSize int) []string {
	t.Helper()
	sink := &jsonSink{}
	rt, err := New(p, Options{Sink: sink})
	if err != nil {
		t.Fatal(err)
	}
	var base int64
	for start := 0; start < len(evs); start += batchSize {
		end := min(start+batchSize, len(evs))
		for _, b := range batches(t, evs[start:end]) {
			if err := rt.Process(b, base); err != nil {
				t.Fatal(err)
			}
			base += int64(b.Len())
			b.Rec.Release()
		}
	}
	if err := rt.Finish(); err != nil {
		t.Fatal(err)
	}
	return sink.lines
}

func TestFilterProjectAndOrder(t *testing.T) {
	// stream Hot = Reading.where(temp > 30).emit(sensor, temp)
	// stream Any = Reading.emit(sensor)
	p := &planner.Plan{Streams: []*planner.Stream{
		{Name: "Hot", Index: 0, OutType: "Hot", Visible: true, Inputs: []planner.Input{{Name: "Reading"}},
			Ops: []planner.Op{
				&planner.Filter{Pred: bin(scalar.OpGt, field("temp"), cnst(event.Int(30)))},
				&planner.Project{Emit: true, Items: []planner.Item{{Name: "sensor", X: field("sensor")}, {Name: "temp", X: field("temp")}}},
			}},
		{Name: "All", Index: 1, OutType: "All", Visible: true, Inputs: []planner.Input{{Name: "Reading"}},
			Ops: []planner.Op{&planner.Project{Emit: true, Items: []planner.Item{{Name: "sensor", X: field("sensor")}}}}},
	}}
	evs := []event.Event{
		ev("Reading", 1, "sensor", "s1", "temp", 28.5),
		ev("Reading", 2, "sensor", "s2", "temp", 31),
		ev("Reading", 3, "sensor", "s3"),
		ev("Reading", 4, "sensor", "s4", "temp", 30.5),
	}
	want := strings.Join([]string{
		`{"stream":"All","ts":"1970-01-01T00:00:01Z","fields":{"sensor":"s1"}}`,
		`{"stream":"Hot","ts":"1970-01-01T00:00:02Z","fields":{"sensor":"s2","temp":31}}`,
		`{"stream":"All","ts":"1970-01-01T00:00:02Z","fields":{"sensor":"s2"}}`,
		`{"stream":"All","ts":"1970-01-01T00:00:03Z","fields":{"sensor":"s3"}}`,
		`{"stream":"Hot","ts":"1970-01-01T00:00:04Z","fields":{"sensor":"s4","temp":30.5}}`,
		`{"stream":"All","ts":"1970-01-01T00:00:04Z","fields":{"sensor":"s4"}}`,
	}, "\n")
	for _, bs := range []int{1, 2, 3, 100} {
		got := strings.Join(runPlan(t, p, evs, bs), "\n")
		if got != want {
			t.Errorf("batch size %d:\n got:\n%s\nwant:\n%s", bs, got, want)
		}
	}
}

func TestCascadeOrder(t *testing.T) {
	// stream A = T.emit(x); stream B = T.emit(y: x); stream C = A.emit(z: x)
	// Per input event: A's output, B's output, then C's (breadth first).
	p := &planner.Plan{Streams: []*planner.Stream{
		{Name: "C", Index: 0, OutType: "C", Visible: true, Inputs: []planner.Input{{Name: "A"}},
			Ops: []planner.Op{&planner.Project{Emit: true, Items: []planner.Item{{Name: "z", X: field("x")}}}}},
		{Name: "A", Index: 1, OutType: "A", Visible: true, Inputs: []planner.Input{{Name: "T"}},
			Ops: []planner.Op{&planner.Project{Emit: true, Items: []planner.Item{{Name: "x", X: field("x")}}}}},
		{Name: "B", Index: 2, OutType: "B", Visible: true, Inputs: []planner.Input{{Name: "T"}},
			Ops: []planner.Op{&planner.Project{Emit: true, Items: []planner.Item{{Name: "y", X: field("x")}}}}},
	}}
	evs := []event.Event{ev("T", 1, "x", 1), ev("T", 2, "x", 2)}
	want := strings.Join([]string{
		`{"stream":"A","ts":"1970-01-01T00:00:01Z","fields":{"x":1}}`,
		`{"stream":"B","ts":"1970-01-01T00:00:01Z","fields":{"y":1}}`,
		`{"stream":"C","ts":"1970-01-01T00:00:01Z","fields":{"z":1}}`,
		`{"stream":"A","ts":"1970-01-01T00:00:02Z","fields":{"x":2}}`,
		`{"stream":"B","ts":"1970-01-01T00:00:02Z","fields":{"y":2}}`,
		`{"stream":"C","ts":"1970-01-01T00:00:02Z","fields":{"z":2}}`,
	}, "\n")
	for _, bs := range []int{1, 2} {
		got := strings.Join(runPlan(t, p, evs, bs), "\n")
		if got != want {
			t.Errorf("batch size %d:\n got:\n%s\nwant:\n%s", bs, got, want)
		}
	}
}

// TestLateByStream checks the per-stream late counts behind
// varpulis_late_events_total{stream}.
func TestLateByStream(t *testing.T) {
	src := `stream A = T.window(5s).aggregate(n: count()).emit()
stream B = T.watermark(out_of_order: 10s).window(5s).aggregate(n: count()).emit()`
	rt, err := New(planOf(t, src), Options{})
	if err != nil {
		t.Fatal(err)
	}
	evs := []event.Event{ev("T", 10), ev("T", 2), ev("T", 20), ev("T", 1)}
	var base int64
	for _, b := range batches(t, evs) {
		if err := rt.Process(b, base); err != nil {
			t.Fatal(err)
		}
		base += int64(b.Len())
	}
	// A (no allowance) drops @2s and @1s; B (10 s) keeps @2s and drops @1s
	// (its watermark is 10 s by then).
	got := rt.LateByStream()
	if got["A"] != 2 || got["B"] != 1 || rt.Late() != 3 {
		t.Fatalf("late by stream %v, total %d", got, rt.Late())
	}
}

// TestPatternOutputsAcrossRuns: a pattern stream that reads both raw
// events and another stream's outputs is run once per run of rows of one
// producer within a batch, and its matches of one run must survive the
// next (their memory is reused, see chunkArena): outputs in random
// batches must be those of one event at a time.
func TestPatternOutputsAcrossRuns(t *testing.T) {
	src := `stream Big = A .where(v > 1) .emit()
stream S = A as a -> Big as b -> A as c .within(5s) .emit(x: a.v, y: b.v, z: c.v, t: event_time(c))
`
	r := rand.New(rand.NewPCG(3, 4))
	for round := 0; round < 200; round++ {
		var evs []event.Event
		for i := range 5 + r.IntN(60) {
			typ := []string{"A", "A", "C"}[r.IntN(3)]
			evs = append(evs, event.Event{Type: typ, TS: int64(i) * 1e9, Fields: []event.Field{{Name: "v", Value: event.Int(int64(r.IntN(4)))}}})
		}
		var out [2][]string
		for i, size := range []func() int{func() int { return 1 }, func() int { return 1 + r.IntN(20) }} {
			sink := &jsonSink{}
			rt, err := New(planOf(t, src), Options{Sink: sink})
			if err != nil {
				t.Fatal(err)
			}
			feed(t, rt, evs, size, round%2 == 0)
			out[i] = sink.lines
		}
		if strings.Join(out[0], "\n") != strings.Join(out[1], "\n") {
			t.Fatalf("round %d: one at a time:\n%s\nin batches:\n%s", round, strings.Join(out[0], "\n"), strings.Join(out[1], "\n"))
		}
	}
}

// TestChunkTypeCodes: a mixed batch's rows get the same types whether the
// chunk takes the builder's type numbers or numbers the type names itself.
func TestChunkTypeCodes(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 9))
	var evs []event.Event
	for i := range 3000 {
		typ := []string{"A", "B", "C", "D"}[min(r.IntN(5), 3)]
		evs = append(evs, event.Event{Type: typ, TS: int64(i), Fields: []event.Field{{Name: "v", Value: event.Int(1)}}})
	}
	for _, b := range buildBatches(t, evs, true) {
		if b.Types == nil {
			continue
		}
		own := b
		own.TypeCodes, own.TypeNames = nil, nil
		given, counted := chunkFromBatch(b, nil), chunkFromBatch(own, nil)
		if given.tcode == nil || counted.tcode == nil {
			t.Fatal("a mixed chunk without type codes")
		}
		for i, typ := range b.Types {
			if a, c := given.tnames[given.tcode[i]], counted.tnames[counted.tcode[i]]; a != typ || c != typ {
				t.Fatalf("row %d of type %s: %s from the builder's numbers, %s counted", i, typ, a, c)
			}
		}
		b.Rec.Release()
	}
}
