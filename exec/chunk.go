package exec

import (
	"strings"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/varpulis/varpulis-go/event"
	"github.com/varpulis/varpulis-go/planner"
)

// vec is one column of a chunk, indexed by the chunk's domain rows. Typed
// vectors (int-like and float) expose their values as slices so kernels
// loop over them directly; other kinds are read per row through value.
// A vec either wraps an Arrow array of an input batch (zero copy) or holds
// values computed by a kernel.
type vec struct {
	kind  event.Kind // static kind of every non-null row, or planner.KindAny
	i64   []int64    // KindInt, KindTimestamp, KindDuration, KindBool (0/1)
	f64   []float64  // KindFloat
	valid []byte     // validity bitmap (bit set = non-null); nil: no nulls
	// isConst: every row holds c.
	isConst bool
	c       event.Value
	// arr backs string, bool and any columns of input batches.
	arr   arrow.Array
	field arrow.Field
	// vals holds computed values of KindAny vectors.
	vals []event.Value
	// dict, for a string column of an input batch, is its dictionary
	// encoding when the batch has one (see keyIndex.ids).
	dict *event.Dict
}

// isValid reports whether row is non-null.
func (v *vec) isValid(row int) bool {
	return v.valid == nil || bitutil.BitIsSet(v.valid, row)
}

// value returns the value of row. Strings alias the underlying buffers; the
// caller copies them if they must outlive the batch.
func (v *vec) value(row int) event.Value {
	if v.isConst {
		return v.c
	}
	if !v.isValid(row) {
		return event.Null
	}
	switch v.kind {
	case event.KindInt:
		return event.Int(v.i64[row])
	case event.KindFloat:
		return event.Float(v.f64[row])
	case event.KindTimestamp:
		return event.Timestamp(v.i64[row])
	case event.KindDuration:
		return event.Duration(v.i64[row])
	case event.KindBool:
		if v.arr != nil {
			return event.Bool(v.arr.(*array.Boolean).Value(row))
		}
		return event.Bool(v.i64[row] != 0)
	case event.KindNull:
		return event.Null
	}
	if v.vals != nil {
		return v.vals[row]
	}
	if s, ok := v.arr.(*array.String); ok {
		return event.String(s.Value(row))
	}
	if v.arr != nil {
		return event.CellValue(v.field, v.arr, row)
	}
	return event.Null
}

// vecFromArrow wraps an input column without copying.
func vecFromArrow(f arrow.Field, arr arrow.Array) *vec {
	v := new(vec)
	fillVec(v, f, arr)
	return v
}

// fillVec makes v the column of arr, whatever v held.
func fillVec(v *vec, f arrow.Field, arr arrow.Array) {
	*v = vec{arr: arr, field: f, kind: planner.KindAny}
	if arr.NullN() > 0 {
		if bm := arr.NullBitmapBytes(); bm != nil && arr.Data().Offset() == 0 {
			v.valid = bm
		}
	}
	if arr.Data().Offset() != 0 {
		// Sliced arrays (never built by our readers) are read per row.
		v.valid = nil
		return
	}
	k, ok := event.ColumnKind(f)
	if !ok {
		return
	}
	v.kind = k
	switch a := arr.(type) {
	case *array.Int64:
		v.i64 = a.Int64Values()
	case *array.Float64:
		v.f64 = a.Float64Values()
	case *array.Timestamp:
		v.i64 = timestampsAsInt64(a)
	case *array.Duration:
		v.i64 = durationsAsInt64(a)
	case *array.Null:
		v.isConst, v.c = true, event.Null
	case *array.String, *array.Boolean:
	default:
		v.kind = planner.KindAny
	}
}

