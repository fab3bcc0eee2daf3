package patternoracle

import (
	"math"
	"math/big"
	"slices"
	"strconv"
	"strings"

	"github.com/varpulis/varpulis-go/event"
)

// Expr is an expression of a step predicate, a negation predicate or an
// .emit item: a Go evaluation together with its VPL text. Build it with
// Field, Ref, Lit, Cmp, Arith, EventTime, EventType, Agg and Func.
type Expr struct {
	text    string
	prec    int      // binding strength of the text, for parentheses
	aliases []string // aliases mentioned (VPL.md §4.5.1: Kleene self-reference)
	bare    string   // the field name of a Field, else ""
	eval    func(*env) event.Value
}

// Precedences of the rendered text (VPL.md §5, lowest first).
const (
	precCompare = 4
	precAdd     = 6
	precPrimary = 10
)

// String returns the VPL text of x.
func (x Expr) String() string { return x.text }

// Mentions reports whether x mentions the alias.
func (x Expr) Mentions(alias string) bool { return slices.Contains(x.aliases, alias) }

// env is what an expression sees (VPL.md §5 name resolution, §4.5.1,
// §4.5.4, §4.5.8): the current event (bare names) and the events bound to
// each alias.
type env struct {
	cur    *Event
	names  []string  // aliases
	events [][]Event // events bound to names[i], in binding order
}

// bound returns the events bound to alias (nil when unbound or unknown).
func (e *env) bound(alias string) []Event {
	for i, n := range e.names {
		if n == alias {
			return e.events[i]
		}
	}
	return nil
}

// last returns the event an alias denotes: the event bound to it, for a
// Kleene alias its last element (§4.5.8).
func (e *env) last(alias string) (*Event, bool) {
	evs := e.bound(alias)
	if len(evs) == 0 {
		return nil, false
	}
	return &evs[len(evs)-1], true
}

// get reads a field of an event; a missing field is null (§5).
func get(ev *Event, name string) event.Value {
	if ev == nil {
		return event.Null
	}
	v, _ := ev.Get(name)
	return v
}

// Field is a bare name: a field of the current event — the candidate in a
// step predicate, the negation event in a .not predicate, the last bound
// event in an .emit item (§4.5.1, §4.5.4, §4.5.8).
func Field(name string) Expr {
	return Expr{text: name, prec: precPrimary, bare: name, eval: func(e *env) event.Value { return get(e.cur, name) }}
}

// Ref is alias.field: the field of the event bound to alias, for a Kleene
// alias its last element (§4.5.8); inside that Kleene step's own predicate
// the last element is the previously collected one (§4.5.1). An unbound
// alias or a missing field is null (§5).
func Ref(alias, field string) Expr {
	return Expr{text: alias + "." + field, prec: precPrimary, aliases: []string{alias},
		eval: func(e *env) event.Value {
			ev, ok := e.last(alias)
			if !ok {
				return event.Null
			}
			return get(ev, field)
		}}
}

// Lit is a constant: null, bool, int, float or string.
func Lit(v event.Value) Expr {
	text := literal(v)
	prec := precPrimary
	if strings.HasPrefix(text, "-") {
		prec = precAdd + 1 // unary minus: parenthesise where it could read as binary
	}
	return Expr{text: text, prec: prec, eval: func(*env) event.Value { return v }}
}

// EventTime is event_time(alias): the ts of the event bound to alias (its
// last element for a Kleene alias), a timestamp (§4.5.8, §5).
func EventTime(alias string) Expr {
	return Expr{text: "event_time(" + alias + ")", prec: precPrimary, aliases: []string{alias},
		eval: func(e *env) event.Value {
			ev, ok := e.last(alias)
			if !ok {
				return event.Null
			}
			return event.Timestamp(ev.TS)
		}}
}

// EventType is event_type(): the type of the current event — the
// candidate in a step predicate, the negation event in a .not predicate,
// the last bound event in an .emit item (§4.5.8, §5).
func EventType() Expr {
	return Expr{text: "event_type()", prec: precPrimary, eval: func(e *env) event.Value {
		if e.cur == nil {
			return event.Null
		}
		return event.String(e.cur.Type)
	}}
}

// Scope is what a Func expression sees.
type Scope struct{ e *env }

// Current is the event bare names read: the candidate of a step
// predicate, the negation event of a .not predicate, the last bound event
// of an .emit item.
func (s Scope) Current() *Event { return s.e.cur }

// Alias is the event an alias denotes (a Kleene alias: its last element;
// in its own step's predicate, the previously collected one), false when
// unbound.
func (s Scope) Alias(name string) (*Event, bool) { return s.e.last(name) }

// Bound lists every event bound to an alias so far.
func (s Scope) Bound(name string) []Event { return s.e.bound(name) }

