package exec

import (
	"math"
	"slices"
	"unsafe"

	"github.com/varpulis/varpulis-go/event"
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
	// the policy
	anyPolicy, strict bool
	// plain: policy next, no Kleene, optional or NOT items: a run may
	// take only its next step, a new run only the first step.
	plain bool
	// deferred: the runtime fires it once per dispatch (fireDeferred)
	deferred bool
	// fileAtStart: runs are filed in waits when they start, not when they
	// begin to wait. Deadlines then come in start order (one within,
	// events in time order), so waits stays a queue; runs that never
	// complete are skipped when their deadline passes. firedW is the
	// greatest watermark fired at: entries with deadlines below it are
	// gone.
	fileAtStart bool
	firedW      int64
	// items are the steps, then the negations, by their type and
	// candidate-only predicate (see markItems).
	items []patternItem
	// per chunk scratch
	okm     []uint64 // per domain row, okWords words: the items it may be taken by
	okWords int
	okTypes []uint64 // per type of the chunk, its items
	kbuf    []int32
	buf     []int32
	sub     []int32
	rel     []int32 // the rows a step or negation may take
	// matches of the current event, before ordering
	pending []match
	// keyField holds the current chunk's key field under inferred
	// partitions.
	keyField [1]string
	// typeFields: keyIDs' scratch, the key field of each of a chunk's types
	typeFields []string
	aliases    []string // per step
	cmpSlots   []cmpSlot
	// rowW is the watermark of the row being offered, rowKey its key id.
	rowW   int64
	rowKey int32
	// ended: a run of the partition being offered ended or began to wait
	// (it leaves the list of runs events visit).
	ended bool
	arena chunkArena // runMany's output
	// capture: runs keep the values the match records read instead of
	// their bound events (captureProjection); outSlots are the cmpSlots
	// records hold, under outNames. colOf maps cmpSlots to the columns of
	// the chunk layout colNames.
	capture  bool
	outSlots []outSlot
	outNames []string
	// accs holds, per cmpSlot of kind slotAgg (nil for the others), the
	// accumulators of capturing runs, one group per run (run.grp); aggCols
	// are the slots' argument columns in the current chunk, and ngroups
	// the groups given out.
	accs     []agg.Acc
	aggCols  []agg.Column
	ngroups  int32
	oneRow   [1]int32
	colNames []string
	colOf    []int
	slotsOf  [][]int // per step, the cmpSlots it fills
	keySlot  []bool  // per cmpSlot: it reads the field that partitions its step's events
	recs     []captureRec
	// fireMatches' and fireDeferred's scratch
	kept     []waitingRun
	fireRows []int32
	fireBuf  []match
	// firedKeys are the partitions whose runs a phase completed, to drop
	// and reuse once the releases are built (recycleFired).
	firedKeys []int32
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
	remap []int32 // forgetEmpty's scratch
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
	inlineSlab         []inlineRun
	captureSlab        []captureRun
	listSlab           []*run // first places of partitions' run lists
	bindSlab           [][]event.Event
	atSlab             [][]int64
	evSlab             []event.Event
	posSlab            []int64
	cmpSlab            []event.Value
	kleeneSlab         []event.Event
	kleeneAtSlab       []int64
	fieldSlab          []event.Field
	branches, mergeBuf []*run // per event scratch (policy any)
	// binding lists of matches of runs that go on (prefix emission, any)
	matchBinds [][]event.Event
	matchAt    [][]int64
	matchN     int // used of matchBinds and matchAt
	// completion's scratch run and the positions of its matches' last
	// steps (lastN used)
	scratch run
	lastAt  []int64
	lastN   int
	// Removed runs are reused when nothing can still refer to them: not
	// under policy any (copies share bindings). A run removed while
	// matches are being built is reused only once they are; heap entries
	// tell a reused run by its generation.
	recycle   bool
	touched   int64 // what touch read: so that the reads are not dropped
	removed   []*run
	freeRuns  []*run
	evScratch []event.Event
	bindsBuf  [][][]event.Event
}

func newPatternOp(rt *Runtime, si int, s *planner.Stream, p *planner.Pattern) *patternOp {
	op := &patternOp{rt: rt, si: si, stream: s.Name, p: p, keys: newKeyIndex(s.PartitionBy), recycle: p.Policy != "any", firedW: math.MinInt64,
		anyPolicy: p.Policy == "any", strict: p.Policy == "strict"}
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
		}
	}
	op.assignCmpSlots(op.corr, op.self, op.notCorr)
	for k, st := range p.Steps {
		op.items = append(op.items, patternItem{typ: st.Type, free: op.free[k]})
	}
	for k, nt := range p.Nots {
		op.items = append(op.items, patternItem{typ: nt.Type, free: op.notFree[k]})
	}
	op.okWords = max(1, (len(op.items)+63)/64)
	op.plain = !op.anyPolicy && !op.strict
	for _, st := range p.Steps {
		op.plain = op.plain && !st.Kleene && !st.Optional
	}
	for _, n := range p.Nots {
		op.plain = op.plain && n.SkipFrom == 0
	}
	return op
}