// chunk is a set of events flowing through a stream: a domain of rows with
// one event time and one column per field each, and the selected rows in
// order. Filters narrow sel; projections swap columns over the same domain,
// so nothing is copied until a kernel computes a new column.
type chunk struct {
	typ   string
	n     int
	ts    []int64
	names []string
	cols  []*vec
	sel   []int32
	// prov says where the domain rows come from, for output order.
	prov *prov
	// types, when set, gives each domain row's type: a raw chunk that
	// mixes types (only pattern streams see such chunks; every other
	// stream gets one view per run of one type). typ is then unused.
	types []string
	// tcode numbers each row's type into tnames (set with types), so
	// per-row type tests compare small integers.
	tcode  []uint16
	tnames []string
	// prefix holds, for raw input, the source's maxTs after each row.
	prefix []int64
	// up maps domain rows to the rows of the stream's input chunk when an
	// operator (.process) made a new domain; nil: the same rows.
	up *upMap
	// aliases hold the events bound to join members (and pattern steps)
	// per domain row. Operators that keep the domain carry them along;
	// they end at the stream's boundary.
	aliases []*aliasVec
}

// aliasVec holds the events bound to one alias, per domain row. An alias
// bound to one event per row (a join member, an ordinary pattern step)
// uses one, where a zero Event (empty Type) is unbound; an alias that
// collects several (a Kleene step) uses many, in binding order.
type aliasVec struct {
	name string
	one  []event.Event
	many [][]event.Event
}

// bound returns the events bound at row r, in binding order.
func (a *aliasVec) bound(r int) []event.Event {
	if a.many != nil {
		return a.many[r]
	}
	if a.one[r].Type == "" {
		return nil
	}
	return a.one[r : r+1]
}

// last returns the last event bound at row r, or nil when unbound: what
// alias.f and the alias as a value read (VPL.md §4.5.8).
func (a *aliasVec) last(r int) *event.Event {
	evs := a.bound(r)
	if len(evs) == 0 {
		return nil
	}
	return &evs[len(evs)-1]
}

// gather returns the bindings of rows in a new domain whose row i is row
// rows[i] of this one.
func (a *aliasVec) gather(rows []int32) *aliasVec {
	out := &aliasVec{name: a.name}
	if a.many != nil {
		out.many = make([][]event.Event, len(rows))
		for i, r := range rows {
			out.many[i] = a.many[r]
		}
		return out
	}
	out.one = make([]event.Event, len(rows))
	for i, r := range rows {
		out.one[i] = a.one[r]
	}
	return out
}

// alias returns the bindings of the named alias, or nil.
func (c *chunk) alias(name string) *aliasVec {
	for _, a := range c.aliases {
		if a.name == name {
			return a
		}
	}
	return nil
}

// upMap maps rows of a chunk made inside a stream to the stream's input.
type upMap struct {
	prow []int32 // input row
	seq  []int32 // rank among the outputs made from that input row
}

func (c *chunk) upRow(r int32) int32 {
	if c.up == nil {
		return r
	}
	return c.up.prow[r]
}

func (c *chunk) upSeq(r int32) int32 {
	if c.up == nil {
		return 0
	}
	return c.up.seq[r]
}

// prov is the provenance of a chunk's rows. Raw input rows are numbered
// from base in input order; a stream's output rows descend from rows of
// the stream's input chunk. The delivery order of VPL.md §3 and §7.3 (per
// input event: phase, then breadth-first through the cascade, subscribers
// in declaration order) is the order of the keys appendKey builds.
type prov struct {
	parent *chunk // nil for a root: raw input, or a watermark phase's releases
	base   int64  // root: input position (of row 0 for raw input)
	phase  uint8  // root: 0 watermark phase, 1 dispatch phase
	root   int32  // watermark root: position of the releasing stream in dependency order
	fired  bool   // watermark root: rows are releases ranked by row number
	rank0  int32  // watermark root: rank of row 0 among the phase's releases
	maxTs  int64  // watermark root: the source maxTs at the phase
	// at and atMaxTs, when set, give each row of a watermark root the
	// input position and maxTs of its own phase: releases fired for a
	// whole batch at once (Runtime.fireDeferred).
	at      []int64
	atMaxTs []int64
	sub     int32 // index of the producing stream
	prow    []int32
	seq     []int32
}