// Func is an expression given by a Go function and its VPL text. aliases
// lists the aliases the text mentions (§4.5.1 decides by them whether a
// Kleene step's conjunct compares with the previous element). The text is
// parenthesised where it is an operand; as a conjunct it must bind at
// least as tightly as `and`.
func Func(text string, aliases []string, f func(Scope) event.Value) Expr {
	return Expr{text: text, prec: precCompare, aliases: slices.Clone(aliases),
		eval: func(e *env) event.Value { return f(Scope{e}) }}
}

// Cmp is l op r with op one of == != < <= > >= (§5 comparison, three-valued).
func Cmp(l Expr, op string, r Expr) Expr {
	switch op {
	case "==", "!=", "<", "<=", ">", ">=":
	default:
		panic("patternoracle: unknown comparison " + op)
	}
	// Comparisons are non-associative: an operand that is itself a
	// comparison (or weaker) is parenthesised.
	text := paren(l, precCompare+1) + " " + op + " " + paren(r, precCompare+1)
	return Expr{text: text, prec: precCompare, aliases: union(l.aliases, r.aliases),
		eval: func(e *env) event.Value { return compare(op, l.eval(e), r.eval(e)) }}
}

// Arith is l op r with op + or - (§5 arithmetic, including timestamp and
// duration arithmetic).
func Arith(l Expr, op string, r Expr) Expr {
	if op != "+" && op != "-" {
		panic("patternoracle: unknown arithmetic operator " + op)
	}
	// Left-associative: the right operand needs parentheses at equal
	// strength.
	text := paren(l, precAdd) + " " + op + " " + paren(r, precAdd+1)
	return Expr{text: text, prec: precAdd, aliases: union(l.aliases, r.aliases),
		eval: func(e *env) event.Value { return arith(op, l.eval(e), r.eval(e)) }}
}

// AggFns lists the alias aggregates Agg accepts (§4.5.8).
var AggFns = []string{"count", "sum", "avg", "min", "max", "first", "last"}

// Agg is an alias aggregate over every event bound to alias (§4.5.8):
// count(a) (field ""), count(a.f), sum(a.f), avg(a.f), min(a.f), max(a.f),
// first(a.f), last(a.f), typed as in §4.4. Only meaningful in .emit.
func Agg(fn, alias, field string) Expr {
	if !slices.Contains(AggFns, fn) {
		panic("patternoracle: unknown alias aggregate " + fn)
	}
	if field == "" && fn != "count" {
		panic("patternoracle: " + fn + " needs a field")
	}
	arg := alias
	if field != "" {
		arg += "." + field
	}
	return Expr{text: fn + "(" + arg + ")", prec: precPrimary, aliases: []string{alias},
		eval: func(e *env) event.Value { return aggregate(fn, field, e.bound(alias)) }}
}

func paren(x Expr, min int) string {
	if x.prec < min {
		return "(" + x.text + ")"
	}
	return x.text
}

