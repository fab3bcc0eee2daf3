package exec

import (
	"container/list"
	"encoding/binary"
	"hash/maphash"
	"math"

	"github.com/varpulis/varpulis-go/event"
	"github.com/varpulis/varpulis-go/planner"
)

// operator is one step of a stream's pipeline. It may narrow the selection
// of its input chunk or return a new chunk; it must not modify a chunk it
// did not create, because one input chunk is shared by every stream that
// reads it.
type operator interface {
	run(c *chunk) *chunk
}

// multiOperator is an operator whose output is a list of chunks: new rows
// of possibly several shapes (.process, windows).
type multiOperator interface {
	runMany(c *chunk) []*chunk
}

// timedOp is an operator that the watermark drives: it holds state that
// falls due at watermark values (VPL.md §4.1).
type timedOp interface {
	multiOperator
	// due is the least watermark at which something is released
	// (MaxInt64 when nothing is pending).
	due() int64
	// bound is a lower bound of the due time of state an event at ts may
	// create, so the runtime knows where to split a batch. It must not
	// decrease as ts grows (the runtime asks only for earlier rows).
	bound(ts int64) int64
	// fire releases everything due at watermark w, in release order; the
	// chunks' rows take their provenance from root.
	fire(w int64, root *prov) []*chunk
}

// timedRef names a stream's timed operator.
type timedRef struct {
	si int
	op timedOp
}

// filterOp is .where.
type filterOp struct {
	p   predicate
	buf []int32
	out chunk // consumed or detached before the operator runs again
}

func (o *filterOp) run(c *chunk) *chunk {
	o.buf = o.p.filter(c, c.sel, o.buf[:0])
	o.out = *c
	o.out.sel = o.buf
	return &o.out
}

// projectOp is .select and .emit: the output shares the input's row domain,
// field reads are zero copy and computed fields come from kernels.
type projectOp struct {
	names   []string
	ks      []kernel
	keepAll bool
	cols    []*vec // owned: the input chunk's column list must not change
}

func (o *projectOp) run(c *chunk) *chunk {
	if o.keepAll {
		return c
	}
	o.cols = grow(o.cols, len(o.ks))
	for i, k := range o.ks {
		o.cols[i] = k.eval(c, c.sel)
	}
	out := *c
	out.names, out.cols = o.names, o.cols
	return &out
}

// printOp is .print: `[print] <stream> v1 v2 ...` on the diagnostic output.
type printOp struct {
	rt     *Runtime
	stream string
	ks     []kernel
	buf    []byte
}

func (o *printOp) run(c *chunk) *chunk {
	vals := make([]*vec, len(o.ks))
	for i, k := range o.ks {
		vals[i] = k.eval(c, c.sel)
	}
	for _, r := range c.sel {
		b := append(o.buf[:0], "[print] "...)
		b = append(b, o.stream...)
		if len(o.ks) == 0 {
			b = append(b, ' ')
			b = appendRowText(b, c, int(r))
		}
		for _, v := range vals {
			b = append(b, ' ')
			x := v.value(int(r))
			if x.Kind() == event.KindString {
				b = append(b, x.AsString()...)
			} else {
				b = event.AppendText(b, x)
			}
		}
		b = append(b, '\n')
		o.rt.diag(b)
		o.buf = b
	}
	return c
}

// logOp is .log: `<level> <stream>: <message> <data as JSON>`.
type logOp struct {
	rt      *Runtime
	stream  string
	level   string
	message kernel
	data    kernel
	buf     []byte
}