// appendKey appends the order key of domain row r: the input position
// (8 bytes), the phase, the releasing stream (watermark phase), the
// generation, the release's rank (watermark phase), then for each
// generation the producing stream and the output's rank. Keys of one
// generation under one root have one length, so byte order is
// breadth-first order.
func appendKey(b []byte, c *chunk, r int32) []byte {
	p := c.prov
	if p.parent == nil {
		o := uint64(p.base)
		if !p.fired {
			o += uint64(r)
		} else if p.at != nil {
			o = uint64(p.at[r])
		}
		b = append(b, byte(o>>56), byte(o>>48), byte(o>>40), byte(o>>32), byte(o>>24), byte(o>>16), byte(o>>8), byte(o),
			p.phase, byte(p.root>>8), byte(p.root), 0)
		if p.fired {
			k := p.rank0 + r
			b = append(b, byte(k>>24), byte(k>>16), byte(k>>8), byte(k))
		}
		return b
	}
	pr, sq := r, int32(0)
	if p.prow != nil {
		pr, sq = p.prow[r], p.seq[r]
	}
	b = appendKey(b, p.parent, pr)
	b[11]++ // generation
	return append(b, byte(p.sub>>8), byte(p.sub), byte(sq>>24), byte(sq>>16), byte(sq>>8), byte(sq))
}

// code returns the number of type t in tnames, adding it if new.
func (c *chunk) code(t string) uint16 {
	// Rows of one type usually share the string: compare pointers first.
	for i, n := range c.tnames {
		if unsafe.StringData(n) == unsafe.StringData(t) && len(n) == len(t) {
			return uint16(i)
		}
	}
	for i, n := range c.tnames {
		if n == t {
			return uint16(i)
		}
	}
	c.tnames = append(c.tnames, t)
	return uint16(len(c.tnames) - 1)
}

// lookup returns the number of type t, or -1 when no row has it.
func (c *chunk) lookup(t string) int {
	for i, n := range c.tnames {
		if n == t {
			return i
		}
	}
	return -1
}

// typeAt returns the type of domain row r.
func (c *chunk) typeAt(r int32) string {
	if c.types != nil {
		return c.types[r]
	}
	return c.typ
}

// col returns the index of the named field, or -1.
func (c *chunk) col(name string) int {
	for i, n := range c.names {
		if n == name {
			return i
		}
	}
	return -1
}

// rowEvent returns a domain row in row form, strings copied.
func (c *chunk) rowEvent(row int) event.Event {
	ev := event.Event{Type: c.typeAt(int32(row)), TS: c.ts[row], Fields: make([]event.Field, len(c.names))}
	for i, name := range c.names {
		ev.Fields[i] = event.Field{Name: name, Value: cloneValue(c.cols[i].value(row))}
	}
	return ev
}

// cloneValue copies a string out of a shared buffer.
func cloneValue(v event.Value) event.Value {
	if v.Kind() == event.KindString {
		return event.String(strings.Clone(v.AsString()))
	}
	return v
}

// chunkFromBatch wraps a reader's batch as a chunk with every row selected.
func chunkFromBatch(b event.Batch, sel []int32) *chunk {
	return new(batchWrap).wrap(b, sel)
}

// batchWrap is the memory a batch is wrapped in as a chunk: the runtime
// keeps one and wraps every batch in it, as nothing refers to its raw
// chunk once the batch is processed (operators copy what they keep, and
// the caches that know a chunk by its address are reset per chunk).
type batchWrap struct {
	c      chunk
	p      prov
	names  []string
	cols   []*vec
	vecs   []vec
	tnames []string
	tcode  []uint16
}

