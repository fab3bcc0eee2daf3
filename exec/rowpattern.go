package exec

import (
	"cmp"
	"math"
	"slices"

	"github.com/varpulis/varpulis-go/event"
	"github.com/varpulis/varpulis-go/exec/rowmatch"
	"github.com/varpulis/varpulis-go/planner"
)

// rowPatternOp runs a MATCH_RECOGNIZE row pattern that has no VPL reading
// (planner.RowPattern): per partition, a rowmatch matcher over the
// partition's settled rows in ts order, arrival order among equal ts
// (SQL.md §4.2, §4.3).
//
// A row is settled once the stream's watermark reaches its ts. With no
// out-of-order allowance that is at its dispatch; otherwise it waits here
// and a watermark phase pushes it. A row below the greatest watermark
// already seen is late and dropped. Outcomes decided by a row pushed at
// its dispatch come out in that dispatch; those a watermark phase decides
// (rows it settles, in their order, then WITHIN deadlines it passes, by
// deadline, partition key and start row) in that phase; at the end of
// the input every start row is decided.
type rowPatternOp struct {
	rt     *Runtime
	si     int
	stream string
	rp     *planner.RowPattern
	// rowOnly: no DEFINE reads a variable, so the matcher merges partial
	// matches that reach one state whatever rows they bound.
	rowOnly bool
	within  int64
	prog    *rowmatch.Program
	keys    *keyIndex
	parts   []*rowPart // by key id
	// live lists the partitions that may have undecided start rows.
	live   []int32
	inLive []bool
	// pend holds the rows not settled yet, in arrival order.
	pend    []pendingRow
	arrival int64
	w       int64 // the greatest watermark seen
	slots   []aliasSlot
	// Define's scratch: the partition being pushed to and the rows the
	// partial match bound per variable.
	cur   *rowPart
	env   rowEnv
	binds [][]event.Event
	rows  []int64
	out   []rowmatch.Match
	// the outcomes of a call, as records
	recs     []rowRecord
	kbuf     []int32
	dueValid bool
	dueAt    int64
}

// rowPart is one partition: its matcher and the rows it may still read.
type rowPart struct {
	m    *rowmatch.Matcher
	rows []event.Event // rows base, base+1, ...
	base int64
}

// pendingRow is a row waiting for the watermark.
type pendingRow struct {
	ev      event.Event
	key     int32
	arrival int64
}

// rowRecord is a decided outcome on its way out.
type rowRecord struct {
	ev    event.Event
	binds [][]event.Event
	// order of a watermark phase's deadline releases
	deadline, start int64
	key             int32
	// the input row whose dispatch decided it, and its rank there
	prow, seq int32
}

func newRowPatternOp(rt *Runtime, si int, s *planner.Stream, p *planner.Pattern) (*rowPatternOp, error) {
	rp := p.Rows
	op := &rowPatternOp{rt: rt, si: si, stream: s.Name, rp: rp, within: p.Within, keys: newKeyIndex(s.PartitionBy), w: math.MinInt64}
	rowOnly := true
	for _, d := range rp.Define {
		planner.Walk(d, func(x planner.Expr) bool {
			switch x.(type) {
			case *planner.AliasField, *planner.AliasEvent, *planner.AliasTime, *planner.AliasAgg:
				rowOnly = false
			}
			return rowOnly
		})
	}
	op.rowOnly = rowOnly
	prog, err := rowmatch.New(rowmatch.Config{
		Automaton:   rp.Automaton,
		Define:      op.define,
		RowOnly:     rowOnly,
		Skip:        rp.Skip,
		Within:      p.Within,
		TimeoutRows: rp.TimeoutRows,
		MaxThreads:  rt.opts.Limits.MaxRuns,
	})
	if err != nil {
		return nil, err
	}
	op.prog = prog
	for _, v := range rp.Automaton.Vars {
		op.slots = append(op.slots, aliasSlot{name: v, many: true})
	}
	op.binds = make([][]event.Event, len(rp.Automaton.Vars))
	op.env = rowEnv{rt: rt, runAliases: rp.Automaton.Vars}
	return op, nil
}

// define evaluates variable v's DEFINE on a row of the partition being
// pushed to; v.f reads the rows the partial match bound to v, the row
// tried last among them when it is v's own (running semantics).
func (op *rowPatternOp) define(v int, row int64, p *rowmatch.Partial) bool {
	d := op.rp.Define[v]
	if d == nil {
		return true
	}
	part := op.cur
	env := &op.env
	env.cur = &part.rows[row-part.base]
	env.runBinds = nil
	if p != nil && !op.rowOnly {
		for i := range op.binds {
			op.rows = p.Rows(i, op.rows[:0])
			evs := op.binds[i][:0]
			for _, r := range op.rows {
				evs = append(evs, part.rows[r-part.base])
			}
			if i == v {
				evs = append(evs, *env.cur)
			}
			op.binds[i] = evs
		}
		env.runBinds = op.binds
	}
	ok := evalRow(d, env).IsTrue()
	env.cur = nil
	return ok
}

