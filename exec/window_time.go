package exec

import (
	"math"
	"math/bits"
	"slices"

	"github.com/varpulis/varpulis-go/event"
	"github.com/varpulis/varpulis-go/planner"
)

// Tumbling and sliding time windows. Window j of a key spans
// [j·s, j·s + d) (s = d when tumbling); an event at ts belongs to windows
// jlo..jhi (VPL.md §4.3, §11.6).
//
// A key keeps its windows in a ring: a block of consecutive slots holding
// them in start order from position head, wrapping around. A window's slot
// indexes its accumulator group and the per-slot state of windowOp (j,
// state, events), so a key's windows are adjacent in memory and the
// windows holding one event, consecutive in j, are at most two runs of
// consecutive groups, which agg.UpdateSpans folds as tight loops. Windows
// are added at the end (in-order data) or, rarely, at the start or in the
// middle, which shifts the shorter side by one slot; they leave from the
// start as they fire. The block doubles when full and goes back to the
// free list when the key has no window left.
//
// Most rings are plain: every window open, with consecutive j from first.
// Their windows' j and state are implied, so adding and firing touch
// nothing per window but the accumulator groups. Others (gaps, windows
// kept for the allowed lateness, late events) keep each window's j and
// state in per-slot arrays.

// Window states, per slot.
const (
	winNone   uint8 = 0 // no window
	winOpen   uint8 = 1 // taking events, not released yet
	winFired  uint8 = 2 // released, kept for the allowed lateness
	winReemit uint8 = 4 // flag: queued for re-emission by the current batch
)

// timeRing is one key's windows.
type timeRing struct {
	base        int32 // first slot of the block
	size        int32 // slots in the block, a power of two; 0: no block, no window
	head        int32 // block position of the first window
	n           int32 // windows
	first, last int64 // j of the first and the last window
	// Windows run..last all exist and are open: an event whose windows
	// start at or after run and have not ended takes the fast path.
	run int64
	// meta: windowOp.wj and .st hold every window's j and state; else the
	// ring is plain (see above).
	meta bool
}

// plain reports whether the ring's windows are all open, with consecutive
// j.
func (r *timeRing) plain() bool { return r.run <= r.first && r.last-r.first == int64(r.n-1) }

// at returns the slot of the i-th window.
func (r *timeRing) at(i int32) int32 { return r.base + (r.head+i)&(r.size-1) }

// slotBlocks hands out runs of consecutive slots of power-of-two sizes,
// recycling released runs by size.
type slotBlocks struct {
	n    int32
	free [32][]int32
}

func (b *slotBlocks) alloc(size int32) int32 {
	c := bits.TrailingZeros32(uint32(size))
	if f := b.free[c]; len(f) > 0 {
		b.free[c] = f[:len(f)-1]
		return f[len(f)-1]
	}
	s := b.n
	b.n += size
	return s
}

func (b *slotBlocks) release(first, size int32) {
	c := bits.TrailingZeros32(uint32(size))
	b.free[c] = append(b.free[c], first)
}

// winRef names window j of a key (and its slot while no window moves).
type winRef struct {
	key  int32
	slot int32
	j    int64
}

func (op *windowOp) slide() int64 {
	if op.w.Kind == planner.Tumbling {
		return op.w.Size
	}
	return op.w.Slide
}

// addTime adds events to tumbling and sliding windows. Windows fire in
// the watermark phase; here only an allowed-lateness update re-emits.
func (op *windowOp) addTime(c *chunk) []*chunk {
	op.kbuf = op.keys.ids(c, c.sel, op.kbuf[:0])
	for len(op.rings) < op.keys.Len() {
		op.rings = append(op.rings, timeRing{})
	}
	d, s := op.w.Size, op.slide()
	dacc := op.dacc()
	keepEvents := op.wantsEvents()
	op.reemit = op.reemit[:0]
	var out []*chunk
	for i, r := range c.sel {
		ts := c.ts[r]
		w := subSat(c.maxTsAt(r), dacc)
		ring := &op.rings[op.kbuf[i]]
		jhi := op.slides.index(ts, s)
		jlo := jhi - op.perEvent + 1 // = floorDiv(ts-d, s) + 1
		if op.perEvent == 0 || ts < math.MinInt64+d {
			jlo = floorDiv(ts-d, s) + 1
		}
		var ev *event.Event
		if keepEvents {
			e := c.rowEvent(int(r)) // shared by the event's windows: nobody changes it
			ev = &e
		}
		if jlo <= jhi && (ring.n == 0 || jlo >= ring.run) && jlo*s+d > w {
			// Fast path: none of the windows has ended, and those that
			// exist are open and at the end of the ring.
			if ring.n == 0 || jhi > ring.last {
				op.appendRun(ring, jlo, jhi)
			}
			op.addRun(ring, ring.n-1-int32(ring.last-jlo), int32(jhi-jlo+1), r, ev)
			continue
		}
		if !op.addSlow(op.kbuf[i], ring, jlo, jhi, w, r, ev) {
			op.rt.countLate(op.si)
		}
		if len(op.reemit) > 0 {
			out = append(out, op.reemitAt(c, r)...)
		}
	}
	if op.agg != nil {
		op.agg.flush()
	}
	return out
}

