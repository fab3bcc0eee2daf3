package exec

import (
	"math"
	"slices"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/varpulis/varpulis-go/event"
	"github.com/varpulis/varpulis-go/exec/agg"
	"github.com/varpulis/varpulis-go/planner"
)

// Window releases with .aggregate are built column by column: a sliding
// window releases about one row per input event, so building each as an
// event.Event and then a chunk from the events would cost more than the
// window itself. The columns are Arrow arrays, like those of input
// batches: immutable, so detach shares them instead of copying each value,
// and typed where every value has one kind, so later operators read them
// as slices.

var arrowTypes = [...]arrow.DataType{
	event.KindInt:       arrow.PrimitiveTypes.Int64,
	event.KindFloat:     arrow.PrimitiveTypes.Float64,
	event.KindTimestamp: &arrow.TimestampType{Unit: arrow.Nanosecond, TimeZone: "UTC"},
	event.KindDuration:  &arrow.DurationType{Unit: arrow.Nanosecond},
	event.KindString:    arrow.BinaryTypes.String,
}

// relBuf collects the aggregate releases of one round, reused round after
// round; the results are read from the groups when the chunk is built.
type relBuf struct {
	keys         []int32
	slots        []int32
	starts, ends []int64 // ends are also the rows' ts
	prow, seq    []int32 // dispatch phase: the input row each release descends from, and its rank
	temp         []int32 // groups to release once the chunk is built
	cols         []colWriter
	calls        [][]event.Value // per call: the results of every row
	// a watermark fire's keys and groups in output order (fireTime)
	okeys, oslots []int32
}

// reset starts a round of about n rows.
func (b *relBuf) reset(n int) {
	b.keys, b.slots = slices.Grow(b.keys[:0], n), slices.Grow(b.slots[:0], n)
	b.starts, b.ends = slices.Grow(b.starts[:0], n), slices.Grow(b.ends[:0], n)
	b.prow, b.seq = b.prow[:0], b.seq[:0]
}

func (b *relBuf) len() int { return len(b.keys) }

// aggRow records one aggregate release of key over group slot, or over
// explicit argument values when vals is set. Its ts is end.
func (op *windowOp) aggRow(b *relBuf, key int32, start, end int64, slot int32, vals [][]event.Value) {
	if vals != nil {
		slot = op.agg.foldInto(vals)
		b.temp = append(b.temp, slot)
	}
	b.keys = append(b.keys, key)
	b.slots = append(b.slots, slot)
	b.starts = append(b.starts, start)
	b.ends = append(b.ends, end)
}

// relChunk builds the rows recorded in b into a chunk (nil when empty)
// and releases the round's temporary groups.
func (op *windowOp) relChunk(b *relBuf) *chunk {
	g := op.agg
	defer func() {
		for _, s := range b.temp {
			g.release(s)
		}
		b.temp = b.temp[:0]
	}()
	n := b.len()
	if n == 0 {
		return nil
	}
	// The bounds go out in new buffers: the chunk keeps them.
	starts, ends := slices.Clone(b.starts), slices.Clone(b.ends)
	return op.aggChunk(b.keys, b.slots, starts, ends, false, nil)
}