// part returns partition k, made on first use.
func (op *rowPatternOp) part(k int32) *rowPart {
	for int(k) >= len(op.parts) {
		op.parts = append(op.parts, nil)
		op.inLive = append(op.inLive, false)
	}
	if op.parts[k] == nil {
		op.parts[k] = &rowPart{m: op.prog.NewMatcher()}
	}
	return op.parts[k]
}

// push offers partition k its next settled row and returns the outcomes
// that decides.
func (op *rowPatternOp) push(k int32, ev event.Event) []rowmatch.Match {
	part := op.part(k)
	part.rows = append(part.rows, ev)
	op.cur = part
	dropped := part.m.Dropped()
	out, err := part.m.Push(ev.TS, op.out[:0])
	op.cur = nil
	if part.m.Dropped() > dropped {
		op.rt.limitHit(op.stream, "max_runs", op.rt.opts.Limits.MaxRuns)
	}
	if err != nil {
		// Rows are pushed in ts order and never below the watermark
		// (late rows are dropped first): the row is dropped, as late.
		part.rows = part.rows[:len(part.rows)-1]
		op.rt.countLate(op.si)
		return nil
	}
	op.out = out
	op.noteLive(k)
	return out
}

// noteLive lists partition k among those with undecided start rows.
func (op *rowPatternOp) noteLive(k int32) {
	op.dueValid = false
	if _, _, ok := op.parts[k].m.Pending(); ok && !op.inLive[k] {
		op.inLive[k] = true
		op.live = append(op.live, k)
	}
}

// forget drops the rows of partition k no outcome can bind any more.
func (op *rowPatternOp) forget(part *rowPart) {
	n := int(part.m.Oldest() - part.base)
	if n < 64 || n < len(part.rows)/2 {
		return
	}
	m := copy(part.rows, part.rows[n:])
	clear(part.rows[m:])
	part.rows = part.rows[:m]
	part.base += int64(n)
}

// record turns an outcome of partition k into an output record: the last
// bound row's fields and ts, each variable bound to its rows.
func (op *rowPatternOp) record(k int32, part *rowPart, m rowmatch.Match) rowRecord {
	binds := make([][]event.Event, len(op.slots))
	for i, v := range m.Labels {
		binds[v] = append(binds[v], part.rows[m.Start+int64(i)-part.base])
	}
	first := &part.rows[m.Start-part.base]
	rec := rowRecord{ev: part.rows[m.End-part.base], binds: binds, start: m.Start, key: k}
	rec.deadline = addSat(first.TS, op.within)
	if m.TimedOut {
		rec.ev.TS = rec.deadline
	}
	return rec
}

func (op *rowPatternOp) runMany(c *chunk) []*chunk {
	op.recs = op.recs[:0]
	sel := c.sel
	if sel == nil {
		sel = allRows(c.n)
	}
	op.kbuf = op.keys.ids(c, sel, op.kbuf[:0])
	dacc := op.rt.dacc[op.si]
	for i, r := range sel {
		ts := c.ts[r]
		w := subSat(c.maxTsAt(r), dacc)
		if ts < op.w {
			op.rt.countLate(op.si)
			continue
		}
		op.w = max(op.w, w)
		ev := c.rowEvent(int(r))
		k := op.kbuf[i]
		if ts > w {
			op.pend = append(op.pend, pendingRow{ev: ev, key: k, arrival: op.arrival})
			op.arrival++
			op.dueValid = false
			continue
		}
		part := op.part(k)
		ms := op.push(k, ev)
		if lim := op.rt.opts.Limits.MaxMatches; len(ms) > lim {
			op.rt.limitHit(op.stream, "max_matches", lim)
			ms = ms[:lim]
		}
		for j, m := range ms {
			rec := op.record(k, part, m)
			rec.prow, rec.seq = c.upRow(r), c.upSeq(r)+int32(j)
			op.recs = append(op.recs, rec)
		}
		op.forget(part)
	}
	if len(op.recs) == 0 {
		return nil
	}
	prow := make([]int32, len(op.recs))
	seq := make([]int32, len(op.recs))
	for i := range op.recs {
		prow[i], seq[i] = op.recs[i].prow, op.recs[i].seq
	}
	return op.chunks(c.prov, prow, seq)
}

// chunks builds the records of op.recs into output chunks.
func (op *rowPatternOp) chunks(p *prov, prow, seq []int32) []*chunk {
	evs := make([]event.Event, len(op.recs))
	binds := make([][][]event.Event, len(op.recs))
	for i := range op.recs {
		evs[i], binds[i] = op.recs[i].ev, op.recs[i].binds
	}
	clear(op.recs)
	op.recs = op.recs[:0]
	return matchChunks(op.slots, evs, binds, p, prow, seq)
}

