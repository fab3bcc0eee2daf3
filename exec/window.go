package exec

import (
	"math"
	"slices"

	"github.com/varpulis/varpulis-go/event"
	"github.com/varpulis/varpulis-go/exec/agg"
	"github.com/varpulis/varpulis-go/planner"
)

// groupAgg evaluates an aggregate's calls into accumulators and its items
// into output values.
type groupAgg struct {
	rt     *Runtime
	plan   *planner.Aggregate
	args   []kernel // per call; nil for count()
	accs   []agg.Acc
	direct []int // per item: the call it reads bare (most items), or -1
	free   []int32
	n      int32
	vals   []event.Value // scratch: call results of one group
	cols   []agg.Column
	// Folds queued until flush, in event order. An operator queues either
	// (slot, row) pairs or spans, never both.
	slots []int32
	rows  []int32
	spans []agg.Span
	state []byte // scratch for move
}

func newGroupAgg(rt *Runtime, a *planner.Aggregate) *groupAgg {
	g := &groupAgg{rt: rt, plan: a}
	for _, c := range a.Calls {
		fn, _ := agg.Parse(c.Fn, argCount(c))
		g.accs = append(g.accs, agg.New(agg.Spec{Fn: fn, Period: c.Period}))
		if c.Arg != nil {
			g.args = append(g.args, rt.compile(c.Arg))
		} else {
			g.args = append(g.args, nil)
		}
	}
	for _, it := range a.Items {
		d := -1
		if ref, ok := it.X.(*planner.AggRef); ok && ref.Slot < len(a.Calls) {
			d = ref.Slot
		}
		g.direct = append(g.direct, d)
	}
	g.vals = make([]event.Value, len(a.Calls))
	g.cols = make([]agg.Column, len(a.Calls))
	return g
}

func argCount(c *planner.AggCall) int {
	switch {
	case c.Arg == nil:
		return 0
	case c.Fn == "ema":
		return 2
	}
	return 1
}

// alloc returns an empty accumulator group.
func (g *groupAgg) alloc() int32 {
	if n := len(g.free); n > 0 {
		s := g.free[n-1]
		g.free = g.free[:n-1]
		return s
	}
	s := g.n
	g.resize(g.n + 1)
	return s
}

// resize makes groups [0, n) exist (time windows hand out group ids
// themselves, in blocks).
func (g *groupAgg) resize(n int32) {
	if n <= g.n {
		return
	}
	g.n = n
	for _, a := range g.accs {
		a.Resize(int(n))
	}
}

func (g *groupAgg) reset(s int32) {
	for _, a := range g.accs {
		a.Reset(s)
	}
}

func (g *groupAgg) release(s int32) {
	g.reset(s)
	g.free = append(g.free, s)
}

// move gives group dst the state of group src and empties src; rare (a
// ring of time windows outgrew its block), so it goes through the exact
// snapshot form.
func (g *groupAgg) move(dst, src int32) {
	for _, a := range g.accs {
		g.state = a.AppendState(g.state[:0], src)
		if _, err := a.LoadState(g.state, dst); err != nil {
			panic("exec: moving aggregate state: " + err.Error())
		}
		a.Reset(src)
	}
}

// bind evaluates the call arguments over a chunk's selection.
func (g *groupAgg) bind(c *chunk) {
	for i, k := range g.args {
		if k == nil {
			g.cols[i] = agg.Column{}
			continue
		}
		g.cols[i] = columnOf(k.eval(c, c.sel))
	}
}

// columnOf views a vector as an aggregate argument column.
func columnOf(v *vec) agg.Column {
	col := agg.Column{Kind: planner.KindAny, Value: func(r int32) event.Value { return cloneValue(v.value(int(r))) }}
	switch {
	case v.isConst:
		col.IsConst, col.Const = true, v.c
	case v.kind == event.KindInt && v.i64 != nil:
		col.Kind, col.I64, col.Valid = event.KindInt, v.i64, v.valid
	case v.kind == event.KindFloat && v.f64 != nil:
		col.Kind, col.F64, col.Valid = event.KindFloat, v.f64, v.valid
	}
	return col
}

