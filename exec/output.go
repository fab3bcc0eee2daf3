package exec

import (
	"github.com/varpulis/varpulis-go/event"
)

// Output is a run of output events handed to a Sink: rows of one chunk, in
// delivery order. It is valid only during the Emit call.
type Output struct {
	c    *chunk
	rows []int32
	// The constant parts of the JSON form, built on first use: the head up
	// to the ts, and each field's `"name":` (with its comma).
	head  []byte
	names [][]byte
	// The formatted date of the last second written: consecutive events
	// usually share it.
	lastSec int64
	lastTS  []byte
}

// Len returns the number of events.
func (o *Output) Len() int { return len(o.rows) }

// Type returns the type of the events.
func (o *Output) Type() string { return o.c.typ }

// Event returns event i in row form (values copied).
func (o *Output) Event(i int) event.Event { return o.c.rowEvent(int(o.rows[i])) }

// AppendJSON appends event i in the JSON form of VPL.md §7.2, without a
// newline.
func (o *Output) AppendJSON(b []byte, i int) []byte {
	r := int(o.rows[i])
	c := o.c
	if o.head == nil {
		o.head = append(event.AppendJSONString(append(o.head, `{"stream":`...), c.typ), `,"ts":"`...)
		o.names = make([][]byte, len(c.names))
		for f, name := range c.names {
			var nb []byte
			if f > 0 {
				nb = append(nb, ',')
			}
			o.names[f] = append(event.AppendJSONString(nb, name), ':')
		}
	}
	b = append(b, o.head...)
	b = o.appendTS(b, c.ts[r])
	b = append(b, `","fields":{`...)
	for f, nb := range o.names {
		b = append(b, nb...)
		b = event.AppendJSON(b, c.cols[f].value(r))
	}
	return append(b, "}}"...)
}

// appendTS appends ts in the output form, reusing the text of the last
// whole second when ts falls in it.
func (o *Output) appendTS(b []byte, ts int64) []byte {
	sec, frac := ts/1e9, ts%1e9
	if frac < 0 || sec < 0 {
		return event.AppendTimestamp(b, ts)
	}
	if o.lastTS == nil || sec != o.lastSec {
		o.lastSec = sec
		o.lastTS = event.AppendTimestamp(o.lastTS[:0], sec*1e9)
		o.lastTS = o.lastTS[:len(o.lastTS)-1] // without the Z
	}
	b = append(b, o.lastTS...)
	if frac != 0 {
		var digits [10]byte
		digits[0] = '.'
		for i := 9; i >= 1; i-- {
			digits[i] = byte('0' + frac%10)
			frac /= 10
		}
		n := 10
		for digits[n-1] == '0' {
			n--
		}
		b = append(b, digits[:n]...)
	}
	return append(b, 'Z')
}

// AppendText appends event i in the text form of VPL.md §7.2.
func (o *Output) AppendText(b []byte, i int) []byte {
	return appendRowText(b, o.c, int(o.rows[i]))
}

// appendRowText writes `<ts> <type> {<name>: <value>, ...}`.
func appendRowText(b []byte, c *chunk, r int) []byte {
	b = event.AppendTimestamp(b, c.ts[r])
	b = append(b, ' ')
	b = append(b, c.typ...)
	b = append(b, " {"...)
	for f, name := range c.names {
		if f > 0 {
			b = append(b, ", "...)
		}
		b = append(b, name...)
		b = append(b, ": "...)
		b = event.AppendText(b, c.cols[f].value(r))
	}
	return append(b, '}')
}
