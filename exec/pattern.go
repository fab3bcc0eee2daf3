package exec

import (
	"cmp"
	"math"
	"slices"

	"github.com/varpulis/varpulis-go/event"
	"github.com/varpulis/varpulis-go/event/scalar"
	"github.com/varpulis/varpulis-go/exec/agg"
	"github.com/varpulis/varpulis-go/planner"
)

// patternOp is the matcher of a pattern stream (VPL.md §4.5): per
// partition, runs in run-start order, each binding events to steps.
//
// Each step's predicate is split in two: the conjuncts that mention no
// alias depend on the candidate alone and are evaluated over the whole
// chunk into one row list per step, so an event that matches no step of any
// run costs a lookup, not a predicate call; the conjuncts over earlier
// aliases are evaluated per run with the run's bindings.
type patternOp struct {
	rt     *Runtime
	si     int
	stream string
	p      *planner.Pattern
	keys   *keyIndex
	parts  []partition // by key id, by value: an event reaches its runs in one step
	nextID int64       // run-start counter
	// per step: candidate-only predicate, correlated rest
	free []predicate
	corr []*runPred
	self []*runPred // Kleene: conjuncts comparing with the previous element
	// per negation
	notFree []predicate
	notCorr []*runPred
	// absence: a trailing negation with a within
	absence bool
	// per chunk scratch
	ok    [][]bool // per step, per domain row: candidate predicate holds
	notOk [][]bool
	kbuf  []int32
	buf   []int32
	sub   []int32
	rel   []int32 // the rows a step or negation may take
	// matches of the current event, before ordering
	pending []match
	// keyField holds the current chunk's key field under inferred
	// partitions.
	keyField [1]string
	aliases  []string // per step
	// fixedDeadlines: no per-step within, so a run's deadline never moves.
	fixedDeadlines bool
	// reach[b+1] is the furthest step a run with progress b may bind: the
	// first mandatory step after b (the last step when none is).
	reach    []int
	lastMand int // the last mandatory step
	slots    []aliasSlot
	// waits holds the waiting absences by deadline (dead ones are skipped
	// lazily), so the next due time costs no scan.
	waits runHeap
	// live holds the runs of an absence pattern by deadline (stale and
	// dead entries are dropped lazily): an event may complete any of them,
	// which then falls due at its deadline, so the earliest bounds where
	// the runtime must be ready to run a watermark phase.
	liveRuns runHeap
	// swept counts events since the last sweep of idle partitions.
	swept int
	// The rows of the domain whose timestamps start at evDomain in row
	// form, built once when some run binds them (views of one domain, as
	// the segments of a split batch, share them); evSet lists those built.
	evDomain *int64
	evs      []event.Event
	evSet    []int32
	// Slabs that runs and bound events are carved from, so that starting
	// a run or binding an event allocates nothing most of the time. Blocks
	// are small: a long-lived run keeps its whole block alive.
	runSlab            []run
	bindSlab           [][]event.Event
	atSlab             [][]int64
	evSlab             []event.Event
	posSlab            []int64
	fieldSlab          []event.Field
	branches, mergeBuf []*run // per event scratch (policy any)
	// binding lists of matches of runs that go on (prefix emission, any)
	matchBinds [][]event.Event
	matchAt    [][]int64
	// Removed runs are reused when nothing can still refer to them: not
	// under policy any (copies share bindings) nor for absences (heaps
	// hold runs). A run removed while matches are being built is reused
	// only once they are.
	recycle   bool
	removed   []*run
	freeRuns  []*run
	evScratch []event.Event
	bindsBuf  [][][]event.Event
}

// slabBlock is the number of runs (or bound events) a slab block holds.
const slabBlock = 32

// How often (in events) a pattern sweeps its partitions for expired runs,
// and how many empty partitions it keeps before it forgets their keys.
// Variables for the tests, which make both happen all the time.
var (
	sweepEvery  = 1 << 16
	forgetAfter = 1024
)

// waitingRun is an absence run waiting for its deadline.
type waitingRun struct {
	deadline int64
	key      int32
	r        *run
}

// runHeap is a min-heap of waiting runs by deadline, then run start. It
// is typed rather than a container/heap.Interface, which would box every
// entry pushed or popped.
type runHeap []waitingRun

func (h runHeap) less(i, j int) bool {
	a, b := &h[i], &h[j]
	if a.deadline != b.deadline {
		return a.deadline < b.deadline
	}
	// Then run start, and runs of one start (copies under policy any) by
	// their bound positions: the positions' order, which begins with the
	// start. A waiting run's positions do not change; a copy that collects
	// is a new run.
	return comparePositions(a.r.at, b.r.at) < 0
}

func (h *runHeap) push(w waitingRun) {
	*h = append(*h, w)
	s := *h
	for i := len(s) - 1; i > 0; {
		p := (i - 1) / 2
		if !s.less(i, p) {
			break
		}
		s[i], s[p] = s[p], s[i]
		i = p
	}
}

func (h *runHeap) pop() waitingRun {
	s := *h
	top := s[0]
	n := len(s) - 1
	s[0] = s[n]
	s[n] = waitingRun{}
	*h = s[:n]
	h.down(0)
	return top
}

// down moves entry i down to its place.
func (h runHeap) down(i int) {
	for n := len(h); ; {
		m, l, r := i, 2*i+1, 2*i+2
		if l < n && h.less(l, m) {
			m = l
		}
		if r < n && h.less(r, m) {
			m = r
		}
		if m == i {
			return
		}
		h[i], h[m] = h[m], h[i]
		i = m
	}
}

