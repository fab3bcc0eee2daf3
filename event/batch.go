package event

import (
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// Field is one named field of an event.
type Field struct {
	Name  string
	Value Value
}

// Event is one event in row form: the form readers produce and the
// row-at-a-time paths consume. The engine's hot paths use Batch.
type Event struct {
	Type   string
	TS     int64 // event time, ns since the Unix epoch
	Fields []Field
}

// Get returns the value of the named field and whether the event has it.
func (e *Event) Get(name string) (Value, bool) {
	for i := range e.Fields {
		if e.Fields[i].Name == name {
			return e.Fields[i].Value, true
		}
	}
	return Null, false
}

// TSColumn is the name of the event-time column, column 0 of every batch.
const TSColumn = "ts"

// MetaKind is the field metadata key that marks a column whose values are
// of mixed kinds or nested (arrays, maps). Such a column is Arrow binary
// holding each value in the encoding of AppendBinary; its metadata value is
// MetaKindAny.
const (
	MetaKind    = "varpulis.kind"
	MetaKindAny = "any"
)

// MaxBatchRows caps the rows of one batch built by a reader.
const MaxBatchRows = 4096

// Batch is a run of consecutive events of one type and one shape, as an
// Arrow record: column 0 is "ts" (timestamp[ns, UTC]); then one column per
// field, in the events' field order. A field whose non-null values all share
// one scalar kind gets the matching Arrow type (bool, int64, float64, utf8,
// timestamp[ns], duration[ns]; arrow null when every value is null);
// anything else is a binary column marked with MetaKind (see ColumnKind).
//
// Batches of one type may differ in shape; a field missing from an event is
// absent from its batch, which is how "missing" differs from "null".
//
// A Batch owns one reference to Rec: whoever ends up holding it calls
// Rec.Release.
type Batch struct {
	Type string
	// Types, when set, gives each row's type: a batch built with MixTypes
	// may hold events of several types sharing their field names. Type is
	// then the first row's.
	Types []string
	// TypeCodes, when set with Types, numbers each row's type into
	// TypeNames (the builder's batches have them; others may not).
	TypeCodes []uint16
	TypeNames []string
	Rec       arrow.RecordBatch
	// Lines holds the input line of each row when a reader built the batch
	// (the engine reports rejections and errors per event position); nil
	// when the rows have no line numbers.
	Lines []int
	// Dicts, when set, holds per column (indexed as Rec's columns, 0 being
	// ts) the dictionary encoding of a string column with few distinct
	// values, or nil (see Dict). Whoever builds a new record from Rec's
	// columns drops or rebuilds it.
	Dicts []*Dict
}

// TypeAt returns the type of row.
func (b Batch) TypeAt(row int) string {
	if b.Types != nil {
		return b.Types[row]
	}
	return b.Type
}

// Len returns the number of events in b (0 for the zero Batch).
func (b Batch) Len() int {
	if b.Rec == nil {
		return 0
	}
	return int(b.Rec.NumRows())
}

// kindAny is the internal kind of an any-column; it is never the kind of a
// Value.
const kindAny Kind = 255

// IsAnyColumn reports whether f is an any-column: Arrow binary holding one
// AppendBinary encoding per non-null row, used when a field's values are of
// mixed kinds or nested.
func IsAnyColumn(f arrow.Field) bool {
	if f.Type == nil || f.Type.ID() != arrow.BINARY {
		return false
	}
	v, ok := f.Metadata.GetValue(MetaKind)
	return ok && v == MetaKindAny
}

// ColumnKind returns the kind shared by every non-null value of a typed
// column (KindNull for an all-null column) and ok = true. For an any-column,
// whose kind varies per row, and for Arrow types outside the batch model it
// returns ok = false; read those cells with Batch.Value.
func ColumnKind(f arrow.Field) (k Kind, ok bool) {
	if f.Type == nil {
		return KindNull, false
	}
	switch f.Type.ID() {
	case arrow.NULL:
		return KindNull, true
	case arrow.BOOL:
		return KindBool, true
	case arrow.INT64:
		return KindInt, true
	case arrow.FLOAT64:
		return KindFloat, true
	case arrow.STRING, arrow.LARGE_STRING:
		return KindString, true
	case arrow.TIMESTAMP:
		return KindTimestamp, true
	case arrow.DURATION:
		return KindDuration, true
	}
	return KindNull, false
}

// TS returns the event time of row (ns since the epoch), 0 when out of
// range.
func (b Batch) TS(row int) int64 {
	if b.Rec == nil || b.Rec.NumCols() == 0 || row < 0 || row >= b.Len() {
		return 0
	}
	if a, ok := b.Rec.Column(0).(*array.Timestamp); ok {
		return toNanos(int64(a.Value(row)), a.DataType().(*arrow.TimestampType).Unit)
	}
	return 0
}

// FieldNames returns the names of the event fields, in order (every column
// but ts).
func (b Batch) FieldNames() []string {
	if b.Rec == nil || b.Rec.NumCols() == 0 {
		return nil
	}
	fs := b.Rec.Schema().Fields()[1:]
	names := make([]string, len(fs))
	for i, f := range fs {
		names[i] = f.Name
	}
	return names
}

// Value returns the value in column col (0 is ts) of row; null for a null
// cell or out-of-range indexes. Strings are copied out of the Arrow buffers,
// so the value outlives the batch.
func (b Batch) Value(col, row int) Value {
	if b.Rec == nil || col < 0 || col >= int(b.Rec.NumCols()) || row < 0 || row >= b.Len() {
		return Null
	}
	arr := b.Rec.Column(col)
	if arr.IsNull(row) {
		return Null
	}
	return cellValue(b.Rec.Schema().Field(col), arr, row, true)
}

// Event returns row in row form (the slow path, for row-at-a-time code and
// tests).
func (b Batch) Event(row int) Event {
	e := Event{Type: b.TypeAt(row), TS: b.TS(row)}
	if b.Rec == nil || b.Rec.NumCols() <= 1 {
		return e
	}
	n := int(b.Rec.NumCols())
	e.Fields = make([]Field, n-1)
	for c := 1; c < n; c++ {
		e.Fields[c-1] = Field{Name: b.Rec.ColumnName(c), Value: b.Value(c, row)}
	}
	return e
}

// cellValue reads a non-null cell. With clone false, strings alias the Arrow
// buffer (for immediate re-encoding only).
func cellValue(f arrow.Field, arr arrow.Array, row int, clone bool) Value {
	switch a := arr.(type) {
	case *array.Boolean:
		return Bool(a.Value(row))
	case *array.Int64:
		return Int(a.Value(row))
	case *array.Float64:
		return Float(a.Value(row))
	case *array.String:
		if clone {
			return String(strings.Clone(a.Value(row)))
		}
		return String(a.Value(row))
	case *array.LargeString:
		if clone {
			return String(strings.Clone(a.Value(row)))
		}
		return String(a.Value(row))
	case *array.Timestamp:
		return Timestamp(toNanos(int64(a.Value(row)), a.DataType().(*arrow.TimestampType).Unit))
	case *array.Duration:
		return Duration(toNanos(int64(a.Value(row)), a.DataType().(*arrow.DurationType).Unit))
	case *array.Binary:
		if IsAnyColumn(f) {
			v, _, err := DecodeBinary(a.Value(row))
			if err != nil {
				return Null
			}
			return v
		}
		return String(string(a.Value(row)))
	}
	return Null
}

// toNanos converts a count of unit to nanoseconds (batches built here are
// always in ns; other producers may use coarser units).
func toNanos(v int64, unit arrow.TimeUnit) int64 {
	switch unit {
	case arrow.Second:
		return v * 1e9
	case arrow.Millisecond:
		return v * 1e6
	case arrow.Microsecond:
		return v * 1e3
	}
	return v
}

// CellValue reads row of an Arrow column of a batch (null cells included)
// without copying strings: the value aliases the batch's buffers and must
// not outlive it.
func CellValue(f arrow.Field, arr arrow.Array, row int) Value {
	if arr.IsNull(row) {
		return Null
	}
	return cellValue(f, arr, row, false)
}
