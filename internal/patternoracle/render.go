package patternoracle

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/varpulis/varpulis-go/event"
)

// VPL renders the equivalent VPL stream (VPL.md §2–§4.5), e.g.
//
//	stream S = A as a .where(v > 1) -> all B where v > b.v as b .not(D where v == a.v) -> C as c .within(5s) .partition_by(k) .policy(any) .watermark(out_of_order: 2s) .emit(x: a.v, n: count(b))
//
// Step 1's predicate is written as a .where before the first -> step
// (§4 (a): conjoined to step 1's predicate); each negation after the step
// it follows. A pattern of one step with a predicate has no exact VPL
// rendering (with no -> step, the .where is not "before the first -> step"
// and would filter the matches instead); the oracle still renders it that
// way.
//
// A named pattern (Pattern.Named) renders as the declaration and a stream
// reading it:
//
//	pattern P = SEQ(A where v > 1 as a, B? as b, NOT D where v == a.v, C* where v > c.v as c) within 5s partition by k policy any
//	stream S = P .not(D) .watermark(out_of_order: 2s) .emit(x: a.v)
func (p Pattern) VPL() string {
	p.validate()
	if p.Named != "" {
		return p.namedVPL()
	}
	var b strings.Builder
	fmt.Fprintf(&b, "stream %s = ", p.name())
	for j, s := range p.Steps {
		if j > 0 {
			b.WriteString(" -> ")
		}
		if s.Kleene {
			b.WriteString("all ")
		}
		b.WriteString(s.Type)
		if j > 0 && len(s.Where) > 0 {
			b.WriteString(" where " + conj(s.Where))
		}
		if s.Alias != "" {
			b.WriteString(" as " + s.Alias)
		}
		if j == 0 && len(s.Where) > 0 {
			b.WriteString(" .where(" + conj(s.Where) + ")")
		}
		for _, n := range p.Nots {
			if n.After == j+1 {
				b.WriteString(" .not(" + n.Type)
				if len(n.Where) > 0 {
					b.WriteString(" where " + conj(n.Where))
				}
				b.WriteString(")")
			}
		}
	}
	if p.Within > 0 {
		b.WriteString(" .within(" + durationLiteral(p.Within) + ")")
	}
	if p.PartitionBy != "" {
		b.WriteString(" .partition_by(" + p.PartitionBy + ")")
	}
	if p.Policy != "" {
		b.WriteString(" .policy(" + p.Policy + ")")
	}
	if p.OutOfOrder > 0 {
		b.WriteString(" .watermark(out_of_order: " + durationLiteral(p.OutOfOrder) + ")")
	}
	b.WriteString(p.emitVPL())
	return b.String()
}

// emitVPL renders the .emit operator.
func (p Pattern) emitVPL() string {
	var items []string
	for _, o := range p.Emit {
		if o.Name == "" {
			items = append(items, o.Value.text)
		} else {
			items = append(items, o.Name+": "+o.Value.text)
		}
	}
	return " .emit(" + strings.Join(items, ", ") + ")"
}

// namedVPL renders a named pattern's declaration and the stream reading
// it.
func (p Pattern) namedVPL() string {
	var b strings.Builder
	fmt.Fprintf(&b, "pattern %s = ", p.Named)
	if len(p.Or) > 0 {
		for i, alt := range p.Or {
			if i > 0 {
				b.WriteString(" OR ")
			}
			if alt.And {
				b.WriteString("(" + alt.exprVPL() + ")")
			} else {
				b.WriteString(alt.exprVPL())
			}
		}
	} else {
		b.WriteString(p.exprVPL())
	}
	if p.Within > 0 {
		b.WriteString(" within " + durationLiteral(p.Within))
	}
	if p.PartitionBy != "" {
		b.WriteString(" partition by " + p.PartitionBy)
	}
	if p.Policy != "" {
		b.WriteString(" policy " + p.Policy)
	}
	fmt.Fprintf(&b, "\nstream %s = %s", p.name(), p.Named)
	for _, n := range p.Nots {
		if n.Item {
			continue // in the declaration
		}
		b.WriteString(" .not(" + n.Type)
		if len(n.Where) > 0 {
			b.WriteString(" where " + conj(n.Where))
		}
		b.WriteString(")")
	}
	if p.OutOfOrder > 0 {
		b.WriteString(" .watermark(out_of_order: " + durationLiteral(p.OutOfOrder) + ")")
	}
	b.WriteString(p.emitVPL())
	return b.String()
}

// exprVPL renders a SEQ (with its NOT items) or an AND.
func (p Pattern) exprVPL() string {
	if p.And {
		return itemVPL(p.Steps[0]) + " AND " + itemVPL(p.Steps[1])
	}
	var items []string
	for j, s := range p.Steps {
		items = append(items, itemVPL(s))
		for _, n := range p.Nots {
			if n.Item && n.After == j+1 {
				v := "NOT " + n.Type
				if len(n.Where) > 0 {
					v += " where " + conj(n.Where)
				}
				items = append(items, v)
			}
		}
	}
	return "SEQ(" + strings.Join(items, ", ") + ")"
}

// itemVPL renders an item: `Type[+|*|?] [where p] [as a]`.
func itemVPL(s Step) string {
	v := s.Type
	switch {
	case s.Kleene && s.Optional:
		v += "*"
	case s.Kleene:
		v += "+"
	case s.Optional:
		v += "?"
	}
	if len(s.Where) > 0 {
		v += " where " + conj(s.Where)
	}
	if s.Alias != "" {
		v += " as " + s.Alias
	}
	return v
}

// conj joins conjuncts with `and`.
func conj(cs []Expr) string {
	parts := make([]string, len(cs))
	for i, c := range cs {
		parts[i] = c.text
	}
	return strings.Join(parts, " and ")
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

// Evt renders events as a .evt input file (VPL.md §6.1): one line
// "@<ms>ms Type { name: value, … }" per event, in order. Every ts must be a
// non-negative whole number of milliseconds, and values null, bool, int,
// float or string.
func Evt(events []Event) string {
	var b strings.Builder
	for _, e := range events {
		if e.TS < 0 || e.TS%1e6 != 0 {
			panic(fmt.Sprintf("patternoracle: ts %d has no .evt offset", e.TS))
		}
		fmt.Fprintf(&b, "@%dms %s {", e.TS/1e6, e.Type)
		for i, f := range e.Fields {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, " %s: %s", f.Name, evtValue(f.Value))
		}
		if len(e.Fields) > 0 {
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
					panic("patternoracle: control character in an .evt string")
				}
				b.WriteRune(r)
			}
		}
		b.WriteByte('"')
		return b.String()
	}
	panic("patternoracle: no .evt form for a " + v.Kind().String())
}
