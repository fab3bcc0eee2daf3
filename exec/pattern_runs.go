package exec

import (
	"cmp"
	"math"
	"slices"
	"unsafe"

	"github.com/varpulis/varpulis-go/event"
)

// slabBlock is the number of runs (or bound events) a slab block holds.
const slabBlock = 32

// kleeneRoom is the room a Kleene step's elements start with.
const kleeneRoom = 4

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
	start    int64 // input position of the run's first event
	key      int32
	gen      uint32 // r.gen when filed: r may have been reused since
	r        *run
}

// fileRun makes x's heap entry.
func fileRun(deadline int64, k int32, x *run) waitingRun {
	return waitingRun{deadline: deadline, start: firstPosition(x.at), key: k, gen: x.gen, r: x}
}

// stale reports whether the entry's run finished (or was reused) since it
// was filed.
func (w *waitingRun) stale() bool { return w.gen != w.r.gen || w.r.dead }

// runHeap is a min-heap of waiting runs by deadline, then run start. It
// is typed rather than a container/heap.Interface, which would box every
// entry pushed or popped. Runs usually come in that order (one within,
// events in time order): then it is a queue, a ring whose push writes
// after the last entry and whose pop moves the head on, so that it grows
// only when full and never copies its entries; only a run out of order
// makes it a heap.
type runHeap struct {
	// queue: the n entries from h[head] on, wrapping (len(h) is a power
	// of two); heap: h[:n], head 0
	h       []waitingRun
	head, n int
	heap    bool
}

func (q *runHeap) len() int { return q.n }

// at returns the i-th entry in queue order.
func (q *runHeap) at(i int) *waitingRun { return &q.h[(q.head+i)&(len(q.h)-1)] }

// top returns the least entry; the heap must not be empty.
func (q *runHeap) top() *waitingRun { return &q.h[q.head] }

func runLess(a, b *waitingRun) bool {
	if a.deadline != b.deadline {
		return a.deadline < b.deadline
	}
	if a.start != b.start {
		return a.start < b.start
	}
	// Runs of one start are copies (policy any, whose runs are never
	// reused): by their bound positions, which do not change while they
	// wait; a copy that collects is a new run.
	return comparePositions(a.r.at, b.r.at) < 0
}

func (q *runHeap) less(i, j int) bool { return runLess(&q.h[i], &q.h[j]) }

func (q *runHeap) push(w waitingRun) {
	if !q.heap {
		if q.n == 0 || !runLess(&w, q.at(q.n-1)) {
			if q.n == len(q.h) {
				q.grow()
			}
			*q.at(q.n) = w
			q.n++
			return
		}
		q.toHeap()
	}
	if q.n == len(q.h) {
		q.grow()
	}
	q.h[q.n] = w
	q.n++
	for i := q.n - 1; i > 0; {
		p := (i - 1) / 2
		if !q.less(i, p) {
			break
		}
		q.h[i], q.h[p] = q.h[p], q.h[i]
		i = p
	}
}

// grow doubles the room, the entries moved to its start in order.
func (q *runHeap) grow() {
	h := make([]waitingRun, max(64, 2*len(q.h)))
	q.linearize(h)
}

// linearize moves the entries, in order, to the start of h (which may be
// q.h itself only when they do not wrap).
func (q *runHeap) linearize(h []waitingRun) {
	if q.n > 0 {
		end := q.head + q.n
		first := q.h[q.head:min(end, len(q.h))]
		m := copy(h, first)
		if end > len(q.h) {
			copy(h[m:], q.h[:end-len(q.h)])
		}
	}
	if unsafe.SliceData(h) == unsafe.SliceData(q.h) {
		clear(h[q.n:])
	}
	q.h, q.head = h, 0
}

// toHeap turns the queue into a heap (a sorted slice is one).
func (q *runHeap) toHeap() {
	if q.head > 0 {
		if q.head+q.n <= len(q.h) {
			q.linearize(q.h)
		} else {
			q.linearize(make([]waitingRun, len(q.h)))
		}
	}
	q.heap = true
}

func (q *runHeap) pop() waitingRun {
	if !q.heap {
		top := q.h[q.head]
		q.h[q.head] = waitingRun{}
		q.head = (q.head + 1) & (len(q.h) - 1)
		if q.n--; q.n == 0 {
			q.head = 0
		}
		return top
	}
	top := q.h[0]
	q.n--
	q.h[0] = q.h[q.n]
	q.h[q.n] = waitingRun{}
	q.down(0)
	if q.n == 0 {
		q.heap = false // empty: a queue again
	}
	return top
}

