package exec

import (
	"cmp"
	"math"
	"slices"
	"unsafe"

	"github.com/varpulis/varpulis-go/event"
	"github.com/varpulis/varpulis-go/exec/agg"
	"github.com/varpulis/varpulis-go/planner"
)

// limitMatches keeps the first max_matches matches of one input event
// (VPL.md §4.7).
func (rt *Runtime) limitMatches(stream string, ms []match) []match {
	if lim := rt.opts.Limits.MaxMatches; len(ms) > lim {
		rt.limitHit(stream, "max_matches", lim)
		return ms[:lim]
	}
	return ms
}

// record builds a match's output event: the last bound event's fields and
// ts (VPL.md §4.5.8).
func (op *patternOp) record(m match) event.Event {
	for k := len(m.binds) - 1; k >= 0; k-- {
		if n := len(m.binds[k]); n > 0 {
			e := m.binds[k][n-1]
			e.TS = m.ts
			return e
		}
	}
	return event.Event{Type: op.stream, TS: m.ts}
}

// aliasSlot is one alias of a pattern's match records, in the order of
// the records' binding lists.
type aliasSlot struct {
	name string
	many bool // may bind several events (a Kleene step)
}

// matchChunks turns match records into chunks with their aliases bound.
func matchChunks(slots []aliasSlot, evs []event.Event, binds [][][]event.Event, p *prov, prow, seq []int32) []*chunk {
	return matchChunksIn(nil, slots, evs, binds, p, prow, seq)
}

// matchChunksIn is matchChunks with the chunks' memory taken from a.
func matchChunksIn(a *chunkArena, slots []aliasSlot, evs []event.Event, binds [][][]event.Event, p *prov, prow, seq []int32) []*chunk {
	if a == nil {
		a = &chunkArena{fresh: true}
	}
	chunks := rowsChunksIn(a, evs, p, prow, seq)
	start := 0
	for _, c := range chunks {
		rows := binds[start : start+c.n]
		// One allocation per kind of memory, not per alias.
		avs := take(a, &a.avs, len(slots))
		c.aliases = take(a, &a.avps, len(slots))
		nOne, nMany := 0, 0
		for _, st := range slots {
			if st.many {
				nMany++
			} else {
				nOne++
			}
		}
		ones := take(a, &a.ones, nOne*c.n)
		manys := take(a, &a.manys, nMany*c.n)
		for k, st := range slots {
			av := &avs[k]
			av.name = st.name
			if st.many {
				av.many, manys = manys[:c.n:c.n], manys[c.n:]
				for i := range rows {
					av.many[i] = rows[i][k]
				}
			} else {
				av.one, ones = ones[:c.n:c.n], ones[c.n:]
				for i := range rows {
					if len(rows[i][k]) > 0 {
						av.one[i] = rows[i][k][0]
					}
				}
			}
			c.aliases[k] = av
		}
		start += c.n
	}
	return chunks
}

// wait makes x a waiting absence.
func (op *patternOp) wait(k int32, x *run) {
	x.waiting, x.waitW, op.ended = true, op.rowW, true
	if !op.fileAtStart || op.deadline(x) < op.firedW {
		// Filed now, unless it was at its start and that entry is still
		// there (a phase since then would have dropped it).
		op.waits.push(fileRun(op.deadline(x), k, x))
	}
}

// due implements timedOp: absences complete when the watermark passes
// their deadline; other expiries need no phase of their own.
func (op *patternOp) due() int64 {
	for op.waits.len() > 0 && op.waits.top().stale() {
		op.waits.pop()
	}
	if op.waits.len() == 0 {
		return math.MaxInt64
	}
	return addSat(op.waits.top().deadline, 1)
}

func (op *patternOp) bound(ts int64) int64 {
	if !op.absence {
		return math.MaxInt64
	}
	b := addSat(ts, op.p.Within+1) // a run this event starts
	w := op.rt.W(op.si)
	for op.liveRuns.len() > 0 {
		top := *op.liveRuns.top()
		// A run the watermark expired is removed before any event could
		// complete it: it can fall due no more.
		if top.stale() || top.r.waiting || op.gone(top.r, w) {
			op.liveRuns.pop()
			continue
		}
		if d := op.deadline(top.r); d != top.deadline {
			op.liveRuns.pop() // its deadline moved: file it again
			top.deadline = d
			op.liveRuns.push(top)
			continue
		}
		return min(b, addSat(top.deadline, 1))
	}
	return b
}

// track files a run of an absence pattern under its deadline.
func (op *patternOp) track(k int32, x *run) {
	if op.fileAtStart {
		if !x.waiting || op.deadline(x) >= op.firedW { // else wait filed it
			op.waits.push(fileRun(op.deadline(x), k, x))
		}
		return
	}
	if op.absence && !op.deferred { // bound is only asked to split batches
		op.liveRuns.push(fileRun(op.deadline(x), k, x))
	}
}