// partition holds the runs of one key, in run-start order. Absences
// whose steps are all bound and that collect no more wait apart (see
// apart): only a negation or their deadline can change them, so events
// need not visit them.
type partition struct {
	runs    []*run
	waiting []*run
	// expiry is at most the earliest deadline of runs (when deadlines do
	// not move, see fixedDeadlines): a watermark up to it expires none, so
	// the runs need not be visited for that.
	expiry int64
}

// run is one partial match.
type run struct {
	id      int64
	start   int64           // ts of the first bound event
	prog    int             // progress: index of the last step holding an event
	bar     int             // barred past step bar (a NOT item after optional steps); 0: not
	binds   [][]event.Event // per step, the bound events
	at      [][]int64       // per step, their input positions
	last    int64           // ts of the last bound event
	bornW   int64           // the watermark when the run started
	waiting bool            // absence: all steps bound, waiting for the deadline
	dead    bool
}

// match is a completed match awaiting emission.
type match struct {
	key   int32
	r     *run
	ts    int64
	row   int32 // the input row that completed it (dispatch phase)
	binds [][]event.Event
	at    [][]int64 // input positions of the bound events, for ordering
}

func newPatternOp(rt *Runtime, si int, s *planner.Stream, p *planner.Pattern) *patternOp {
	op := &patternOp{rt: rt, si: si, stream: s.Name, p: p, keys: newKeyIndex(s.PartitionBy), recycle: p.Policy != "any"}
	op.reach = make([]int, len(p.Steps)+1)
	for b := -1; b < len(p.Steps); b++ {
		m := b + 1
		for m < len(p.Steps)-1 && p.Steps[m].Optional {
			m++
		}
		op.reach[b+1] = min(m, len(p.Steps)-1)
	}
	op.fixedDeadlines = true
	for k, st := range p.Steps {
		if !st.Optional {
			op.lastMand = k
		}
		if st.Within > 0 {
			op.fixedDeadlines = false
		}
	}
	for k, st := range p.Steps {
		op.aliases = append(op.aliases, st.Alias)
		op.slots = append(op.slots, aliasSlot{name: st.Alias, many: st.Kleene})
		free, corr := splitFree(st.Pred)
		if k > 0 {
			free, corr = partitionImplied(p, st.Type, free, corr)
		}
		op.free = append(op.free, compileOrNil(rt, free))
		op.corr = append(op.corr, newRunPred(corr, op.aliases))
		op.self = append(op.self, newRunPred(st.SelfPred, op.aliases))
	}
	for _, n := range p.Nots {
		free, corr := splitFree(n.Pred)
		free, corr = partitionImplied(p, n.Type, free, corr)
		op.notFree = append(op.notFree, compileOrNil(rt, free))
		op.notCorr = append(op.notCorr, newRunPred(corr, op.aliases))
		if n.Trailing && p.Within > 0 {
			op.absence = true
			op.recycle = false
		}
	}
	return op
}

func compileOrNil(rt *Runtime, e planner.Expr) predicate {
	if e == nil {
		return nil
	}
	return rt.compilePred(e)
}

// partitionImplied drops from corr the equality `f == a.f0` that
// inferred partitions rest on for an event of type typ (a the first
// step's alias): the runs an event meets share its key, and keys compare
// as == does, so it holds unless the candidate's f is null or NaN, which
// the candidate-only test f == f rules out over the whole chunk.
func partitionImplied(p *planner.Pattern, typ string, free, corr planner.Expr) (planner.Expr, planner.Expr) {
	if p.KeyFields == nil || len(p.Steps) == 0 {
		return free, corr
	}
	f, f0, a := p.KeyFields[typ], p.KeyFields[p.Steps[0].Type], p.Steps[0].Alias
	if f == "" || f0 == "" {
		return free, corr
	}
	implied := func(x planner.Expr) bool {
		b, ok := x.(*planner.Binary)
		if !ok || b.Op != scalar.OpEq {
			return false
		}
		field, alias := b.X, b.Y
		if _, ok := field.(*planner.FieldRef); !ok {
			field, alias = alias, field
		}
		fr, ok1 := field.(*planner.FieldRef)
		af, ok2 := alias.(*planner.AliasField)
		return ok1 && ok2 && fr.Name == f && af.Alias == a && af.Field == f0
	}
	var rest planner.Expr
	dropped := false
	for _, c := range planner.Conjuncts(corr) {
		if !dropped && implied(c) {
			dropped = true
			continue
		}
		rest = planner.Conjoin(rest, c)
	}
	if !dropped {
		return free, corr
	}
	self := &planner.FieldRef{Name: f, K: planner.KindAny}
	return planner.Conjoin(free, &planner.Binary{Op: scalar.OpEq, X: self, Y: self, K: event.KindBool}), rest
}

// splitFree splits a predicate into the conjuncts that read only the
// candidate and those that read an alias.
func splitFree(e planner.Expr) (free, corr planner.Expr) {
	if e == nil {
		return nil, nil
	}
	for _, c := range planner.Conjuncts(e) {
		aliased := false
		planner.Walk(c, func(x planner.Expr) bool {
			switch x.(type) {
			case *planner.AliasField, *planner.AliasEvent, *planner.AliasTime, *planner.AliasAgg:
				aliased = true
			}
			return !aliased
		})
		if aliased {
			corr = planner.Conjoin(corr, c)
		} else {
			free = planner.Conjoin(free, c)
		}
	}
	return free, corr
}

