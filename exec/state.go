package exec

import (
	"encoding/binary"
	"math"
	"slices"

	"github.com/cockroachdb/errors"
	"github.com/varpulis/varpulis-go/event"
	"github.com/varpulis/varpulis-go/planner"
)

// Snapshots. A runtime's state between two batches (the source's maxTs,
// counters, globals and every stateful operator) serializes to bytes that
// Restore loads into a fresh runtime of the same plan, which then continues
// exactly as the original would have: same outputs, same order. Checkpoints
// and recovery build on it.

// snapshotVersion changes whenever the layout does.
const snapshotVersion = 5

// ErrBadSnapshot marks a snapshot that cannot be loaded.
var ErrBadSnapshot = errors.New("bad snapshot")

// stateful is an operator with state to snapshot.
type stateful interface {
	snapshot(w *stateWriter)
	restore(r *stateReader) error
}

// stateWriter appends varints and values.
type stateWriter struct{ b []byte }

func (w *stateWriter) int(x int64)         { w.b = binary.AppendVarint(w.b, x) }
func (w *stateWriter) uint(x uint64)       { w.b = binary.AppendUvarint(w.b, x) }
func (w *stateWriter) bool(x bool)         { w.uint(uint64(b2i(x))) }
func (w *stateWriter) value(v event.Value) { w.b = event.AppendBinary(w.b, v) }
func (w *stateWriter) bytes(b []byte)      { w.uint(uint64(len(b))); w.b = append(w.b, b...) }
func (w *stateWriter) string(s string)     { w.uint(uint64(len(s))); w.b = append(w.b, s...) }
func (w *stateWriter) values(vs []event.Value) {
	w.uint(uint64(len(vs)))
	for _, v := range vs {
		w.value(v)
	}
}

func (w *stateWriter) event(e *event.Event) {
	w.string(e.Type)
	w.int(e.TS)
	w.uint(uint64(len(e.Fields)))
	for _, f := range e.Fields {
		w.string(f.Name)
		w.value(f.Value)
	}
}

func (w *stateWriter) events(es []event.Event) {
	w.uint(uint64(len(es)))
	for i := range es {
		w.event(&es[i])
	}
}

// stateReader reads what stateWriter wrote; the first error sticks.
type stateReader struct {
	b   []byte
	err error
}

func (r *stateReader) fail(what string) {
	if r.err == nil {
		r.err = errors.Wrapf(ErrBadSnapshot, "truncated or corrupt %s", what)
	}
}

func (r *stateReader) int() int64 {
	x, n := binary.Varint(r.b)
	if n <= 0 {
		r.fail("integer")
		r.b = nil
		return 0
	}
	r.b = r.b[n:]
	return x
}

func (r *stateReader) uint() uint64 {
	x, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.fail("integer")
		r.b = nil
		return 0
	}
	r.b = r.b[n:]
	return x
}

// count reads a length and checks it against what is left, so corrupt input
// cannot make a reader allocate without bound.
func (r *stateReader) count() int {
	n := r.uint()
	if n > uint64(len(r.b)) {
		r.fail("length")
		r.b = nil
		return 0
	}
	return int(n)
}

func (r *stateReader) bool() bool { return r.uint() != 0 }

func (r *stateReader) value() event.Value {
	if r.err != nil {
		return event.Null
	}
	v, n, err := event.DecodeBinary(r.b)
	if err != nil {
		r.fail("value")
		r.b = nil
		return event.Null
	}
	r.b = r.b[n:]
	return v
}

func (r *stateReader) bytes() []byte {
	n := r.count()
	b := r.b[:n]
	r.b = r.b[n:]
	return b
}

func (r *stateReader) string() string { return string(r.bytes()) }

func (r *stateReader) values() []event.Value {
	n := r.count()
	vs := make([]event.Value, n)
	for i := range vs {
		vs[i] = r.value()
	}
	return vs
}

func (r *stateReader) event() event.Event {
	e := event.Event{Type: r.string(), TS: r.int()}
	n := r.count()
	e.Fields = make([]event.Field, n)
	for i := range e.Fields {
		e.Fields[i] = event.Field{Name: r.string(), Value: r.value()}
	}
	return e
}

func (r *stateReader) events() []event.Event {
	n := r.count()
	if n == 0 {
		return nil
	}
	es := make([]event.Event, n)
	for i := range es {
		es[i] = r.event()
	}
	return es
}