// patternItem is a step or a negation as a chunk's rows are sorted out.
type patternItem struct {
	typ  string
	free predicate // its candidate-only predicate (nil: true)
}

// deadline is when a run expires: the within bound from its first event,
// or a per-step bound from its last event while that step is awaited.
func (op *patternOp) deadline(r *run) int64 {
	if op.fixedDeadlines {
		return r.deadline
	}
	return op.deadlineOf(r)
}

// withinOf is the deadline .within sets for a run starting at ts: all of
// it with fixed deadlines, which newRun keeps in the run.
func (op *patternOp) withinOf(ts int64) int64 {
	if op.p.Within > 0 {
		return addSat(ts, op.p.Within)
	}
	return math.MaxInt64
}

// deadlineOf computes deadline.
func (op *patternOp) deadlineOf(r *run) int64 {
	d := op.withinOf(r.start)
	// The step after the progress is awaited unless the run collects.
	if k := int(r.prog) + 1; k < len(op.p.Steps) && !op.p.Steps[r.prog].Kleene {
		if w := op.p.Steps[k].Within; w > 0 {
			d = min(d, addSat(r.last, w))
		}
	}
	return d
}

func (op *patternOp) runMany(c *chunk) []*chunk {
	// The chunks of the last call live until the runtime has consumed or
	// detached them, before this operator runs again: their memory is
	// reused.
	op.arena.reset()
	op.resetMatchLists()
	op.prepare(c)
	evs, binds := op.evScratch[:0], op.bindsBuf[:0]
	var prow, seq []int32
	for i, r := range op.rel {
		if i%touchRows == 0 && len(op.parts) > touchParts {
			j := min(i+touchRows, len(op.rel))
			op.touch(op.rel[i:j], op.kbuf[i:j])
		}
		ms := op.matchesOf(c, i)
		if len(ms) == 0 {
			continue
		}
		ms = op.rt.limitMatches(op.stream, ms)
		for j := range ms {
			if op.capture {
				op.recs = append(op.recs, op.captureRecOf(&ms[j]))
			} else {
				evs = append(evs, op.record(ms[j]))
				binds = append(binds, ms[j].binds)
			}
			prow = append(prow, c.upRow(r))
			seq = append(seq, c.upSeq(r)+int32(j))
		}
	}
	var out []*chunk
	if op.capture {
		out = op.captureChunks(op.recs, c.prov, prow, seq) // no aliases: nothing reads them
		clear(op.recs)
		op.recs = op.recs[:0]
	} else {
		out = matchChunksIn(&op.arena, op.slots, evs, binds, c.prov, prow, seq)
	}
	clear(binds)
	op.evScratch, op.bindsBuf = evs[:0], binds[:0]
	op.reuseRemoved()
	return out
}

// touchRows is how many rows touch reads ahead, and touchParts how many
// partitions a pattern has before it does: with few, they stay in the
// cache anyway (a variable for the tests, which touch always).
const touchRows = 64

var touchParts = 1024

// touch reads, for rows rows of the prepared chunk with partition keys
// keys, the partitions, their lists of runs, the runs each row may
// advance and the free runs the rows may start, in passes over all the
// rows, so that their cache misses overlap: offer reads them one after
// another, each load waiting for the one before.
func (op *patternOp) touch(rows, keys []int32) {
	var sum int64
	parts, vals := op.parts, op.keys.vals
	for _, k := range keys {
		sum += parts[k].expiry
		if op.capture {
			sum += int64(vals[k].Kind()) // a run captures its key (captureValues)
		}
	}
	// A row of a negation reads every run of its partition, the waiting
	// ones too; under a plain pattern, a row of a step only the runs that
	// may take it (partition.need).
	n := len(op.p.Steps)
	notBits := ^uint64(0)
	if op.okWords == 1 && n < 64 {
		notBits <<= n
	}
	one := op.okWords == 1
	okm := func(i int) uint64 {
		if one {
			return op.okm[rows[i]]
		}
		return ^uint64(0)
	}
	for i, k := range keys {
		p := &parts[k]
		if len(p.runs) > 0 {
			sum += int64(uintptr(unsafe.Pointer(p.runs[0])))
		}
		if len(p.waiting) > 0 && okm(i)&notBits != 0 {
			sum += int64(uintptr(unsafe.Pointer(p.waiting[0])))
		}
	}
	starts := 0
	for i, k := range keys {
		p, m := &parts[k], okm(i)
		if m&notBits != 0 {
			for _, x := range p.waiting {
				sum += x.deadline
			}
		}
		if op.plain && op.okWords == 1 {
			starts += int(m & 1)
			if p.need&m == 0 && m&notBits == 0 {
				continue
			}
		}
		for _, x := range p.runs {
			sum += readRun(x)
		}
	}
	free := op.freeRuns
	for _, x := range free[max(0, len(free)-starts):] {
		sum += readRun(x)
	}
	op.touched = sum
}