// deadline is when a run expires: the within bound from its first event,
// or a per-step bound from its last event while that step is awaited.
func (op *patternOp) deadline(r *run) int64 {
	d := int64(math.MaxInt64)
	if op.p.Within > 0 {
		d = addSat(r.start, op.p.Within)
	}
	// The step after the progress is awaited unless the run collects.
	if k := r.prog + 1; k < len(op.p.Steps) && !op.p.Steps[r.prog].Kleene {
		if w := op.p.Steps[k].Within; w > 0 {
			d = min(d, addSat(r.last, w))
		}
	}
	return d
}

func (op *patternOp) runMany(c *chunk) []*chunk {
	op.prepare(c)
	evs, binds := op.evScratch[:0], op.bindsBuf[:0]
	var prow, seq []int32
	for i, r := range op.rel {
		ms := op.rt.limitMatches(op.stream, op.matchesOf(c, i))
		for j, m := range ms {
			evs = append(evs, op.record(m))
			binds = append(binds, m.binds)
			prow = append(prow, c.upRow(r))
			seq = append(seq, c.upSeq(r)+int32(j))
		}
	}
	out := matchChunks(op.slots, evs, binds, c.prov, prow, seq)
	clear(binds)
	op.evScratch, op.bindsBuf = evs[:0], binds[:0]
	op.reuseRemoved()
	return out
}

// limitMatches keeps the first max_matches matches of one input event
// (VPL.md §4.7).
func (rt *Runtime) limitMatches(stream string, ms []match) []match {
	if lim := rt.opts.Limits.MaxMatches; len(ms) > lim {
		rt.limitHit(stream, "max_matches", lim)
		return ms[:lim]
	}
	return ms
}

// matchesOf offers the i-th relevant row of the prepared chunk c to the
// runs of its partition and returns the matches it completes, in
// lexicographic order of the input positions of their bound events
// (VPL.md §7.3). The slice is reused by the next call.
func (op *patternOp) matchesOf(c *chunk, i int) []match {
	op.pending = op.pending[:0]
	op.offer(c, op.rel[i], op.kbuf[i])
	if len(op.pending) > 1 {
		slices.SortStableFunc(op.pending, func(a, b match) int { return comparePositions(a.at, b.at) })
	}
	return op.pending
}

// prepare evaluates what does not depend on runs over the whole chunk:
// the candidate-only predicates, the rows that may change a run (rel) and
// their partition keys (kbuf).
func (op *patternOp) prepare(c *chunk) {
	n := len(op.p.Steps)
	// Candidate-only predicates over the whole chunk.
	op.ok = growRows(op.ok, n, c.n)
	for k, st := range op.p.Steps {
		op.mark(op.ok[k], c, st.Type, op.free[k])
	}
	op.notOk = growRows(op.notOk, len(op.p.Nots), c.n)
	for k, nt := range op.p.Nots {
		op.mark(op.notOk[k], c, nt.Type, op.notFree[k])
	}
	// Only rows that some step or negation may take can change a run; under
	// strict, any row of a step type can (it kills the runs it does not
	// advance). The others cost nothing more.
	op.rel = op.rel[:0]
	strict := op.p.Policy == "strict"
	for _, r := range c.sel {
		if op.relevant(r) || strict && op.typeInSteps(c.typeAt(r)) {
			op.rel = append(op.rel, r)
		}
	}
	// Sweep before keys are looked up (it may number them again), with the
	// watermark of the first row: a run gone there is gone for every row.
	if op.swept += len(c.sel); op.swept > sweepEvery && len(c.sel) > 0 {
		op.sweep(subSat(c.maxTsAt(c.sel[0]), op.rt.dacc[op.si]))
	}
	op.kbuf = op.keyIDs(c, op.rel)
	for len(op.parts) < op.keys.Len() {
		op.parts = append(op.parts, partition{expiry: math.MaxInt64})
	}
}

// prune removes dead runs from a partition, and those the watermark w
// expired when w is given.
func (op *patternOp) prune(part *partition, w int64, expire bool) {
	if expire && op.fixedDeadlines && w <= part.expiry {
		return
	}
	j := 0
	expiry := int64(math.MaxInt64)
	for _, x := range part.runs {
		if x.dead || expire && op.gone(x, w) {
			if op.recycle {
				op.removed = append(op.removed, x)
			}
			continue
		}
		if op.apart(x) {
			part.waiting = append(part.waiting, x)
			continue
		}
		part.runs[j] = x
		j++
		expiry = min(expiry, op.deadline(x))
	}
	clear(part.runs[j:])
	part.runs = part.runs[:j]
	part.expiry = expiry
}

// apart reports whether x waits apart from the runs events visit: an
// absence with all steps bound that collects no more, unless under policy
// strict, where events of step types remove it.
func (op *patternOp) apart(x *run) bool {
	return x.waiting && !op.grows(x) && op.p.Policy != "strict"
}

// grows reports whether an event may still join x: a step after its
// progress, or its progress step collects.
func (op *patternOp) grows(x *run) bool {
	return x.prog < len(op.p.Steps)-1 || op.p.Steps[x.prog].Kleene
}

// complete reports whether every mandatory step of x holds its events.
func (op *patternOp) complete(x *run) bool { return x.prog >= op.lastMand && x.bar == 0 }