// aggChunk builds a chunk of aggregate releases, row p being key keys[p]
// over group slots[p] with bounds starts[p] and ends[p] (its ts). The chunk
// keeps starts and ends. With take, the groups are emptied as they are
// read (each read once): the load that reads a group's cell brings in the
// line the reset writes, where a later pass would miss the cache again.
func (op *windowOp) aggChunk(keys, slots []int32, starts, ends []int64, take bool, bufs *colBufs) *chunk {
	g, b, n := op.agg, &op.rel, len(keys)
	kf := op.keys.fields
	ncols := len(kf) + len(g.plan.Items)
	if len(b.cols) < ncols {
		b.cols = make([]colWriter, ncols)
	}
	cw := b.cols[:ncols]
	var keyCol *vec
	if len(kf) == 1 && op.keys.onlyStrings() {
		keyCol = op.keys.stringColumn(keys, bufs)
	} else {
		for f := range kf {
			cw[f].reset(n)
			for _, k := range keys {
				v := op.keys.vals[k]
				if len(kf) > 1 {
					v = v.Elems()[f]
				}
				cw[f].add(v)
			}
		}
	}
	// An item that reads one call bare takes the call's results as a
	// column: written straight into a typed column when the call's results
	// have one kind, else through values. Other items evaluate over every
	// call's results row by row.
	items := make([]*vec, len(g.plan.Items))
	computed := false
	for i, d := range g.direct {
		if d < 0 {
			computed = true
		} else if t, ok := g.accs[d].(agg.TypedResults); ok {
			items[i] = typedResults(t, slots, take && g.readOnce(d), bufs)
		}
	}
	if len(b.calls) != len(g.accs) {
		b.calls = make([][]event.Value, len(g.accs))
	}
	for i, a := range g.accs {
		if computed || g.valueCall(i, items) {
			b.calls[i] = a.AppendResults(slices.Grow(b.calls[i][:0], n), slots)
		}
		if _, typed := a.(agg.TypedResults); take && (!typed || !g.readOnce(i)) {
			for _, s := range slots {
				a.Reset(s)
			}
		}
	}
	icw := cw[len(kf):]
	for i, d := range g.direct {
		if d >= 0 && items[i] == nil {
			icw[i].reset(n)
			icw[i].addAll(b.calls[d], nil)
		}
	}
	if computed {
		for i := range items {
			if g.direct[i] < 0 {
				icw[i].reset(n)
			}
		}
		env := rowEnv{rt: g.rt, aggVals: g.vals}
		for r := range n {
			for i := range g.accs {
				g.vals[i] = b.calls[i][r]
			}
			for i, it := range g.plan.Items {
				if g.direct[i] < 0 {
					icw[i].add(evalRow(it.X, &env))
				}
			}
		}
	}
	for i := range b.calls {
		clear(b.calls[i]) // let go of result strings
	}
	// Everything a window releases carries ts = its window_end (VPL.md
	// §4.3): the two share one buffer, which nobody changes.
	c := &chunk{typ: op.stream, n: n, ts: ends, names: op.relNames}
	c.cols = make([]*vec, 0, len(op.relNames))
	if keyCol != nil {
		c.cols = append(c.cols, keyCol)
	} else {
		for i := range kf {
			c.cols = append(c.cols, cw[i].finish())
		}
	}
	c.cols = append(c.cols,
		arrowVec(event.KindTimestamp, n, 0, nil, int64Bytes(starts)),
		arrowVec(event.KindTimestamp, n, 0, nil, int64Bytes(ends)))
	for i, v := range items {
		if v == nil {
			v = icw[i].finish()
		}
		c.cols = append(c.cols, v)
	}
	c.sel = identity(bufs.int32s(n), n)
	return c
}

// colBufs holds the memory of a release's columns, reused by the next
// release: for releases consumed before their operator runs again (a
// watermark phase's, see chunkArena). A nil *colBufs hands out fresh
// memory.
type colBufs struct {
	i64  [][]int64
	i32  [][]int32
	b    [][]byte
	next [3]int // buffers of each kind handed out since reset
}

func (b *colBufs) reset() {
	if b != nil {
		b.next = [3]int{}
	}
}

// int64s returns n int64s, not zeroed.
func (b *colBufs) int64s(n int) []int64 {
	if b == nil {
		return make([]int64, n)
	}
	return nextBuf(&b.i64, &b.next[0], n)
}

// int32s returns n int32s, not zeroed.
func (b *colBufs) int32s(n int) []int32 {
	if b == nil {
		return make([]int32, n)
	}
	return nextBuf(&b.i32, &b.next[1], n)
}