// reemitAt emits again the complete result of each window that the late
// row r updated, with the same bounds, in r's dispatch phase: once per late
// event, whatever the batch boundaries.
func (op *windowOp) reemitAt(c *chunk, r int32) []*chunk {
	d, s := op.w.Size, op.slide()
	if op.agg != nil {
		op.agg.flush() // the results include r and every row before it
	}
	op.beginRelease(len(op.reemit))
	for _, x := range op.reemit {
		ring := &op.rings[x.key]
		i, _ := op.find(ring, x.j)
		sl := ring.at(i)
		op.st[sl] &^= winReemit // windows a late event reached keep their state
		start := x.j * s
		op.releaseWin(x.key, start, start+d, start+d, sl, nil, op.evsAt(sl))
	}
	op.reemit = op.reemit[:0]
	return op.dispatchReleaseAt(c, r)
}

// appendRun adds open windows up to jhi after the ring's last (from jlo
// when the ring is empty or ends before jlo).
func (op *windowOp) appendRun(ring *timeRing, jlo, jhi int64) {
	from := jlo
	switch {
	case ring.n == 0:
		*ring = timeRing{first: jlo, run: jlo}
	case jlo > ring.last+1:
		op.materialize(ring) // a gap: no longer plain
		ring.run = jlo
	default:
		from = ring.last + 1
	}
	op.reserve(ring, int32(jhi-from+1))
	if ring.meta {
		for j := from; j <= jhi; j++ {
			sl := ring.at(ring.n + int32(j-from))
			op.st[sl], op.wj[sl] = winOpen, j
		}
	}
	ring.n += int32(jhi - from + 1)
	ring.last = jhi
	op.dueAt = min(op.dueAt, from*op.slide()+op.w.Size)
}

// materialize writes the j and state of a plain ring's windows, which
// something is about to make other than plain.
func (op *windowOp) materialize(ring *timeRing) {
	if ring.meta || ring.n == 0 {
		return
	}
	op.growMeta()
	for i := range ring.n {
		sl := ring.at(i)
		op.st[sl], op.wj[sl] = winOpen, ring.first+int64(i)
	}
	ring.meta = true
}

// settle makes a ring plain again when it is (a ring with a fired window
// is not: its open run starts after it).
func (op *windowOp) settle(ring *timeRing) {
	if ring.meta && ring.n > 0 && ring.plain() {
		ring.meta = false
	}
}

// jAt and stAt return the j and state of the ring's i-th window.
func (op *windowOp) jAt(ring *timeRing, i int32) int64 {
	if !ring.meta {
		return ring.first + int64(i)
	}
	return op.wj[ring.at(i)]
}

func (op *windowOp) stAt(ring *timeRing, i int32) uint8 {
	if !ring.meta {
		return winOpen
	}
	return op.st[ring.at(i)]
}

// addRun adds row r to the n windows from the ring's i-th.
func (op *windowOp) addRun(ring *timeRing, i, n int32, r int32, ev *event.Event) {
	if op.agg != nil {
		p := (ring.head + i) & (ring.size - 1)
		first := min(n, ring.size-p)
		op.agg.addSpan(ring.base+p, first, r)
		if n > first {
			op.agg.addSpan(ring.base, n-first, r)
		}
	}
	if ev != nil {
		for k := range n {
			sl := ring.at(i + k)
			op.evs[sl] = append(op.evs[sl], *ev)
		}
	}
}