// settle acts on a run that has just taken an event (docs/patterns.md,
// N4, N5): once its mandatory steps hold their events it emits a match,
// and ends unless an event may still join it; an absence waits for its
// deadline instead.
func (op *patternOp) settle(k int32, x *run, r int32) {
	if !op.complete(x) {
		return
	}
	if op.absence {
		if !x.waiting {
			op.wait(k, x) // completes at its deadline unless killed
		}
		return
	}
	if !op.grows(x) {
		x.dead = true
	}
	op.pending = append(op.pending, op.matchOf(k, x, r))
}

// pruneWaiting drops the waiting absences that completed or were killed.
func pruneWaiting(part *partition) {
	part.waiting = slices.DeleteFunc(part.waiting, func(x *run) bool { return x.dead })
}

// reuseRemoved makes the removed runs free for new ones, now that the
// matches built from them no longer need their bindings. A Kleene step's
// elements went out with a match as they are: they get a new array.
func (op *patternOp) reuseRemoved() {
	for _, x := range op.removed {
		for k, st := range op.p.Steps {
			if st.Kleene {
				x.binds[k], x.at[k] = nil, nil
			} else {
				x.binds[k], x.at[k] = x.binds[k][:0], x.at[k][:0]
			}
		}
	}
	op.freeRuns = append(op.freeRuns, op.removed...)
	clear(op.removed)
	op.removed = op.removed[:0]
}

// mark fills ok with whether each selected row is of type typ and passes
// the candidate-only predicate.
func (op *patternOp) mark(ok []bool, c *chunk, typ string, p predicate) {
	// Only the selected rows are read: a batch split at watermark
	// triggers comes as many small selections of one domain.
	for _, r := range c.sel {
		ok[r] = false
	}
	sel := c.sel
	if c.types != nil {
		// A chunk of several types: the rows of this one.
		code := c.lookup(typ)
		if code < 0 {
			return
		}
		op.sub = op.sub[:0]
		for _, r := range c.sel {
			if int(c.tcode[r]) == code {
				op.sub = append(op.sub, r)
			}
		}
		sel = op.sub
	} else if c.typ != typ {
		return
	}
	if p == nil {
		for _, r := range sel {
			ok[r] = true
		}
		return
	}
	op.buf = p.filter(c, sel, op.buf[:0])
	for _, r := range op.buf {
		ok[r] = true
	}
}

// relevant reports whether row r passes the candidate predicate of some
// step or negation.
func (op *patternOp) relevant(r int32) bool {
	for _, ok := range op.ok {
		if ok[r] {
			return true
		}
	}
	for _, ok := range op.notOk {
		if ok[r] {
			return true
		}
	}
	return false
}

// keyIDs returns the partition key id of every row of sel. Inferred
// partitions read each type's own key field.
func (op *patternOp) keyIDs(c *chunk, sel []int32) []int32 {
	if op.p.KeyFields == nil {
		return op.keys.ids(c, sel, op.kbuf[:0])
	}
	op.keys.fields = op.keyField[:1]
	if c.types == nil {
		op.keyField[0] = op.p.KeyFields[c.typ]
		return op.keys.ids(c, sel, op.kbuf[:0])
	}
	// Several types: one pass when they share the key field, else per row.
	field, same := "", true
	for _, r := range sel {
		f := op.p.KeyFields[c.types[r]]
		if field == "" {
			field = f
		} else if f != field {
			same = false
			break
		}
	}
	if same {
		op.keyField[0] = field
		return op.keys.ids(c, sel, op.kbuf[:0])
	}
	out := op.kbuf[:0]
	for _, r := range sel {
		op.keyField[0] = op.p.KeyFields[c.types[r]]
		out = append(out, op.keys.id(op.keys.rowKey(c, r)))
	}
	return out
}

func growRows(rows [][]bool, n, size int) [][]bool {
	for len(rows) < n {
		rows = append(rows, nil)
	}
	rows = rows[:n]
	for i := range rows {
		rows[i] = grow(rows[i], size)
	}
	return rows
}

// offer processes one event of partition k (VPL.md §4.5.2).
func (op *patternOp) offer(c *chunk, r int32, k int32) {
	part := &op.parts[k]
	ts := c.ts[r]
	w := subSat(c.maxTsAt(r), op.rt.dacc[op.si])
	pos := c.position(r)
	// Runs the watermark expired are gone before the event is seen
	// (VPL.md §4.5.3); absences waiting for their deadline stay, they
	// complete in a watermark phase.
	op.prune(part, w, true)
	// (1) negations
	for ni := range op.p.Nots {
		if !op.notOk[ni][r] {
			continue
		}
		op.negate(ni, c, r, ts, part.runs)
		pruneWaiting(part)
		op.negate(ni, c, r, ts, part.waiting)
	}
	// (2) offer the event to every active run, in run-start order
	strict := op.p.Policy == "strict"
	branches := op.branches[:0]
	for _, x := range part.runs {
		if x.dead {
			continue
		}
		advanced := op.advance(c, r, k, ts, pos, x, &branches)
		if strict && !advanced && op.typeInSteps(c.typeAt(r)) {
			x.dead = true
		}
	}
	if len(branches) > 0 {
		for _, b := range branches {
			op.track(k, b)
			part.expiry = min(part.expiry, op.deadline(b))
		}
		// Both lists are in run-start order (a copy has its original's
		// id): merge them, copies after the runs of the same start.
		merged := op.mergeBuf[:0]
		i := 0
		for _, b := range branches {
			for i < len(part.runs) && part.runs[i].id <= b.id {
				merged = append(merged, part.runs[i])
				i++
			}
			merged = append(merged, b)
		}
		merged = append(merged, part.runs[i:]...)
		part.runs, op.mergeBuf = append(part.runs[:0], merged...), merged
		clear(op.mergeBuf)
	}
	clear(branches)
	op.branches = branches[:0]
	// (4) new runs
	op.start(c, r, k, ts, w, pos)
	op.prune(part, 0, false)
}

