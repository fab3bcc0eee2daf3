package reference

import (
	"fmt"
	"math"
	"sort"

	"github.com/varpulis/varpulis-go/event"
)

// Window kinds (VPL.md §4.3).
const (
	Tumbling     = "tumbling"     // .window(d)
	Sliding      = "sliding"      // .window(d, sliding: s)
	Count        = "count"        // .window(n)
	SlidingCount = "slidingcount" // .window(n, sliding: k)
	Session      = "session"      // .window(session: g)
	NoWindow     = ""             // no .window: a running aggregate (§4.4)
)

// Window is the stream's .window (VPL.md §4.3).
type Window struct {
	Kind  string // one of the kinds above
	Size  int64  // ns for time windows, events for count windows; session: the gap g in ns
	Slide int64  // ns (sliding) or events (slidingcount); unused otherwise
}

// Agg is one aggregate call "Alias: Fn(Field)" of .aggregate (VPL.md §4.4).
// Fn is one of count, count_distinct, sum, avg, min, max, stddev, first,
// last, ema. count with Field "" is count(). Period is ema's n.
type Agg struct {
	Alias, Fn, Field string
	Period           int64
}

// Having is a .having(Alias Op Value) filter; Op is one of
// == != < <= > >=.
type Having struct {
	Alias string
	Op    string
	Value event.Value
}

// Config describes the stream
//
//	T.partition_by(…).watermark(out_of_order: …).allowed_lateness(…).window(…).aggregate(…).having(…).emit()
type Config struct {
	PartitionBy     []string
	OutOfOrder      int64 // .watermark(out_of_order: d), ns
	AllowedLateness int64 // .allowed_lateness(L), ns; time windows only
	Window          Window
	Aggs            []Agg
	Having          *Having // nil: no .having
}

// Input is one input event of type T.
type Input struct {
	TS     int64 // event time, ns since the epoch
	Fields []event.Field
}

// DefaultStream is the stream name Run writes in its output lines.
const DefaultStream = "S"

// Run processes events as the stream DefaultStream ("S") and returns its
// output lines in the JSON form of VPL.md §7.2, in the order of §7.3, and
// the number of late events dropped (simulate's late=).
func Run(cfg Config, events []Input) (lines []string, late int) {
	return RunStream(cfg, DefaultStream, events)
}

// Watermark bounds: W starts at −∞ (no event seen) and becomes +∞ at the
// end of input (§3).
const (
	negInf = math.MinInt64
	posInf = math.MaxInt64
)

// RunStream is Run with the stream name given.
func RunStream(cfg Config, stream string, events []Input) (lines []string, late int) {
	cfg.validate()
	r := &runner{cfg: cfg, stream: stream, w: negInf, perKey: map[int][]rec{}}
	maxTs := int64(negInf)
	// §3: input events are processed one at a time in input order, never
	// re-sorted by time.
	for i, in := range events {
		e := rec{seq: i, ts: in.TS, fields: in.Fields}
		// §3 step 2: maxTs := max(maxTs, ts(e)).
		maxTs = max(maxTs, e.ts)
		// §3 step 3, §4.1: W(S) = max(previous W(S), maxTs − d); if it
		// advanced, everything it makes due fires.
		r.advance(maxTs - cfg.OutOfOrder)
		// §3 step 4: dispatch e to the stream.
		r.dispatch(e)
	}
	// §3: at the end of input maxTs becomes +∞ and step 3 runs once more:
	// every time window and session is flushed; partial count windows are
	// discarded (they are simply never released).
	r.advance(posInf)
	return r.lines, r.late
}

// rec is an input event inside the runner.
type rec struct {
	seq    int   // position in the input: arrival order
	ts     int64 // event time
	fields []event.Field
}

// get returns the value of a field; a missing field is null (§5).
func (e rec) get(name string) event.Value {
	for _, f := range e.fields {
		if f.Name == name {
			return f.Value
		}
	}
	return event.Null
}

// timeWindow is the state of one tumbling or sliding window of one key.
type timeWindow struct {
	part       int // partition index
	start, end int64
	events     []rec // arrival order
	fired      bool  // released at least once
}

// session is one session of one key.
type session struct {
	part     int
	events   []rec // arrival order
	min, max int64 // least and greatest ts of its events
}

// runner is the state of the stream while events are processed.
type runner struct {
	cfg    Config
	stream string
	w      int64 // W(S)

	// parts holds one entry per partition key, in order of first
	// appearance; the index is the partition's identity.
	parts [][]event.Value

	windows  []*timeWindow // tumbling/sliding windows whose state is kept
	open     []*session    // sessions not yet released
	released []*session    // sessions released (kept to recognise late events, §11.10)
	perKey   map[int][]rec // count: the current group; slidingcount and running aggregate: every event of the key

	lines []string
	late  int
}

