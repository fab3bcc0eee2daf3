package exec

import (
	"cmp"
	"container/heap"
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
	// matches that reach one state whatever rows they bound; otherwise
	// refs lists, per variable, the variables its DEFINE reads.
	rowOnly bool
	refs    [][]defineRef
	within  int64
	prog    *rowmatch.Program
	keys    *keyIndex
	parts   []*rowPart // by key id
	// heads holds, with WITHIN, the partitions with an undecided start
	// row by the deadline of their earliest one.
	heads rowHeads
	// pend holds the rows not settled yet, in arrival order; pendMin is
	// their least ts.
	pend    []pendingRow
	pendMin int64
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
	// The row runMany pushes is chunk row curRow of curChunk, partition
	// row curNum (curRow -1: a row a watermark phase pushes, in row
	// form). Each DEFINE is split into the conjuncts that read only the
	// row (free), which runMany evaluates over the whole chunk into a
	// bitmap over its rows (holds), and the rest (corr), which define
	// evaluates per partial match, reading the row in its chunk (view).
	free     []predicate
	corr     []planner.Expr
	holds    [][]uint64
	selBuf   []int32
	curChunk *chunk
	curRow   int32
	curNum   int64
	view     batchView
	// the outcomes of a call, as records
	recs []rowRecord
	due1 []*rowPart // fire's scratch: the partitions it advances
	kbuf []int32
}

// rowPart is one partition: its matcher and the rows it may still read.
type rowPart struct {
	m    *rowmatch.Matcher
	rows []event.Event // rows base, base+1, ...
	base int64
	key  int32
	// deadline is the WITHIN deadline of the earliest undecided start
	// row, the partition's place in heads (hpos; -1: not there).
	deadline int64
	hpos     int
}

// rowHeads orders partitions by deadline.
type rowHeads = placedHeap[*rowPart]

func (p *rowPart) heapKey() int64     { return p.deadline }
func (p *rowPart) setHeapPos(pos int) { p.hpos = pos }

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
	op := &rowPatternOp{rt: rt, si: si, stream: s.Name, rp: rp, within: p.Within, keys: newKeyIndex(s.PartitionBy), w: math.MinInt64, pendMin: math.MaxInt64}
	nv := len(rp.Define)
	op.refs, op.free, op.corr, op.holds = make([][]defineRef, nv), make([]predicate, nv), make([]planner.Expr, nv), make([][]uint64, nv)
	rowOnly := true
	for v, d := range rp.Define {
		var free planner.Expr
		for _, c := range planner.Conjuncts(d) {
			if len(defineRefs(c, rp.Automaton.Vars)) == 0 {
				free = planner.Conjoin(free, c)
			} else {
				op.corr[v] = planner.Conjoin(op.corr[v], c)
			}
		}
		op.free[v] = compileOrNil(rt, free)
		op.refs[v] = defineRefs(op.corr[v], rp.Automaton.Vars)
		rowOnly = rowOnly && op.corr[v] == nil
	}
	op.rowOnly = rowOnly
	op.curRow = -1
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
	env.view, env.cur = nil, nil
	if op.curRow >= 0 && row == op.curNum {
		if op.free[v] != nil && op.holds[v][op.curRow>>6]&(1<<(op.curRow&63)) == 0 {
			return false
		}
		if d = op.corr[v]; d == nil {
			return true
		}
		// The row being dispatched is read in its chunk.
		op.view.c, op.view.typ = op.curChunk, op.curChunk.typ
		env.view, env.row = &op.view, int(op.curRow)
	} else {
		env.cur = &part.rows[row-part.base]
	}
	env.runBinds = nil
	if p != nil && !op.rowOnly {
		for _, ref := range op.refs[v] {
			i := ref.v
			evs := op.binds[i][:0]
			if ref.all {
				op.rows = p.Rows(i, op.rows[:0])
				for _, r := range op.rows {
					evs = append(evs, part.rows[r-part.base])
				}
			} else if i != v {
				if r, ok := p.Last(i, 0); ok {
					evs = append(evs, part.rows[r-part.base])
				}
			}
			if i == v { // running semantics: the row tried is v's last
				evs = append(evs, *op.rowAt(part, row))
			}
			op.binds[i] = evs
		}
		env.runBinds = op.binds
	}
	ok := evalRow(d, env).IsTrue()
	env.cur, env.view = nil, nil
	return ok
}

// rowAt returns partition row n in row form, making the event of the row
// being dispatched if it is not made yet.
func (op *rowPatternOp) rowAt(part *rowPart, n int64) *event.Event {
	ev := &part.rows[n-part.base]
	if ev.Type == "" && op.curRow >= 0 && n == op.curNum {
		*ev = op.curChunk.rowEvent(int(op.curRow))
	}
	return ev
}

// defineRef is a variable a DEFINE reads: its last row only (v.f), or
// all its rows (an aggregate).
type defineRef struct {
	v   int
	all bool
}

