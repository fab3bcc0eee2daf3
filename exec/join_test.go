package exec

import (
	"bytes"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/varpulis/varpulis-go/event"
)

// joinRun runs src over evs in batches of the given size and returns the
// outputs, the diagnostic output and the runtime.
func joinRun(t *testing.T, src string, evs []event.Event, lim Limits, batch int) ([]string, string, *Runtime) {
	t.Helper()
	sink := &jsonSink{}
	var diag bytes.Buffer
	if lim == (Limits{}) {
		lim = DefaultLimits
	}
	rt, err := New(planOf(t, src), Options{Sink: sink, Diag: &diag, Limits: lim})
	if err != nil {
		t.Fatal(err)
	}
	var base int64
	for start := 0; start < len(evs); start += batch {
		for _, b := range batches(t, evs[start:min(start+batch, len(evs))]) {
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
	return sink.lines, diag.String(), rt
}

// expectJoin checks the outputs for several batch sizes: results never
// depend on batching.
func expectJoin(t *testing.T, src string, evs []event.Event, want ...string) {
	t.Helper()
	for _, bs := range []int{1, 2, 3, 100} {
		got, _, _ := joinRun(t, src, evs, Limits{}, bs)
		if g, w := strings.Join(got, "\n"), strings.Join(want, "\n"); g != w {
			t.Errorf("batch size %d:\n%s\n got:\n%s\nwant:\n%s", bs, src, g, w)
			return
		}
	}
}

// atNS returns e with its ts set in nanoseconds.
func atNS(e event.Event, ns int64) event.Event {
	e.TS = ns
	return e
}

func TestJoinKeysCompareLikeEquals(t *testing.T) {
	src := `stream J = join(A, B).on(A.k == B.k).emit(a: A.v, b: B.v)`
	expectJoin(t, src, []event.Event{
		ev("A", 1, "k", 1, "v", "a1"),
		ev("B", 2, "k", 1.0, "v", "b1"), // 1 == 1.0
		ev("B", 3, "k", "1", "v", "b2"), // a string is another key
		ev("A", 4, "v", "a2"),           // missing key: the null key
		ev("B", 5, "k", nil, "v", "b3"), // null is a key and joins null
	},
		`{"stream":"J","ts":"1970-01-01T00:00:02Z","fields":{"a":"a1","b":"b1"}}`,
		`{"stream":"J","ts":"1970-01-01T00:00:05Z","fields":{"a":"a2","b":"b3"}}`,
	)
}

func TestJoinHorizonEdges(t *testing.T) {
	// |ts difference| <= 10s joins, in both directions; 1 ns more does not.
	src := `stream J = join(A, B).on(A.k == B.k).window(10s).emit(a: A.v, b: B.v)`
	expectJoin(t, src, []event.Event{
		atNS(ev("A", 0, "k", "x", "v", 1), 20e9),
		atNS(ev("B", 0, "k", "x", "v", 1), 10e9),   // 10 s before: joins
		atNS(ev("B", 0, "k", "x", "v", 2), 30e9),   // 10 s after: joins
		atNS(ev("B", 0, "k", "y", "v", 3), 40e9),   // moves the watermark to 40 s
		atNS(ev("A", 0, "k", "x", "v", 2), 40e9+1), // B@30 is 10 s + 1 ns away
	},
		`{"stream":"J","ts":"1970-01-01T00:00:10Z","fields":{"a":1,"b":1}}`,
		`{"stream":"J","ts":"1970-01-01T00:00:30Z","fields":{"a":1,"b":2}}`,
	)
}

func TestJoinMostRecentlyArrivedWins(t *testing.T) {
	// The most recently arrived event, not the one with the greatest ts.
	src := `stream J = join(A, B).on(A.k == B.k).watermark(out_of_order: 1m).emit(a: A.v, b: B.v)`
	expectJoin(t, src, []event.Event{
		ev("A", 5, "k", "x", "v", "a5"),
		ev("A", 4, "k", "x", "v", "a4"),
		ev("B", 6, "k", "x", "v", "b6"),
		ev("A", 7, "k", "x", "v", "a7"),
	},
		`{"stream":"J","ts":"1970-01-01T00:00:06Z","fields":{"a":"a4","b":"b6"}}`,
		`{"stream":"J","ts":"1970-01-01T00:00:07Z","fields":{"a":"a7","b":"b6"}}`,
	)
}

func TestJoinThreeMembersChained(t *testing.T) {
	src := `stream J = join(A, B, C).on(A.k == B.k and B.k == C.id).emit(k, a: A.v, b: B.v, c: C.v)`
	expectJoin(t, src, []event.Event{
		ev("A", 1, "k", "x", "v", 1),
		ev("B", 2, "k", "x", "v", 1),
		ev("C", 3, "id", "y", "v", 1), // other key
		ev("C", 4, "id", "x", "v", 2), // completes: C arrives, k is C's own field (null)
		ev("A", 5, "k", "x", "v", 3),
		ev("A", 6, "k", "y", "v", 4), // no B for y
	},
		`{"stream":"J","ts":"1970-01-01T00:00:04Z","fields":{"k":null,"a":1,"b":1,"c":2}}`,
		`{"stream":"J","ts":"1970-01-01T00:00:05Z","fields":{"k":"x","a":3,"b":1,"c":2}}`,
	)
	// Two chains make a key of two parts.
	src = `stream J = join(A, B).on(A.k == B.k and A.j == B.j).emit(a: A.v, b: B.v)`
	expectJoin(t, src, []event.Event{
		ev("A", 1, "k", "x", "j", 1, "v", 1),
		ev("B", 2, "k", "x", "j", 2, "v", 1),
		ev("B", 3, "k", "x", "j", 1.0, "v", 2),
	},
		`{"stream":"J","ts":"1970-01-01T00:00:03Z","fields":{"a":1,"b":2}}`,
	)
}

func TestJoinBufferLimit(t *testing.T) {
	// The watermark allowance keeps everything buffered; only the limit
	// evicts. B@1 is within the horizon of A@1 alone.
	src := `stream J = join(A, B).on(A.k == B.k).window(1s).watermark(out_of_order: 1h).emit(a: A.v, b: B.v)`
	evs := []event.Event{
		ev("A", 1, "k", "x", "v", 1),
		ev("A", 5, "k", "x", "v", 2),
		ev("A", 6, "k", "x", "v", 3),
		ev("A", 7, "k", "y", "v", 4), // another key has its own buffer
		ev("B", 1, "k", "x", "v", 1),
		ev("A", 8, "k", "x", "v", 5), // evicts again: warned once
	}
	got, diag, _ := joinRun(t, src, evs, Limits{}, 100)
	if len(got) != 1 || diag != "" {
		t.Fatalf("default limit: %q, diag %q", got, diag)
	}
	lim := DefaultLimits
	lim.MaxJoinBuffer = 2
	var hits []string
	lim2 := lim
	for _, bs := range []int{1, 100} {
		sink := &jsonSink{}
		var d bytes.Buffer
		hits = hits[:0]
		rt, err := New(planOf(t, src), Options{Sink: sink, Diag: &d, Limits: lim2,
			OnLimit: func(stream, limit string) { hits = append(hits, stream+":"+limit) }})
		if err != nil {
			t.Fatal(err)
		}
		var base int64
		for start := 0; start < len(evs); start += bs {
			for _, b := range batches(t, evs[start:min(start+bs, len(evs))]) {
				if err := rt.Process(b, base); err != nil {
					t.Fatal(err)
				}
				base += int64(b.Len())
			}
		}
		if err := rt.Finish(); err != nil {
			t.Fatal(err)
		}
		if len(sink.lines) != 0 {
			t.Errorf("batch %d: A@1 was evicted, yet: %q", bs, sink.lines)
		}
		if d.String() != "warning: stream J: limit max_join_buffer=2 reached\n" {
			t.Errorf("batch %d: diag %q", bs, d.String())
		}
		if strings.Join(hits, ",") != "J:max_join_buffer,J:max_join_buffer" {
			t.Errorf("batch %d: hits %q", bs, hits)
		}
	}
}

func TestJoinPurgedByWatermark(t *testing.T) {
	src := `stream J = join(A, B).on(A.k == B.k).window(10s).emit(a: A.v, b: B.v)`
	// W = 11 s does not pass 1 s + 10 s: A@1 is still there for late B@5.
	expectJoin(t, src, []event.Event{
		ev("A", 1, "k", "x", "v", 1),
		ev("B", 11, "k", "other", "v", 0),
		ev("B", 5, "k", "x", "v", 5),
	},
		`{"stream":"J","ts":"1970-01-01T00:00:05Z","fields":{"a":1,"b":5}}`,
	)
	// W = 11 s + 1 ns passes it: dropped, B@5 finds nothing.
	expectJoin(t, src, []event.Event{
		ev("A", 1, "k", "x", "v", 1),
		atNS(ev("B", 0, "k", "other", "v", 0), 11e9+1),
		ev("B", 5, "k", "x", "v", 5),
	})
	// Buffers empty out as the watermark moves, and at the end of input.
	_, _, rt := joinRun(t, src, []event.Event{
		ev("A", 1, "k", "x"), ev("B", 2, "k", "y"), ev("A", 3, "k", "z"),
	}, Limits{}, 1)
	if n := rt.streams[0].timed.(*joinOp).buffered(); n != 0 {
		t.Errorf("%d events still buffered after the input", n)
	}
	var op *joinOp
	sink := &jsonSink{}
	rt, _ = New(planOf(t, src), Options{Sink: sink})
	op = rt.streams[0].timed.(*joinOp)
	for i, e := range []event.Event{ev("A", 1, "k", "x"), ev("A", 2, "k", "y"), ev("B", 30, "k", "z")} {
		for _, b := range batches(t, []event.Event{e}) {
			if err := rt.Process(b, int64(i)); err != nil {
				t.Fatal(err)
			}
		}
	}
	if n := op.buffered(); n != 1 || len(op.members[0].bufs) != 0 || len(op.expiry) != 1 {
		t.Errorf("after W = 30 s: %d buffered, %d A buffers, %d in the heap", n, len(op.members[0].bufs), len(op.expiry))
	}
}

func TestJoinLateMembers(t *testing.T) {
	// VPL.md §11.8: a late member event is looked up on arrival, stays
	// buffered until the next watermark advance passes its ts + horizon.
	src := `stream J = join(A, B).on(A.k == B.k).window(10s).emit(a: A.v, b: B.v)`
	expectJoin(t, src, []event.Event{
		ev("B", 28, "k", "x", "v", "b28"),
		ev("B", 35, "k", "other"),         // W = 35 s
		ev("A", 26, "k", "x", "v", "a26"), // late, joins B@28
		ev("B", 27, "k", "x", "v", "b27"), // late, joins A@26 (kept until W > 36 s)
		ev("A", 5, "k", "x", "v", "a5"),   // late and already past W: still looked up (nothing within 10 s)
		ev("B", 6, "k", "x", "v", "b6"),   // no advance since: A@5 is still buffered
		ev("B", 37, "k", "other"),         // W = 37 s: drops A@5 and A@26
		ev("B", 30, "k", "x", "v", "b30"), // A@26 is gone
	},
		`{"stream":"J","ts":"1970-01-01T00:00:26Z","fields":{"a":"a26","b":"b28"}}`,
		`{"stream":"J","ts":"1970-01-01T00:00:27Z","fields":{"a":"a26","b":"b27"}}`,
		`{"stream":"J","ts":"1970-01-01T00:00:06Z","fields":{"a":"a5","b":"b6"}}`,
	)
}

func TestJoinEmitUnion(t *testing.T) {
	// Members' fields in join order, each in its own order, the earlier
	// member winning a clash, whichever member arrives; rows of different
	// shapes keep their order.
	src := `stream J = join(Quote, Trade).on(Quote.sym == Trade.sym).emit()
stream K = J.where(venue == "q").emit(sym, venue, bid)`
	expectJoin(t, src, []event.Event{
		ev("Quote", 1, "sym", "A", "bid", 10, "venue", "q"),
		ev("Trade", 2, "px", 5, "sym", "A", "venue", "t", "qty", 3),
		ev("Quote", 3, "sym", "A", "bid", 12),
		ev("Trade", 4, "sym", "A", "px", 7),
		ev("Quote", 5, "venue", "q", "sym", "A", "bid", 13),
	},
		`{"stream":"J","ts":"1970-01-01T00:00:02Z","fields":{"sym":"A","bid":10,"venue":"q","px":5,"qty":3}}`,
		`{"stream":"K","ts":"1970-01-01T00:00:02Z","fields":{"sym":"A","venue":"q","bid":10}}`,
		`{"stream":"J","ts":"1970-01-01T00:00:03Z","fields":{"sym":"A","bid":12,"px":5,"venue":"t","qty":3}}`,
		`{"stream":"J","ts":"1970-01-01T00:00:04Z","fields":{"sym":"A","bid":12,"px":7}}`,
		`{"stream":"J","ts":"1970-01-01T00:00:05Z","fields":{"venue":"q","sym":"A","bid":13,"px":7}}`,
		`{"stream":"K","ts":"1970-01-01T00:00:05Z","fields":{"sym":"A","venue":"q","bid":13}}`,
	)
	// Operators after the union still read the aliases.
	expectJoin(t, `stream J = join(A, B).on(A.k == B.k).emit().where(B.v > 1).emit(k, a: A.v)`, []event.Event{
		ev("A", 1, "k", "x", "v", 1),
		ev("B", 2, "k", "x", "v", 1),
		ev("B", 3, "k", "x", "v", 2),
	},
		`{"stream":"J","ts":"1970-01-01T00:00:03Z","fields":{"k":"x","a":1}}`,
	)
}

func TestJoinBareNamesAndAliases(t *testing.T) {
	// Bare names read the arriving event; Quote.bid and Trade.bid the
	// bound events, also after .select reshaped the record (§11.13).
	src := `stream J = join(Quote, Trade).on(Quote.sym == Trade.sym)
    .select(bid, kind: event_type(), q: Quote.bid, t: Trade.bid)
    .where(Quote.bid < 20)
    .emit(bid, kind, q, t, tq: event_time(Quote), qm: Quote)`
	expectJoin(t, src, []event.Event{
		ev("Quote", 1, "sym", "A", "bid", 10),
		ev("Trade", 2, "sym", "A", "bid", 11),
		ev("Quote", 3, "sym", "A", "bid", 30),
	},
		`{"stream":"J","ts":"1970-01-01T00:00:02Z","fields":{"bid":11,"kind":"Trade","q":10,"t":11,"tq":"1970-01-01T00:00:01Z","qm":{"sym":"A","bid":10}}}`,
	)
}

func TestJoinSelfWithLabels(t *testing.T) {
	// One type as two labelled members: an event plays each member in
	// join order and never joins with itself.
	src := `stream J = join(stream Buy = Order.on(acct), stream Sell = Order.on(acct)).emit(b: Buy.id, s: Sell.id)`
	expectJoin(t, src, []event.Event{
		ev("Order", 1, "acct", "a", "id", 1),
		ev("Order", 2, "acct", "b", "id", 2),
		ev("Order", 3, "acct", "a", "id", 3),
	},
		`{"stream":"J","ts":"1970-01-01T00:00:03Z","fields":{"b":3,"s":1}}`,
		`{"stream":"J","ts":"1970-01-01T00:00:03Z","fields":{"b":1,"s":3}}`,
	)
}

func TestJoinMemberIsAStream(t *testing.T) {
	// A member named after a stream whose events take another type.
	src := `stream Big = Tx.where(amt > 10).emit as Alert(acct, amt)
stream J = join(Big, Login).on(Big.acct == Login.acct).emit(acct, amt: Big.amt, ip: Login.ip)`
	expectJoin(t, src, []event.Event{
		ev("Login", 1, "acct", "a", "ip", "1.2.3.4"),
		ev("Tx", 2, "acct", "a", "amt", 5),
		ev("Tx", 3, "acct", "a", "amt", 50),
	},
		`{"stream":"Alert","ts":"1970-01-01T00:00:03Z","fields":{"acct":"a","amt":50}}`,
		`{"stream":"J","ts":"1970-01-01T00:00:03Z","fields":{"acct":"a","amt":50,"ip":"1.2.3.4"}}`,
	)
}

// TestJoinSnapshotRestore cuts join runs anywhere and requires the output
// of an uninterrupted run.
func TestJoinSnapshotRestore(t *testing.T) {
	srcs := []string{
		`stream J = join(A, B).on(A.k == B.k).window(3s).emit()`,
		`stream J = join(A, B, C).on(A.k == B.k and C.k == B.k).window(2s).watermark(out_of_order: 1s).emit(a: A.v, b: B.v, c: C.v)`,
		`stream J = join(stream X = A.on(k), stream Y = A.on(j)).window(4s).emit(x: X.v, y: Y.v)`,
	}
	r := rand.New(rand.NewPCG(7, 11))
	cases := 150
	if testing.Short() {
		cases = 30
	}
	for i := 0; i < cases; i++ {
		src := srcs[i%len(srcs)]
		var evs []event.Event
		ts := int64(0)
		for n := 1 + r.IntN(40); n > 0; n-- {
			ts += int64(r.IntN(1500)) * 1e6
			at := ts - int64(r.IntN(3000))*1e6 // sometimes late
			typ := string(rune('A' + r.IntN(3)))
			e := ev(typ, 0, "k", r.IntN(3), "j", r.IntN(2), "v", n)
			if r.IntN(5) == 0 {
				e = ev(typ, 0, "k", float64(r.IntN(3)), "v", n)
			}
			evs = append(evs, atNS(e, at))
		}
		seed := r.Uint64()
		want, _ := runCut(t, src, evs, rand.New(rand.NewPCG(seed, 1)), -1)
		for try := 0; try < 3; try++ {
			cut := r.IntN(len(evs))
			got, _ := runCut(t, src, evs, rand.New(rand.NewPCG(seed, 1)), cut)
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Fatalf("case %d, cut after event %d:\n%s\n got:\n%s\nwant:\n%s", i, cut, src,
					strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
		}
	}
}

// TestJoinRestoreRejectsGarbage: a corrupt join snapshot fails cleanly.
func TestJoinRestoreRejectsGarbage(t *testing.T) {
	src := `stream J = join(A, B).on(A.k == B.k).emit()`
	rt, _ := New(planOf(t, src), Options{})
	for _, b := range batches(t, []event.Event{ev("A", 1, "k", "a", "v", 1), ev("B", 2, "k", "b")}) {
		if err := rt.Process(b, 0); err != nil {
			t.Fatal(err)
		}
	}
	snap := rt.Snapshot()
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 2000; i++ {
		bad := []byte(string(snap))
		if i%3 == 0 {
			bad = bad[:r.IntN(len(bad))]
		} else {
			bad[r.IntN(len(bad))] ^= byte(1 + r.IntN(255))
		}
		fresh, _ := New(planOf(t, src), Options{})
		if fresh.Restore(bad) == nil {
			// A flip may land on a value that still decodes: the runtime
			// must then simply keep working.
			for _, b := range batches(t, []event.Event{ev("A", 3, "k", "a"), ev("B", 4, "k", "a")}) {
				_ = fresh.Process(b, 2)
			}
			_ = fresh.Finish()
		}
	}
}

// BenchmarkJoin joins two members over 1,000 keys, events in time order
// in runs of 64 of one member, 100 per second, horizon 10 s: about 1,000
// events buffered at any time.
func BenchmarkJoin(b *testing.B) {
	src := `stream J = join(A, B).on(A.k == B.k).window(10s).emit(k, a: A.v, b: B.v)`
	var evs []event.Event
	for i := 0; i < 4096; i++ {
		typ := "A"
		if i/64%2 == 1 {
			typ = "B"
		}
		evs = append(evs, atNS(ev(typ, 0, "k", i*7919%1000, "v", i), int64(i)*1e7))
	}
	plan := planOf(&testing.T{}, src)
	b.ReportAllocs()
	b.ResetTimer()
	for n := 0; n < b.N; n++ {
		b.StopTimer()
		rt, err := New(plan, Options{Sink: &jsonSink{}})
		if err != nil {
			b.Fatal(err)
		}
		bs := batches(b, evs)
		b.StartTimer()
		var base int64
		for _, bt := range bs {
			if err := rt.Process(bt, base); err != nil {
				b.Fatal(err)
			}
			base += int64(bt.Len())
		}
		b.StopTimer()
		for _, bt := range bs {
			bt.Rec.Release()
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(b.N*len(evs))/b.Elapsed().Seconds(), "events/s")
}