// negate applies negation ni, for row r at ts, to runs.
func (op *patternOp) negate(ni int, c *chunk, r int32, ts int64, runs []*run) {
	nt := op.p.Nots[ni]
	for _, x := range runs {
		b := x.prog + 1 // progress as a step number
		kills := nt.After <= b && b < nt.Before
		bars := nt.SkipFrom > 0 && nt.SkipFrom <= b && b < nt.After
		if x.dead || !kills && !bars {
			continue
		}
		if op.deadline(x) < ts && op.p.Within > 0 {
			continue // only events up to the deadline count
		}
		if !op.holds(op.notCorr[ni], c, r, x) {
			continue
		}
		if kills {
			x.dead = true
		} else if x.bar == 0 || nt.After < x.bar {
			x.bar = nt.After // docs/patterns.md, N6
		}
	}
}

// newRun makes a run starting at ts, carved from the slabs. Ordinary
// steps bind one event each into a slot of capacity one, so binding them
// allocates nothing; bindings are only ever appended, so a match or a copy
// may share them.
func (op *patternOp) newRun(ts, w int64) *run {
	if k := len(op.freeRuns); k > 0 {
		x := op.freeRuns[k-1]
		op.freeRuns = op.freeRuns[:k-1]
		x.id, x.start, x.last, x.bornW, x.prog, x.bar, x.waiting, x.dead = op.nextID, ts, ts, w, -1, 0, false, false
		return x
	}
	n := len(op.p.Steps)
	if len(op.runSlab) == 0 {
		op.runSlab = make([]run, slabBlock)
		op.bindSlab = make([][]event.Event, slabBlock*n)
		op.atSlab = make([][]int64, slabBlock*n)
		op.evSlab = make([]event.Event, slabBlock*n)
		op.posSlab = make([]int64, slabBlock*n)
	}
	x := &op.runSlab[0]
	op.runSlab = op.runSlab[1:]
	*x = run{id: op.nextID, start: ts, last: ts, bornW: w, prog: -1, binds: op.bindSlab[:n:n], at: op.atSlab[:n:n]}
	evs, ats := op.evSlab[:n:n], op.posSlab[:n:n]
	op.bindSlab, op.atSlab, op.evSlab, op.posSlab = op.bindSlab[n:], op.atSlab[n:], op.evSlab[n:], op.posSlab[n:]
	for k, st := range op.p.Steps {
		if !st.Kleene {
			x.binds[k] = evs[k : k : k+1]
			x.at[k] = ats[k : k : k+1]
		}
	}
	return x
}

// gone reports whether the watermark removed x: an advance of W since the
// run started took W past its deadline (VPL.md §4.5.3; a run a late event
// started lives until the next advance). Waiting absences complete in a
// watermark phase instead.
func (op *patternOp) gone(x *run, w int64) bool {
	return !x.waiting && w > x.bornW && w > op.deadline(x)
}

func (op *patternOp) live(part *partition) int {
	n := 0
	for _, x := range part.runs {
		if !x.dead {
			n++
		}
	}
	for _, x := range part.waiting {
		if !x.dead {
			n++
		}
	}
	return n
}

func (op *patternOp) typeInSteps(t string) bool {
	for _, s := range op.p.Steps {
		if s.Type == t {
			return true
		}
	}
	return false
}

// advance offers the event to run x (VPL.md §4.5.2; docs/patterns.md,
// N2): it goes to the furthest step after the progress the run may reach
// (past optional steps) that it matches, else it is collected into the
// progress step if that one collects. Under policy any the run branches
// instead: a copy takes each of these ways and x keeps waiting. It
// reports whether x (or a copy) took the event.
func (op *patternOp) advance(c *chunk, r, k int32, ts, pos int64, x *run, branches *[]*run) bool {
	b := x.prog
	reach := op.reach[b+1]
	if x.bar > 0 {
		reach = min(reach, x.bar-1) // barred: no step past the NOT
	}
	anyPolicy := op.p.Policy == "any"
	took := false
	for j := reach; j > b; j-- {
		if !op.ok[j][r] || !op.holdsStep(j, c, r, x) {
			continue
		}
		if op.expired(x, ts) {
			return op.expire(x)
		}
		op.takeAt(k, x, j, c, r, pos, branches)
		took = true
		if !anyPolicy {
			return true
		}
	}
	if op.p.Steps[b].Kleene && op.canCollect(b, c, r, x) {
		if op.expired(x, ts) {
			return op.expire(x)
		}
		op.takeAt(k, x, b, c, r, pos, branches)
		took = true
	}
	return took
}

// takeAt binds row r at step j of x, or of a copy of x under policy any.
func (op *patternOp) takeAt(k int32, x *run, j int, c *chunk, r int32, pos int64, branches *[]*run) {
	y := x
	if op.p.Policy == "any" {
		y = op.clone(x)
		*branches = append(*branches, y)
	}
	op.bind(y, j, c, r, pos)
	op.settle(k, y, r)
}