// Snapshot returns the runtime's state. Call it between batches.
func (rt *Runtime) Snapshot() []byte {
	w := &stateWriter{}
	w.uint(snapshotVersion)
	w.uint(uint64(len(rt.streams)))
	w.int(rt.maxTs)
	w.int(rt.events)
	w.int(rt.late)
	for _, n := range rt.lateBy {
		w.int(n)
	}
	w.bool(rt.finished)
	w.bool(rt.started)
	w.values(rt.globals)
	for _, se := range rt.streams {
		ops := se.statefulOps()
		w.uint(uint64(len(ops)))
		for _, s := range ops {
			s.snapshot(w)
		}
	}
	return w.b
}

// Restore loads a snapshot taken by Snapshot from a runtime of the same
// plan into rt, which must be fresh.
func (rt *Runtime) Restore(data []byte) error {
	r := &stateReader{b: data}
	if v := r.uint(); v != snapshotVersion {
		return errors.Wrapf(ErrBadSnapshot, "version %d, want %d", v, snapshotVersion)
	}
	if n := r.uint(); n != uint64(len(rt.streams)) {
		return errors.Wrapf(ErrBadSnapshot, "%d streams, the plan has %d", n, len(rt.streams))
	}
	rt.maxTs = r.int()
	rt.events = r.int()
	rt.late = r.int()
	for i := range rt.lateBy {
		rt.lateBy[i] = r.int()
	}
	rt.finished = r.bool()
	rt.started = r.bool()
	globals := r.values()
	if r.err == nil && len(globals) != len(rt.globals) {
		return errors.Wrapf(ErrBadSnapshot, "%d globals, the plan has %d", len(globals), len(rt.globals))
	}
	copy(rt.globals, globals)
	for _, se := range rt.streams {
		ops := se.statefulOps()
		if n := r.uint(); r.err == nil && n != uint64(len(ops)) {
			return errors.Wrapf(ErrBadSnapshot, "stream %s: %d operators with state, the plan has %d", se.plan.Name, n, len(ops))
		}
		for _, s := range ops {
			if err := s.restore(r); err != nil {
				return err
			}
			if r.err != nil {
				return r.err
			}
		}
	}
	if r.err != nil {
		return r.err
	}
	if len(r.b) != 0 {
		return errors.Wrapf(ErrBadSnapshot, "%d bytes left over", len(r.b))
	}
	return nil
}

// statefulOps lists a stream's operators that hold state, source first.
func (se *streamExec) statefulOps() []stateful {
	var ops []stateful
	if se.timer != nil {
		ops = append(ops, se.timer)
	}
	for i, op := range se.ops {
		if s, ok := op.(stateful); ok {
			ops = append(ops, s)
		} else if s, ok := se.multi[i].(stateful); ok {
			ops = append(ops, s)
		}
	}
	return ops
}

// --- key index ---

func (k *keyIndex) snapshot(w *stateWriter) { w.values(k.vals) }

func (k *keyIndex) restore(r *stateReader) {
	for _, v := range r.values() {
		k.id(v)
	}
}

// --- limit and distinct ---

func (o *limitOp) snapshot(w *stateWriter) {
	o.keys.snapshot(w)
	for _, n := range o.counts {
		w.int(n)
	}
}

func (o *limitOp) restore(r *stateReader) error {
	o.keys.restore(r)
	o.counts = make([]int64, o.keys.Len())
	for i := range o.counts {
		o.counts[i] = r.int()
	}
	return r.err
}

func (o *distinctOp) snapshot(w *stateWriter) {
	// Oldest first, so that restoring by pushing to the front rebuilds the
	// recency order.
	w.uint(uint64(o.lru.Len()))
	for el := o.lru.Back(); el != nil; el = el.Prev() {
		w.value(el.Value.(event.Value))
	}
}

func (o *distinctOp) restore(r *stateReader) error {
	n := r.count()
	for i := 0; i < n && r.err == nil; i++ {
		k := r.value()
		o.seen.put(k, o.lru.PushFront(k))
	}
	return r.err
}

// --- aggregates ---

func (g *groupAgg) snapshotGroup(w *stateWriter, s int32) {
	var b []byte
	for _, a := range g.accs {
		b = a.AppendState(b[:0], s)
		w.bytes(b)
	}
}

// restoreGroup allocates a group and loads its state.
func (g *groupAgg) restoreGroup(r *stateReader) int32 {
	s := g.alloc()
	g.loadGroup(r, s)
	return s
}