// readRun reads the lines of run x that offering it an event and binding
// one read: its flags and deadline and its binding lists' headers.
func readRun(x *run) int64 {
	return x.deadline + int64(cap(x.binds[len(x.binds)-1])+cap(x.at[len(x.at)-1]))
}

// manyRuns is how many runs a partition holds before offer reads them
// ahead (touchRuns): the loop over them calls advance for each, too much
// code between one run's loads and the next's for their misses to
// overlap.
const manyRuns = 8

// touchRuns reads the runs an event is offered to, and the values their
// comparisons read, in a loop of independent loads.
func (op *patternOp) touchRuns(runs []*run) {
	var sum int64
	for _, x := range runs {
		sum += x.deadline
		if len(x.cmpv) > 0 {
			sum += int64(x.cmpv[0].Kind())
		}
	}
	op.touched = sum
}

// matchesOf offers the i-th relevant row of the prepared chunk c to the
// runs of its partition and returns the matches it completes, in
// lexicographic order of the input positions of their bound events
// (VPL.md §7.3). The slice is reused by the next call.
func (op *patternOp) matchesOf(c *chunk, i int) []match {
	op.pending = op.pending[:0]
	op.offer(c, op.rel[i], op.kbuf[i])
	if len(op.pending) > 1 {
		// Runs are visited in run-start order: the matches mostly come
		// sorted already.
		byPositions := func(a, b match) int { return comparePositions(a.at, b.at) }
		if !slices.IsSortedFunc(op.pending, byPositions) {
			slices.SortStableFunc(op.pending, byPositions)
		}
	}
	return op.pending
}

// prepare evaluates what does not depend on runs over the whole chunk:
// the candidate-only predicates, the rows that may change a run (rel) and
// their partition keys (kbuf).
func (op *patternOp) prepare(c *chunk) {
	// What is cached by the chunk's address goes: chunks' memory is reused
	// from batch to batch (batchWrap).
	for _, ps := range [][]*runPred{op.corr, op.self, op.notCorr} {
		for _, p := range ps {
			if p != nil {
				p.candChunk = nil
			}
		}
	}
	op.colOf = op.colOf[:0]
	op.markItems(c)
	// Only rows that some step or negation may take can change a run; under
	// strict, any row of a step type can (it kills the runs it does not
	// advance). The others cost nothing more.
	op.rel = op.rel[:0]
	strict := op.strict
	for _, r := range c.sel {
		if op.relevant(r) || strict && op.typeInSteps(c.typeAt(r)) {
			op.rel = append(op.rel, r)
		}
	}
	// Sweep before keys are looked up (it may number them again), with the
	// watermark of the first row: a run gone there is gone for every row.
	// Sweeps come at least as many events apart as there are partitions,
	// so that visiting them all costs O(1) per event.
	if op.swept += len(c.sel); op.swept > max(sweepEvery, len(op.parts)) && len(c.sel) > 0 {
		op.sweep(subSat(c.maxTsAt(c.sel[0]), op.rt.dacc[op.si]))
	}
	op.kbuf = op.keyIDs(c, op.rel)
	for len(op.parts) < op.keys.Len() {
		op.parts = append(op.parts, partition{expiry: math.MaxInt64})
	}
}

// apart reports whether x waits apart from the runs events visit: an
// absence with all steps bound that collects no more, unless under policy
// strict, where events of step types remove it.
func (op *patternOp) apart(x *run) bool {
	return x.waiting && !op.grows(x) && !op.strict
}

// grows reports whether an event may still join x: a step after its
// progress, or its progress step collects.
func (op *patternOp) grows(x *run) bool {
	return int(x.prog) < len(op.p.Steps)-1 || op.p.Steps[x.prog].Kleene
}