// wrap makes w's chunk the chunk of b, with sel's memory for its selection.
func (w *batchWrap) wrap(b event.Batch, sel []int32) *chunk {
	rec := b.Rec
	n := int(rec.NumRows())
	if cap(w.c.tnames) > cap(w.tnames) {
		w.tnames = w.c.tnames // the last chunk's names grew (code)
	}
	w.c = chunk{typ: b.Type, n: n, types: b.Types}
	c := &w.c
	if b.Types != nil && len(b.TypeCodes) == n {
		w.tnames = append(w.tnames[:0], b.TypeNames...) // tnames may grow (code)
		c.tcode, c.tnames = b.TypeCodes, w.tnames
	} else if b.Types != nil {
		w.tnames = w.tnames[:0]
		c.tnames = w.tnames
		w.tcode = grow(w.tcode, n)
		c.tcode = w.tcode
		// A small cache by string address: rows of one type share it.
		var seen [16]struct {
			p    *byte
			n    int
			code uint16
		}
		for i, t := range b.Types {
			p := unsafe.StringData(t)
			// Type names may lie bytes apart: spread the addresses.
			e := &seen[uint64(uintptr(unsafe.Pointer(p)))*0x9e3779b97f4a7c15>>60]
			if e.p != p || e.n != len(t) || p == nil {
				e.p, e.n, e.code = p, len(t), c.code(t)
			}
			c.tcode[i] = e.code
		}
	}
	c.ts = timestampsAsInt64(rec.Column(0).(*array.Timestamp))
	schema := rec.Schema()
	nf := schema.NumFields()
	if cap(w.vecs) < nf-1 {
		w.vecs = make([]vec, nf-1)
	}
	w.names, w.cols = w.names[:0], w.cols[:0]
	for i := 1; i < nf; i++ {
		f := schema.Field(i)
		w.names = append(w.names, f.Name)
		v := &w.vecs[:nf-1][i-1]
		fillVec(v, f, rec.Column(i))
		if d := b.Dict(i); d != nil && len(d.Codes) == n && v.kind == event.KindString {
			v.dict = d
		}
		w.cols = append(w.cols, v)
	}
	c.names, c.cols = w.names, w.cols
	c.sel = identity(sel, n)
	return c
}

// identity returns [0, n) in buf.
func identity(buf []int32, n int) []int32 {
	if cap(buf) < n {
		buf = make([]int32, n)
	}
	buf = buf[:n]
	for i := range buf {
		buf[i] = int32(i)
	}
	return buf
}

// batchView gives row-at-a-time code access to a chunk's current row.
type batchView struct {
	c   *chunk
	typ string
}

func (v *batchView) col(name string) int { return v.c.col(name) }

func (v *batchView) value(col, row int) event.Value { return v.c.cols[col].value(row) }

func (v *batchView) field(name string, row int) event.Value {
	if i := v.c.col(name); i >= 0 {
		return v.c.cols[i].value(row)
	}
	return event.Null
}

func (v *batchView) ts(row int) int64 { return v.c.ts[row] }

// rowMap returns the row's fields as a map value.
func (v *batchView) rowMap(row int) event.Value {
	keys := make([]string, len(v.c.names))
	vals := make([]event.Value, len(v.c.names))
	copy(keys, v.c.names)
	for i := range v.c.cols {
		vals[i] = cloneValue(v.c.cols[i].value(row))
	}
	return event.Map(keys, vals)
}

// maxTsAt returns the source maxTs as it stood when row r was dispatched
// (or released), which with a stream's allowance gives its watermark.
func (c *chunk) maxTsAt(r int32) int64 {
	for {
		p := c.prov
		if p.parent == nil {
			if p.fired {
				if p.atMaxTs != nil {
					return p.atMaxTs[r]
				}
				return p.maxTs
			}
			return c.prefix[r]
		}
		if p.prow != nil {
			r = p.prow[r]
		}
		c = p.parent
	}
}

// position returns the input position of the event that row r descends
// from (for a watermark release, the phase's position).
func (c *chunk) position(r int32) int64 {
	for {
		p := c.prov
		if p.parent == nil {
			if p.fired {
				if p.at != nil {
					return p.at[r]
				}
				return p.base
			}
			return p.base + int64(r)
		}
		if p.prow != nil {
			r = p.prow[r]
		}
		c = p.parent
	}
}