func (o *logOp) run(c *chunk) *chunk {
	var msg, data *vec
	if o.message != nil {
		msg = o.message.eval(c, c.sel)
	}
	if o.data != nil {
		data = o.data.eval(c, c.sel)
	}
	for _, r := range c.sel {
		b := append(o.buf[:0], o.level...)
		b = append(b, ' ')
		b = append(b, o.stream...)
		b = append(b, ':')
		if msg != nil {
			b = append(b, ' ')
			m := msg.value(int(r))
			if m.Kind() == event.KindString {
				b = append(b, m.AsString()...)
			} else {
				b = event.AppendText(b, m)
			}
		}
		if data != nil {
			b = append(b, ' ')
			b = event.AppendJSON(b, data.value(int(r)))
		}
		b = append(b, '\n')
		o.rt.diag(b)
		o.buf = b
	}
	return c
}

func fieldValue(c *chunk, name string, r int) event.Value {
	if i := c.col(name); i >= 0 {
		return c.cols[i].value(r)
	}
	return event.Null
}

// limitOp is .limit(n) and .first(): the first n events per partition.
type limitOp struct {
	n      int64
	keys   *keyIndex
	counts []int64 // per key id
	kbuf   []int32
	buf    []int32
}

func (o *limitOp) run(c *chunk) *chunk {
	o.buf = o.buf[:0]
	o.kbuf = o.keys.ids(c, c.sel, o.kbuf[:0])
	for len(o.counts) < o.keys.Len() {
		o.counts = append(o.counts, 0)
	}
	for i, r := range c.sel {
		k := o.kbuf[i]
		if o.counts[k] < o.n {
			o.counts[k]++
			o.buf = append(o.buf, r)
		}
	}
	out := *c
	out.sel = o.buf
	return &out
}

// distinctOp is .distinct([e]): drops events whose key was seen before, per
// partition, remembering at most max keys (least recently seen forgotten).
type distinctOp struct {
	rt     *Runtime
	stream string
	key    kernel    // nil: all fields
	part   *keyIndex // partition fields (only rowKey is used)
	max    int
	seen   valueMap[*list.Element]
	lru    *list.List // of event.Value keys, most recent at the front
	buf    []int32
}

func (o *distinctOp) run(c *chunk) *chunk {
	var kv *vec
	if o.key != nil {
		kv = o.key.eval(c, c.sel)
	}
	o.buf = o.buf[:0]
	for _, r := range c.sel {
		var k event.Value
		if kv != nil {
			k = cloneValue(kv.value(int(r)))
		} else {
			k = rowKey(c, int(r))
		}
		if len(o.part.fields) > 0 {
			k = event.Array([]event.Value{o.part.rowKey(c, r), k})
		}
		if el, ok := o.seen.lookup(k); ok {
			o.lru.MoveToFront(el)
			continue
		}
		o.buf = append(o.buf, r)
		o.seen.put(k, o.lru.PushFront(k))
		if o.lru.Len() > o.max {
			oldest := o.lru.Back()
			o.lru.Remove(oldest)
			o.seen.remove(oldest.Value.(event.Value))
			o.rt.limitHit(o.stream, "max_distinct_keys", o.max)
		}
	}
	out := *c
	out.sel = o.buf
	return &out
}

// rowKey is the key of a whole event: its (name, value) pairs as a map,
// which compares equal whatever the field order (VPL.md §11.7).
func rowKey(c *chunk, r int) event.Value {
	keys := make([]string, len(c.names))
	vals := make([]event.Value, len(c.names))
	copy(keys, c.names)
	for i := range c.cols {
		vals[i] = cloneValue(c.cols[i].value(r))
	}
	return event.Map(keys, vals)
}

// processOp is .process(f(args)): each event is replaced by the events the
// call's emit statements create, which may have several shapes, so it
// yields a list of chunks.
type processOp struct {
	rt   *Runtime
	call *planner.UserCall
	args []kernel
}