// colValue reads row r of an argument column (null for count()).
func colValue(col *agg.Column, r int32) event.Value {
	switch {
	case col.IsConst:
		return col.Const
	case col.Value == nil:
		return event.Null
	}
	return col.Value(r)
}

// add queues row r of the bound chunk for group s.
func (g *groupAgg) add(s, r int32) {
	g.slots = append(g.slots, s)
	g.rows = append(g.rows, r)
}

// addSpan queues row r of the bound chunk for groups first..first+n-1.
func (g *groupAgg) addSpan(first, n, r int32) {
	g.spans = append(g.spans, agg.Span{First: first, N: n, Row: r})
}

// flush folds the queued rows into their groups, in queue order.
func (g *groupAgg) flush() {
	if len(g.rows) > 0 {
		for i, a := range g.accs {
			a.Update(g.slots, g.rows, &g.cols[i])
		}
		g.slots, g.rows = g.slots[:0], g.rows[:0]
	}
	if len(g.spans) > 0 {
		for i, a := range g.accs {
			a.UpdateSpans(g.spans, &g.cols[i])
		}
		g.spans = g.spans[:0]
	}
}

// results evaluates the items for group s.
func (g *groupAgg) results(s int32, out []event.Value) []event.Value {
	for i, a := range g.accs {
		g.vals[i] = a.Result(s)
	}
	env := rowEnv{rt: g.rt, aggVals: g.vals}
	for i, it := range g.plan.Items {
		if d := g.direct[i]; d >= 0 {
			out = append(out, g.vals[d])
		} else {
			out = append(out, evalRow(it.X, &env))
		}
	}
	return out
}

// foldInto folds explicit argument values (sessions and sliding count
// windows keep their events' values and fold at release) into a new
// group, which the caller releases.
func (g *groupAgg) foldInto(vals [][]event.Value) int32 {
	s := g.alloc()
	n := 0
	if len(vals) > 0 {
		n = len(vals[0])
	}
	slots := make([]int32, n)
	rows := make([]int32, n)
	for i := range rows {
		slots[i], rows[i] = s, int32(i)
	}
	for i, a := range g.accs {
		vs := vals[i]
		col := agg.Column{Kind: planner.KindAny, Value: func(r int32) event.Value { return vs[r] }}
		a.Update(slots, rows, &col)
	}
	return s
}

// windowOp is .window(...), alone or with .aggregate(...).
type windowOp struct {
	rt       *Runtime
	si       int
	stream   string
	w        *planner.Window
	lateness int64
	dacc     func() int64
	keys     *keyIndex
	agg      *groupAgg
	kbuf     []int32
	fireBufs colBufs // the columns of a watermark phase's aggregate release
	// time windows (window_time.go): per key id, its ring of windows; per
	// slot, a window's j, state and (when kept) events
	rings      []timeRing
	wj         []int64
	st         []uint8
	evs        [][]event.Event
	blocks     slotBlocks
	minRing    int32 // block size for the windows of one event
	slides     slideCache
	perEvent   int64    // windows per event when the size is a multiple of the slide, else 0
	dueAt      int64    // least end of an open window
	dueBuf     []winRef // scratch of fire
	order      []int32  // scratch of releaseOrder
	orderBuf   []int32
	sortKeys   []int64
	sortCounts []int32
	reemit     []winRef // windows a late event updated, to emit again
	// count windows, per key id
	counts []countWin
	kept   []countKept // when count windows keep more (needKept)
	// sessions
	seq  int64 // arrival counter, orders values kept by sessions
	sess map[int32][]*session
	// sessions released per key: late events up to here are dropped
	releasedUntil map[int32]int64
	// keys whose rings were empty at the last time-window fire, and keys
	// the last forgetKeys kept though empty (see spelledOneWay)
	emptyKeys, keptKeys int
	// releases being built: aggregate rows column by column, else events
	rel      relBuf
	relEvs   []event.Event
	relNames []string
}