// defineRefs lists the variables of vars that d reads.
func defineRefs(d planner.Expr, vars []string) []defineRef {
	var refs []defineRef
	add := func(alias string, all bool) {
		v := slices.Index(vars, alias)
		if v < 0 {
			return
		}
		if i := slices.IndexFunc(refs, func(r defineRef) bool { return r.v == v }); i >= 0 {
			refs[i].all = refs[i].all || all
			return
		}
		refs = append(refs, defineRef{v: v, all: all})
	}
	planner.Walk(d, func(x planner.Expr) bool {
		switch x := x.(type) {
		case *planner.AliasField:
			add(x.Alias, false)
		case *planner.AliasEvent:
			add(x.Alias, false)
		case *planner.AliasTime:
			add(x.Alias, false)
		case *planner.AliasAgg:
			add(x.Alias, true)
		}
		return true
	})
	return refs
}

// part returns partition k, made on first use.
func (op *rowPatternOp) part(k int32) *rowPart {
	for int(k) >= len(op.parts) {
		op.parts = append(op.parts, nil)
	}
	if op.parts[k] == nil {
		op.parts[k] = &rowPart{m: op.prog.NewMatcher(), key: k, hpos: -1}
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
	op.file(part)
	return out
}

// file keeps part's place in heads after its earliest undecided start
// row may have changed.
func (op *rowPatternOp) file(part *rowPart) {
	if op.within <= 0 {
		return
	}
	_, ts, ok := part.m.Pending()
	switch {
	case !ok:
		if part.hpos >= 0 {
			heap.Remove(&op.heads, part.hpos)
		}
	case part.hpos < 0:
		part.deadline = addSat(ts, op.within)
		heap.Push(&op.heads, part)
	case addSat(ts, op.within) != part.deadline:
		part.deadline = addSat(ts, op.within)
		heap.Fix(&op.heads, part.hpos)
	}
}

// forget drops the rows of part that no outcome can bind any more.
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
	op.kbuf = op.keys.ids(c, c.sel, op.kbuf[:0])
	op.evalDefines(c)
	dacc := op.rt.dacc[op.si]
	for i, r := range c.sel {
		ts := c.ts[r]
		w := subSat(c.maxTsAt(r), dacc)
		if ts < op.w {
			op.rt.countLate(op.si)
			continue
		}
		op.w = max(op.w, w)
		k := op.kbuf[i]
		if ts > w {
			op.pend = append(op.pend, pendingRow{ev: c.rowEvent(int(r)), key: k, arrival: op.arrival})
			op.pendMin = min(op.pendMin, ts)
			op.arrival++
			continue
		}
		// The row's event is made only if an outcome or a partial match
		// holds it: a row that starts and advances nothing costs a bit
		// test per variable when its conditions fail on the row alone.
		part := op.part(k)
		op.curChunk, op.curRow, op.curNum = c, r, part.base+int64(len(part.rows))
		ms := op.push(k, event.Event{TS: ts})
		if len(ms) > 0 || part.m.Oldest() <= op.curNum {
			if n := op.curNum - part.base; n < int64(len(part.rows)) {
				op.rowAt(part, op.curNum)
			}
		}
		op.curChunk, op.curRow = nil, -1
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

// evalDefines evaluates the conjuncts of every variable's DEFINE that
// read only the row over the rows of c, into op.holds.
func (op *rowPatternOp) evalDefines(c *chunk) {
	words := (c.n + 63) / 64
	for v, pr := range op.free {
		if pr == nil {
			continue
		}
		h := slices.Grow(op.holds[v][:0], words)[:words]
		clear(h)
		op.selBuf = pr.filter(c, c.sel, op.selBuf[:0])
		for _, r := range op.selBuf {
			h[r>>6] |= 1 << (r & 63)
		}
		op.holds[v] = h
	}
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

// due implements timedOp: a waiting row falls due when the watermark
// reaches its ts, an undecided start row when it passes its WITHIN
// deadline, and at the end of the input everything.
func (op *rowPatternOp) due() int64 {
	d := op.pendMin
	if len(op.heads) > 0 {
		d = min(d, addSat(op.heads[0].deadline, 1))
	}
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
	op.pendMin = math.MaxInt64
	for _, p := range kept {
		op.pendMin = min(op.pendMin, p.ev.TS)
	}
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
	due := op.due1[:0]
	if w == math.MaxInt64 {
		for _, part := range op.parts {
			if part != nil {
				due = append(due, part)
			}
		}
	} else {
		for len(op.heads) > 0 && op.heads[0].deadline < w {
			due = append(due, heap.Pop(&op.heads).(*rowPart))
		}
	}
	for _, part := range due {
		var out []rowmatch.Match
		if w == math.MaxInt64 {
			out = part.m.Flush(op.out[:0])
		} else {
			out = part.m.Advance(w, op.out[:0])
		}
		op.out = out[:0]
		for _, m := range out {
			op.recs = append(op.recs, op.record(part.key, part, m))
		}
		op.forget(part)
		op.file(part)
	}
	clear(due)
	op.due1 = due[:0]
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
	op.parts, op.heads = make([]*rowPart, n), nil
	op.pendMin = math.MaxInt64
	for _, p := range op.pend {
		op.pendMin = min(op.pendMin, p.ev.TS)
	}
	for k := range op.parts {
		if r.err != nil {
			break
		}
		if !r.bool() {
			continue
		}
		part := &rowPart{m: op.prog.NewMatcher(), key: int32(k), hpos: -1, base: r.int(), rows: r.events()}
		if rest, err := part.m.LoadState(r.bytes()); err != nil || len(rest) > 0 {
			r.fail("row pattern matcher")
			break
		}
		op.parts[k] = part
		op.file(part)
	}
	return r.err
}