func (o *processOp) runMany(c *chunk) []*chunk {
	argv := make([]*vec, len(o.args))
	for i, k := range o.args {
		argv[i] = k.eval(c, c.sel)
	}
	var emitted []event.Event
	var prow, seq []int32
	vals := make([]event.Value, len(o.args))
	for _, r := range c.sel {
		for i, v := range argv {
			vals[i] = cloneValue(v.value(int(r)))
		}
		before := len(emitted)
		env := rowEnv{view: &batchView{c: c, typ: c.typ}, row: int(r), rt: o.rt, emitted: &emitted}
		callUser(o.call.Fn, vals, &env)
		for i := before; i < len(emitted); i++ {
			// Rows map to the stream's input rows through c's own map.
			prow = append(prow, c.upRow(r))
			seq = append(seq, c.upSeq(r)+int32(i-before))
		}
	}
	return rowsChunks(emitted, c.prov, prow, seq)
}

// rowsChunks builds chunks from events, one per run of events of one type
// and one field-name sequence.
func rowsChunks(evs []event.Event, p *prov, prow, seq []int32) []*chunk {
	return rowsChunksIn(nil, evs, p, prow, seq)
}

// rowsChunksIn is rowsChunks with the chunks' memory taken from a (fresh
// memory when a is nil).
func rowsChunksIn(a *chunkArena, evs []event.Event, p *prov, prow, seq []int32) []*chunk {
	if a == nil {
		a = &chunkArena{fresh: true}
	}
	out := a.out[:0]
	for start := 0; start < len(evs); {
		end := start + 1
		for end < len(evs) && sameShape(&evs[start], &evs[end]) {
			end++
		}
		run := evs[start:end]
		names := take(a, &a.names, len(run[0].Fields))
		for f := range names {
			names[f] = run[0].Fields[f].Name
		}
		c := a.valueChunk(run[0].Type, len(run), names, p, prow, seq, start)
		for i := range run {
			c.ts[i] = run[i].TS
			for f, v := range c.cols {
				v.vals[i] = run[i].Fields[f].Value
			}
		}
		out = append(out, c)
		start = end
	}
	a.out = out
	return out
}

// chunkArena holds the memory of the chunks an operator makes in one call,
// reused by its next call: for an operator whose outputs are consumed (or
// detached, see detach) before it runs again. Its zero value works.
type chunkArena struct {
	fresh  bool // hand out fresh memory instead (see take)
	ints   []int64
	sels   []int32
	vals   []event.Value
	vecs   []vec
	chunks []chunk
	names  []string
	cols   []*vec
	avs    []aliasVec
	avps   []*aliasVec
	ones   []event.Event
	manys  [][]event.Event
	out    []*chunk
}

// valueChunk takes from a a chunk of n rows of type typ with one column of
// values per name (one run of rows of rowsChunksIn or captureChunks), all
// selected, with provenance p and, when prow is set, rows first.. of prow
// and seq as the rows they descend from; the caller fills ts and values.
func (a *chunkArena) valueChunk(typ string, n int, names []string, p *prov, prow, seq []int32, first int) *chunk {
	nf := len(names)
	// One allocation per kind of memory, not per column.
	vals := take(a, &a.vals, n*nf)
	vecs := take(a, &a.vecs, nf)
	c := &take(a, &a.chunks, 1)[0]
	*c = chunk{typ: typ, n: n, ts: take(a, &a.ints, n), prov: p, names: names, cols: take(a, &a.cols, nf)}
	if prow != nil {
		c.up = &upMap{prow: prow[first : first+n], seq: seq[first : first+n]}
	}
	for f := range nf {
		v := &vecs[f]
		v.kind, v.vals = planner.KindAny, vals[f*n:(f+1)*n:(f+1)*n]
		c.cols[f] = v
	}
	c.sel = identity(take(a, &a.sels, n), n)
	return c
}

// reset makes all of a's memory free again.
func (a *chunkArena) reset() {
	a.ints, a.sels, a.vals, a.vecs, a.chunks = a.ints[:0], a.sels[:0], a.vals[:0], a.vecs[:0], a.chunks[:0]
	a.names, a.cols, a.avs, a.avps, a.ones, a.manys = a.names[:0], a.cols[:0], a.avs[:0], a.avps[:0], a.ones[:0], a.manys[:0]
}