// complete reports whether every mandatory step of x holds its events.
func (op *patternOp) complete(x *run) bool { return int(x.prog) >= op.lastMand && x.bar == 0 }

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
		x.dead, op.ended = true, true
	}
	op.pending = append(op.pending, op.matchOf(k, x, r))
}

// markItems sets, for each selected row, the bit of every item (steps,
// then negations) whose type the row has and whose candidate-only
// predicate it passes. One pass over the rows sets the type bits, from
// a table by type: the cost does not grow with the number of steps. Only
// items with a predicate take a pass of their own, over their rows.
func (op *patternOp) markItems(c *chunk) {
	w := op.okWords
	op.okm = grow(op.okm, c.n*w)
	ok := op.okm
	codes := 1
	if c.types != nil {
		codes = len(c.tnames)
	}
	// bits[code*w:] are the items of each of the chunk's types.
	bits := grow(op.okTypes, codes*w)
	op.okTypes = bits
	clear(bits)
	for j := range op.items {
		it := &op.items[j]
		code := 0
		if c.types != nil {
			if code = c.lookup(it.typ); code < 0 {
				continue
			}
		} else if c.typ != it.typ {
			continue
		}
		bits[code*w+j>>6] |= 1 << (j & 63)
	}
	// Only the selected rows are read: a batch split at watermark
	// triggers comes as many small selections of one domain.
	switch {
	case w == 1 && c.types != nil:
		for _, r := range c.sel {
			ok[r] = bits[c.tcode[r]]
		}
	case w == 1:
		for _, r := range c.sel {
			ok[r] = bits[0]
		}
	default:
		for _, r := range c.sel {
			code := 0
			if c.types != nil {
				code = int(c.tcode[r])
			}
			copy(ok[int(r)*w:int(r+1)*w], bits[code*w:(code+1)*w])
		}
	}
	for j := range op.items {
		p := op.items[j].free
		if p == nil {
			continue
		}
		word, bit := j>>6, uint64(1)<<(j&63)
		// The item's rows, without a branch: types alternate unpredictably.
		sub, n := grow(op.sub, len(c.sel)), 0
		for _, r := range c.sel {
			sub[n] = r
			n += int(ok[int(r)*w+word] >> (j & 63) & 1)
		}
		op.sub = sub
		if n == 0 {
			continue
		}
		for _, r := range sub[:n] {
			ok[int(r)*w+word] &^= bit
		}
		op.buf = p.filter(c, sub[:n], op.buf[:0])
		for _, r := range op.buf {
			ok[int(r)*w+word] |= bit
		}
	}
}

// okAt reports whether row r may be taken by item j (a step, or
// negation j-len(steps)): it has the item's type and passes its
// candidate-only predicate.
func (op *patternOp) okAt(j int, r int32) bool {
	return op.okm[int(r)*op.okWords+j>>6]>>(j&63)&1 != 0
}