// release is one window release (or running aggregate result) to emit.
type release struct {
	part       int
	ts         int64 // the output event's ts (§7.1)
	bounds     bool  // whether window_start and window_end are written
	start, end int64 // window_start, window_end
	events     []rec // the window's events in arrival order
}

// advance is the watermark phase (§3 step 3) with candidate = maxTs − d.
func (r *runner) advance(candidate int64) {
	// §4.1: W never decreases.
	if candidate <= r.w {
		return
	}
	r.w = candidate
	// §3 step 3: W advanced, so everything it makes due fires.
	var due []release
	switch r.cfg.Window.Kind {
	case Tumbling, Sliding:
		for _, tw := range r.windows {
			// §4.3: a time window is released when W(S) ≥ end. Windows
			// exist only once an event was added, so empty windows
			// release nothing.
			if !tw.fired && r.w >= tw.end {
				tw.fired = true
				due = append(due, release{part: tw.part, ts: tw.end, bounds: true,
					start: tw.start, end: tw.end, events: tw.events})
			}
		}
		// §4.1 allowed_lateness: a window's state is kept until
		// W(S) ≥ end + L (L = 0: until it is released).
		var kept []*timeWindow
		for _, tw := range r.windows {
			if r.w < tw.end+r.cfg.AllowedLateness {
				kept = append(kept, tw)
			}
		}
		r.windows = kept
	case Session:
		g := r.cfg.Window.Size
		var stillOpen []*session
		for _, s := range r.open {
			// §4.3: a session is released when W(S) > last + g.
			if r.w > s.max+g {
				r.released = append(r.released, s)
				// §4.3: window_start is the least ts, window_end the
				// greatest ts + g; §7.1: ts = last ts + g.
				due = append(due, release{part: s.part, ts: s.max + g, bounds: true,
					start: s.min, end: s.max + g, events: s.events})
			} else {
				stillOpen = append(stillOpen, s)
			}
		}
		r.open = stillOpen
	}
	// §7.3: watermark firings come by due time (window end, session end)
	// ascending, then partition key ascending, then (same key, same end)
	// window start.
	sort.SliceStable(due, func(i, j int) bool {
		a, b := due[i], due[j]
		if a.ts != b.ts {
			return a.ts < b.ts
		}
		if c := compareKeys(r.parts[a.part], r.parts[b.part]); c != 0 {
			return c < 0
		}
		return a.start < b.start
	})
	for _, rel := range due {
		r.emit(rel)
	}
}

// dispatch is the dispatch phase (§3 step 4) of e.
func (r *runner) dispatch(e rec) {
	p := r.partitionOf(e)
	switch r.cfg.Window.Kind {
	case NoWindow:
		// §4.4: without .window, .aggregate is a running aggregate over
		// all events of the key so far, emitted after each event with that
		// event's ts and without window fields. Late events are processed
		// normally (§4.1).
		r.perKey[p] = append(r.perKey[p], e)
		r.emit(release{part: p, ts: e.ts, events: r.perKey[p]})
	case Count:
		// §4.3: consecutive groups of n events per key, in arrival order;
		// released when the n-th arrives. Late events are processed
		// normally (§4.1).
		n := int(r.cfg.Window.Size)
		group := append(r.perKey[p], e)
		if len(group) == n {
			// §4.3: window_start/window_end are the first and last
			// event's ts; §7.1: ts = the last event's ts.
			first, last := group[0], group[n-1]
			r.emit(release{part: p, ts: last.ts, bounds: true, start: first.ts, end: last.ts, events: group})
			group = nil
		}
		r.perKey[p] = group
	case SlidingCount:
		// §4.3: the last n events of the key; released at the key's n-th
		// event, then after every k further events.
		n, k := int(r.cfg.Window.Size), int(r.cfg.Window.Slide)
		all := append(r.perKey[p], e)
		r.perKey[p] = all
		c := len(all)
		if c == n || (c > n && (c-n)%k == 0) {
			win := all[c-n:]
			first, last := win[0], win[n-1]
			r.emit(release{part: p, ts: last.ts, bounds: true, start: first.ts, end: last.ts, events: win})
		}
	case Tumbling, Sliding:
		r.dispatchTime(p, e)
	case Session:
		r.dispatchSession(p, e)
	}
}