// allRows returns 0..n-1.
func allRows(n int) []int32 {
	out := make([]int32, n)
	for i := range out {
		out[i] = int32(i)
	}
	return out
}

// due implements timedOp: a waiting row falls due when the watermark
// reaches its ts, an undecided start row when it passes its WITHIN
// deadline, and at the end of the input everything.
func (op *rowPatternOp) due() int64 {
	if op.dueValid {
		return op.dueAt
	}
	d := int64(math.MaxInt64)
	for _, p := range op.pend {
		d = min(d, p.ev.TS)
	}
	if op.within > 0 {
		for _, k := range op.live {
			if _, ts, ok := op.parts[k].m.Pending(); ok {
				d = min(d, addSat(ts, op.within+1))
			}
		}
	}
	op.dueAt, op.dueValid = d, true
	return d
}

func (op *rowPatternOp) bound(ts int64) int64 {
	b := int64(math.MaxInt64)
	if op.within > 0 {
		b = addSat(ts, op.within+1)
	}
	if op.rt.dacc[op.si] > 0 {
		b = min(b, ts) // the row may wait to be settled
	}
	return b
}

// fire implements timedOp.
func (op *rowPatternOp) fire(w int64, root *prov) []*chunk {
	op.w = max(op.w, w)
	op.recs = op.recs[:0]
	// Rows the watermark settles, in ts order, then arrival order.
	var settled []pendingRow
	kept := op.pend[:0]
	for _, p := range op.pend {
		if p.ev.TS <= w {
			settled = append(settled, p)
		} else {
			kept = append(kept, p)
		}
	}
	clear(op.pend[len(kept):])
	op.pend = kept
	slices.SortFunc(settled, func(a, b pendingRow) int {
		return cmp.Or(cmp.Compare(a.ev.TS, b.ev.TS), cmp.Compare(a.arrival, b.arrival))
	})
	for _, p := range settled {
		part := op.part(p.key)
		for _, m := range op.push(p.key, p.ev) {
			op.recs = append(op.recs, op.record(p.key, part, m))
		}
		op.forget(part)
	}
	// Start rows the watermark decides: past their deadline, or all of
	// them at the end of the input.
	from := len(op.recs)
	live := op.live[:0]
	for _, k := range op.live {
		part := op.parts[k]
		var out []rowmatch.Match
		if w == math.MaxInt64 {
			out = part.m.Flush(op.out[:0])
		} else if _, ts, ok := part.m.Pending(); ok && op.within > 0 && w > addSat(ts, op.within) {
			out = part.m.Advance(w, op.out[:0])
		}
		op.out = out[:0]
		for _, m := range out {
			op.recs = append(op.recs, op.record(k, part, m))
		}
		op.forget(part)
		if _, _, ok := part.m.Pending(); ok {
			live = append(live, k)
		} else {
			op.inLive[k] = false
		}
	}
	clear(op.live[len(live):])
	op.live = live
	op.dueValid = false
	dl := op.recs[from:]
	slices.SortStableFunc(dl, func(a, b rowRecord) int {
		return cmp.Or(cmp.Compare(a.deadline, b.deadline), op.keys.compare(a.key, b.key), cmp.Compare(a.start, b.start))
	})
	if len(op.recs) == 0 {
		return nil
	}
	return rankFired(op.chunks(nil, nil, nil), root)
}

// snapshot implements stateful: the keys, the watermark, the waiting
// rows, then per partition its rows and its matcher.
func (op *rowPatternOp) snapshot(w *stateWriter) {
	op.keys.snapshot(w)
	w.int(op.w)
	w.int(op.arrival)
	w.uint(uint64(len(op.pend)))
	for i := range op.pend {
		p := &op.pend[i]
		w.event(&p.ev)
		w.int(int64(p.key))
		w.int(p.arrival)
	}
	w.uint(uint64(len(op.parts)))
	for _, part := range op.parts {
		w.bool(part != nil)
		if part == nil {
			continue
		}
		w.int(part.base)
		w.events(part.rows)
		w.bytes(part.m.AppendState(nil))
	}
}

func (op *rowPatternOp) restore(r *stateReader) error {
	op.keys.restore(r)
	op.w = r.int()
	op.arrival = r.int()
	op.pend = make([]pendingRow, r.count())
	for i := range op.pend {
		op.pend[i] = pendingRow{ev: r.event(), key: int32(r.int()), arrival: r.int()}
	}
	n := r.count()
	op.parts, op.inLive, op.live = make([]*rowPart, n), make([]bool, n), nil
	for k := range op.parts {
		if r.err != nil {
			break
		}
		if !r.bool() {
			continue
		}
		part := &rowPart{m: op.prog.NewMatcher(), base: r.int(), rows: r.events()}
		if rest, err := part.m.LoadState(r.bytes()); err != nil || len(rest) > 0 {
			r.fail("row pattern matcher")
			break
		}
		op.parts[k] = part
		op.noteLive(int32(k))
	}
	op.dueValid = false
	return r.err
}
