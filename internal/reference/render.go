package reference

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/varpulis/varpulis-go/event"
)

// SourceType is the event type of the inputs, as written by VPL and Evt.
const SourceType = "T"

// VPL renders the equivalent VPL program (VPL.md §2–§4), e.g.
//
//	stream S = T.partition_by(k).watermark(out_of_order: 5s).allowed_lateness(10s).window(1m, sliding: 10s).aggregate(n: count(), s: sum(v)).having(n >= 2).emit()
//
// A zero out_of_order is left out, and allowed_lateness is written only for
// time windows (elsewhere it would be W004).
func (c Config) VPL(stream string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "stream %s = %s", stream, SourceType)
	if len(c.PartitionBy) > 0 {
		fmt.Fprintf(&b, ".partition_by(%s)", strings.Join(c.PartitionBy, ", "))
	}
	if c.OutOfOrder != 0 {
		fmt.Fprintf(&b, ".watermark(out_of_order: %s)", durationLiteral(c.OutOfOrder))
	}
	w := c.Window
	if c.AllowedLateness != 0 && (w.Kind == Tumbling || w.Kind == Sliding) {
		fmt.Fprintf(&b, ".allowed_lateness(%s)", durationLiteral(c.AllowedLateness))
	}
	switch w.Kind {
	case Tumbling:
		fmt.Fprintf(&b, ".window(%s)", durationLiteral(w.Size))
	case Sliding:
		fmt.Fprintf(&b, ".window(%s, sliding: %s)", durationLiteral(w.Size), durationLiteral(w.Slide))
	case Count:
		fmt.Fprintf(&b, ".window(%d)", w.Size)
	case SlidingCount:
		fmt.Fprintf(&b, ".window(%d, sliding: %d)", w.Size, w.Slide)
	case Session:
		fmt.Fprintf(&b, ".window(session: %s)", durationLiteral(w.Size))
	}
	var calls []string
	for _, a := range c.Aggs {
		var call string
		switch {
		case a.Fn == "count" && a.Field == "":
			call = "count()"
		case a.Fn == "ema":
			call = fmt.Sprintf("ema(%s, %d)", a.Field, a.Period)
		default:
			call = fmt.Sprintf("%s(%s)", a.Fn, a.Field)
		}
		calls = append(calls, a.Alias+": "+call)
	}
	fmt.Fprintf(&b, ".aggregate(%s)", strings.Join(calls, ", "))
	if h := c.Having; h != nil {
		fmt.Fprintf(&b, ".having(%s %s %s)", h.Alias, h.Op, literal(h.Value))
	}
	b.WriteString(".emit()")
	return b.String()
}

// durationLiteral writes ns as a VPL duration literal (§1.4) in the
// largest unit that divides it exactly.
func durationLiteral(ns int64) string {
	units := []struct {
		name string
		ns   int64
	}{{"d", 86400e9}, {"h", 3600e9}, {"m", 60e9}, {"s", 1e9}, {"ms", 1e6}, {"us", 1e3}, {"ns", 1}}
	for _, u := range units {
		if ns%u.ns == 0 {
			return strconv.FormatInt(ns/u.ns, 10) + u.name
		}
	}
	panic("unreachable")
}

// literal writes a constant as a VPL expression (§1.4; a negative number
// is unary minus applied to a literal).
func literal(v event.Value) string {
	switch v.Kind() {
	case event.KindNull:
		return "null"
	case event.KindBool:
		return strconv.FormatBool(v.AsBool())
	case event.KindInt:
		return strconv.FormatInt(v.AsInt(), 10)
	case event.KindFloat:
		s := strconv.FormatFloat(v.AsFloat(), 'f', -1, 64)
		if !strings.Contains(s, ".") {
			s += ".0"
		}
		return s
	case event.KindString:
		var b strings.Builder
		b.WriteByte('"')
		for _, r := range v.AsString() {
			switch {
			case r == '"' || r == '\\':
				b.WriteByte('\\')
				b.WriteRune(r)
			case r < 0x20:
				fmt.Fprintf(&b, `\u{%x}`, r)
			default:
				b.WriteRune(r)
			}
		}
		b.WriteByte('"')
		return b.String()
	}
	panic("reference: no VPL literal for a " + v.Kind().String())
}

// Evt renders events as a .evt input file (VPL.md §6.1) of type
// SourceType: one line "@<ms>ms T { name: value, … }" per event, in order.
// Every ts must be a non-negative whole number of milliseconds, and values
// null, bool, int, float or string without control characters other than
// \n \r \t.
func Evt(events []Input) string {
	var b strings.Builder
	for _, in := range events {
		if in.TS < 0 || in.TS%1e6 != 0 {
			panic(fmt.Sprintf("reference: ts %d has no .evt offset", in.TS))
		}
		fmt.Fprintf(&b, "@%dms %s {", in.TS/1e6, SourceType)
		for i, f := range in.Fields {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, " %s: %s", f.Name, evtValue(f.Value))
		}
		if len(in.Fields) > 0 {
			b.WriteByte(' ')
		}
		b.WriteString("}\n")
	}
	return b.String()
}

// evtValue writes a value in .evt syntax (§6.1).
func evtValue(v event.Value) string {
	switch v.Kind() {
	case event.KindNull, event.KindBool, event.KindInt:
		return string(event.AppendJSON(nil, v))
	case event.KindFloat:
		// "1.5", "1e-7", "1.5e+21": all .evt float forms.
		return string(event.AppendFloat(nil, v.AsFloat()))
	case event.KindString:
		var b strings.Builder
		b.WriteByte('"')
		for _, r := range v.AsString() {
			switch r {
			case '"', '\\':
				b.WriteByte('\\')
				b.WriteRune(r)
			case '\n':
				b.WriteString(`\n`)
			case '\r':
				b.WriteString(`\r`)
			case '\t':
				b.WriteString(`\t`)
			default:
				if r < 0x20 {
					panic("reference: control character in a .evt string")
				}
				b.WriteRune(r)
			}
		}
		b.WriteByte('"')
		return b.String()
	}
	panic("reference: no .evt form for a " + v.Kind().String())
}
