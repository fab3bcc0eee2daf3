package event

import (
	"bufio"
	"encoding/binary"
	"math"
	"strconv"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/cockroachdb/errors"
)

// Format is an output form of VPL.md §7.2.
type Format uint8

// The output forms.
const (
	FormatText Format = iota // <ts> <type> {<name>: <value>, …}
	FormatJSON               // {"stream":"<type>","ts":"<ts>","fields":{…}}
)

// ParseFormat parses the value of --output.
func ParseFormat(s string) (Format, error) {
	switch s {
	case "text":
		return FormatText, nil
	case "json":
		return FormatJSON, nil
	}
	return 0, errors.WithHint(errors.Newf("unknown output format %q", s), "use text or json")
}

// String returns the name ParseFormat accepts.
func (f Format) String() string {
	if f == FormatJSON {
		return "json"
	}
	return "text"
}

// AppendEvent appends e in form f, without a line end.
func AppendEvent(b []byte, e *Event, f Format) []byte {
	text := f == FormatText
	if text {
		b = AppendTimestamp(b, e.TS)
		b = append(b, ' ')
		b = appendTextType(b, e.Type)
		b = append(b, ' ', '{')
	} else {
		b = append(b, `{"stream":`...)
		b = AppendJSONString(b, e.Type)
		b = append(b, `,"ts":"`...)
		b = AppendTimestamp(b, e.TS)
		b = append(b, `","fields":{`...)
	}
	for i := range e.Fields {
		if i > 0 {
			b = appendSep(b, text)
		}
		b = appendName(b, e.Fields[i].Name, text)
		b = appendValue(b, e.Fields[i].Value, text)
	}
	if text {
		return append(b, '}')
	}
	return append(b, '}', '}')
}

// WriteEvent writes e in form f as one line.
func WriteEvent(w *bufio.Writer, e *Event, f Format) error {
	b := AppendEvent(w.AvailableBuffer(), e, f)
	b = append(b, '\n')
	_, err := w.Write(b)
	return err
}

// AppendRow appends row of bt in form f, without a line end. For many rows
// AppendBatch is faster: it prepares the columns once.
func AppendRow(b []byte, bt Batch, row int, f Format) []byte {
	if row < 0 || row >= bt.Len() {
		return b
	}
	if bt.Types != nil {
		return appendMixedRow(b, bt, row, f)
	}
	w := newRowWriter(bt, f)
	return w.row(b, row)
}

// appendMixedRow writes a row of a batch that mixes types, through the row
// form (the column writers assume one type per batch).
func appendMixedRow(b []byte, bt Batch, row int, f Format) []byte {
	e := bt.Event(row)
	return AppendEvent(b, &e, f)
}

// AppendBatch appends every row of bt in form f, one line each, with the
// batch type as stream name. It allocates per batch, never per row.
func AppendBatch(b []byte, bt Batch, f Format) []byte {
	if bt.Rec == nil {
		return b
	}
	if bt.Types != nil {
		for row := 0; row < bt.Len(); row++ {
			b = append(appendMixedRow(b, bt, row, f), '\n')
		}
		return b
	}
	w := newRowWriter(bt, f)
	for row := 0; row < bt.Len(); row++ {
		b = w.row(b, row)
		b = append(b, '\n')
	}
	return b
}

// WriteBatch writes every row of bt in form f, one line each.
func WriteBatch(w *bufio.Writer, bt Batch, f Format) error {
	if bt.Rec == nil {
		return nil
	}
	if bt.Types != nil {
		for row := 0; row < bt.Len(); row++ {
			if _, err := w.Write(append(appendMixedRow(w.AvailableBuffer(), bt, row, f), '\n')); err != nil {
				return err
			}
		}
		return nil
	}
	rw := newRowWriter(bt, f)
	for row := 0; row < bt.Len(); row++ {
		b := rw.row(w.AvailableBuffer(), row)
		b = append(b, '\n')
		if _, err := w.Write(b); err != nil {
			return err
		}
	}
	return nil
}

func appendSep(b []byte, text bool) []byte {
	if text {
		return append(b, ',', ' ')
	}
	return append(b, ',')
}

// appendName appends a field name and its colon: quoted in JSON; bare in
// text when it is an identifier, quoted otherwise, so that the text form
// stays readable as .evt.
func appendName(b []byte, name string, text bool) []byte {
	if text && isIdent(name) {
		b = append(b, name...)
	} else {
		b = AppendJSONString(b, name)
	}
	if text {
		return append(b, ':', ' ')
	}
	return append(b, ':')
}