// loadGroup loads the state of group s.
func (g *groupAgg) loadGroup(r *stateReader, s int32) {
	for _, a := range g.accs {
		b := r.bytes()
		if r.err != nil {
			return
		}
		if rest, err := a.LoadState(b, s); err != nil || len(rest) != 0 {
			r.fail("aggregate state")
		}
	}
}

func (op *runningAggOp) snapshot(w *stateWriter) {
	op.keys.snapshot(w)
	for _, g := range op.groups {
		op.agg.snapshotGroup(w, g)
	}
}

func (op *runningAggOp) restore(r *stateReader) error {
	op.keys.restore(r)
	for i := 0; i < op.keys.Len() && r.err == nil; i++ {
		op.groups = append(op.groups, op.agg.restoreGroup(r))
	}
	return r.err
}

// --- windows ---

func (op *windowOp) snapshot(w *stateWriter) {
	op.keys.snapshot(w)
	w.int(op.seq)
	// time windows, per key in start order
	w.uint(uint64(len(op.rings)))
	d, s := op.w.Size, op.slide()
	for k := range op.rings {
		ring := &op.rings[k]
		w.uint(uint64(ring.n))
		for i := range ring.n {
			sl, j := ring.at(i), op.jAt(ring, i)
			w.int(j * s)
			w.int(j*s + d)
			w.bool(op.stAt(ring, i) == winFired)
			w.events(op.evsAt(sl))
			if op.agg != nil {
				op.agg.snapshotGroup(w, sl)
			}
		}
	}
	// count windows
	w.uint(uint64(len(op.counts)))
	for i, cw := range op.counts {
		var kp countKept
		if op.kept != nil {
			kp = op.kept[i]
		}
		w.int(cw.n)
		w.int(cw.first)
		w.int(cw.last)
		w.events(kp.events)
		w.uint(uint64(len(kp.vals)))
		for _, vs := range kp.vals {
			w.values(vs)
		}
		w.uint(uint64(len(kp.tss)))
		for _, ts := range kp.tss {
			w.int(ts)
		}
		w.bool(cw.slot >= 0)
		if cw.slot >= 0 {
			op.agg.snapshotGroup(w, cw.slot)
		}
	}
	// sessions, in key order for a stable layout
	w.uint(uint64(len(op.sess)))
	for _, k := range op.keys.sorted() {
		ss, ok := op.sess[k]
		if !ok {
			continue
		}
		w.int(int64(k))
		w.uint(uint64(len(ss)))
		for _, s := range ss {
			w.int(s.start)
			w.int(s.last)
			w.uint(uint64(len(s.vals)))
			for _, vs := range s.vals {
				w.values(vs)
			}
			w.uint(uint64(len(s.seqs)))
			for _, q := range s.seqs {
				w.int(q)
			}
			w.events(s.events)
		}
	}
	w.uint(uint64(len(op.releasedUntil)))
	for _, k := range op.keys.sorted() {
		if v, ok := op.releasedUntil[k]; ok {
			w.int(int64(k))
			w.int(v)
		}
	}
}