// bytes returns n zeroed bytes.
func (b *colBufs) bytes(n int) []byte {
	if b == nil {
		return make([]byte, n)
	}
	s := nextBuf(&b.b, &b.next[2], n)
	clear(s)
	return s
}

func nextBuf[T any](bufs *[][]T, next *int, n int) []T {
	if *next == len(*bufs) {
		*bufs = append(*bufs, nil)
	}
	s := grow((*bufs)[*next], n)
	(*bufs)[*next] = s
	*next++
	return s
}

// valueCall reports whether some item reads call d bare without a typed
// column (items[i] nil).
func (g *groupAgg) valueCall(d int, items []*vec) bool {
	for i, x := range g.direct {
		if x == d && items[i] == nil {
			return true
		}
	}
	return false
}

// readOnce reports whether call d is read by one item, bare, and by no
// computed item: its typed results are then its only reader.
func (g *groupAgg) readOnce(d int) bool {
	n := 0
	for _, x := range g.direct {
		switch x {
		case -1:
			return false
		case d:
			n++
		}
	}
	return n == 1
}

// typedResults builds the column of an accumulator's results over groups,
// in their order, emptying the groups with take. It is the column
// colWriter would build from the values: typed with a validity bitmap
// when some are null, the null column when all are.
func typedResults(t agg.TypedResults, groups []int32, take bool, bufs *colBufs) *vec {
	n := len(groups)
	x := bufs.int64s(n)
	valid := bufs.bytes((n + 7) / 8)
	nulls := t.PutResults(x, valid, groups, take)
	switch nulls {
	case n:
		return vecFromArrow(arrow.Field{Type: arrow.Null, Nullable: true}, array.NewNull(n))
	case 0:
		valid = nil
	}
	return arrowVec(t.ResultKind(), n, nulls, valid, int64Bytes(x))
}

// releaseNames are the field names of an aggregate release (VPL.md §4.4).
func releaseNames(keys []string, a *planner.Aggregate) []string {
	names := append(slices.Clone(keys), "window_start", "window_end")
	for _, it := range a.Items {
		names = append(names, it.Name)
	}
	return names
}

// colWriter builds one column from values added in row order: typed while
// every non-null value has one kind of int, float, string, timestamp or
// duration, else the values themselves.
type colWriter struct {
	kind  event.Kind // of the non-null values: KindNull before the first, KindAny once they differ
	n     int        // rows
	rows  int        // rows expected (capacity of new buffers)
	x     []int64    // payloads as AsInt gives them (a float's bits); 0 for null
	offs  []int32    // strings: n+1 offsets
	data  []byte     // string bytes
	valid []byte
	nulls int
	vals  []event.Value // KindAny: every value
}

// reset starts a column of about n rows. The buffers go to the chunk, so
// each column gets new ones.
func (w *colWriter) reset(n int) {
	*w = colWriter{kind: event.KindNull, rows: n, valid: make([]byte, (n+7)/8)}
}

func (w *colWriter) add(v event.Value) {
	k := v.Kind()
	if k != w.kind && k != event.KindNull {
		w.setKind(k)
	}
	if k != event.KindNull {
		w.valid[w.n>>3] |= 1 << (w.n & 7)
	} else {
		w.nulls++
	}
	w.n++
	switch w.kind {
	case event.KindNull:
	case planner.KindAny:
		w.vals = append(w.vals, v)
	case event.KindString:
		w.data = append(w.data, v.AsString()...)
		w.offs = append(w.offs, int32(len(w.data)))
	default:
		w.x = append(w.x, v.AsInt()) // 0 for null
	}
}

// addAll adds vals[order[0]], vals[order[1]], … (vals in order when
// order is nil), numbers of the column's kind without the general path.
func (w *colWriter) addAll(vals []event.Value, order []int32) {
	for p := range len(vals) {
		i := p
		if order != nil {
			i = int(order[p])
		}
		v := &vals[i]
		if k := v.Kind(); k != w.kind || k == event.KindNull || k == event.KindString || k == planner.KindAny {
			w.add(*v)
			continue
		}
		w.valid[w.n>>3] |= 1 << (w.n & 7)
		w.n++
		w.x = append(w.x, v.AsInt())
	}
}