// dispatchTime adds e to its tumbling or sliding windows.
func (r *runner) dispatchTime(p int, e rec) {
	// §4.1: e is late when ts(e) < W(S) as it is dispatched.
	late := e.ts < r.w
	added := false
	for _, b := range r.cfg.windowsOf(e.ts) {
		// §4.1, §4.3: the window's state is kept until W ≥ end + L; past
		// that it is released for good and the event cannot be added.
		if r.w >= b.end+r.cfg.AllowedLateness {
			continue
		}
		tw := r.findWindow(p, b.start)
		if tw == nil {
			tw = &timeWindow{part: p, start: b.start, end: b.end}
			r.windows = append(r.windows, tw)
		}
		tw.events = append(tw.events, e)
		added = true
		// §4.1 allowed_lateness: an event arriving after the window fired
		// (W ≥ end) but before W ≥ end + L is added and the window's
		// complete result is emitted again with the same bounds. Reading
		// (package doc, 1 and 2): this happens here, in the dispatch
		// phase of the late event; a due window that never fired because
		// it was empty is emitted the same way.
		if r.w >= tw.end {
			tw.fired = true
			r.emit(release{part: p, ts: tw.end, bounds: true, start: tw.start, end: tw.end, events: tw.events})
		}
	}
	// §4.3: an event that cannot be added to at least one of its windows
	// counts once in late (reading 3: late and added to none).
	if late && !added {
		r.late++
	}
}

// bounds is a time window [start, end).
type bounds struct{ start, end int64 }

// windowsOf lists the time windows containing ts, by ascending start.
func (c Config) windowsOf(ts int64) []bounds {
	d := c.Window.Size
	switch c.Window.Kind {
	case Tumbling:
		// §4.3: e belongs to [k·d, (k+1)·d), k = ⌊ts/d⌋ (epoch-aligned).
		k := floorDiv(ts, d)
		return []bounds{{k * d, (k + 1) * d}}
	case Sliding:
		// §4.3, §11.6: e belongs to every [j·s, j·s + d) containing ts,
		// for every integer j, negative ones included. j·s ≤ ts holds for
		// j ≤ ⌊ts/s⌋; going down from there, the window contains ts while
		// j·s + d > ts.
		s := c.Window.Slide
		var out []bounds
		for j := floorDiv(ts, s); j*s+d > ts; j-- {
			out = append([]bounds{{j * s, j*s + d}}, out...)
		}
		return out
	}
	panic("reference: windowsOf on a non-time window")
}

// floorDiv is ⌊a/b⌋ for b > 0, also for negative a.
func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && a < 0 {
		q--
	}
	return q
}

// findWindow returns the kept window of partition p starting at start.
func (r *runner) findWindow(p int, start int64) *timeWindow {
	for _, tw := range r.windows {
		if tw.part == p && tw.start == start {
			return tw
		}
	}
	return nil
}

// dispatchSession adds e to its key's sessions (§4.3, §11.10; reading 4).
func (r *runner) dispatchSession(p int, e rec) {
	g := r.cfg.Window.Size
	// §4.1: e is late when ts(e) < W(S) as it is dispatched.
	late := e.ts < r.w
	// §4.3: a session holds events whose successive gaps are ≤ g, so e
	// belongs with every open session of its key that has an event within
	// g of ts(e), i.e. min − g ≤ ts ≤ max + g. §11.10: a late event joins
	// an open session in the same way (extending it).
	var touched, rest []*session
	for _, s := range r.open {
		if s.part == p && s.min-g <= e.ts && e.ts <= s.max+g {
			touched = append(touched, s)
		} else {
			rest = append(rest, s)
		}
	}
	if len(touched) == 0 && late {
		// §11.10: otherwise, if it falls only into released sessions, it
		// is dropped as late.
		for _, s := range r.released {
			if s.part == p && s.min-g <= e.ts && e.ts <= s.max+g {
				r.late++
				return
			}
		}
		// Reading 4: the session e would open is already due (its
		// release condition W > last + g holds), so it counts as released
		// and e is dropped as late, as for a time window whose end W has
		// passed.
		if r.w > e.ts+g {
			r.late++
			return
		}
	}
	// e opens a session, or joins the sessions it touches; touching several
	// merges them (e closes the gaps between them). Events stay in arrival
	// order.
	merged := &session{part: p, min: e.ts, max: e.ts}
	for _, s := range touched {
		merged.events = append(merged.events, s.events...)
		merged.min = min(merged.min, s.min)
		merged.max = max(merged.max, s.max)
	}
	merged.events = append(merged.events, e)
	sort.SliceStable(merged.events, func(i, j int) bool { return merged.events[i].seq < merged.events[j].seq })
	r.open = append(rest, merged)
}

