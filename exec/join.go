package exec

import (
	"container/heap"
	"math"

	"github.com/cockroachdb/errors"
	"github.com/varpulis/varpulis-go/event"
	"github.com/varpulis/varpulis-go/planner"
)

// joinOp runs the head of a join stream (VPL.md §4.6, §11.8). Each
// arriving event of a member is buffered under its member and key; then,
// for every other member, the most recently arrived buffered event with an
// equal key whose ts lies within the horizon of the arriving event's is
// looked up; when every member has one, the arriving event passes, its
// fields unchanged, with every member's alias bound to its event.
//
// Buffered events are dropped once W(S) > ts + horizon, in the watermark
// phase (the operator is the stream's timed operator; it fires no rows).
// A late event is still buffered and looked up on arrival, and dropped at
// the next watermark advance.
//
// The state is plain data: per member, its buffers in creation order, each
// holding its key and its events in arrival order; the arrival counter.
// The key index and the expiry heap are derived from them.
type joinOp struct {
	rt      *Runtime
	stream  string
	j       *planner.Join
	keys    []kernel // per member: its key over an arriving event
	horizon int64
	max     int // max_join_buffer, per member and key
	members []joinMember
	seq     int64 // arrivals so far: orders buffered events by arrival
	expiry  joinHeap

	// scratch
	kv    []*vec
	roles []int
	found []*event.Event
	// binds holds, per member and domain row, the bindings joinRows
	// outputs. Reused by the next call: aliases end at the stream's
	// boundary, so nothing reads them once the pipeline has run. Rows
	// outside the output's selection hold stale events and are never read.
	binds [][]event.Event
}

// joinMember is the state of one member.
type joinMember struct {
	bufs  []*joinBuffer
	index valueMap[*joinBuffer]
}

// joinBuffer holds one member's buffered events of one key.
type joinBuffer struct {
	member int
	key    event.Value
	events []joinEntry // arrival order, oldest first
	// sorted: events are also in ts order, so the oldest ts is the first.
	sorted bool
	least  int64 // least ts of events
	slot   int   // position in its member's bufs
	hpos   int   // position in the expiry heap
}

// joinEntry is a buffered event and its arrival number.
type joinEntry struct {
	seq int64
	ev  event.Event
}

func newJoinOp(rt *Runtime, si int, s *planner.Stream, j *planner.Join) *joinOp {
	op := &joinOp{rt: rt, stream: s.Name, j: j, horizon: max(j.Horizon, 0),
		max: rt.opts.Limits.MaxJoinBuffer, members: make([]joinMember, len(j.Members))}
	for _, m := range j.Members {
		key := m.Key
		if key == nil {
			key = &planner.Const{Val: event.Null}
		}
		op.keys = append(op.keys, rt.compile(key))
	}
	op.kv = make([]*vec, len(j.Members))
	op.found = make([]*event.Event, len(j.Members))
	op.binds = make([][]event.Event, len(j.Members))
	return op
}

// rolesOf lists the members, in join order, whose events the chunk holds:
// those named after its type, or after the stream that produced it (a
// stream's events may carry another type: .emit as T, emit statements).
func (op *joinOp) rolesOf(c *chunk) []int {
	prod := ""
	if p := c.prov; p != nil {
		switch {
		case p.parent != nil:
			prod = op.rt.plan.Streams[p.sub].Name
		case p.fired && int(p.root) < len(op.rt.order):
			prod = op.rt.plan.Streams[op.rt.order[p.root]].Name
		}
	}
	op.roles = op.roles[:0]
	for i, m := range op.j.Members {
		if m.Name == c.typ || m.Name == prod {
			op.roles = append(op.roles, i)
		}
	}
	return op.roles
}

// runMany implements multiOperator.
func (op *joinOp) runMany(c *chunk) []*chunk {
	roles := op.rolesOf(c)
	if len(roles) == 0 {
		return nil
	}
	for _, m := range roles {
		op.kv[m] = op.keys[m].eval(c, c.sel)
	}
	if len(roles) == 1 {
		return op.joinRows(c, roles[0])
	}
	return op.joinRoles(c, roles)
}