func union(a, b []string) []string {
	out := slices.Clone(a)
	for _, s := range b {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// compare is §5 comparison: any null operand gives null; == and != compare
// numbers by value across int and float, other values by kind and value
// (different kinds are unequal); < <= > >= order numbers, strings
// (bytewise), timestamps, durations and bools, and give null otherwise.
func compare(op string, a, b event.Value) event.Value {
	if a.IsNull() || b.IsNull() {
		return event.Null
	}
	if op == "==" || op == "!=" {
		eq := event.Equal(a, b)
		return event.Bool(eq == (op == "=="))
	}
	var c int
	switch {
	case a.Kind().IsNumber() && b.Kind().IsNumber():
		c = event.CompareNumbers(a, b)
	case a.Kind() != b.Kind():
		return event.Null
	case a.Kind() == event.KindString:
		c = strings.Compare(a.AsString(), b.AsString())
	case a.Kind() == event.KindTimestamp, a.Kind() == event.KindDuration:
		c = cmpInt(a.AsInt(), b.AsInt())
	case a.Kind() == event.KindBool:
		c = cmpInt(b2i(a.AsBool()), b2i(b.AsBool()))
	default:
		return event.Null
	}
	switch op {
	case "<":
		return event.Bool(c < 0)
	case "<=":
		return event.Bool(c <= 0)
	case ">":
		return event.Bool(c > 0)
	default: // ">="
		return event.Bool(c >= 0)
	}
}

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// arith is §5 + and -: int ∘ int stays int (overflow gives null), a float
// operand gives a float (non-finite gives null), timestamp ± duration →
// timestamp, timestamp − timestamp → duration, duration ± duration →
// duration, string + string and array + array concatenate; null or any
// other combination gives null.
func arith(op string, a, b event.Value) event.Value {
	if a.IsNull() || b.IsNull() {
		return event.Null
	}
	ka, kb := a.Kind(), b.Kind()
	neg := op == "-"
	switch {
	case ka == event.KindInt && kb == event.KindInt:
		return exactInt(a.AsInt(), b.AsInt(), neg, event.Int)
	case ka.IsNumber() && kb.IsNumber():
		x, y := a.AsFloat(), b.AsFloat()
		r := x + y
		if neg {
			r = x - y
		}
		if math.IsNaN(r) || math.IsInf(r, 0) {
			return event.Null
		}
		return event.Float(r)
	case ka == event.KindTimestamp && kb == event.KindDuration:
		return exactInt(a.AsInt(), b.AsInt(), neg, event.Timestamp)
	case ka == event.KindDuration && kb == event.KindTimestamp && !neg:
		return exactInt(b.AsInt(), a.AsInt(), false, event.Timestamp)
	case ka == event.KindTimestamp && kb == event.KindTimestamp && neg:
		return exactInt(a.AsInt(), b.AsInt(), true, event.Duration)
	case ka == event.KindDuration && kb == event.KindDuration:
		return exactInt(a.AsInt(), b.AsInt(), neg, event.Duration)
	case ka == event.KindString && kb == event.KindString && !neg:
		return event.String(a.AsString() + b.AsString())
	case ka == event.KindArray && kb == event.KindArray && !neg:
		return event.Array(append(slices.Clone(a.Elems()), b.Elems()...))
	}
	return event.Null
}

// exactInt computes x ± y exactly; a result outside int64 is null.
func exactInt(x, y int64, neg bool, mk func(int64) event.Value) event.Value {
	r := new(big.Int).SetInt64(x)
	if neg {
		r.Sub(r, big.NewInt(y))
	} else {
		r.Add(r, big.NewInt(y))
	}
	if !r.IsInt64() {
		return event.Null
	}
	return mk(r.Int64())
}

// aggregate is an alias aggregate (§4.5.8) over the events bound to an
// alias, in binding order, typed as in §4.4: nulls are ignored except by
// count(a), first and last; with no non-null input the result is null
// (count: 0).
func aggregate(fn, field string, evs []Event) event.Value {
	if fn == "count" && field == "" {
		return event.Int(int64(len(evs)))
	}
	var xs []event.Value
	for i := range evs {
		if v := get(&evs[i], field); !v.IsNull() {
			xs = append(xs, v)
		}
	}
	switch fn {
	case "count":
		return event.Int(int64(len(xs)))
	case "first":
		if len(evs) == 0 {
			return event.Null
		}
		return get(&evs[0], field)
	case "last":
		if len(evs) == 0 {
			return event.Null
		}
		return get(&evs[len(evs)-1], field)
	}
	if len(xs) == 0 {
		return event.Null
	}
	switch fn {
	case "sum":
		return sum(xs)
	case "avg":
		// §4.4: float; §11.5: accumulated in event order.
		s := 0.0
		for _, x := range xs {
			if !x.Kind().IsNumber() {
				return event.Null
			}
			s += x.AsFloat()
		}
		return event.Float(s / float64(len(xs)))
	case "min":
		return extreme(xs, -1)
	default: // "max"
		return extreme(xs, +1)
	}
}

// sum is §4.4 sum: int when every non-null value is int (overflow of the
// exact total gives null), else float accumulated in event order (§11.5).
// A non-number makes the result null (reading 12).
func sum(xs []event.Value) event.Value {
	allInt := true
	for _, x := range xs {
		if !x.Kind().IsNumber() {
			return event.Null
		}
		allInt = allInt && x.Kind() == event.KindInt
	}
	if allInt {
		t := new(big.Int)
		for _, x := range xs {
			t.Add(t, big.NewInt(x.AsInt()))
		}
		if !t.IsInt64() {
			return event.Null
		}
		return event.Int(t.Int64())
	}
	s := 0.0
	for _, x := range xs {
		s += x.AsFloat()
	}
	return event.Float(s)
}

// extreme is §4.4 min (dir −1) and max (dir +1): the least/greatest
// non-null value keeping its type, numbers by value, strings bytewise;
// the first of equal values wins (reading 12); values that the comparison
// of §5 cannot order make the result null (reading 12).
func extreme(xs []event.Value, dir int) event.Value {
	best := xs[0]
	for _, x := range xs[1:] {
		c := compare(">", x, best)
		if dir < 0 {
			c = compare("<", x, best)
		}
		if c.IsNull() {
			return event.Null
		}
		if c.IsTrue() {
			best = x
		}
	}
	return best
}

// literal writes a constant as VPL source (§1.4; a negative number is
// unary minus applied to a literal).
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
				b.WriteString(`\u{` + strconv.FormatInt(int64(r), 16) + `}`)
			default:
				b.WriteRune(r)
			}
		}
		b.WriteByte('"')
		return b.String()
	}
	panic("patternoracle: no VPL literal for a " + v.Kind().String())
}