// countWin is the state of a count window.
type countWin struct {
	slot        int32
	n           int64 // events in the current window (count) or seen (sliding)
	first, last int64
}

// countKept is what a count window keeps beside its aggregate, when it
// keeps anything: its events (no aggregate, or .pattern) and, sliding, the
// ts and argument values of the last n events. Apart from countWin, so
// that the common count window is small.
type countKept struct {
	events []event.Event
	vals   [][]event.Value // sliding: the last events' argument values
	tss    []int64
}

// session is an open session window of one key.
type session struct {
	start, last int64
	vals        [][]event.Value // per call: values in arrival order
	seqs        []int64
	events      []event.Event
}

func newWindowOp(rt *Runtime, si int, s *planner.Stream, w *planner.Window) *windowOp {
	op := &windowOp{rt: rt, si: si, stream: s.Name, w: w, lateness: s.AllowedLateness,
		keys: newKeyIndex(s.PartitionBy), sess: map[int32][]*session{}, releasedUntil: map[int32]int64{},
		dueAt: math.MaxInt64, minRing: 1}
	op.dacc = func() int64 { return rt.dacc[si] }
	if w.Agg != nil {
		op.agg = newGroupAgg(rt, w.Agg)
		op.relNames = releaseNames(s.PartitionBy, w.Agg)
	}
	if w.Kind == planner.Tumbling || w.Kind == planner.Sliding {
		if w.Size%op.slide() == 0 {
			op.perEvent = w.Size / op.slide()
		}
		// Room for the windows of one event and the next one's.
		per := (w.Size+op.slide()-1)/op.slide() + 1
		for int64(op.minRing) < min(per, 1<<16) {
			op.minRing *= 2
		}
	}
	return op
}

// wants reports whether the window keeps whole events (no aggregate, or
// a .pattern test over them).
func (op *windowOp) wantsEvents() bool { return op.agg == nil || op.w.Keep != nil }

func (op *windowOp) runMany(c *chunk) []*chunk {
	if op.agg != nil {
		op.agg.bind(c)
	}
	switch op.w.Kind {
	case planner.Tumbling, planner.Sliding:
		return op.addTime(c)
	case planner.Session:
		op.addSession(c)
		return nil
	}
	return op.addCount(c)
}

// slideCache memoizes floorDiv(ts, s): events come mostly in time order,
// so most fall in the slide of the one before and need no division.
type slideCache struct {
	lo, hi int64 // slide j spans [lo, hi)
	j      int64
}