// fire implements timedOp: waiting absences whose deadline the watermark
// passed complete with ts = deadline, by deadline, then key, then run
// start; other runs past their deadline are removed.
func (op *patternOp) fire(w int64, root *prov) []*chunk {
	// What the operator made before was written at the end of its
	// dispatch, which came before this phase.
	op.arena.reset()
	op.resetMatchLists()
	return op.fireChunks(op.fireMatches(w), root)
}

func (op *patternOp) fireChunks(ms []match, root *prov) []*chunk {
	defer op.recycleFired()
	if op.capture {
		recs := op.recs[:0]
		for i := range ms {
			recs = append(recs, op.captureRecOf(&ms[i]))
		}
		out := op.captureChunks(recs, nil, nil, nil)
		clear(recs)
		op.recs = recs[:0]
		return rankFired(out, root)
	}
	evs, binds := op.evScratch[:0], op.bindsBuf[:0]
	for _, m := range ms {
		evs = append(evs, op.record(m))
		binds = append(binds, m.binds)
	}
	// Releases are consumed before the operator runs again, like its
	// dispatch outputs: the arena's memory serves, after theirs.
	out := matchChunksIn(&op.arena, op.slots, evs, binds, nil, nil, nil)
	clear(binds)
	op.evScratch, op.bindsBuf = evs[:0], binds[:0]
	return rankFired(out, root)
}

// completedAmongRuns reports whether completed absences stay among the
// runs events visit rather than wait apart (see apart): under strict, or
// while an event may still join them (a last Kleene step, optional steps
// after the last mandatory one).
func (op *patternOp) completedAmongRuns() bool {
	last := len(op.p.Steps) - 1
	return op.strict || op.lastMand < last || op.p.Steps[last].Kleene
}

// recycleFired drops the runs a phase completed from their partitions
// and makes them free for new runs, now that their releases are built
// (as runMany does for the runs its events end): otherwise they would
// wait for an event of their key or a sweep, and new runs would take
// fresh memory meanwhile.
func (op *patternOp) recycleFired() {
	among := op.completedAmongRuns()
	for _, k := range op.firedKeys {
		if part := &op.parts[k]; part.fired {
			if among {
				op.prune(part, 0, false)
			}
			op.dropFired(part)
			part.fired, part.nfired = false, 0
		}
	}
	op.firedKeys = op.firedKeys[:0]
	op.reuseRemoved()
}

// fireDeferred is fire for the phases of rows [from, to) of raw chunk c,
// run once after those rows were dispatched: each release takes the
// position and maxTs of the phase that would have released it, before the
// first row whose watermark passes its deadline. The runtime defers only
// what no later row can change (fired).
func (op *patternOp) fireDeferred(w int64, root *prov, c *chunk, from, to int32) []*chunk {
	// An absence makes nothing when it is dispatched (it releases only
	// here), and its last releases were written with their dispatch.
	op.arena.reset()
	op.resetMatchLists()
	ms := op.fireMatches(w)
	// Each match's phase: the first row whose watermark passes due1.
	dacc := op.rt.dacc[op.si]
	rows := op.fireRows[:0]
	sorted := true
	j, last := int(from), int64(math.MinInt64)
	for _, m := range ms {
		t := op.due1(m.r)
		if t < last {
			j = int(from) // out of order (a late completion): from the start
		}
		last = t
		// Matches come by deadline: the row moves forward.
		for subSat(c.prefix[j], dacc) <= t {
			j++
		}
		if len(rows) > 0 && j < int(rows[len(rows)-1]) {
			sorted = false
		}
		rows = append(rows, int32(j))
	}
	if !sorted {
		// A late completion fires in a later phase than matches with a
		// later deadline: order by phase first.
		idx := make([]int, len(ms))
		for i := range idx {
			idx[i] = i
		}
		slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(rows[a], rows[b]) })
		ms2, rows2 := make([]match, len(ms)), make([]int32, len(ms))
		for i, x := range idx {
			ms2[i], rows2[i] = ms[x], rows[x]
		}
		ms, rows = ms2, rows2
	}
	chunks := op.fireChunks(ms, root)
	i := 0
	for _, ch := range chunks {
		p := ch.prov
		p.at, p.atMaxTs = make([]int64, ch.n), make([]int64, ch.n)
		for r := range ch.n {
			p.at[r], p.atMaxTs[r] = c.position(rows[i]), c.prefix[rows[i]]
			i++
		}
	}
	op.fireRows = rows[:0]
	return chunks
}