// addSlow adds row r window by window, for events that reach windows that
// fired or passed while empty, or lie before the ring's open run. It
// reports whether some window took the event.
func (op *windowOp) addSlow(key int32, ring *timeRing, jlo, jhi, w int64, r int32, ev *event.Event) bool {
	d, s := op.w.Size, op.slide()
	op.materialize(ring)
	added := false
	for j := jlo; j <= jhi; j++ {
		start := j * s
		end := start + d
		i, ok := op.find(ring, j)
		st := winNone
		if ok {
			st = op.st[ring.at(i)]
		}
		if end <= w && st&^winReemit != winOpen {
			// Released, or passed while empty: within the allowed
			// lateness the window takes the event and emits its complete
			// result again (or for the first time).
			if addSat(end, op.lateness) <= w {
				continue
			}
			if st == winNone {
				op.insert(ring, i, j, winFired)
				st = winFired
			}
			if st&winReemit == 0 {
				op.st[ring.at(i)] |= winReemit
				op.reemit = append(op.reemit, winRef{key: key, j: j})
			}
		} else if st == winNone {
			op.insert(ring, i, j, winOpen)
			op.dueAt = min(op.dueAt, end)
		}
		op.addRun(ring, i, 1, r, ev)
		added = true
	}
	op.findRun(ring)
	op.settle(ring)
	return added
}

// findRun sets ring.run after the ring changed other than at its end.
func (op *windowOp) findRun(ring *timeRing) {
	ring.run = ring.last + 1
	for i := ring.n - 1; i >= 0; i-- {
		sl := ring.at(i)
		if op.st[sl]&^winReemit != winOpen || op.wj[sl] != ring.run-1 {
			break
		}
		ring.run--
	}
}