// joinRows joins arriving events of one member. The output keeps the
// input's row domain: a joined event is the arriving event itself.
func (op *joinOp) joinRows(c *chunk, m int) []*chunk {
	var sel []int32
	bound := op.binds
	for _, r := range c.sel {
		ev := c.rowEvent(int(r))
		op.seq++
		seq := op.seq
		key := op.add(m, op.kv[m].value(int(r)), seq, ev)
		if !op.lookup(m, key, c.ts[r], seq) {
			continue
		}
		if sel == nil {
			for i := range bound {
				bound[i] = grow(bound[i], c.n)
			}
		}
		for i, f := range op.found {
			if i == m {
				bound[i][r] = ev
			} else {
				bound[i][r] = *f
			}
		}
		sel = append(sel, r)
	}
	if len(sel) == 0 {
		return nil
	}
	out := *c
	out.sel = sel
	out.aliases = make([]*aliasVec, len(op.j.Members))
	for i, mem := range op.j.Members {
		out.aliases[i] = &aliasVec{name: mem.Alias, one: bound[i]}
	}
	return []*chunk{&out}
}

// joinRoles joins arriving events that are members several times (labelled
// members of one type): an event is buffered under each of its members,
// then plays each in join order, never joining with itself. Each role that
// completes yields one joined event, so the output is a new domain.
func (op *joinOp) joinRoles(c *chunk, roles []int) []*chunk {
	var evs []event.Event
	var prow, seqs []int32
	var bound [][]event.Event // per member, per output row
	keys := make([]event.Value, len(op.j.Members))
	for _, r := range c.sel {
		ev := c.rowEvent(int(r))
		op.seq++
		seq := op.seq
		for _, m := range roles {
			keys[m] = op.add(m, op.kv[m].value(int(r)), seq, ev)
		}
		k := int32(0)
		for _, m := range roles {
			if !op.lookup(m, keys[m], c.ts[r], seq) {
				continue
			}
			if bound == nil {
				bound = make([][]event.Event, len(op.j.Members))
			}
			for i, f := range op.found {
				if i == m {
					bound[i] = append(bound[i], ev)
				} else {
					bound[i] = append(bound[i], *f)
				}
			}
			evs = append(evs, ev)
			prow = append(prow, c.upRow(r))
			seqs = append(seqs, c.upSeq(r)+k)
			k++
		}
	}
	out := rowsChunks(evs, c.prov, prow, seqs)
	start := 0
	for _, o := range out {
		o.aliases = make([]*aliasVec, len(op.j.Members))
		for i, mem := range op.j.Members {
			o.aliases[i] = &aliasVec{name: mem.Alias, one: bound[i][start : start+o.n]}
		}
		start += o.n
	}
	return out
}

// add buffers an arriving event under member m and its key, evicting the
// member's oldest event of that key beyond max_join_buffer. It returns the
// key (strings copied).
func (op *joinOp) add(m int, key event.Value, seq int64, ev event.Event) event.Value {
	key = cloneKey(key)
	mem := &op.members[m]
	b, ok := mem.index.lookup(key)
	if !ok {
		b = &joinBuffer{member: m, key: key, sorted: true, least: ev.TS, slot: len(mem.bufs)}
		mem.bufs = append(mem.bufs, b)
		mem.index.put(key, b)
		heap.Push(&op.expiry, b)
	}
	if n := len(b.events); n > 0 && ev.TS < b.events[n-1].ev.TS {
		b.sorted = false
	}
	b.events = append(b.events, joinEntry{seq: seq, ev: ev})
	if ev.TS < b.least {
		b.least = ev.TS
		heap.Fix(&op.expiry, b.hpos)
	}
	for len(b.events) > max(op.max, 0) {
		evicted := b.events[0]
		b.events[0] = joinEntry{}
		b.events = b.events[1:]
		op.rt.limitHit(op.stream, "max_join_buffer", op.max)
		if evicted.ev.TS == b.least {
			op.settle(b)
		}
	}
	return b.key
}