// appendTextType writes the type of a text-form line: bare, as VPL types
// are identifiers; quoted when a JSON input gave another string, so that a
// line break in it cannot split the line.
func appendTextType(b []byte, typ string) []byte {
	if isIdent(typ) {
		return append(b, typ...)
	}
	return AppendJSONString(b, typ)
}

func isIdent(s string) bool {
	if s == "" || !isIdentStart(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		if !isIdentChar(s[i]) {
			return false
		}
	}
	return true
}

// rowWriter writes the rows of one batch, with everything that depends
// only on the schema prepared once.
type rowWriter struct {
	text bool
	head []byte // JSON: {"stream":"T","ts":"   text: nothing
	mid  []byte // JSON: ","fields":{         text: " T {"
	ts   *array.Timestamp
	cols []colWriter

	// The text of the whole seconds of the last ts ("…T15:04:05"): rows of
	// a batch are usually close in time, so the date is rarely redone.
	secs   int64
	prefix []byte
}

// appendTS writes ts as AppendTimestamp does, reusing the formatted
// seconds of the previous row when they are the same.
func (w *rowWriter) appendTS(b []byte, ns int64) []byte {
	secs, frac := ns/1e9, ns%1e9
	if frac < 0 {
		secs, frac = secs-1, frac+1e9
	}
	if secs < math.MinInt64/1_000_000_000 { // secs*1e9 would overflow (before 1677-09-21T00:12:44Z)
		return AppendTimestamp(b, ns)
	}
	if secs != w.secs || w.prefix == nil {
		w.prefix = AppendTimestamp(w.prefix[:0], secs*1e9)
		w.prefix = w.prefix[:len(w.prefix)-1] // drop the 'Z'
		w.secs = secs
	}
	b = append(b, w.prefix...)
	if frac != 0 {
		var digits [10]byte
		digits[0] = '.'
		n := 9
		for frac%10 == 0 {
			frac /= 10
			n--
		}
		for i := n; i > 0; i-- {
			digits[i] = byte('0' + frac%10)
			frac /= 10
		}
		b = append(b, digits[:n+1]...)
	}
	return append(b, 'Z')
}

type colWriter struct {
	key    []byte // `,"name":` or `, name: ` (the first without the separator)
	kind   Kind   // kindAny for an any-column; KindNull for other types read by Value
	arr    arrow.Array
	f      arrow.Field
	nulls  bool
	bools  *array.Boolean
	ints   *array.Int64
	floats *array.Float64
	strs   *array.String
	tss    *array.Timestamp
	durs   *array.Duration
	bin    *array.Binary
}

func newRowWriter(bt Batch, f Format) *rowWriter {
	w := &rowWriter{text: f == FormatText}
	if w.text {
		w.mid = append(w.mid, ' ')
		w.mid = appendTextType(w.mid, bt.Type)
		w.mid = append(w.mid, ' ', '{')
	} else {
		w.head = append(w.head, `{"stream":`...)
		w.head = AppendJSONString(w.head, bt.Type)
		w.head = append(w.head, `,"ts":"`...)
		w.mid = append(w.mid, `","fields":{`...)
	}
	schema := bt.Rec.Schema()
	n := int(bt.Rec.NumCols())
	if n == 0 {
		return w
	}
	w.ts, _ = bt.Rec.Column(0).(*array.Timestamp)
	w.cols = make([]colWriter, n-1)
	for i := 1; i < n; i++ {
		c := &w.cols[i-1]
		c.f = schema.Field(i)
		c.arr = bt.Rec.Column(i)
		c.nulls = c.arr.NullN() > 0
		if i > 1 {
			c.key = appendSep(c.key, w.text)
		}
		c.key = appendName(c.key, c.f.Name, w.text)
		c.kind = KindNull
		switch a := c.arr.(type) {
		case *array.Boolean:
			c.kind, c.bools = KindBool, a
		case *array.Int64:
			c.kind, c.ints = KindInt, a
		case *array.Float64:
			c.kind, c.floats = KindFloat, a
		case *array.String:
			c.kind, c.strs = KindString, a
		case *array.Timestamp:
			if a.DataType().(*arrow.TimestampType).Unit == arrow.Nanosecond {
				c.kind, c.tss = KindTimestamp, a
			}
		case *array.Duration:
			if a.DataType().(*arrow.DurationType).Unit == arrow.Nanosecond {
				c.kind, c.durs = KindDuration, a
			}
		case *array.Binary:
			if IsAnyColumn(c.f) {
				c.kind, c.bin = kindAny, a
			}
		}
	}
	return w
}