// relevant reports whether row r passes the candidate predicate of some
// step or negation.
func (op *patternOp) relevant(r int32) bool {
	w := op.okWords
	for _, b := range op.okm[int(r)*w : int(r+1)*w] {
		if b != 0 {
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
	// Each type's key field is looked up once, by type number.
	fields := op.typeFields[:0]
	for _, t := range c.tnames {
		fields = append(fields, op.p.KeyFields[t])
	}
	op.typeFields = fields
	field, same := "", true
	for _, r := range sel {
		f := fields[c.tcode[r]]
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
		op.keyField[0] = fields[c.tcode[r]]
		out = append(out, op.keys.id(op.keys.rowKey(c, r)))
	}
	return out
}

// offer processes one event of partition k (VPL.md §4.5.2).
func (op *patternOp) offer(c *chunk, r int32, k int32) {
	part := &op.parts[k]
	ts := c.ts[r]
	w := subSat(c.maxTsAt(r), op.rt.dacc[op.si])
	op.rowW, op.rowKey = w, k
	pos := c.position(r)
	// Runs the watermark expired are gone before the event is seen
	// (VPL.md §4.5.3); absences waiting for their deadline stay, they
	// complete in a watermark phase.
	if !op.fixedDeadlines || w > part.expiry { // else none expired
		op.prune(part, w, true)
	}
	// (1) negations
	for ni := range op.p.Nots {
		if !op.okAt(len(op.p.Steps)+ni, r) {
			continue
		}
		op.negate(ni, c, r, ts, w, part.runs)
		op.negate(ni, c, r, ts, w, part.waiting)
		// The waiting absences it killed are dropped now: nothing else
		// visits a partition whose runs all wait (a paid order's would
		// stay, and keep its key, forever).
		op.pruneWaiting(part)
	}
	// (2) offer the event to every active run, in run-start order
	strict := op.strict
	branches := op.branches[:0]
	runs := part.runs
	if op.plain && op.okWords == 1 && part.need&op.okm[r] == 0 {
		runs = nil // no run may take this row's steps (see partition.need)
	}
	if len(runs) > manyRuns {
		op.touchRuns(runs)
	}
	for _, x := range runs {
		if x.dead || x.waiting && op.fired(x, w) {
			continue
		}
		if op.plain && (int(x.prog)+1 == len(op.p.Steps) || !op.okAt(int(x.prog)+1, r)) {
			continue // the one step it may take is not this event's (advance would agree)
		}
		advanced := op.advance(c, r, k, ts, pos, x, &branches)
		if advanced {
			part.need |= op.nextStep(x)
		}
		if strict && !advanced && op.typeInSteps(c.typeAt(r)) {
			x.dead, op.ended = true, true
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
	if !op.plain || op.okAt(0, r) {
		op.start(c, r, k, ts, w, pos)
	}
	if op.ended {
		op.prune(part, 0, false)
		op.ended = false
	}
}

// negate applies negation ni, for row r at ts under watermark w, to runs.
func (op *patternOp) negate(ni int, c *chunk, r int32, ts, w int64, runs []*run) {
	nt := op.p.Nots[ni]
	for _, x := range runs {
		b := int(x.prog) + 1 // progress as a step number
		kills := nt.After <= b && b < nt.Before
		bars := nt.SkipFrom > 0 && nt.SkipFrom <= b && b < nt.After
		if x.dead || !kills && !bars || op.fired(x, w) {
			continue
		}
		if op.deadline(x) < ts && op.p.Within > 0 {
			continue // only events up to the deadline count
		}
		if !op.holds(op.notCorr[ni], c, r, x) {
			continue
		}
		if kills {
			x.dead, op.ended = true, true
		} else if x.bar == 0 || nt.After < int(x.bar) {
			x.bar = int32(nt.After) // docs/patterns.md, N6
		}
	}
}

func (op *patternOp) typeInSteps(t string) bool {
	for i := range op.p.Steps {
		if op.p.Steps[i].Type == t {
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
	b := int(x.prog)
	reach := op.reach[b+1]
	if x.bar > 0 {
		reach = min(reach, int(x.bar)-1) // barred: no step past the NOT
	}
	anyPolicy := op.anyPolicy
	took := false
	for j := reach; j > b; j-- {
		if !op.okAt(j, r) || !op.holdsStep(j, c, r, x) {
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
	if op.anyPolicy && op.capture && !op.absence && j == len(op.p.Steps)-1 && !op.p.Steps[j].Kleene {
		// The copy would match and end at once: its match is made
		// without it (most copies under any are these).
		op.pending = append(op.pending, op.completion(k, x, j, c, r, pos))
		return
	}
	if op.anyPolicy {
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
		if !op.okAt(j, r) || !op.holdsStep(j, c, r, nil) {
			continue
		}
		if lim := op.rt.opts.Limits.MaxRuns; len(part.runs)+len(part.waiting) >= lim && op.live(part, w) >= lim {
			op.rt.limitHit(op.stream, "max_runs", lim)
			return
		}
		x := op.newRun(ts, w, 0)
		op.nextID++
		op.bind(x, j, c, r, pos)
		op.settle(k, x, r)
		if !x.dead {
			part.runs = op.appendRun(part.runs, x)
			part.need |= op.nextStep(x)
			part.expiry = min(part.expiry, op.deadline(x))
			op.track(k, x)
		}
		if !op.anyPolicy {
			return
		}
	}
}

// nextStep returns the bit of the step after x's progress (none when x
// has bound its last step), for partition.need.
func (op *patternOp) nextStep(x *run) uint64 {
	if s := int(x.prog) + 1; s < len(op.p.Steps) && s < 64 {
		return 1 << s
	}
	return 0
}

// expire handles an event past x's deadline that x could take: the run is
// removed (VPL.md §4.5.3), except that a complete absence still completes
// at its deadline, and under policy any, where every combination within
// the deadline counts, the run keeps waiting for events that are in time.
// It reports whether the event was taken (for strict: a removal is).
func (op *patternOp) expire(x *run) bool {
	if x.waiting || op.anyPolicy {
		return false
	}
	x.dead, op.ended = true, true
	return true
}

// expired reports whether an event at ts comes past the run's deadline
// (VPL.md §4.5.3: such an event removes the run instead of advancing it).
func (op *patternOp) expired(x *run, ts int64) bool { return ts > op.deadline(x) }