func (op *windowOp) restore(r *stateReader) error {
	op.keys.restore(r)
	op.seq = r.int()
	nk := r.count()
	if nk > 0 && op.w.Kind != planner.Tumbling && op.w.Kind != planner.Sliding {
		r.fail("time windows")
		return r.err
	}
	op.rings = make([]timeRing, nk)
	d, s := op.w.Size, op.slide()
	for k := 0; k < nk && r.err == nil; k++ {
		ring := &op.rings[k]
		n := r.count()
		for i := 0; i < n && r.err == nil; i++ {
			start, end := r.int(), r.int()
			j := floorDiv(start, s)
			if j*s != start || start+d != end || ring.n > 0 && j <= ring.last {
				r.fail("time window bounds")
				break
			}
			st := winOpen
			if r.bool() {
				st = winFired
			}
			op.insert(ring, ring.n, j, st)
			sl := ring.at(ring.n - 1)
			if evs := r.events(); evs != nil && op.evs != nil {
				op.evs[sl] = evs
			}
			if op.agg != nil {
				op.agg.loadGroup(r, sl)
			}
		}
		op.findRun(ring)
		op.settle(ring)
	}
	op.dueAt = op.dueTime()
	nc := r.count()
	for i := 0; i < nc && r.err == nil; i++ {
		cw := countWin{slot: -1, n: r.int(), first: r.int(), last: r.int()}
		var kp countKept
		kp.events = r.events()
		if nv := r.count(); nv > 0 {
			kp.vals = make([][]event.Value, nv)
			for j := range kp.vals {
				kp.vals[j] = r.values()
			}
		}
		nt := r.count()
		for j := 0; j < nt && r.err == nil; j++ {
			kp.tss = append(kp.tss, r.int())
		}
		if op.needKept() {
			op.kept = append(op.kept, kp)
		}
		if r.bool() {
			if op.agg == nil {
				r.fail("count window")
				break
			}
			cw.slot = op.agg.restoreGroup(r)
		}
		op.counts = append(op.counts, cw)
	}
	ns := r.count()
	for i := 0; i < ns && r.err == nil; i++ {
		k := int32(r.int())
		n := r.count()
		var ss []*session
		for j := 0; j < n && r.err == nil; j++ {
			s := &session{start: r.int(), last: r.int()}
			if nv := r.count(); nv > 0 {
				s.vals = make([][]event.Value, nv)
				for c := range s.vals {
					s.vals[c] = r.values()
				}
			}
			nq := r.count()
			for q := 0; q < nq && r.err == nil; q++ {
				s.seqs = append(s.seqs, r.int())
			}
			s.events = r.events()
			ss = append(ss, s)
		}
		op.sess[k] = ss
	}
	nr := r.count()
	for i := 0; i < nr && r.err == nil; i++ {
		k := int32(r.int())
		op.releasedUntil[k] = r.int()
	}
	return r.err
}

// --- patterns ---

func (op *patternOp) snapshot(w *stateWriter) {
	op.keys.snapshot(w)
	w.int(op.nextID)
	w.uint(uint64(len(op.parts)))
	for i := range op.parts {
		part := &op.parts[i]
		w.uint(uint64(op.live(part, math.MinInt64)))
		for _, x := range slices.Concat(part.runs, part.waiting) {
			if x.dead {
				continue
			}
			w.int(x.id)
			w.int(x.start)
			w.int(int64(x.prog))
			w.int(int64(x.bar))
			w.int(x.last)
			w.int(x.bornW)
			w.bool(x.waiting)
			w.int(x.waitW)
			for k := range x.binds {
				w.events(op.snapshotEvents(x, k))
				w.uint(uint64(len(x.at[k])))
				for _, a := range x.at[k] {
					w.int(a)
				}
			}
			if op.capture {
				for _, a := range op.accs {
					if a != nil {
						w.bytes(a.AppendState(nil, x.grp))
					}
				}
			}
		}
	}
}

func (op *patternOp) restore(r *stateReader) error {
	op.keys.restore(r)
	op.nextID = r.int()
	np := r.count()
	n := len(op.p.Steps)
	for i := 0; i < np && r.err == nil; i++ {
		part := partition{need: math.MaxUint64}
		nr := r.count()
		for j := 0; j < nr && r.err == nil; j++ {
			id, start, prog, bar := r.int(), r.int(), r.int(), r.int()
			if prog < 0 || prog >= int64(n) || bar < 0 || bar > int64(n) {
				r.fail("pattern run")
				break
			}
			x := &run{id: id, start: start, prog: int32(prog), bar: int32(bar), last: r.int(), bornW: r.int(), waiting: r.bool(), waitW: r.int(),
				binds: make([][]event.Event, n), at: make([][]int64, n)}
			for k := 0; k < n && r.err == nil; k++ {
				x.binds[k] = r.events()
				na := r.count()
				for a := 0; a < na && r.err == nil; a++ {
					x.at[k] = append(x.at[k], r.int())
				}
			}
			x.deadline = op.withinOf(x.start)
			x.cmpv = make([]event.Value, len(op.cmpSlots))
			op.refreshCmpValues(x)
			if op.capture {
				op.newGroup(x)
				for _, a := range op.accs {
					if a == nil || r.err != nil {
						continue
					}
					if _, err := a.LoadState(r.bytes(), x.grp); err != nil {
						r.fail("pattern aggregate")
					}
				}
			}
			if op.apart(x) {
				part.waiting = append(part.waiting, x)
			} else {
				part.runs = append(part.runs, x)
			}
			if x.waiting {
				op.waits.push(fileRun(op.deadline(x), int32(i), x))
			} else {
				op.track(int32(i), x)
			}
		}
		op.parts = append(op.parts, part)
	}
	return r.err
}