// partitionOf returns the partition of e, registering a new key. §4.3: a
// missing key field gives the null key; keys compare as == does (§11.7),
// so 1 and 1.0 share a partition, and the key shown in output is the first
// value seen for that key (reading 5: the first event of the key
// dispatched to the stream).
func (r *runner) partitionOf(e rec) int {
	key := make([]event.Value, len(r.cfg.PartitionBy))
	for i, name := range r.cfg.PartitionBy {
		key[i] = e.get(name)
	}
	for i, k := range r.parts {
		if keysEqual(k, key) {
			return i
		}
	}
	r.parts = append(r.parts, key)
	return len(r.parts) - 1
}

// keysEqual compares two partition keys field by field with == (§11.7;
// null equals null for keys).
func keysEqual(a, b []event.Value) bool {
	for i := range a {
		if !event.Equal(a[i], b[i]) {
			return false
		}
	}
	return true
}

// compareKeys orders partition keys as §7.3 does: null < false < true <
// numbers < strings < others, multi-field keys field by field.
func compareKeys(a, b []event.Value) int {
	for i := range a {
		if c := event.CompareKeys(a[i], b[i]); c != 0 {
			return c
		}
	}
	return 0
}

// emit aggregates a release, applies .having and writes the output line.
func (r *runner) emit(rel release) {
	var names []string
	var vals []event.Value
	// §4.4: output fields in order: the partition key fields under their
	// own names, window_start, window_end (timestamps), then the aliases.
	for i, name := range r.cfg.PartitionBy {
		names = append(names, name)
		vals = append(vals, r.parts[rel.part][i])
	}
	if rel.bounds {
		names = append(names, "window_start", "window_end")
		vals = append(vals, event.Timestamp(rel.start), event.Timestamp(rel.end))
	}
	for _, a := range r.cfg.Aggs {
		v := aggregate(a, rel.events)
		// §4.4: .having filters aggregate results like .where: the
		// result is kept only if the predicate is exactly true.
		if h := r.cfg.Having; h != nil && h.Alias == a.Alias && !compare(h.Op, v, h.Value).IsTrue() {
			return
		}
		names = append(names, a.Alias)
		vals = append(vals, v)
	}
	r.lines = append(r.lines, jsonLine(r.stream, rel.ts, names, vals))
}

// jsonLine renders an output event in the JSON form of §7.2:
// {"stream":"<type>","ts":"<ts>","fields":{…}}, compact, fields in order.
func jsonLine(stream string, ts int64, names []string, vals []event.Value) string {
	b := []byte(`{"stream":`)
	b = event.AppendJSONString(b, stream)
	b = append(b, `,"ts":"`...)
	b = event.AppendTimestamp(b, ts)
	b = append(b, `","fields":{`...)
	for i, name := range names {
		if i > 0 {
			b = append(b, ',')
		}
		b = event.AppendJSONString(b, name)
		b = append(b, ':')
		b = event.AppendJSON(b, vals[i])
	}
	b = append(b, "}}"...)
	return string(b)
}

// validate panics on a configuration the reference does not model.
func (c Config) validate() {
	w := c.Window
	switch w.Kind {
	case Tumbling, Count, Session:
		if w.Size <= 0 {
			panic(fmt.Sprintf("reference: %s window size %d", w.Kind, w.Size))
		}
	case Sliding, SlidingCount:
		if w.Size <= 0 || w.Slide <= 0 {
			panic(fmt.Sprintf("reference: %s window size %d slide %d", w.Kind, w.Size, w.Slide))
		}
	case NoWindow:
	default:
		panic("reference: unknown window kind " + w.Kind)
	}
	if c.OutOfOrder < 0 || c.AllowedLateness < 0 {
		panic("reference: negative out_of_order or allowed_lateness")
	}
	if len(c.Aggs) == 0 {
		panic("reference: no aggregate")
	}
	found := c.Having == nil
	if h := c.Having; h != nil {
		switch h.Op {
		case "==", "!=", "<", "<=", ">", ">=":
		default:
			panic("reference: unknown having operator " + h.Op)
		}
	}
	for _, a := range c.Aggs {
		known := false
		for _, fn := range AggFns {
			known = known || a.Fn == fn
		}
		if !known {
			panic("reference: unknown aggregate " + a.Fn)
		}
		if a.Field == "" && a.Fn != "count" {
			panic("reference: " + a.Fn + " needs a field")
		}
		if a.Fn == "ema" && a.Period < 1 {
			panic("reference: ema period must be ≥ 1")
		}
		if c.Having != nil && c.Having.Alias == a.Alias {
			found = true
		}
	}
	if !found {
		panic("reference: having names no alias")
	}
}
