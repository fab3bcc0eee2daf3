package event

import (
	"encoding/binary"
	"math"
	"slices"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// BatchBuilder turns events into Batches. Consecutive events with the same
// type and the same field names in the same order share a batch of at most
// MaxBatchRows rows; any other event closes the open batch and starts a new
// one.
//
// Columns accumulate in plain Go slices that are reused from batch to batch
// and copied into Arrow buffers when a batch closes: appending a scalar
// event costs a few slice appends and, in steady state, no allocation. A
// column takes the kind of its first non-null value; when a value of
// another kind (or an array or map) arrives, it is re-encoded once as an
// any-column.
//
// A BatchBuilder is not safe for concurrent use.
type BatchBuilder struct {
	mem     memory.Allocator
	maxRows int
	// MixTypes lets one batch hold events of several types that share their
	// field names (see Batch.Types): inputs whose types alternate line by
	// line then still form full batches.
	MixTypes bool
	// KeyFields, when set, limits dictionary numbering (see Dict) to the
	// string columns of these names: those an operator groups by. Nil
	// numbers every string column.
	KeyFields map[string]bool

	// the open batch
	typ       string
	types     []string // per row, when the batch mixes types
	codes     []uint16 // per row, the type's number in typeNames
	typeNames []string
	mixed     bool
	rows      int
	ts        []int64
	cols      []column // len = fields of the open batch; cap keeps idle columns' buffers
	lines     []int
	lined     bool // some row has a line number

	done []Batch // closed batches not yet taken
	head int     // index of the oldest batch in done

	schemas   map[string]*arrow.Schema
	schemaKey []byte

	slab    *memory.Buffer // the buffers of the batch being closed
	slabOff int
	bits    []byte // scratch of bool columns
}

// column accumulates one field column of the open batch.
type column struct {
	name  string
	kind  Kind // kind of the non-null values so far; KindNull while all null; kindAny
	nulls int
	valid []byte  // validity bitmap, one bit per row
	fixed []int64 // bool (0/1), int, float bits, timestamp, duration
	data  []byte  // string bytes or AppendBinary encodings
	offs  []int32 // offsets into data, one per row plus one
	dict  dictBuilder
}

// maxColumnBytes closes a batch early when a string or any column holds
// this much data, well before its int32 offsets could overflow.
const maxColumnBytes = 1 << 30

// maxSchemas bounds the schema cache; input with ever new shapes resets it.
const maxSchemas = 1024

// maxKeptBuffer is the capacity above which a column buffer is dropped
// rather than kept for the next batch, so that one batch of huge strings
// does not pin its memory.
const maxKeptBuffer = 16 << 20

var (
	tsType     = &arrow.TimestampType{Unit: arrow.Nanosecond, TimeZone: "UTC"}
	durType    = &arrow.DurationType{Unit: arrow.Nanosecond}
	anyMeta    = arrow.NewMetadata([]string{MetaKind}, []string{MetaKindAny})
	arrowTypes = [...]arrow.DataType{
		KindNull:      arrow.Null,
		KindBool:      arrow.FixedWidthTypes.Boolean,
		KindInt:       arrow.PrimitiveTypes.Int64,
		KindFloat:     arrow.PrimitiveTypes.Float64,
		KindString:    arrow.BinaryTypes.String,
		KindTimestamp: tsType,
		KindDuration:  durType,
	}
)

// NewBatchBuilder returns a builder that allocates Arrow memory from mem
// (memory.DefaultAllocator when nil).
func NewBatchBuilder(mem memory.Allocator) *BatchBuilder {
	if mem == nil {
		mem = memory.DefaultAllocator
	}
	return &BatchBuilder{mem: mem, maxRows: MaxBatchRows, schemas: make(map[string]*arrow.Schema)}
}

// Append adds e as the next row.
func (b *BatchBuilder) Append(e *Event) { b.AppendFields(e.Type, e.TS, e.Fields, 0) }

// AppendFields adds one event given by parts, the allocation-free path of
// readers: the builder copies what it keeps before returning, so fields and
// the strings in it may be scratch memory that the caller reuses. line is
// the input line reported in Batch.Lines (0 when unknown).
func (b *BatchBuilder) AppendFields(typ string, ts int64, fields []Field, line int) {
	if b.rows > 0 && !b.sameShape(typ, fields) {
		b.closeBatch()
	}
	if b.rows == 0 {
		b.open(typ, fields)
	}
	row := b.rows
	b.ts = append(b.ts, ts)
	if b.MixTypes {
		if typ != b.typ {
			b.mixed = true
		}
		b.types = append(b.types, typ)
		b.codes = append(b.codes, b.typeCode(typ))
	}
	full := false
	for i := range fields {
		c := &b.cols[i]
		c.add(row, fields[i].Value)
		full = full || len(c.data) > maxColumnBytes
	}
	b.lines = append(b.lines, line)
	if line != 0 {
		b.lined = true
	}
	b.rows++
	if b.rows >= b.maxRows || full {
		b.closeBatch()
	}
}

// Len returns the number of rows in the open batch.
func (b *BatchBuilder) Len() int { return b.rows }

// Take returns the oldest closed batch, if any, leaving the open batch
// open. The caller owns the batch.
func (b *BatchBuilder) Take() (Batch, bool) {
	if b.head >= len(b.done) {
		return Batch{}, false
	}
	out := b.done[b.head]
	b.done[b.head] = Batch{}
	b.head++
	if b.head == len(b.done) {
		b.done = b.done[:0]
		b.head = 0
	}
	return out, true
}

// Flush closes the open batch and returns every batch not yet taken, oldest
// first. The caller owns them.
func (b *BatchBuilder) Flush() []Batch {
	b.closeBatch()
	if b.head >= len(b.done) {
		return nil
	}
	out := append([]Batch(nil), b.done[b.head:]...)
	clear(b.done)
	b.done = b.done[:0]
	b.head = 0
	return out
}

// CloseBatch closes the open batch, so that Take returns it.
func (b *BatchBuilder) CloseBatch() { b.closeBatch() }

// Release releases every batch not yet taken and drops the open rows.
func (b *BatchBuilder) Release() {
	b.rows = 0
	for _, bt := range b.Flush() {
		bt.Rec.Release()
	}
}

func (b *BatchBuilder) sameShape(typ string, fields []Field) bool {
	if (typ != b.typ && !b.MixTypes) || len(fields) != len(b.cols) {
		return false
	}
	for i := range fields {
		if fields[i].Name != b.cols[i].name {
			return false
		}
	}
	return true
}

// typeCode numbers typ among the types of the open batch; rows of one
// type mostly come together, so the last type is tried first.
func (b *BatchBuilder) typeCode(typ string) uint16 {
	if n := len(b.codes); n > 0 && b.typeNames[b.codes[n-1]] == typ {
		return b.codes[n-1]
	}
	for i, t := range b.typeNames {
		if t == typ {
			return uint16(i)
		}
	}
	b.typeNames = append(b.typeNames, typ)
	return uint16(len(b.typeNames) - 1)
}

func (b *BatchBuilder) open(typ string, fields []Field) {
	b.typ = typ
	if cap(b.cols) < len(fields) {
		cols := make([]column, len(fields))
		copy(cols, b.cols[:cap(b.cols)])
		b.cols = cols
	}
	b.cols = b.cols[:len(fields)]
	for i := range fields {
		b.cols[i].reset(fields[i].Name)
		if b.KeyFields != nil && !b.KeyFields[fields[i].Name] {
			b.cols[i].dict.on = false
		}
	}
	b.ts = b.ts[:0]
	b.types = b.types[:0]
	b.codes, b.typeNames = b.codes[:0], b.typeNames[:0]
	b.mixed = false
	b.lines = b.lines[:0]
	b.lined = false
}

func (c *column) reset(name string) {
	c.name, c.kind, c.nulls = name, KindNull, 0
	c.valid = keep(c.valid)
	c.fixed = keep(c.fixed)
	c.data = keep(c.data)
	c.offs = append(keep(c.offs), 0)
	c.dict.open(name)
}

// keep empties s for reuse, or drops it when it grew too large.
func keep[T any](s []T) []T {
	var zero T
	if cap(s)*int(unsafe.Sizeof(zero)) > maxKeptBuffer {
		return nil
	}
	return s[:0]
}

// add appends v as row row of the column.
func (c *column) add(row int, v Value) {
	if row&7 == 0 {
		c.valid = append(c.valid, 0)
	}
	if v.kind == KindNull {
		c.nulls++
		switch c.kind {
		case KindString, kindAny:
			c.offs = append(c.offs, int32(len(c.data)))
		case KindNull:
		default:
			c.fixed = append(c.fixed, 0)
		}
		return
	}
	if v.kind != c.kind {
		c.retype(row, v.kind)
	}
	c.valid[row>>3] |= 1 << (row & 7)
	switch c.kind {
	case KindString:
		c.data = append(c.data, v.s...)
		c.offs = append(c.offs, int32(len(c.data)))
	case kindAny:
		c.data = AppendBinary(c.data, v)
		c.offs = append(c.offs, int32(len(c.data)))
	default:
		c.fixed = append(c.fixed, v.n)
	}
}

// str returns the string of row r of a string column, as a view of the
// column's bytes.
func (c *column) str(r int) string {
	return view(c.data[c.offs[r]:c.offs[r+1]])
}

// retype prepares the column for a first value of kind k: an all-null
// column takes k (a scalar) or becomes an any-column; a typed one becomes
// an any-column, re-encoding its rows.
func (c *column) retype(rows int, k Kind) {
	switch {
	case c.kind == kindAny:
		return
	case c.kind == KindNull && k <= KindDuration:
		c.kind = k
		if k != KindString {
			c.dict.stop(false)
		}
		if k == KindString {
			for range rows {
				c.offs = append(c.offs, 0)
			}
		} else {
			for range rows {
				c.fixed = append(c.fixed, 0)
			}
		}
		return
	}
	c.dict.stop(false)
	// Re-encode rows 0..rows-1 as AppendBinary cells in fresh buffers.
	var data []byte
	offs := make([]int32, 1, rows+2)
	for r := range rows {
		if c.valid[r>>3]&(1<<(r&7)) != 0 {
			data = AppendBinary(data, c.cell(r))
		}
		offs = append(offs, int32(len(data)))
	}
	c.kind, c.data, c.offs, c.fixed = kindAny, data, offs, c.fixed[:0]
}

// cell returns the value of a non-null row of a typed column, strings
// aliasing the column's buffer.
func (c *column) cell(r int) Value {
	switch c.kind {
	case KindString:
		return String(view(c.data[c.offs[r]:c.offs[r+1]]))
	case KindFloat:
		return Float(math.Float64frombits(uint64(c.fixed[r])))
	}
	return Value{kind: c.kind, n: c.fixed[r]}
}

// closeBatch turns the open rows into a Batch queued for Take.
func (b *BatchBuilder) closeBatch() {
	n := b.rows
	if n == 0 {
		return
	}
	// One allocation holds every buffer of the batch: small batches (types
	// that alternate) are dominated by allocations.
	size := pad(8 * n)
	for i := range b.cols {
		size += b.cols[i].bufferBytes(n)
	}
	b.slab = memory.NewResizableBuffer(b.mem)
	b.slab.Resize(size)
	b.slabOff = 0
	arrs := make([]arrow.Array, 1+len(b.cols))
	arrs[0] = b.fixedArray(tsType, nil, 0, b.ts)
	var dicts []*Dict
	for i := range b.cols {
		c := &b.cols[i]
		d := c.dict.finish(c, n) // before c.finish hands its buffers over
		arrs[i+1] = c.finish(b, n)
		if d != nil {
			if dicts == nil {
				dicts = make([]*Dict, 1+len(b.cols))
			}
			dicts[i+1] = d
		}
	}
	b.slab.Release() // the column buffers hold it
	b.slab = nil
	rec := array.NewRecordBatch(b.schema(), arrs, int64(n))
	for _, a := range arrs {
		a.Release()
	}
	var lines []int
	if b.lined {
		lines = make([]int, n)
		copy(lines, b.lines)
	}
	var types, typeNames []string
	var codes []uint16
	if b.mixed {
		types = make([]string, n)
		copy(types, b.types)
		codes = make([]uint16, n)
		copy(codes, b.codes)
		typeNames = slices.Clone(b.typeNames)
	}
	b.done = append(b.done, Batch{Type: b.typ, Types: types, TypeCodes: codes, TypeNames: typeNames, Rec: rec, Lines: lines, Dicts: dicts})
	b.rows = 0
}

// schema returns the (cached) schema of the open batch.
func (b *BatchBuilder) schema() *arrow.Schema {
	key := b.schemaKey[:0]
	for i := range b.cols {
		key = binary.AppendUvarint(key, uint64(len(b.cols[i].name)))
		key = append(key, b.cols[i].name...)
		key = append(key, byte(b.cols[i].kind))
	}
	b.schemaKey = key
	if s, ok := b.schemas[string(key)]; ok {
		return s
	}
	fields := make([]arrow.Field, 1+len(b.cols))
	fields[0] = arrow.Field{Name: TSColumn, Type: tsType}
	for i := range b.cols {
		c := &b.cols[i]
		if c.kind == kindAny {
			fields[i+1] = arrow.Field{Name: c.name, Type: arrow.BinaryTypes.Binary, Nullable: true, Metadata: anyMeta}
		} else {
			fields[i+1] = arrow.Field{Name: c.name, Type: arrowTypes[c.kind], Nullable: true}
		}
	}
	s := arrow.NewSchema(fields, nil)
	if len(b.schemas) >= maxSchemas {
		clear(b.schemas)
	}
	b.schemas[string(key)] = s
	return s
}

// finish returns the column's Arrow array for a batch of n rows.
func (c *column) finish(b *BatchBuilder, n int) arrow.Array {
	valid := c.valid
	if c.nulls == 0 {
		valid = nil
	}
	switch c.kind {
	case KindNull:
		return array.NewNull(n)
	case KindBool:
		bits := b.bits[:0]
		for r, x := range c.fixed {
			if r&7 == 0 {
				bits = append(bits, 0)
			}
			if x != 0 {
				bits[r>>3] |= 1 << (r & 7)
			}
		}
		b.bits = bits
		return b.array(arrowTypes[KindBool], n, c.nulls, valid, bits)
	case KindString, kindAny:
		dt := arrowTypes[KindString]
		if c.kind == kindAny {
			dt = arrow.BinaryTypes.Binary
		}
		offs := b.buffer(unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(c.offs))), 4*len(c.offs)))
		data := b.buffer(c.data[:len(c.data):len(c.data)])
		if data == nil {
			data = b.buffer([]byte{}) // an empty values buffer, never none
		}
		bufs := []*memory.Buffer{b.buffer(valid), offs, data}
		d := array.NewData(dt, n, bufs, nil, c.nulls, 0)
		release(bufs)
		arr := array.MakeFromData(d)
		d.Release()
		return arr
	}
	return b.fixedArray(arrowTypes[c.kind], valid, c.nulls, c.fixed)
}