// down moves entry i down to its place.
func (q *runHeap) down(i int) {
	h := q.h
	for n := q.n; ; {
		m, l, r := i, 2*i+1, 2*i+2
		if l < n && q.less(l, m) {
			m = l
		}
		if r < n && q.less(r, m) {
			m = r
		}
		if m == i {
			return
		}
		h[i], h[m] = h[m], h[i]
		i = m
	}
}

// filter keeps the entries keep accepts (and may change), in order.
func (q *runHeap) filter(keep func(*waitingRun) bool) {
	if q.n == 0 {
		return
	}
	if q.head+q.n > len(q.h) {
		q.linearize(make([]waitingRun, len(q.h)))
	}
	kept := 0
	for i := q.head; i < q.head+q.n; i++ {
		// In place: an entry's copy passed by address would escape, one
		// allocation per entry. kept never passes i.
		if keep(&q.h[i]) {
			q.h[kept] = q.h[i]
			kept++
		}
	}
	clear(q.h[kept:])
	q.head, q.n = 0, kept
	if q.heap {
		for i := kept/2 - 1; i >= 0; i-- {
			q.down(i)
		}
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
	// fired: a watermark phase completed nfired of its waiting absences,
	// which the end of the phase or the next sweep drops.
	fired  bool
	nfired int32
	// need has bit s set when some run may take step s next (plain
	// patterns; a superset, exact after a prune): a row of none of these
	// steps does not visit the runs.
	need uint64
}

// run is one partial match. Its fields are laid out for the deadline
// of an absence, when a run long out of the cache completes: what that
// reads (the flags, the deadline, the captured values and the binding
// lists' lengths) fills the first four cache lines, two adjacent pairs.
type run struct {
	gen     uint32 // times the run was reused (heap entries tell stale ones by it)
	prog    int32  // progress: index of the last step holding an event
	bar     int32  // barred past step bar (a NOT item after optional steps); 0: not
	waiting bool   // absence: all steps bound, waiting for the deadline
	dead    bool
	// deadline is the run's deadline when it never moves (fixedDeadlines).
	deadline int64
	waitW    int64           // the watermark when it began to wait
	cmpv     []event.Value   // per cmpSlot, the bound value comparisons read
	binds    [][]event.Event // per step, the bound events
	at       [][]int64       // per step, their input positions
	last     int64           // ts of the last bound event
	bornW    int64           // the watermark when the run started
	start    int64           // ts of the first bound event
	id       int64
	grp      int32 // its group in the accumulators of aggregate slots (patternOp.accs)
}

// Patterns of up to inlineSteps steps and inlineSlots cmpSlots keep their
// bindings right after the run (inlineRun), so that a run is one piece of
// memory rather than six; longer ones take them from slabs, and their
// runs (policy any copies many) stay small.
const (
	inlineSteps = 2
	inlineSlots = 1
)

type inlineRun struct {
	run
	in runInline
}

type runInline struct {
	binds [inlineSteps][]event.Event
	cmpv  [inlineSlots]event.Value
	at    [inlineSteps][]int64
	pos   [inlineSteps]int64
	evs   [inlineSteps]event.Event
}

// captureRun is inlineRun for a capturing pattern, whose bound events
// are all alike (see noEvents): it has no room for them.
type captureRun struct {
	run
	in runCaptured
}

type runCaptured struct {
	binds [inlineSteps][]event.Event
	cmpv  [inlineSlots]event.Value
	at    [inlineSteps][]int64
	pos   [inlineSteps]int64
}

// noEvents backs the binding lists of capturing runs. Such a run keeps
// the values the match reads (captureValues), and of its bound events
// only their number: its lists are views of this array, of zero events,
// which nothing writes. A Kleene step longer than the array gets a copy.
var noEvents = make([]event.Event, 4096)

// match is a completed match awaiting emission.
type match struct {
	key   int32
	r     *run
	ts    int64
	row   int32 // the input row that completed it (dispatch phase)
	binds [][]event.Event
	at    [][]int64 // input positions of the bound events, for ordering
	// vals are the record's captured values (see captureProjection).
	vals []event.Value
}

// prune removes dead runs from a partition, and those the watermark w
// expired when w is given.
func (op *patternOp) prune(part *partition, w int64, expire bool) {
	if expire && op.fixedDeadlines && w <= part.expiry {
		return
	}
	j := 0
	expiry := int64(math.MaxInt64)
	part.need = 0
	for _, x := range part.runs {
		if x.dead || expire && op.gone(x, w) {
			if op.recycle {
				op.removed = append(op.removed, x)
			}
			continue
		}
		if op.apart(x) {
			part.waiting = op.appendRun(part.waiting, x)
			continue
		}
		part.runs[j] = x
		j++
		expiry = min(expiry, op.deadline(x))
		part.need |= op.nextStep(x)
	}
	clear(part.runs[j:])
	part.runs = part.runs[:j]
	part.expiry = expiry
}

// pruneWaiting drops the waiting absences that completed or were killed.
func (op *patternOp) pruneWaiting(part *partition) {
	j := 0
	for _, x := range part.waiting {
		if x.dead {
			if op.recycle {
				op.removed = append(op.removed, x)
			}
			continue
		}
		part.waiting[j] = x
		j++
	}
	clear(part.waiting[j:])
	part.waiting = part.waiting[:j]
}

// appendRun appends x to a partition's list of runs. A list's first
// place comes from a slab: a partition per order id holds one run in its
// lifetime, and allocating its lists would cost two objects per key.
func (op *patternOp) appendRun(list []*run, x *run) []*run {
	if cap(list) == 0 {
		if len(op.listSlab) == 0 {
			op.listSlab = make([]*run, slabBlock)
		}
		list, op.listSlab = op.listSlab[:0:1], op.listSlab[1:]
	}
	return append(list, x)
}

// dropFired drops the waiting absences a phase completed. Deadlines
// mostly come in the order runs start, so they lead the list, and the
// live ones after them are not read at all; otherwise the whole list is
// pruned. Negations drop the runs they kill at once, so the phase's are
// the only dead runs.
func (op *patternOp) dropFired(part *partition) {
	i, n := 0, min(len(part.waiting), int(part.nfired))
	for i < n && part.waiting[i].dead {
		i++
	}
	if i < int(part.nfired) {
		// Some completed out of order (a run a late event started): all
		// dead runs go, wherever they are.
		op.pruneWaiting(part)
		return
	}
	if i == 0 {
		return
	}
	if op.recycle {
		op.removed = append(op.removed, part.waiting[:i]...)
	}
	n = copy(part.waiting, part.waiting[i:])
	clear(part.waiting[n:])
	part.waiting = part.waiting[:n]
}

// state counts the runs that may still complete and the bytes they hold
// (see PatternState).
func (op *patternOp) state() (runs, bytes int64) {
	w := op.rt.W(op.si)
	for i := range op.parts {
		part := &op.parts[i]
		for _, list := range [2][]*run{part.runs, part.waiting} {
			for _, x := range list {
				if !x.dead && !op.gone(x, w) && !op.fired(x, w) {
					runs++
					bytes += op.runBytes(x)
				}
			}
		}
	}
	return runs, bytes
}

// runBytes is the memory of run x: the run (with its bindings when they
// are inline), the slots carved for them otherwise, the elements of its
// Kleene steps, its place in a partition's list and, for an absence, its
// deadline queue entry.
func (op *patternOp) runBytes(x *run) int64 {
	const (
		evSize    = int64(unsafe.Sizeof(event.Event{}))
		sliceSize = int64(unsafe.Sizeof([]int64(nil)))
		valueSize = int64(unsafe.Sizeof(event.Value{}))
	)
	n, nc := len(op.p.Steps), len(op.cmpSlots)
	inline := n <= inlineSteps && nc <= inlineSlots
	b := int64(unsafe.Sizeof(run{})) + int64(n)*2*sliceSize + int64(nc)*valueSize
	switch {
	case inline && op.capture:
		b = int64(unsafe.Sizeof(captureRun{}))
	case inline:
		b = int64(unsafe.Sizeof(inlineRun{}))
	}
	ev := evSize
	if op.capture {
		ev = 0 // the lists are views of noEvents
	}
	for k := range x.binds {
		if op.p.Steps[k].Kleene {
			b += int64(cap(x.at[k])) * (ev + 8)
		} else if !inline {
			b += ev + 8
		}
	}
	b += int64(unsafe.Sizeof(x)) // its place in the partition's list
	if op.absence {
		b += int64(unsafe.Sizeof(waitingRun{}))
	}
	return b
}

// reuseRemoved makes the removed runs free for new ones, now that the
// matches built from them no longer need their bindings. A Kleene step's
// elements went out with a match as they are: they get a new array.
func (op *patternOp) reuseRemoved() {
	for _, x := range op.removed {
		x.gen++ // its bindings are emptied when it is reused: see newRun
	}
	op.freeRuns = append(op.freeRuns, op.removed...)
	clear(op.removed)
	op.removed = op.removed[:0]
}

// newRun makes a run starting at ts, carved from the slabs. Ordinary
// steps from step from on bind one event each into a slot of capacity
// one, so binding them allocates nothing; bindings are only ever appended,
// so a match or a copy may share them (a copy, clone, shares the steps
// before from and needs no slot for them).
func (op *patternOp) newRun(ts, w int64, from int) *run {
	if k := len(op.freeRuns); k > 0 {
		x := op.freeRuns[k-1]
		op.freeRuns = op.freeRuns[:k-1]
		x.id, x.start, x.last, x.bornW, x.prog, x.bar, x.waiting, x.dead = op.nextID, ts, ts, w, -1, 0, false, false
		x.deadline = op.withinOf(x.start)
		clear(x.cmpv)
		op.resetGroup(x)
		// Emptied now rather than when the run was freed, when it had
		// long left the cache.
		for k := range x.binds {
			if op.p.Steps[k].Kleene {
				x.binds[k], x.at[k] = nil, nil
			} else {
				x.binds[k], x.at[k] = x.binds[k][:0], x.at[k][:0]
			}
		}
		return x
	}
	n, nc := len(op.p.Steps), len(op.cmpSlots)
	inline := n <= inlineSteps && nc <= inlineSlots
	var x *run
	var evs []event.Event
	var ats []int64
	if inline && op.capture {
		xi := carve(&op.captureSlab)
		x = &xi.run
		x.binds, x.at, x.cmpv = xi.in.binds[:n:n], xi.in.at[:n:n], xi.in.cmpv[:nc:nc]
		evs, ats = noEvents, xi.in.pos[from:n:n]
	} else if inline {
		xi := carve(&op.inlineSlab)
		x = &xi.run
		x.binds, x.at, x.cmpv = xi.in.binds[:n:n], xi.in.at[:n:n], xi.in.cmpv[:nc:nc]
		evs, ats = xi.in.evs[from:n:n], xi.in.pos[from:n:n]
	} else {
		x = carve(&op.runSlab)
		if len(op.bindSlab) < n {
			op.bindSlab = make([][]event.Event, slabBlock*n)
			op.atSlab = make([][]int64, slabBlock*n)
		}
		if m := n - from; len(op.posSlab) < m {
			if !op.capture {
				op.evSlab = make([]event.Event, slabBlock*n)
			}
			op.posSlab = make([]int64, slabBlock*n)
		}
		if len(op.cmpSlab) < nc {
			op.cmpSlab = make([]event.Value, slabBlock*nc)
		}
		m := n - from
		x.binds, x.at = op.bindSlab[:n:n], op.atSlab[:n:n]
		evs, ats = noEvents, op.posSlab[:m:m]
		if !op.capture {
			evs, op.evSlab = op.evSlab[:m:m], op.evSlab[m:]
		}
		op.bindSlab, op.atSlab, op.posSlab = op.bindSlab[n:], op.atSlab[n:], op.posSlab[m:]
		x.cmpv, op.cmpSlab = op.cmpSlab[:nc:nc], op.cmpSlab[nc:]
	}
	x.id, x.start, x.last, x.bornW, x.prog = op.nextID, ts, ts, w, -1
	x.deadline = op.withinOf(x.start)
	op.newGroup(x)
	for k := from; k < n; k++ {
		if !op.p.Steps[k].Kleene {
			i := k - from
			x.binds[k] = evs[i : i : i+1]
			x.at[k] = ats[i : i : i+1]
		}
	}
	return x
}

// newGroup gives run x its group in the aggregate slots' accumulators.
// Runs are reused, never dropped, when there are such slots (not under
// policy any): groups are as many as runs ever carved.
func (op *patternOp) newGroup(x *run) {
	if op.capture && op.hasAggSlots() {
		x.grp = op.ngroups
		op.ngroups++
		for _, a := range op.accs {
			if a != nil {
				a.Resize(int(op.ngroups))
			}
		}
	}
}

// resetGroup empties the aggregates of a run being reused.
func (op *patternOp) resetGroup(x *run) {
	for _, a := range op.accs {
		if a != nil {
			a.Reset(x.grp)
		}
	}
}

func (op *patternOp) hasAggSlots() bool {
	for _, a := range op.accs {
		if a != nil {
			return true
		}
	}
	return false
}

// carve takes the next element of a slab, a new block of slabBlock
// elements when it is used up.
func carve[T any](slab *[]T) *T {
	if len(*slab) == 0 {
		*slab = make([]T, slabBlock)
	}
	x := &(*slab)[0]
	*slab = (*slab)[1:]
	return x
}

// gone reports whether the watermark removed x: an advance of W since the
// run started took W past its deadline (VPL.md §4.5.3; a run a late event
// started lives until the next advance). Waiting absences complete in a
// watermark phase instead.
func (op *patternOp) gone(x *run, w int64) bool {
	return !x.waiting && w > x.bornW && w > op.deadline(x)
}

// fired reports whether x is a waiting absence that the watermark w
// passed: it completed in a watermark phase, or completes at the end of
// the dispatch when the runtime defers the operator's phases
// (Runtime.fireDeferred). Either way no later event reaches it.
func (op *patternOp) fired(x *run, w int64) bool {
	return x.waiting && w > op.due1(x)
}

// due1 is the watermark a waiting absence completes above: its deadline,
// or, when a late event completed it past its deadline, the watermark at
// that moment (it completes in the next phase, at the next advance).
func (op *patternOp) due1(x *run) int64 {
	return max(op.deadline(x), x.waitW)
}

// live counts the runs of part that are neither dead nor fired at w.
func (op *patternOp) live(part *partition, w int64) int {
	n := 0
	for _, x := range part.runs {
		if !x.dead && !op.gone(x, w) && !op.fired(x, w) {
			n++
		}
	}
	for _, x := range part.waiting {
		if !x.dead && !op.gone(x, w) && !op.fired(x, w) {
			n++
		}
	}
	return n
}

func (op *patternOp) bind(x *run, k int, c *chunk, r int32, pos int64) {
	if cap(x.binds[k]) == 0 {
		// A Kleene step's first element: room for a few from a slab.
		if len(op.kleeneAtSlab) < kleeneRoom {
			if !op.capture {
				op.kleeneSlab = make([]event.Event, slabBlock*kleeneRoom)
			}
			op.kleeneAtSlab = make([]int64, slabBlock*kleeneRoom)
		}
		if op.capture {
			x.binds[k] = noEvents[:0]
		} else {
			x.binds[k], op.kleeneSlab = op.kleeneSlab[:0:kleeneRoom], op.kleeneSlab[kleeneRoom:]
		}
		x.at[k], op.kleeneAtSlab = op.kleeneAtSlab[:0:kleeneRoom], op.kleeneAtSlab[kleeneRoom:]
	}
	if op.capture {
		// What is read of the event is captured, and its type is the
		// step's: the list only counts it (see noEvents).
		if b := x.binds[k]; len(b) < cap(b) {
			x.binds[k] = b[:len(b)+1]
		} else {
			x.binds[k] = append(b, event.Event{})
		}
		op.captureValues(x, k, c, r)
	} else {
		x.binds[k] = append(x.binds[k], op.eventAt(c, r))
		if len(x.cmpv) > 0 {
			op.keepCmpValues(x, k, &x.binds[k][len(x.binds[k])-1])
		}
	}
	x.at[k] = append(x.at[k], pos)
	x.last = c.ts[r]
	if k > int(x.prog) {
		x.prog, x.bar = int32(k), 0 // moving on lifts a bar (it may not go past it)
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
		// Absences keep their events until their deadline, some far longer
		// than others, and a block lives as long as its longest: theirs are
		// small.
		block := slabBlock
		if op.absence {
			block = 4
		}
		op.fieldSlab = make([]event.Field, block*n)
	}
	fields := op.fieldSlab[:n:n]
	op.fieldSlab = op.fieldSlab[n:]
	e := event.Event{Type: c.typeAt(r), TS: c.ts[r], Fields: fields}
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
	y := op.newRun(x.start, x.bornW, int(x.prog)+1) // the copy shares the steps bound so far
	y.id, y.prog, y.bar, y.last = x.id, x.prog, x.bar, x.last
	for i := range x.binds {
		if len(x.binds[i]) > 0 || op.p.Steps[i].Kleene {
			y.binds[i] = slices.Clip(x.binds[i])
			y.at[i] = slices.Clip(x.at[i])
		}
	}
	copy(y.cmpv, x.cmpv)
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
	if op.capture {
		m.vals = op.recordValues(x)
	}
	if !x.dead {
		m.binds, m.at = op.viewBindings(x)
	}
	return m
}

// viewBindings returns lists of x's bindings and positions that x's
// appending leaves unchanged. Their memory is the operator's, reused from
// call to call (resetMatchLists): a match's lists are read until its
// record is built, in the call that made it.
func (op *patternOp) viewBindings(x *run) ([][]event.Event, [][]int64) {
	n := len(x.binds)
	if op.matchN+n > len(op.matchBinds) {
		// New memory; the matches made so far keep the old.
		size := max(2*len(op.matchBinds), 64*n)
		op.matchBinds, op.matchAt, op.matchN = make([][]event.Event, size), make([][]int64, size), 0
	}
	binds := op.matchBinds[op.matchN : op.matchN+n : op.matchN+n]
	at := op.matchAt[op.matchN : op.matchN+n : op.matchN+n]
	op.matchN += n
	for i := range n {
		binds[i] = slices.Clip(x.binds[i])
		at[i] = slices.Clip(x.at[i])
	}
	return binds, at
}

// completion returns the match that a copy of x binding row r at its
// last step j would make (policy any, capturing), without making the
// copy, which would end with it: the captured values are those of x with
// row r's at step j, the bindings those of x with row r at step j.
func (op *patternOp) completion(k int32, x *run, j int, c *chunk, r int32, pos int64) match {
	t := &op.scratch
	t.cmpv = append(t.cmpv[:0], x.cmpv...)
	t.binds = append(t.binds[:0], x.binds...)
	t.binds[j] = noEvents[:1:1]
	t.prog, t.bar, t.last, t.grp = int32(j), 0, c.ts[r], x.grp
	op.captureValues(t, j, c, r)
	m := match{key: k, r: x, ts: c.ts[r], row: r, vals: op.recordValues(t)}
	m.binds, m.at = op.viewBindings(x)
	if op.lastN == len(op.lastAt) {
		op.lastAt, op.lastN = make([]int64, max(2*len(op.lastAt), 64)), 0
	}
	m.binds[j], m.at[j] = noEvents[:1:1], op.lastAt[op.lastN:op.lastN+1:op.lastN+1]
	m.at[j][0] = pos
	op.lastN++
	return m
}

// resetMatchLists makes the memory of the last call's match lists free
// again (viewBindings), as the call's arena is.
func (op *patternOp) resetMatchLists() { op.matchN, op.lastN = 0, 0 }

// sweep drops dead and expired runs from every partition, so partitions
// that see no more events do not keep their runs forever.
func (op *patternOp) sweep(w int64) {
	empty := 0
	for i := range op.parts {
		part := &op.parts[i]
		// Only a partition with a run the watermark may have expired or a
		// phase completed can shrink: the others are not read further,
		// which matters when there are many (an absence per order).
		if part.fired || w > part.expiry || !op.fixedDeadlines {
			op.prune(part, w, true)
			op.pruneWaiting(part)
			part.fired, part.nfired = false, 0
		}
		if len(part.runs)+len(part.waiting) == 0 {
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
// dense, so the remaining keys are numbered again, in place, and the
// heaps follow; no output depends on key ids.
func (op *patternOp) forgetEmpty() {
	remap := op.keys.compact(func(id int32) bool {
		part := &op.parts[id]
		return len(part.runs)+len(part.waiting) > 0
	}, op.remap)
	op.remap = remap
	n := 0
	for id := range op.parts {
		if remap[id] >= 0 {
			op.parts[n] = op.parts[id]
			n++
		}
	}
	clear(op.parts[n:])
	op.parts = op.parts[:n]
	for _, h := range []*runHeap{&op.waits, &op.liveRuns} {
		h.filter(func(wr *waitingRun) bool {
			if wr.stale() || remap[wr.key] < 0 {
				return false
			}
			wr.key = remap[wr.key]
			return true
		})
	}
}