// take returns n zeroed elements from buf, one of a's buffers, or freshly
// allocated ones when a is fresh. Slices taken earlier stay valid: a full
// buffer is replaced, not grown in place.
func take[T any](a *chunkArena, buf *[]T, n int) []T {
	if a.fresh {
		return make([]T, n)
	}
	b := *buf
	if len(b)+n > cap(b) {
		b = make([]T, 0, max(2*cap(b), n, 64))
	}
	s := b[len(b) : len(b)+n : len(b)+n]
	clear(s)
	*buf = b[:len(b)+n]
	return s
}

func sameShape(a, b *event.Event) bool {
	if a.Type != b.Type || len(a.Fields) != len(b.Fields) {
		return false
	}
	for i := range a.Fields {
		if a.Fields[i].Name != b.Fields[i].Name {
			return false
		}
	}
	return true
}

// valueMap is a hash map keyed by values under key equality (event.Equal:
// 1 and 1.0 are one key).
type valueMap[V any] struct {
	m map[uint64][]valueEntry[V]
	n int
}

type valueEntry[V any] struct {
	k event.Value
	v V
}

var hashSeed = maphash.MakeSeed()

func (m *valueMap[V]) lookup(k event.Value) (V, bool) {
	for _, e := range m.m[hashValue(k)] {
		if event.Equal(e.k, k) {
			return e.v, true
		}
	}
	var zero V
	return zero, false
}

func (m *valueMap[V]) put(k event.Value, v V) {
	if m.m == nil {
		m.m = map[uint64][]valueEntry[V]{}
	}
	h := hashValue(k)
	b := m.m[h]
	for i := range b {
		if event.Equal(b[i].k, k) {
			b[i].v = v
			return
		}
	}
	m.m[h] = append(b, valueEntry[V]{k, v})
	m.n++
}

func (m *valueMap[V]) remove(k event.Value) {
	h := hashValue(k)
	b := m.m[h]
	for i := range b {
		if event.Equal(b[i].k, k) {
			b = append(b[:i], b[i+1:]...)
			m.n--
			if len(b) == 0 {
				delete(m.m, h)
			} else {
				m.m[h] = b
			}
			return
		}
	}
}

// hashValue hashes consistently with event.Equal: an integral float hashes
// like the int of the same value; map entries combine order-independently.
func hashValue(v event.Value) uint64 {
	var h maphash.Hash
	h.SetSeed(hashSeed)
	writeHash(&h, v)
	return h.Sum64()
}

func writeHash(h *maphash.Hash, v event.Value) {
	switch v.Kind() {
	case event.KindInt:
		h.WriteByte(1)
		writeU64(h, uint64(v.AsInt()))
	case event.KindFloat:
		f := v.AsFloat()
		if f == math.Trunc(f) && f >= -9.2e18 && f <= 9.2e18 {
			h.WriteByte(1)
			writeU64(h, uint64(int64(f)))
			return
		}
		h.WriteByte(2)
		writeU64(h, math.Float64bits(f))
	case event.KindMap:
		h.WriteByte(byte(event.KindMap))
		var sum uint64
		for i, k := range v.Keys() {
			var eh maphash.Hash
			eh.SetSeed(hashSeed)
			eh.WriteString(k)
			writeHash(&eh, v.Elems()[i])
			sum += eh.Sum64()
		}
		writeU64(h, sum)
	case event.KindArray:
		h.WriteByte(byte(event.KindArray))
		for _, e := range v.Elems() {
			writeHash(h, e)
		}
	default:
		h.WriteByte(byte(v.Kind()) + 10)
		h.WriteString(v.AsString())
		writeU64(h, uint64(v.AsInt()))
	}
}

func writeU64(h *maphash.Hash, x uint64) {
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], x)
	h.Write(b[:])
}