// lookup finds, for every member but m, the most recently arrived event
// with key whose ts is within the horizon of ts, other than the arriving
// event itself, into op.found. It reports whether every member has one.
func (op *joinOp) lookup(m int, key event.Value, ts int64, self int64) bool {
	for i := range op.members {
		op.found[i] = nil
		if i == m {
			continue
		}
		b, ok := op.members[i].index.lookup(key)
		if !ok {
			return false
		}
		for k := len(b.events) - 1; k >= 0; k-- {
			e := &b.events[k]
			if e.seq != self && withinHorizon(e.ev.TS, ts, op.horizon) {
				op.found[i] = &e.ev
				break
			}
		}
		if op.found[i] == nil {
			return false
		}
	}
	return true
}

// withinHorizon reports |a - b| <= d without overflow.
func withinHorizon(a, b, d int64) bool {
	if a > b {
		a, b = b, a
	}
	return uint64(b)-uint64(a) <= uint64(d)
}

// settle recomputes a buffer's least ts after events left it, and drops
// the buffer when it is empty.
func (op *joinOp) settle(b *joinBuffer) {
	if len(b.events) == 0 {
		heap.Remove(&op.expiry, b.hpos)
		mem := &op.members[b.member]
		last := mem.bufs[len(mem.bufs)-1]
		mem.bufs[b.slot] = last
		last.slot = b.slot
		mem.bufs[len(mem.bufs)-1] = nil
		mem.bufs = mem.bufs[:len(mem.bufs)-1]
		mem.index.remove(b.key)
		return
	}
	least := b.events[0].ev.TS
	if !b.sorted {
		sorted := true
		for i := 1; i < len(b.events); i++ {
			least = min(least, b.events[i].ev.TS)
			sorted = sorted && b.events[i].ev.TS >= b.events[i-1].ev.TS
		}
		b.sorted = sorted
	}
	b.least = least
	heap.Fix(&op.expiry, b.hpos)
}

// due implements timedOp: the least watermark that passes some buffered
// event's ts + horizon.
func (op *joinOp) due() int64 {
	if len(op.expiry) == 0 {
		return math.MaxInt64
	}
	return op.expiryOf(op.expiry[0].least)
}

// expiryOf is the least watermark at which an event at ts is dropped:
// W > ts + horizon.
func (op *joinOp) expiryOf(ts int64) int64 { return addSat(addSat(ts, op.horizon), 1) }

// bound implements timedOp.
func (op *joinOp) bound(ts int64) int64 { return op.expiryOf(ts) }

// fire implements timedOp: it drops the buffered events that watermark w
// passed and releases nothing.
func (op *joinOp) fire(w int64, _ *prov) []*chunk {
	for len(op.expiry) > 0 && op.expiryOf(op.expiry[0].least) <= w {
		b := op.expiry[0]
		if b.sorted {
			n := 0
			for n < len(b.events) && op.expiryOf(b.events[n].ev.TS) <= w {
				b.events[n] = joinEntry{}
				n++
			}
			b.events = b.events[n:]
		} else {
			kept := b.events[:0]
			for _, e := range b.events {
				if op.expiryOf(e.ev.TS) > w {
					kept = append(kept, e)
				}
			}
			clear(b.events[len(kept):])
			b.events = kept
		}
		op.settle(b)
	}
	return nil
}

// snapshot implements stateful: the arrival counter, then per member its
// buffers in creation order, each its key and events in arrival order.
func (op *joinOp) snapshot(w *stateWriter) {
	w.int(op.seq)
	w.uint(uint64(len(op.members)))
	for _, m := range op.members {
		w.uint(uint64(len(m.bufs)))
		for _, b := range m.bufs {
			w.value(b.key)
			w.uint(uint64(len(b.events)))
			for i := range b.events {
				w.int(b.events[i].seq)
				w.event(&b.events[i].ev)
			}
		}
	}
}