// fixedArray builds an array of 8-byte values (int64, float64 bits,
// timestamps, durations).
func (b *BatchBuilder) fixedArray(dt arrow.DataType, valid []byte, nulls int, vals []int64) arrow.Array {
	raw := unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(vals))), 8*len(vals))
	return b.array(dt, len(vals), nulls, valid, raw)
}

// array builds a two-buffer array (validity, values) from copies of Go
// memory in allocator buffers.
func (b *BatchBuilder) array(dt arrow.DataType, n, nulls int, valid, vals []byte) arrow.Array {
	bufs := []*memory.Buffer{b.buffer(valid), b.buffer(vals)}
	d := array.NewData(dt, n, bufs, nil, nulls, 0)
	release(bufs)
	arr := array.MakeFromData(d)
	d.Release()
	return arr
}

// buffer copies p into the batch's slab and returns that part of it as a
// buffer (nil for a nil p: no validity bitmap).
func (b *BatchBuilder) buffer(p []byte) *memory.Buffer {
	if p == nil {
		return nil
	}
	off := b.slabOff
	copy(b.slab.Bytes()[off:], p)
	b.slabOff += pad(len(p))
	return memory.SliceBuffer(b.slab, off, len(p))
}

// pad rounds a buffer size up to Arrow's 64-byte alignment.
func pad(n int) int { return (n + 63) &^ 63 }

// bufferBytes is the slab space of the column's buffers (see finish).
func (c *column) bufferBytes(n int) int {
	size := 0
	if c.nulls > 0 {
		size += pad(len(c.valid))
	}
	switch c.kind {
	case KindNull:
		return 0
	case KindBool:
		return size + pad((n+7)/8)
	case KindString, kindAny:
		return size + pad(4*len(c.offs)) + pad(len(c.data))
	}
	return size + pad(8*len(c.fixed))
}

func release(bufs []*memory.Buffer) {
	for _, x := range bufs {
		if x != nil {
			x.Release()
		}
	}
}