// start starts the runs row r begins (VPL.md §4.5.2 (4); docs/patterns.md,
// N3): at the furthest of the steps up to the first mandatory one that it
// matches, or under policy any one run at each.
func (op *patternOp) start(c *chunk, r, k int32, ts, w, pos int64) {
	part := &op.parts[k]
	for j := op.reach[0]; j >= 0; j-- {
		if !op.ok[j][r] || !op.holdsStep(j, c, r, nil) {
			continue
		}
		if lim := op.rt.opts.Limits.MaxRuns; len(part.runs)+len(part.waiting) >= lim && op.live(part) >= lim {
			op.rt.limitHit(op.stream, "max_runs", lim)
			return
		}
		x := op.newRun(ts, w)
		op.nextID++
		op.bind(x, j, c, r, pos)
		op.settle(k, x, r)
		if !x.dead {
			part.runs = append(part.runs, x)
			part.expiry = min(part.expiry, op.deadline(x))
			op.track(k, x)
		}
		if op.p.Policy != "any" {
			return
		}
	}
}

// expire handles an event past x's deadline that x could take: the run is
// removed (VPL.md §4.5.3), except that a complete absence still completes
// at its deadline, and under policy any, where every combination within
// the deadline counts, the run keeps waiting for events that are in time.
// It reports whether the event was taken (for strict: a removal is).
func (op *patternOp) expire(x *run) bool {
	if x.waiting || op.p.Policy == "any" {
		return false
	}
	x.dead = true
	return true
}

// expired reports whether an event at ts comes past the run's deadline
// (VPL.md §4.5.3: such an event removes the run instead of advancing it).
func (op *patternOp) expired(x *run, ts int64) bool { return ts > op.deadline(x) }

// canCollect reports whether row r may join Kleene step k of run x: its
// candidate predicate, the correlated part, and the comparison with the
// previous element (skipped for the first).
func (op *patternOp) canCollect(k int, c *chunk, r int32, x *run) bool {
	if !op.ok[k][r] || len(x.binds[k]) >= op.rt.opts.Limits.MaxKleene {
		if op.ok[k][r] {
			op.rt.limitHit(op.stream, "max_kleene", op.rt.opts.Limits.MaxKleene)
		}
		return false
	}
	return op.holdsStep(k, c, r, x)
}

// holdsStep evaluates step k's alias-dependent conjuncts for row r with
// run x's bindings (x nil: a new run).
func (op *patternOp) holdsStep(k int, c *chunk, r int32, x *run) bool {
	if !op.holds(op.corr[k], c, r, x) {
		return false
	}
	if op.self[k] != nil && x != nil && len(x.binds[k]) > 0 {
		return op.holds(op.self[k], c, r, x)
	}
	return true
}

// runPred is a predicate over a candidate row and a run's bindings. Its
// conjuncts of the form `f op a.g` (either way round, op a comparison)
// compare the candidate's column f with field g of the run's last event
// bound to a directly, through the operator's own scalar semantics; the
// rest goes to the row evaluator.
type runPred struct {
	cmps []aliasCmp
	rest planner.Expr
}

type aliasCmp struct {
	op     scalar.Op
	field  string // the candidate's
	alias  int    // step whose last event is read
	afield string
	left   bool // the alias field is the left operand
	hint   int  // afield's position in the last event read
}

// newRunPred prepares e (nil: true) for the runs of a pattern whose steps
// bind aliases in order.
func newRunPred(e planner.Expr, aliases []string) *runPred {
	if e == nil {
		return nil
	}
	p := &runPred{}
	for _, c := range planner.Conjuncts(e) {
		if cmp, ok := aliasComparison(c, aliases); ok {
			p.cmps = append(p.cmps, cmp)
		} else {
			p.rest = planner.Conjoin(p.rest, c)
		}
	}
	return p
}

func aliasComparison(e planner.Expr, aliases []string) (aliasCmp, bool) {
	b, ok := e.(*planner.Binary)
	if !ok {
		return aliasCmp{}, false
	}
	switch b.Op {
	case scalar.OpEq, scalar.OpNe, scalar.OpLt, scalar.OpLe, scalar.OpGt, scalar.OpGe:
	default:
		return aliasCmp{}, false
	}
	f, okf := b.X.(*planner.FieldRef)
	a, oka := b.Y.(*planner.AliasField)
	left := false
	if !okf || !oka {
		f, okf = b.Y.(*planner.FieldRef)
		a, oka = b.X.(*planner.AliasField)
		left = true
	}
	if !okf || !oka {
		return aliasCmp{}, false
	}
	i := slices.Index(aliases, a.Alias)
	if i < 0 {
		return aliasCmp{}, false
	}
	return aliasCmp{op: b.Op, field: f.Name, alias: i, afield: a.Field, left: left}, true
}

// value reads field g of the last event bound at step i of x (null when
// none), trying the position found last time first.
func (m *aliasCmp) value(x *run) event.Value {
	if x == nil || len(x.binds[m.alias]) == 0 {
		return event.Null
	}
	ev := &x.binds[m.alias][len(x.binds[m.alias])-1]
	if m.hint < len(ev.Fields) && ev.Fields[m.hint].Name == m.afield {
		return ev.Fields[m.hint].Value
	}
	for i := range ev.Fields {
		if ev.Fields[i].Name == m.afield {
			m.hint = i
			return ev.Fields[i].Value
		}
	}
	return event.Null
}