func (w *rowWriter) row(b []byte, row int) []byte {
	var ts int64
	if w.ts != nil {
		ts = toNanos(int64(w.ts.Value(row)), w.ts.DataType().(*arrow.TimestampType).Unit)
	}
	b = append(b, w.head...)
	b = w.appendTS(b, ts)
	b = append(b, w.mid...)
	for i := range w.cols {
		c := &w.cols[i]
		b = append(b, c.key...)
		if c.nulls && c.arr.IsNull(row) {
			b = append(b, "null"...)
			continue
		}
		switch c.kind {
		case KindBool:
			if c.bools.Value(row) {
				b = append(b, "true"...)
			} else {
				b = append(b, "false"...)
			}
		case KindInt:
			b = strconv.AppendInt(b, c.ints.Value(row), 10)
		case KindFloat:
			f := c.floats.Value(row)
			if math.IsNaN(f) || math.IsInf(f, 0) {
				b = append(b, "null"...)
			} else {
				b = AppendFloat(b, f)
			}
		case KindString:
			b = AppendJSONString(b, c.strs.Value(row))
		case KindTimestamp:
			b = appendValue(b, Timestamp(int64(c.tss.Value(row))), w.text)
		case KindDuration:
			b = appendValue(b, Duration(int64(c.durs.Value(row))), w.text)
		case kindAny:
			b = appendEncoded(b, c.bin.Value(row), w.text)
		default:
			b = appendValue(b, cellValue(c.f, c.arr, row, false), w.text)
		}
	}
	if w.text {
		return append(b, '}')
	}
	return append(b, '}', '}')
}

// appendEncoded writes an AppendBinary encoding in JSON or text form
// without decoding it into a Value (no allocation); a corrupt encoding is
// written as null.
func appendEncoded(b []byte, enc []byte, text bool) []byte {
	start := len(b)
	b, n := transcode(b, enc, text, 0)
	if n != len(enc) {
		return append(b[:start], "null"...)
	}
	return b
}

// transcode writes the value encoded at the start of enc and returns the
// bytes it used, or -1 when the encoding is corrupt.
func transcode(b []byte, enc []byte, text bool, depth int) ([]byte, int) {
	if len(enc) == 0 {
		return b, -1
	}
	i := 1
	switch enc[0] {
	case tagNull:
		return append(b, "null"...), 1
	case tagFalse:
		return append(b, "false"...), 1
	case tagTrue:
		return append(b, "true"...), 1
	case tagInt, tagTimestamp, tagDuration:
		v, n := binary.Varint(enc[1:])
		if n <= 0 {
			return b, -1
		}
		switch enc[0] {
		case tagInt:
			b = strconv.AppendInt(b, v, 10)
		case tagTimestamp:
			b = appendValue(b, Timestamp(v), text)
		default:
			b = appendValue(b, Duration(v), text)
		}
		return b, 1 + n
	case tagFloat:
		if len(enc) < 9 {
			return b, -1
		}
		return appendValue(b, Float(math.Float64frombits(binary.LittleEndian.Uint64(enc[1:]))), text), 9
	case tagString:
		s, n := encodedString(enc[1:])
		if n < 0 {
			return b, -1
		}
		return AppendJSONString(b, s), 1 + n
	case tagArray, tagMap:
		cnt, n := binary.Uvarint(enc[1:])
		if n <= 0 || cnt > uint64(len(enc)) || depth >= maxDecodeDepth {
			return b, -1
		}
		i += n
		isMap := enc[0] == tagMap
		if isMap {
			b = append(b, '{')
		} else {
			b = append(b, '[')
		}
		for j := uint64(0); j < cnt; j++ {
			if j > 0 {
				b = append(b, ',')
			}
			if isMap {
				k, kn := encodedString(enc[i:])
				if kn < 0 {
					return b, -1
				}
				i += kn
				b = AppendJSONString(b, k)
				b = append(b, ':')
			}
			var m int
			b, m = transcode(b, enc[i:], text, depth+1)
			if m < 0 {
				return b, -1
			}
			i += m
		}
		if isMap {
			return append(b, '}'), i
		}
		return append(b, ']'), i
	}
	return b, -1
}

// encodedString reads a uvarint-prefixed string, aliasing enc.
func encodedString(enc []byte) (string, int) {
	l, n := binary.Uvarint(enc)
	if n <= 0 || l > uint64(len(enc)-n) {
		return "", -1
	}
	return view(enc[n : n+int(l)]), n + int(l)
}