// setKind records a non-null value of kind k: the column's kind if it had
// none, else values.
func (w *colWriter) setKind(k event.Kind) {
	switch {
	case w.kind == planner.KindAny:
	case w.kind == event.KindNull && k == event.KindString:
		w.kind = k
		w.offs = make([]int32, w.n+1, w.rows+1)
		w.data = make([]byte, 0, 8*w.rows)
	case w.kind == event.KindNull && typedKind(k):
		w.kind = k
		w.x = make([]int64, w.n, w.rows)
	default:
		vals := make([]event.Value, w.n, max(w.rows, w.n+1))
		for i := range vals {
			vals[i] = w.value(i)
		}
		w.kind, w.vals = planner.KindAny, vals
	}
}

func typedKind(k event.Kind) bool {
	return int(k) < len(arrowTypes) && arrowTypes[k] != nil
}

// value reads back row i of a typed column.
func (w *colWriter) value(i int) event.Value {
	if w.kind == event.KindNull || w.valid[i>>3]>>(i&7)&1 == 0 {
		return event.Null
	}
	switch w.kind {
	case event.KindInt:
		return event.Int(w.x[i])
	case event.KindFloat:
		return event.Float(math.Float64frombits(uint64(w.x[i])))
	case event.KindTimestamp:
		return event.Timestamp(w.x[i])
	case event.KindDuration:
		return event.Duration(w.x[i])
	}
	return event.String(string(w.data[w.offs[i]:w.offs[i+1]]))
}

func (w *colWriter) finish() *vec {
	valid := w.valid
	if w.nulls == 0 {
		valid = nil
	}
	switch w.kind {
	case planner.KindAny:
		return &vec{kind: planner.KindAny, vals: w.vals}
	case event.KindNull:
		return vecFromArrow(arrow.Field{Type: arrow.Null, Nullable: true}, array.NewNull(w.n))
	case event.KindString:
		return stringVec(w.n, w.nulls, valid, w.offs, w.data)
	}
	return arrowVec(w.kind, w.n, w.nulls, valid, int64Bytes(w.x))
}

// stringVec wraps string offsets and bytes as an Arrow-backed column.
func stringVec(n, nulls int, valid []byte, offs []int32, data []byte) *vec {
	bufs := []*memory.Buffer{bufferOf(valid), memory.NewBufferBytes(int32Bytes(offs)), memory.NewBufferBytes(data)}
	arr := array.MakeFromData(array.NewData(arrowTypes[event.KindString], n, bufs, nil, nulls, 0))
	return vecFromArrow(arrow.Field{Type: arrowTypes[event.KindString], Nullable: true}, arr)
}

// arrowVec wraps 8-byte payloads of kind k as an Arrow-backed column.
func arrowVec(k event.Kind, n, nulls int, valid, data []byte) *vec {
	bufs := []*memory.Buffer{bufferOf(valid), memory.NewBufferBytes(data)}
	arr := array.MakeFromData(array.NewData(arrowTypes[k], n, bufs, nil, nulls, 0))
	return vecFromArrow(arrow.Field{Type: arrowTypes[k], Nullable: true}, arr)
}

// bufferOf wraps Go memory as an Arrow buffer (nil stays nil: no bitmap).
func bufferOf(b []byte) *memory.Buffer {
	if b == nil {
		return nil
	}
	return memory.NewBufferBytes(b)
}

func int64Bytes(xs []int64) []byte {
	if len(xs) == 0 {
		return []byte{}
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(&xs[0])), 8*len(xs))
}

func int32Bytes(xs []int32) []byte {
	return unsafe.Slice((*byte)(unsafe.Pointer(&xs[0])), 4*len(xs))
}