// restore implements stateful; the index, the ts order and the expiry heap
// are rebuilt from the buffers.
func (op *joinOp) restore(r *stateReader) error {
	op.seq = r.int()
	if n := r.uint(); r.err == nil && n != uint64(len(op.members)) {
		return errors.Wrapf(ErrBadSnapshot, "join of stream %s: %d members, the plan has %d", op.stream, n, len(op.members))
	}
	for m := range op.members {
		mem := &op.members[m]
		nb := r.count()
		for range nb {
			key := r.value()
			ne := r.count()
			if r.err != nil {
				return r.err
			}
			if _, dup := mem.index.lookup(key); dup || ne == 0 {
				return errors.Wrapf(ErrBadSnapshot, "join of stream %s: bad buffer", op.stream)
			}
			b := &joinBuffer{member: m, key: key, slot: len(mem.bufs), events: make([]joinEntry, ne)}
			for i := range b.events {
				b.events[i] = joinEntry{seq: r.int(), ev: r.event()}
			}
			b.sorted = false
			mem.bufs = append(mem.bufs, b)
			mem.index.put(key, b)
			heap.Push(&op.expiry, b)
			op.settle(b)
		}
	}
	return r.err
}

// buffered returns the number of buffered events (for tests).
func (op *joinOp) buffered() int {
	n := 0
	for _, m := range op.members {
		for _, b := range m.bufs {
			n += len(b.events)
		}
	}
	return n
}

// cloneKey copies the strings of a key out of shared buffers, inside
// arrays and maps too (a key of several parts is an array).
func cloneKey(v event.Value) event.Value {
	switch v.Kind() {
	case event.KindString:
		return cloneValue(v)
	case event.KindArray:
		elems := make([]event.Value, len(v.Elems()))
		for i, e := range v.Elems() {
			elems[i] = cloneKey(e)
		}
		return event.Array(elems)
	case event.KindMap:
		vals := make([]event.Value, len(v.Elems()))
		for i, e := range v.Elems() {
			vals[i] = cloneKey(e)
		}
		return event.Map(v.Keys(), vals)
	}
	return v
}

// joinHeap orders buffers by their least ts.
type joinHeap = placedHeap[*joinBuffer]

func (b *joinBuffer) heapKey() int64     { return b.least }
func (b *joinBuffer) setHeapPos(pos int) { b.hpos = pos }

// unionOp is .emit() on a join (VPL.md §11.8): the fields are the union of
// the fields of the members' bound events, in join order, each event's
// fields in their own order, the earlier member winning a name clash. The
// names depend on the bound events, so rows may differ in shape and the
// output is a list of chunks.
type unionOp struct {
	aliases []string
}

// runMany implements multiOperator.
func (o *unionOp) runMany(c *chunk) []*chunk {
	evs := make([]event.Event, 0, len(c.sel))
	prow := make([]int32, 0, len(c.sel))
	seq := make([]int32, 0, len(c.sel))
	vecs := make([]*aliasVec, len(o.aliases))
	for i, a := range o.aliases {
		vecs[i] = c.alias(a)
	}
	for _, r := range c.sel {
		var fields []event.Field
		for _, a := range vecs {
			if a == nil {
				continue
			}
			b := a.last(int(r))
			if b == nil {
				continue
			}
		next:
			for _, f := range b.Fields {
				for _, g := range fields {
					if g.Name == f.Name {
						continue next
					}
				}
				fields = append(fields, f)
			}
		}
		evs = append(evs, event.Event{Type: c.typ, TS: c.ts[r], Fields: fields})
		prow = append(prow, c.upRow(r))
		seq = append(seq, c.upSeq(r))
	}
	out := rowsChunks(evs, c.prov, prow, seq)
	// Later operators of the stream still read the aliases.
	start := 0
	for _, x := range out {
		rows := c.sel[start : start+x.n]
		for _, a := range c.aliases {
			x.aliases = append(x.aliases, a.gather(rows))
		}
		start += x.n
	}
	return out
}