// find returns the position of window j in the ring, or where it would go
// (a ring with gaps or fired windows keeps its windows' j).
func (op *windowOp) find(ring *timeRing, j int64) (int32, bool) {
	if ring.n > 0 && j <= ring.last && j >= ring.run {
		return ring.n - 1 - int32(ring.last-j), true
	}
	lo, hi := int32(0), ring.n
	for lo < hi {
		m := int32(uint32(lo+hi) >> 1)
		if op.wj[ring.at(m)] < j {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo, lo < ring.n && op.wj[ring.at(lo)] == j
}

// insert makes window j, with state st, the ring's i-th.
func (op *windowOp) insert(ring *timeRing, i int32, j int64, st uint8) {
	op.materialize(ring)
	if ring.n == 0 {
		ring.first = j
	}
	op.reserve(ring, 1)
	op.growMeta()
	if i > 0 && i < ring.n && op.agg != nil {
		op.agg.flush() // queued folds name the groups about to move
	}
	switch {
	case i == ring.n:
	case i == 0:
		ring.head = (ring.head - 1) & (ring.size - 1)
	case i < ring.n/2:
		// Shift the windows before i one slot back.
		ring.head = (ring.head - 1) & (ring.size - 1)
		for k := int32(0); k < i; k++ {
			op.moveSlot(ring.at(k), ring.at(k+1))
		}
	default:
		// Shift the windows from i one slot on.
		for k := ring.n; k > i; k-- {
			op.moveSlot(ring.at(k), ring.at(k-1))
		}
	}
	sl := ring.at(i)
	op.st[sl], op.wj[sl] = st, j
	if ring.n == 0 {
		ring.first, ring.last, ring.run, ring.meta = j, j, j+1, true
	}
	ring.first, ring.last = min(ring.first, j), max(ring.last, j)
	ring.n++
}

// moveSlot moves a window's state from slot src to the empty slot dst.
func (op *windowOp) moveSlot(dst, src int32) {
	if op.st != nil {
		op.st[dst], op.st[src] = op.st[src], winNone
		op.wj[dst] = op.wj[src]
	}
	if op.evs != nil {
		op.evs[dst], op.evs[src] = op.evs[src], nil
	}
	if op.agg != nil {
		op.agg.move(dst, src)
	}
}

// reserve makes room for k more windows, moving the ring to a larger
// block when needed. Windows may move, so folds queued for their groups
// are applied first.
func (op *windowOp) reserve(ring *timeRing, k int32) {
	if ring.n+k <= ring.size {
		return
	}
	size := max(op.minRing, ring.size)
	for size < ring.n+k {
		size *= 2
	}
	// Window j of a plain ring sits at position j mod size: every key's
	// window released by one fire is at one offset of its block.
	to := *ring
	to.base, to.size, to.head = op.blocks.alloc(size), size, int32(ring.first&int64(size-1))
	op.growSlots()
	if ring.n > 0 {
		if op.agg != nil {
			op.agg.flush()
		}
		for i := range ring.n {
			op.moveSlot(to.at(i), ring.at(i))
		}
		op.blocks.release(ring.base, ring.size)
	}
	*ring = to
}

// growSlots sizes the per-slot state to the slots handed out (windows' j
// and state only once some ring needs them).
func (op *windowOp) growSlots() {
	n := int(op.blocks.n)
	if op.st != nil {
		op.growMeta()
	}
	if op.wantsEvents() && n > len(op.evs) {
		op.evs = append(op.evs, make([][]event.Event, n-len(op.evs))...)
	}
	if op.agg != nil {
		op.agg.resize(int32(n))
	}
}

// growMeta gives every slot room for a window's j and state.
func (op *windowOp) growMeta() {
	if n := int(op.blocks.n); n > len(op.st) {
		op.st = append(op.st, make([]uint8, n-len(op.st))...)
		op.wj = append(op.wj, make([]int64, n-len(op.wj))...)
	}
}

func (op *windowOp) evsAt(sl int32) []event.Event {
	if op.evs == nil {
		return nil
	}
	return op.evs[sl]
}

// dropFirst forgets the ring's first window, giving the block back after
// the last.
func (op *windowOp) dropFirst(ring *timeRing) {
	if op.agg != nil {
		op.agg.reset(ring.at(0))
	}
	op.dropFirstTaken(ring)
}

// takePlain is fireTime's visit of a plain ring (windows first..last,
// consecutive and all open) when releases take their windows: the windows
// that end by w are its first ones, found by arithmetic and dropped at
// once, as the general visit does one by one.
func (op *windowOp) takePlain(ring *timeRing, k int32, w int64, ds *[]winRef) {
	d, s := op.w.Size, op.slide()
	cnt := int32(0)
	if rem := w - d - ring.first*s; rem >= 0 {
		cnt = int32(min(int64(ring.n), rem/s+1))
	}
	stop := ring.last + 1
	if cnt < ring.n {
		stop = ring.first + int64(cnt)
		op.dueAt = min(op.dueAt, stop*s+d)
	}
	for i := range cnt {
		*ds = append(*ds, winRef{key: k, slot: ring.at(i), j: ring.first + int64(i)})
	}
	ring.run = max(ring.run, stop)
	if cnt == 0 {
		return
	}
	if op.evs != nil {
		for i := range cnt {
			op.evs[ring.at(i)] = nil
		}
	}
	if cnt == ring.n {
		op.blocks.release(ring.base, ring.size)
		*ring = timeRing{}
		op.emptyKeys++
		return
	}
	ring.head = (ring.head + cnt) & (ring.size - 1)
	ring.n -= cnt
	ring.first += int64(cnt)
}

// dropFirstTaken is dropFirst for a window whose groups are already empty
// (see aggChunk): every free slot's groups are.
func (op *windowOp) dropFirstTaken(ring *timeRing) {
	sl := ring.at(0)
	if ring.meta {
		op.st[sl] = winNone
	}
	if op.evs != nil {
		op.evs[sl] = nil
	}
	ring.head = (ring.head + 1) & (ring.size - 1)
	ring.n--
	if ring.n == 0 {
		op.blocks.release(ring.base, ring.size)
		*ring = timeRing{}
		return
	}
	if ring.meta {
		ring.first = op.wj[ring.at(0)]
	} else {
		ring.first++
	}
}

// dueTime computes the least end of an open window (MaxInt64 when none).
func (op *windowOp) dueTime() int64 {
	d, s := op.w.Size, op.slide()
	due := int64(math.MaxInt64)
	for k := range op.rings {
		ring := &op.rings[k]
		for i := range ring.n {
			if op.stAt(ring, i)&^winReemit == winOpen {
				due = min(due, op.jAt(ring, i)*s+d)
				break
			}
		}
	}
	return due
}

// releaseOrder returns the order in which the releases in ds, which are
// in key order, go out: by end (by j), then key (VPL.md §7.3); nil when
// that is ds's order, as when every release has one end (a regular fire
// releases one window per key). Else a stable counting sort by j takes
// linear time when the ends span little more than the releases (the last
// fire releases every window still open).
func (op *windowOp) releaseOrder(ds []winRef) []int32 {
	lo, hi := int64(math.MaxInt64), int64(math.MinInt64)
	for _, x := range ds {
		lo, hi = min(lo, x.j), max(hi, x.j)
	}
	if lo >= hi {
		return nil
	}
	keys := op.sortKeys[:0]
	for _, x := range ds {
		keys = append(keys, x.j-lo)
	}
	n := hi - lo + 1
	if n <= 0 || n > math.MaxInt32 {
		n = math.MaxInt32 // by comparison
	}
	order := countSort(identity(op.order, len(ds)), &op.orderBuf, keys, int(n), &op.sortCounts)
	op.order, op.sortKeys = order, keys
	return order
}

// countSort sorts the indexes in order stably by keys[i], in [0, n): by
// counting when n is not much more than the indexes, else by comparison.
// The result is in order's memory or in *buf, which gets the other.
func countSort(order []int32, buf *[]int32, keys []int64, n int, counts *[]int32) []int32 {
	if n > 4*len(order)+64 {
		slices.SortStableFunc(order, func(a, b int32) int { return cmpInt64(keys[a], keys[b]) })
		return order
	}
	c := grow(*counts, n+1)
	clear(c)
	for _, i := range order {
		c[keys[i]+1]++
	}
	for k := 1; k < len(c); k++ {
		c[k] += c[k-1]
	}
	out := grow(*buf, len(order))
	for _, i := range order {
		out[c[keys[i]]] = i
		c[keys[i]]++
	}
	*counts, *buf = c, order
	return out
}

// fireTime releases the windows whose end the watermark reached, by end
// then key, and drops those past their allowed lateness.
func (op *windowOp) fireTime(w int64, root *prov) []*chunk {
	d, s := op.w.Size, op.slide()
	ds := op.dueBuf[:0]
	op.dueAt = math.MaxInt64
	// Aggregate releases without lateness: the release chunk reads and
	// empties the windows' groups, so the windows can go at once (each
	// key's released windows are its first ones), their slots and groups
	// untouched until the chunk is built.
	take := op.agg != nil && op.w.Keep == nil && op.lateness == 0
	// Forget the keys whose rings were empty at the last fire once they
	// are most of them (see forgetKeys): every fire visits every key.
	if forgettable := op.emptyKeys - op.keptKeys; forgettable > forgetAfter && 2*forgettable > op.keys.Len() {
		op.forgetKeys(func(k int32) bool { return int(k) < len(op.rings) && op.rings[k].n > 0 })
	}
	op.emptyKeys = 0
	// Rings in key order: the releases come out by key, and only those of
	// several ends need sorting (see releaseOrder).
	for _, k := range op.keys.sorted() {
		if int(k) >= len(op.rings) {
			op.emptyKeys++
			continue
		}
		ring := &op.rings[k]
		if take && !ring.meta && ring.n > 0 {
			op.takePlain(ring, k, w, &ds)
			continue
		}
		// Released windows come first; drop those past their lateness.
		for ring.n > 0 && op.stAt(ring, 0) == winFired && addSat(ring.first*s+d, op.lateness) <= w {
			op.dropFirst(ring)
		}
		stop, due := ring.last+1, len(ds)
		for i := range ring.n {
			if op.stAt(ring, i) != winOpen {
				continue
			}
			j := op.jAt(ring, i)
			if end := j*s + d; end > w {
				// Windows are ordered by start, so by end: none later
				// is due.
				op.dueAt = min(op.dueAt, end)
				stop = j
				break
			}
			ds = append(ds, winRef{key: k, slot: ring.at(i), j: j})
			if op.lateness > 0 {
				// Kept: no longer plain. (Without lateness the window
				// goes once released, the ring's first.)
				op.materialize(ring)
				op.st[ring.at(i)] = winFired
			}
		}
		ring.run = max(ring.run, stop)
		if take && len(ds) > due {
			for range len(ds) - due {
				op.dropFirstTaken(ring)
			}
			op.settle(ring)
		}
		if ring.n == 0 {
			op.emptyKeys++
		}
	}
	order := op.releaseOrder(ds)
	var out []*chunk
	if take && len(ds) > 0 {
		// The release columns, straight from ds in output order.
		n := len(ds)
		keys, slots := grow(op.rel.okeys, n), grow(op.rel.oslots, n)
		// The release is consumed before the next phase: its columns
		// reuse the last release's memory.
		op.fireBufs.reset()
		bounds := op.fireBufs.int64s(2 * n) // one buffer: the chunk keeps both
		starts, ends := bounds[:n:n], bounds[n:]
		for p := range n {
			x := &ds[p]
			if order != nil {
				x = &ds[order[p]]
			}
			keys[p], slots[p] = x.key, x.slot
			starts[p] = x.j * s
			ends[p] = starts[p] + d
		}
		op.rel.okeys, op.rel.oslots = keys, slots
		out = rankFired([]*chunk{op.aggChunk(keys, slots, starts, ends, true, &op.fireBufs)}, root)
	} else if !take {
		op.beginRelease(len(ds))
		for p := range ds {
			x := ds[p]
			if order != nil {
				x = ds[order[p]]
			}
			start := x.j * s
			op.releaseWin(x.key, start, start+d, start+d, x.slot, nil, op.evsAt(x.slot))
		}
		out = op.firedRelease(root)
		for _, x := range ds {
			ring := &op.rings[x.key]
			if op.lateness == 0 && ring.n > 0 && ring.first == x.j {
				// Released windows are each key's first ones, in order.
				op.dropFirst(ring)
			}
			op.settle(ring)
		}
	}
	op.dueBuf = ds
	return out
}