func (op *patternOp) holds(p *runPred, c *chunk, r int32, x *run) bool {
	if p == nil {
		return true
	}
	for i := range p.cmps {
		m := &p.cmps[i]
		cand := event.Null
		if col := c.col(m.field); col >= 0 {
			cand = c.cols[col].value(int(r))
		}
		a, b := cand, m.value(x)
		if m.left {
			a, b = b, a
		}
		if !scalar.Binary(m.op, a, b).IsTrue() {
			return false
		}
	}
	if p.rest == nil {
		return true
	}
	env := rowEnv{view: &batchView{c: c, typ: c.typ}, row: int(r), rt: op.rt, runAliases: op.aliases}
	if x != nil {
		env.runBinds = x.binds
	} else {
		env.runBinds = noBinds
	}
	return evalRow(p.rest, &env).IsTrue()
}

// noBinds binds no alias (a candidate for a new run).
var noBinds = [][]event.Event{}

func (op *patternOp) bind(x *run, k int, c *chunk, r int32, pos int64) {
	x.binds[k] = append(x.binds[k], op.eventAt(c, r))
	x.at[k] = append(x.at[k], pos)
	x.last = c.ts[r]
	if k > x.prog {
		x.prog, x.bar = k, 0 // moving on lifts a bar (it may not go past it)
	}
}

// eventAt returns row r of c in row form, built once per row however many
// runs bind it (a run only reads its events).
func (op *patternOp) eventAt(c *chunk, r int32) event.Event {
	if d := &c.ts[0]; op.evDomain != d {
		op.evDomain = d
		for _, r := range op.evSet {
			op.evs[r] = event.Event{}
		}
		op.evSet = op.evSet[:0]
		op.evs = grow(op.evs, c.n)
	}
	if e := op.evs[r]; e.Type != "" {
		return e
	}
	n := len(c.names)
	if len(op.fieldSlab) < n {
		op.fieldSlab = make([]event.Field, max(slabBlock*n, n))
	}
	e := event.Event{Type: c.typeAt(r), TS: c.ts[r], Fields: op.fieldSlab[:n:n]}
	op.fieldSlab = op.fieldSlab[n:]
	for i, name := range c.names {
		e.Fields[i] = event.Field{Name: name, Value: cloneValue(c.cols[i].value(int(r)))}
	}
	op.evs[r] = e
	op.evSet = append(op.evSet, r)
	return e
}

// clone copies run x (policy any). The copy shares the events bound so
// far, which nobody changes; its unbound ordinary steps get slots of their
// own.
func (op *patternOp) clone(x *run) *run {
	y := op.newRun(x.start, x.bornW)
	y.id, y.prog, y.bar, y.last = x.id, x.prog, x.bar, x.last
	for i := range x.binds {
		if len(x.binds[i]) > 0 || op.p.Steps[i].Kleene {
			y.binds[i] = slices.Clip(x.binds[i])
			y.at[i] = slices.Clip(x.at[i])
		}
	}
	return y
}

// comparePositions orders two matches by the input positions of their
// bound events, read in step order; when one list is a prefix of the other
// the shorter comes first, and two matches of the same events split
// differently between Kleene steps compare step by step, fewer elements in
// the earlier step first.
func comparePositions(a, b [][]int64) int {
	i, ai, j, bj := 0, 0, 0, 0
	for {
		for i < len(a) && ai == len(a[i]) {
			i, ai = i+1, 0
		}
		for j < len(b) && bj == len(b[j]) {
			j, bj = j+1, 0
		}
		switch {
		case i == len(a) && j == len(b):
			for s := range min(len(a), len(b)) {
				if c := cmp.Compare(len(a[s]), len(b[s])); c != 0 {
					return c
				}
			}
			return 0
		case i == len(a):
			return -1
		case j == len(b):
			return 1
		}
		if c := cmp.Compare(a[i][ai], b[j][bj]); c != 0 {
			return c
		}
		ai, bj = ai+1, bj+1
	}
}