func (c *slideCache) index(ts, s int64) int64 {
	if ts >= c.lo && ts < c.hi {
		return c.j
	}
	c.j = floorDiv(ts, s)
	c.lo = c.j * s
	c.hi = c.lo + s // an overflow leaves the range empty
	return c.j
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// due implements timedOp.
func (op *windowOp) due() int64 {
	if op.w.Kind != planner.Session {
		return op.dueAt
	}
	d := int64(math.MaxInt64)
	for _, ss := range op.sess {
		for _, s := range ss {
			d = min(d, addSat(s.last, op.w.Size+1))
		}
	}
	return d
}

// bound implements timedOp: the earliest end of a window an event at ts
// can open.
func (op *windowOp) bound(ts int64) int64 {
	switch op.w.Kind {
	case planner.Tumbling, planner.Sliding:
		s := op.slide()
		return op.slides.index(ts, s)*s + s
	case planner.Session:
		return addSat(ts, op.w.Size+1)
	}
	return math.MaxInt64
}

// fire implements timedOp: windows whose end the watermark reached, by end
// then key; sessions whose gap passed, by end then key.
func (op *windowOp) fire(w int64, root *prov) []*chunk {
	if op.w.Kind == planner.Session {
		return op.fireSessions(w, root)
	}
	return op.fireTime(w, root)
}

func cmpInt64(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// beginRelease starts collecting a round of about n releases.
func (op *windowOp) beginRelease(n int) {
	op.rel.reset(n)
	clear(op.relEvs)
	op.relEvs = op.relEvs[:0]
}

// releaseWin adds one window's release to the round: one aggregate row
// over group slot (or over explicit argument values when vals is set), or
// the window's events; it returns the number of rows, 0 when .pattern
// rejects the window or it has no events. The group is read when the
// round's chunk is built, so it must live until then.
func (op *windowOp) releaseWin(key int32, start, end, ts int64, slot int32, vals [][]event.Value, events []event.Event) int {
	if op.w.Keep != nil && !op.keep(events) {
		return 0
	}
	if op.agg != nil {
		op.aggRow(&op.rel, key, start, end, slot, vals)
		return 1
	}
	for _, e := range events {
		e.TS = ts
		op.relEvs = append(op.relEvs, e)
	}
	return len(events)
}

// relChunks builds the round's rows into chunks.
func (op *windowOp) relChunks() []*chunk {
	if op.agg == nil {
		return rowsChunks(op.relEvs, nil, nil, nil)
	}
	if c := op.relChunk(&op.rel); c != nil {
		return []*chunk{c}
	}
	return nil
}

// keep evaluates .pattern(name: events => p) over a release's events.
func (op *windowOp) keep(events []event.Event) bool {
	arr := make([]event.Value, len(events))
	for i := range events {
		keys := make([]string, len(events[i].Fields))
		vals := make([]event.Value, len(events[i].Fields))
		for j, f := range events[i].Fields {
			keys[j], vals[j] = f.Name, f.Value
		}
		arr[i] = event.Map(keys, vals)
	}
	env := rowEnv{rt: op.rt, frame: []event.Value{event.Array(arr)}}
	return evalRow(op.w.Keep.Body, &env).IsTrue()
}

// firedRelease turns the round's watermark releases into chunks ranked
// after root.
func (op *windowOp) firedRelease(root *prov) []*chunk {
	return rankFired(op.relChunks(), root)
}

// rankFired ranks watermark releases after root, in order.
func rankFired(chunks []*chunk, root *prov) []*chunk {
	rank := int32(0)
	for _, c := range chunks {
		p := *root
		p.rank0 = rank
		c.prov, c.up = &p, nil
		rank += int32(c.n)
	}
	return chunks
}

// dispatchReleaseAt turns the round's dispatch-phase releases into chunks
// descending from the row that caused them, last.
func (op *windowOp) dispatchReleaseAt(c *chunk, last int32) []*chunk {
	n := op.rel.len()
	if op.agg == nil {
		n = len(op.relEvs)
	}
	for i := range n {
		op.rel.prow = append(op.rel.prow, c.upRow(last))
		op.rel.seq = append(op.rel.seq, c.upSeq(last)+int32(i))
	}
	return op.rowsRelease(c)
}

// rowsRelease builds the round's dispatch-phase releases, whose input rows
// and ranks are in rel.prow and rel.seq, into chunks.
func (op *windowOp) rowsRelease(c *chunk) []*chunk {
	if op.agg == nil {
		if len(op.relEvs) == 0 {
			return nil
		}
		return rowsChunks(op.relEvs, c.prov, slices.Clone(op.rel.prow), slices.Clone(op.rel.seq))
	}
	out := op.relChunk(&op.rel)
	if out == nil {
		return nil
	}
	// The chunk keeps the row maps: copies, as rel is reused.
	out.prov, out.up = c.prov, &upMap{prow: slices.Clone(op.rel.prow), seq: slices.Clone(op.rel.seq)}
	return []*chunk{out}
}

// needKept reports whether count windows keep events or values.
func (op *windowOp) needKept() bool {
	return op.w.Kind == planner.SlidingCount || op.wantsEvents()
}

// addCount adds events to count windows and releases full ones at once.
func (op *windowOp) addCount(c *chunk) []*chunk {
	n := op.w.Size
	op.kbuf = op.keys.ids(c, c.sel, op.kbuf[:0])
	for len(op.counts) < op.keys.Len() {
		op.counts = append(op.counts, countWin{slot: -1})
	}
	keepEvents := op.wantsEvents()
	if op.needKept() {
		for len(op.kept) < len(op.counts) {
			op.kept = append(op.kept, countKept{})
		}
	}
	op.beginRelease(0)
	for i, r := range c.sel {
		k := op.kbuf[i]
		cw := &op.counts[k]
		var kp *countKept
		if op.kept != nil {
			kp = &op.kept[k]
		}
		ts := c.ts[r]
		rows := 0
		if op.w.Kind == planner.CountWindow {
			if cw.n == 0 {
				cw.first = ts
				if op.agg != nil {
					cw.slot = op.agg.alloc()
				}
			}
			cw.n++
			cw.last = ts
			if op.agg != nil {
				op.agg.add(cw.slot, r)
			}
			if keepEvents {
				kp.events = append(kp.events, c.rowEvent(int(r)))
			}
			if cw.n == n {
				// The group is read once the batch is folded, then freed.
				var events []event.Event
				if kp != nil {
					events = kp.events
					*kp = countKept{}
				}
				rows = op.releaseWin(k, cw.first, cw.last, cw.last, cw.slot, nil, events)
				if cw.slot >= 0 {
					op.rel.temp = append(op.rel.temp, cw.slot)
				}
				*cw = countWin{slot: -1}
			}
		} else {
			// Sliding: the last n events; released at the n-th, then every k.
			cw.n++
			kp.tss = append(kp.tss, ts)
			if op.agg != nil {
				if kp.vals == nil {
					kp.vals = make([][]event.Value, len(op.agg.args))
				}
				for i := range op.agg.args {
					kp.vals[i] = append(kp.vals[i], colValue(&op.agg.cols[i], r))
				}
			}
			if keepEvents {
				kp.events = append(kp.events, c.rowEvent(int(r)))
			}
			if int64(len(kp.tss)) > n {
				kp.tss = kp.tss[1:]
				for i := range kp.vals {
					kp.vals[i] = kp.vals[i][1:]
				}
				if kp.events != nil {
					kp.events = kp.events[1:]
				}
			}
			if cw.n >= n && (cw.n-n)%op.w.Slide == 0 {
				vals := kp.vals
				if op.agg != nil && vals == nil {
					vals = make([][]event.Value, len(op.agg.args))
				}
				rows = op.releaseWin(k, kp.tss[0], kp.tss[len(kp.tss)-1], ts, -1, vals, kp.events)
			}
		}
		for j := range rows {
			op.rel.prow = append(op.rel.prow, c.upRow(r))
			op.rel.seq = append(op.rel.seq, c.upSeq(r)+int32(j))
		}
	}
	if op.agg != nil {
		op.agg.flush()
	}
	return op.rowsRelease(c)
}

// addSession adds events to session windows: per key, events whose
// successive gaps are at most g (VPL.md §4.3, §11.10).
func (op *windowOp) addSession(c *chunk) {
	g := op.w.Size
	op.kbuf = op.keys.ids(c, c.sel, op.kbuf[:0])
	for i, r := range c.sel {
		ts := c.ts[r]
		w := subSat(c.maxTsAt(r), op.dacc())
		k := op.kbuf[i]
		op.seq++
		ss := op.sess[k]
		var joined []*session
		for _, s := range ss {
			if ts >= s.start-g && ts <= addSat(s.last, g) {
				joined = append(joined, s)
			}
		}
		if len(joined) == 0 {
			if ts < w && (addSat(ts, g) < w || ts <= op.releasedUntilOf(k)) {
				op.rt.countLate(op.si)
				continue
			}
			s := &session{start: ts, last: ts}
			if op.agg != nil {
				s.vals = make([][]event.Value, len(op.agg.args))
			}
			ss = append(ss, s)
			joined = append(joined, s)
		}
		// Merge every session the event bridges into the first.
		s := joined[0]
		for _, o := range joined[1:] {
			s.start, s.last = min(s.start, o.start), max(s.last, o.last)
			s.mergeFrom(o)
			ss = slices.DeleteFunc(ss, func(x *session) bool { return x == o })
		}
		s.start, s.last = min(s.start, ts), max(s.last, ts)
		if op.agg != nil {
			for i := range op.agg.args {
				s.vals[i] = append(s.vals[i], colValue(&op.agg.cols[i], r))
			}
		}
		s.seqs = append(s.seqs, op.seq)
		if op.wantsEvents() {
			s.events = append(s.events, c.rowEvent(int(r)))
		}
		op.sess[k] = ss
	}
}

// forgetKeys forgets the keys for which live is false, so that a window
// partitioned by an ever-new key (a session id) keeps state for the keys
// that still have some, not for every key ever seen. Key ids are dense:
// the remaining keys are numbered again, and the per-key state follows;
// no output depends on key ids. A key that a later event could spell
// differently (1 or 1.0) is kept: its output shows the first value seen
// (VPL.md §11.7).
func (op *windowOp) forgetKeys(live func(k int32) bool) {
	op.keptKeys = 0
	keys := newKeyIndex(op.keys.fields)
	remap := make([]int32, op.keys.Len())
	var rings []timeRing
	for k := range int32(op.keys.Len()) {
		remap[k] = -1
		if !live(k) && spelledOneWay(op.keys.vals[k]) {
			continue
		}
		if !live(k) {
			op.keptKeys++
		}
		remap[k] = keys.id(op.keys.vals[k])
		if op.rings != nil {
			rings = append(rings, op.rings[k])
		}
	}
	if op.rings != nil {
		op.rings = rings
	}
	sess := make(map[int32][]*session, len(op.sess))
	for k, ss := range op.sess {
		sess[remap[k]] = ss
	}
	released := make(map[int32]int64, len(op.releasedUntil))
	for k, v := range op.releasedUntil {
		if remap[k] >= 0 {
			released[remap[k]] = v
		}
	}
	op.keys, op.sess, op.releasedUntil = keys, sess, released
}

// spelledOneWay reports whether every value equal to key v as a key is
// the same value: not so for numbers, where 1 and 1.0 are one key.
func spelledOneWay(v event.Value) bool {
	switch v.Kind() {
	case event.KindInt, event.KindFloat:
		return false
	case event.KindArray:
		for _, e := range v.Elems() {
			if !spelledOneWay(e) {
				return false
			}
		}
	}
	return true
}

// forgetSessionKeys drops the releases no late event can fall into any
// more (one that could would be late by the gap alone, see addSession),
// then the keys with neither an open session nor such a release, once
// they are most of the keys.
func (op *windowOp) forgetSessionKeys(w int64) {
	if len(op.releasedUntil) > 2*len(op.sess)+forgetAfter {
		for k, v := range op.releasedUntil {
			if addSat(v, op.w.Size) < w {
				delete(op.releasedUntil, k)
			}
		}
	}
	if n := op.keys.Len(); n > forgetAfter && n > 2*(len(op.sess)+len(op.releasedUntil)) && n > op.keptKeys+forgetAfter {
		op.forgetKeys(func(k int32) bool {
			_, open := op.sess[k]
			_, released := op.releasedUntil[k]
			return open || released
		})
	}
}

func (op *windowOp) releasedUntilOf(k int32) int64 {
	if v, ok := op.releasedUntil[k]; ok {
		return v
	}
	return math.MinInt64
}

// mergeFrom merges o's events into s in arrival order.
func (s *session) mergeFrom(o *session) {
	n := len(s.seqs) + len(o.seqs)
	order := make([]int, 0, n) // >=0: from s, <0: from o (-(i+1))
	i, j := 0, 0
	for i < len(s.seqs) || j < len(o.seqs) {
		if j >= len(o.seqs) || i < len(s.seqs) && s.seqs[i] < o.seqs[j] {
			order = append(order, i)
			i++
		} else {
			order = append(order, -(j + 1))
			j++
		}
	}
	pick := func(x int) (fromS bool, idx int) {
		if x >= 0 {
			return true, x
		}
		return false, -x - 1
	}
	seqs := make([]int64, 0, n)
	for _, x := range order {
		if fs, idx := pick(x); fs {
			seqs = append(seqs, s.seqs[idx])
		} else {
			seqs = append(seqs, o.seqs[idx])
		}
	}
	for c := range s.vals {
		vals := make([]event.Value, 0, n)
		for _, x := range order {
			if fs, idx := pick(x); fs {
				vals = append(vals, s.vals[c][idx])
			} else {
				vals = append(vals, o.vals[c][idx])
			}
		}
		s.vals[c] = vals
	}
	if s.events != nil || o.events != nil {
		evs := make([]event.Event, 0, n)
		for _, x := range order {
			if fs, idx := pick(x); fs {
				evs = append(evs, s.events[idx])
			} else {
				evs = append(evs, o.events[idx])
			}
		}
		s.events = evs
	}
	s.seqs = seqs
}

// fireSessions releases sessions whose gap the watermark passed
// (W > last + g), by end time, then key.
func (op *windowOp) fireSessions(w int64, root *prov) []*chunk {
	type due struct {
		key int32
		s   *session
	}
	op.forgetSessionKeys(w)
	var ds []due
	for k, ss := range op.sess {
		kept := ss[:0]
		for _, s := range ss {
			if addSat(s.last, op.w.Size) < w {
				ds = append(ds, due{k, s})
			} else {
				kept = append(kept, s)
			}
		}
		if len(kept) == 0 {
			delete(op.sess, k)
		} else {
			op.sess[k] = kept
		}
	}
	slices.SortFunc(ds, func(a, b due) int {
		ea, eb := addSat(a.s.last, op.w.Size), addSat(b.s.last, op.w.Size)
		if ea != eb {
			if ea < eb {
				return -1
			}
			return 1
		}
		if c := op.keys.compare(a.key, b.key); c != 0 {
			return c
		}
		if a.s.start < b.s.start {
			return -1
		}
		return 1
	})
	op.beginRelease(len(ds))
	for _, d := range ds {
		end := addSat(d.s.last, op.w.Size)
		op.releasedUntil[d.key] = max(op.releasedUntilOf(d.key), end)
		op.releaseWin(d.key, d.s.start, end, end, -1, d.s.vals, d.s.events)
	}
	return op.firedRelease(root)
}

// runningAggOp is .aggregate without .window: after each event, the
// aggregate over all events of its key so far, with that event's ts.
type runningAggOp struct {
	keys   *keyIndex
	groups []int32
	agg    *groupAgg
	stream string
	kbuf   []int32
}

func (op *runningAggOp) runMany(c *chunk) []*chunk {
	op.agg.bind(c)
	op.kbuf = op.keys.ids(c, c.sel, op.kbuf[:0])
	evs := make([]event.Event, 0, len(c.sel))
	prow := make([]int32, 0, len(c.sel))
	seq := make([]int32, 0, len(c.sel))
	for i, r := range c.sel {
		id := op.kbuf[i]
		for int(id) >= len(op.groups) {
			op.groups = append(op.groups, op.agg.alloc())
		}
		g := op.groups[id]
		op.agg.add(g, r)
		op.agg.flush()
		fields := make([]event.Field, 0, len(op.keys.fields)+len(op.agg.plan.Items))
		fields = op.keys.appendFields(fields, id)
		res := op.agg.results(g, nil)
		for i, it := range op.agg.plan.Items {
			fields = append(fields, event.Field{Name: it.Name, Value: res[i]})
		}
		evs = append(evs, event.Event{Type: op.stream, TS: c.ts[r], Fields: fields})
		prow = append(prow, c.upRow(r))
		seq = append(seq, c.upSeq(r))
	}
	return rowsChunks(evs, c.prov, prow, seq)
}