// fireMatches completes the waiting absences whose deadline the watermark
// w passed, in release order.
func (op *patternOp) fireMatches(w int64) []match {
	clear(op.fireBuf) // the last call's matches are done with
	ms := op.fireBuf[:0]
	if w == math.MaxInt64 {
		// The end of the input releases every waiting run at once: one
		// allocation rather than a doubling series.
		ms = slices.Grow(ms, op.waits.len())
	}
	defer func() { op.fireBuf = ms[:0] }()
	kept := op.kept[:0]
	op.firedW = max(op.firedW, w)
	among := op.completedAmongRuns()
	for n := 0; op.waits.len() > 0 && op.waits.top().deadline < w; n++ {
		if n%touchRows == 0 && len(op.parts) > touchParts {
			op.touchDue(w)
		}
		wr := op.waits.pop()
		if wr.stale() || !wr.r.waiting {
			continue // gone, or filed at its start and never complete
		}
		if !op.fired(wr.r, w) {
			// Completed late since the watermark last advanced: it waits
			// for the next advance (only a deferred phase sees this).
			kept = append(kept, wr)
			continue
		}
		wr.r.dead = true
		part := &op.parts[wr.key]
		if ws := part.waiting; len(ws) > 0 && ws[0] == wr.r {
			// The partition's earliest waiting run, as deadlines mostly
			// come in run-start order: dropped now, while the partition is
			// in the cache, and reused once the releases are built.
			n := copy(ws, ws[1:])
			ws[n] = nil
			part.waiting = ws[:n]
			if op.recycle {
				op.removed = append(op.removed, wr.r)
			}
		} else {
			part.nfired++ // dropped after the phase (dropFired)
		}
		if !part.fired && (part.nfired > 0 || among) {
			part.fired = true
			op.firedKeys = append(op.firedKeys, wr.key)
		}
		if wr.r.bar > 0 {
			continue // barred at its deadline: no match (docs/patterns.md, N6)
		}
		m := op.matchOf(wr.key, wr.r, -1)
		m.ts = wr.deadline
		ms = append(ms, m)
	}
	for _, wr := range kept {
		op.waits.push(wr)
	}
	clear(kept)
	op.kept = kept[:0]
	// By deadline, then partition key, then run start (VPL.md §7.3);
	// inferred partitions are one partition to the user.
	if op.p.KeyFields == nil && len(op.keys.fields) > 0 {
		op.keys.sorted()
		slices.SortStableFunc(ms, func(a, b match) int {
			if c := cmp.Or(cmp.Compare(a.ts, b.ts), cmp.Compare(op.keys.rank[a.key], op.keys.rank[b.key])); c != 0 {
				return c
			}
			return comparePositions(a.at, b.at) // run start first
		})
	}
	return ms
}

// touchDue reads ahead what completing the next waiting runs due at w
// reads (see touch): the runs, their partitions and their lists.
func (op *patternOp) touchDue(w int64) {
	q := &op.waits
	if q.heap {
		return // not in order
	}
	due := q.h[q.head:min(q.head+q.n, len(q.h))] // up to where the ring wraps
	due = due[:min(len(due), touchRows)]
	for len(due) > 0 && due[len(due)-1].deadline >= w {
		due = due[:len(due)-1]
	}
	var sum int64
	for i := range due {
		x := due[i].r
		sum += readRun(x)
		sum += op.parts[due[i].key].expiry
		if len(x.cmpv) > 0 {
			sum += int64(x.cmpv[0].Kind())
		}
	}
	for i := range due {
		if ws := op.parts[due[i].key].waiting; len(ws) > 0 {
			sum += int64(uintptr(unsafe.Pointer(ws[0])))
		}
	}
	op.touched = sum
}

// aliasAgg evaluates count(a), sum(a.f), ... over the events bound to a.
func aliasAgg(e *planner.AliasAgg, evs []event.Event) event.Value {
	return newAliasAggregator(e).eval(evs)
}

// aliasAggregator evaluates one alias aggregate over event lists, reusing
// its accumulator and buffers from list to list (the aggregate kernel
// keeps one per expression).
type aliasAggregator struct {
	e    *planner.AliasAgg
	acc  agg.Acc // nil: count, or an unknown function (null)
	vals []event.Value
	rows []int32
	col  agg.Column
}

func newAliasAggregator(e *planner.AliasAgg) *aliasAggregator {
	a := &aliasAggregator{e: e}
	if fn, ok := agg.Parse(e.Fn, 1); ok && e.Fn != "count" {
		a.acc = agg.New(agg.Spec{Fn: fn})
		a.acc.Resize(1)
	}
	a.col = agg.Column{Kind: planner.KindAny, Value: func(r int32) event.Value { return a.vals[r] }}
	return a
}

func (a *aliasAggregator) eval(evs []event.Event) event.Value {
	e := a.e
	if e.Fn == "count" && e.Field == "" {
		return event.Int(int64(len(evs))) // count(a): the events bound
	}
	a.vals = a.vals[:0]
	for i := range evs {
		v, _ := evs[i].Get(e.Field)
		a.vals = append(a.vals, v)
	}
	if e.Fn == "count" {
		n := 0
		for _, v := range a.vals {
			if !v.IsNull() {
				n++
			}
		}
		return event.Int(int64(n))
	}
	if a.acc == nil {
		return event.Null
	}
	a.acc.Reset(0)
	for len(a.rows) < len(a.vals) {
		a.rows = append(a.rows, int32(len(a.rows)))
	}
	a.acc.UpdateOne(0, a.rows[:len(a.vals)], &a.col)
	return a.acc.Result(0)
}