// matchOf captures run x's bindings as a match. A finished run (dead)
// hands them over; a live one goes on appending, which leaves the match's
// view of them unchanged.
func (op *patternOp) matchOf(k int32, x *run, r int32) match {
	m := match{key: k, r: x, ts: x.last, row: r, binds: x.binds, at: x.at}
	if !x.dead {
		n := len(x.binds)
		if len(op.matchBinds) < n {
			op.matchBinds = make([][]event.Event, slabBlock*n)
			op.matchAt = make([][]int64, slabBlock*n)
		}
		m.binds, m.at = op.matchBinds[:n:n], op.matchAt[:n:n]
		op.matchBinds, op.matchAt = op.matchBinds[n:], op.matchAt[n:]
		for i := range n {
			m.binds[i] = slices.Clip(x.binds[i])
			m.at[i] = slices.Clip(x.at[i])
		}
	}
	return m
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
	chunks := rowsChunks(evs, p, prow, seq)
	start := 0
	for _, c := range chunks {
		rows := binds[start : start+c.n]
		// One allocation per kind of memory, not per alias.
		avs := make([]aliasVec, len(slots))
		c.aliases = make([]*aliasVec, len(slots))
		nOne, nMany := 0, 0
		for _, st := range slots {
			if st.many {
				nMany++
			} else {
				nOne++
			}
		}
		ones := make([]event.Event, nOne*c.n)
		manys := make([][]event.Event, nMany*c.n)
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
	x.waiting = true
	op.waits.push(waitingRun{deadline: op.deadline(x), key: k, r: x})
}

// due implements timedOp: absences complete when the watermark passes
// their deadline; other expiries need no phase of their own.
func (op *patternOp) due() int64 {
	for len(op.waits) > 0 && op.waits[0].r.dead {
		op.waits.pop()
	}
	if len(op.waits) == 0 {
		return math.MaxInt64
	}
	return addSat(op.waits[0].deadline, 1)
}

func (op *patternOp) bound(ts int64) int64 {
	if !op.absence {
		return math.MaxInt64
	}
	b := addSat(ts, op.p.Within+1) // a run this event starts
	w := op.rt.W(op.si)
	for len(op.liveRuns) > 0 {
		top := op.liveRuns[0]
		// A run the watermark expired is removed before any event could
		// complete it: it can fall due no more.
		if top.r.dead || top.r.waiting || op.gone(top.r, w) {
			op.liveRuns.pop()
			continue
		}
		if d := op.deadline(top.r); d != top.deadline {
			op.liveRuns.pop() // its deadline moved: file it again
			op.liveRuns.push(waitingRun{deadline: d, key: top.key, r: top.r})
			continue
		}
		return min(b, addSat(top.deadline, 1))
	}
	return b
}

// track files a run of an absence pattern under its deadline.
func (op *patternOp) track(k int32, x *run) {
	if op.absence {
		op.liveRuns.push(waitingRun{deadline: op.deadline(x), key: k, r: x})
	}
}

// fire implements timedOp: waiting absences whose deadline the watermark
// passed complete with ts = deadline, by deadline, then key, then run
// start; other runs past their deadline are removed.
func (op *patternOp) fire(w int64, root *prov) []*chunk {
	ms := op.fireMatches(w)
	var evs []event.Event
	var binds [][][]event.Event
	for _, m := range ms {
		evs = append(evs, op.record(m))
		binds = append(binds, m.binds)
	}
	return rankFired(matchChunks(op.slots, evs, binds, nil, nil, nil), root)
}

// fireMatches completes the waiting absences whose deadline the watermark
// w passed, in release order.
func (op *patternOp) fireMatches(w int64) []match {
	var ms []match
	for len(op.waits) > 0 && op.waits[0].deadline < w {
		wr := op.waits.pop()
		if wr.r.dead {
			continue
		}
		wr.r.dead = true
		if wr.r.bar > 0 {
			continue // barred at its deadline: no match (docs/patterns.md, N6)
		}
		m := op.matchOf(wr.key, wr.r, -1)
		m.ts = wr.deadline
		ms = append(ms, m)
	}
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

// sweep drops dead and expired runs from every partition, so partitions
// that see no more events do not keep their runs forever.
func (op *patternOp) sweep(w int64) {
	empty := 0
	for i := range op.parts {
		op.prune(&op.parts[i], w, true)
		pruneWaiting(&op.parts[i])
		if len(op.parts[i].runs)+len(op.parts[i].waiting) == 0 {
			empty++
		}
	}
	op.swept = 0
	if empty > forgetAfter && 2*empty > len(op.parts) {
		op.forgetEmpty()
	}
}

// forgetEmpty forgets the keys whose partitions hold no run, so that the
// state of a pattern partitioned by an ever new key (an order id) stays
// proportional to its live runs, not to every key ever seen. Key ids are
// dense, so the remaining keys are numbered again and the heaps follow;
// no output depends on key ids.
func (op *patternOp) forgetEmpty() {
	keys := newKeyIndex(op.keys.fields)
	remap := make([]int32, len(op.parts))
	parts := make([]partition, 0, len(op.parts)/2)
	for id := range op.parts {
		part := &op.parts[id]
		if len(part.runs)+len(part.waiting) == 0 {
			remap[id] = -1
			continue
		}
		remap[id] = keys.id(op.keys.vals[id])
		parts = append(parts, *part)
	}
	op.keys, op.parts = keys, parts
	for _, h := range []*runHeap{&op.waits, &op.liveRuns} {
		kept := (*h)[:0]
		for _, wr := range *h {
			if wr.r.dead || remap[wr.key] < 0 {
				continue
			}
			wr.key = remap[wr.key]
			kept = append(kept, wr)
		}
		clear((*h)[len(kept):])
		*h = kept
		for i := len(kept)/2 - 1; i >= 0; i-- {
			h.down(i)
		}
	}
}

// aliasAgg evaluates count(a), sum(a.f), ... over the events bound to a.
func aliasAgg(e *planner.AliasAgg, evs []event.Event) event.Value {
	if e.Fn == "count" && e.Field == "" {
		return event.Int(int64(len(evs))) // count(a): the events bound
	}
	vals := make([]event.Value, len(evs))
	for i := range evs {
		vals[i], _ = evs[i].Get(e.Field)
	}
	if e.Fn == "count" {
		n := 0
		for _, v := range vals {
			if !v.IsNull() {
				n++
			}
		}
		return event.Int(int64(n))
	}
	fn, ok := agg.Parse(e.Fn, 1)
	if !ok {
		return event.Null
	}
	acc := agg.New(agg.Spec{Fn: fn})
	acc.Resize(1)
	rows := make([]int32, len(vals))
	for i := range rows {
		rows[i] = int32(i)
	}
	acc.UpdateOne(0, rows, &agg.Column{Kind: planner.KindAny, Value: func(r int32) event.Value { return vals[r] }})
	return acc.Result(0)
}
