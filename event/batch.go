package event

import (
	"github.com/apache/arrow-go/v18/arrow"
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
type Batch struct {
	Type string
	Rec  arrow.RecordBatch
}

// Len returns the number of events in b.
func (b Batch) Len() int { return int(b.Rec.NumRows()) }
