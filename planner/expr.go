package planner

import (
	"strconv"
	"strings"

	"github.com/varpulis/varpulis-go/event"
	"github.com/varpulis/varpulis-go/event/scalar"
)

// KindAny is the static kind of an expression whose kind is only known per
// row (schema-less input, mixed kinds, user functions).
const KindAny event.Kind = 255

// Expr is a typed expression of the IR.
type Expr interface {
	// Kind is the static kind of the result, or KindAny. A known kind
	// still admits null.
	Kind() event.Kind
	// String renders the expression for EXPLAIN.
	String() string
}

// Const is a constant.
type Const struct{ Val event.Value }

// FieldRef reads a field of the current event; a missing field is null.
type FieldRef struct {
	Name string
	K    event.Kind // kind inferred from declarations or data; KindAny if unknown
}

// CurrentEvent is the current event as a map of its fields (a plain
// stream's alias used as a value).
type CurrentEvent struct{}

// GlobalRef reads a top-level variable.
type GlobalRef struct {
	Name string
	Slot int
}

// LocalRef reads a parameter or local of a user function.
type LocalRef struct {
	Name string
	Slot int
}

// Unary applies a unary operator.
type Unary struct {
	Op scalar.Op
	X  Expr
}

// Binary applies a binary operator. And and Or short-circuit.
type Binary struct {
	Op   scalar.Op
	X, Y Expr
	K    event.Kind
}

// IsNull is `x is null` (Not: `is not null`).
type IsNull struct {
	X   Expr
	Not bool
}

// Cond is `if c then a else b`.
type Cond struct{ If, Then, Else Expr }

// Call calls a built-in scalar function.
type Call struct {
	Fn   *scalar.Func
	Args []Expr
}

// UserCall calls a user function.
type UserCall struct {
	Fn   *Function
	Args []Expr
}

// MakeArray builds an array.
type MakeArray struct{ Elems []Expr }

// MakeMap builds a map; keys are text.
type MakeMap struct {
	Keys []string
	Vals []Expr
}

// Member is x.name (null-safe).
type Member struct {
	X    Expr
	Name string
}

// Index is x[i].
type Index struct{ X, I Expr }

// Slice is x[lo:hi]; nil bounds are open.
type Slice struct{ X, Lo, Hi Expr }

// EventTypeOf is event_type(): the current event's type.
type EventTypeOf struct{}

// EventTimeOf is event_time() and now(): the ts of the current event.
type EventTimeOf struct{}

func (e *Const) Kind() event.Kind {
	return e.Val.Kind()
}
func (e *FieldRef) Kind() event.Kind     { return e.K }
func (e *CurrentEvent) Kind() event.Kind { return event.KindMap }
func (e *GlobalRef) Kind() event.Kind    { return KindAny }
func (e *LocalRef) Kind() event.Kind     { return KindAny }
func (e *Unary) Kind() event.Kind {
	if e.Op == scalar.OpNot {
		return event.KindBool
	}
	if x := e.X.Kind(); x != KindAny {
		if k, ok := scalar.UnaryKind(e.Op, x); ok {
			return k
		}
	}
	return KindAny
}
func (e *Binary) Kind() event.Kind      { return e.K }
func (e *IsNull) Kind() event.Kind      { return event.KindBool }
func (e *Cond) Kind() event.Kind        { return sameKind(e.Then.Kind(), e.Else.Kind()) }
func (e *Call) Kind() event.Kind        { return KindAny }
func (e *UserCall) Kind() event.Kind    { return KindAny }
func (e *MakeArray) Kind() event.Kind   { return event.KindArray }
func (e *MakeMap) Kind() event.Kind     { return event.KindMap }
func (e *Member) Kind() event.Kind      { return KindAny }
func (e *Index) Kind() event.Kind       { return KindAny }
func (e *Slice) Kind() event.Kind       { return KindAny }
func (e *EventTypeOf) Kind() event.Kind { return event.KindString }
func (e *EventTimeOf) Kind() event.Kind { return event.KindTimestamp }

func sameKind(a, b event.Kind) event.Kind {
	if a == b {
		return a
	}
	if a == event.KindNull {
		return b
	}
	if b == event.KindNull {
		return a
	}
	return KindAny
}

// binaryKind infers the static result kind of op over operands of kinds a
// and b (scalar.BinaryKind), KindAny when it depends on the values.
func binaryKind(op scalar.Op, a, b event.Kind) event.Kind {
	switch op {
	case scalar.OpEq, scalar.OpNe, scalar.OpLt, scalar.OpLe, scalar.OpGt, scalar.OpGe,
		scalar.OpIn, scalar.OpNotIn, scalar.OpAnd, scalar.OpOr:
		return event.KindBool
	}
	if a == KindAny || b == KindAny {
		return KindAny
	}
	if k, ok := scalar.BinaryKind(op, a, b); ok {
		return k
	}
	return KindAny
}

func (e *Const) String() string        { return string(event.AppendText(nil, e.Val)) }
func (e *FieldRef) String() string     { return e.Name }
func (e *CurrentEvent) String() string { return "$event" }
func (e *GlobalRef) String() string    { return "$global." + e.Name }
func (e *LocalRef) String() string     { return e.Name }
func (e *Unary) String() string        { return "(" + e.Op.Symbol() + " " + e.X.String() + ")" }
func (e *Binary) String() string {
	return "(" + e.X.String() + " " + e.Op.Symbol() + " " + e.Y.String() + ")"
}
func (e *IsNull) String() string {
	if e.Not {
		return "(" + e.X.String() + " is not null)"
	}
	return "(" + e.X.String() + " is null)"
}
func (e *Cond) String() string {
	return "(if " + e.If.String() + " then " + e.Then.String() + " else " + e.Else.String() + ")"
}
func (e *Call) String() string     { return e.Fn.Name + "(" + joinExprs(e.Args) + ")" }
func (e *UserCall) String() string { return e.Fn.Name + "(" + joinExprs(e.Args) + ")" }
func (e *MakeArray) String() string {
	return "[" + joinExprs(e.Elems) + "]"
}
func (e *MakeMap) String() string {
	var b strings.Builder
	b.WriteByte('{')
	for i, k := range e.Keys {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strconv.Quote(k))
		b.WriteString(": ")
		b.WriteString(e.Vals[i].String())
	}
	b.WriteByte('}')
	return b.String()
}
func (e *Member) String() string { return e.X.String() + "." + e.Name }
func (e *Index) String() string  { return e.X.String() + "[" + e.I.String() + "]" }
func (e *Slice) String() string {
	lo, hi := "", ""
	if e.Lo != nil {
		lo = e.Lo.String()
	}
	if e.Hi != nil {
		hi = e.Hi.String()
	}
	return e.X.String() + "[" + lo + ":" + hi + "]"
}
func (e *EventTypeOf) String() string { return "event_type()" }
func (e *EventTimeOf) String() string { return "event_time()" }

func joinExprs(es []Expr) string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = e.String()
	}
	return strings.Join(parts, ", ")
}
