package planner

import "github.com/varpulis/varpulis-go/event"

// Aliases name events bound by the head of a stream: join members
// (VPL.md §4.6) and pattern steps (§4.5). Lowering turns an identifier or
// `X.f` that names an alias in scope into one of the nodes below; they
// read the bound event, never the current event's columns, so they keep
// their meaning after .select/.emit reshape the record (§11.13). An alias
// may be bound to several events (a Kleene step): then AliasField and
// AliasTime read the last one.

// AliasField reads field Field of the event bound to Alias (the last one
// when several are bound); null when the alias is unbound or the event has
// no such field.
type AliasField struct {
	Alias string
	Field string
	K     event.Kind // declared kind of the field, or KindAny
}

// AliasEvent is the event bound to Alias as a map of its fields (the last
// one when several are bound); null when unbound.
type AliasEvent struct{ Alias string }

// AliasTime is event_time(alias): the ts of the event bound to Alias (the
// last one when several are bound); null when unbound.
type AliasTime struct{ Alias string }

// Kind implements Expr.
func (e *AliasField) Kind() event.Kind { return e.K }

// Kind implements Expr.
func (e *AliasEvent) Kind() event.Kind { return event.KindMap }

// Kind implements Expr.
func (e *AliasTime) Kind() event.Kind { return event.KindTimestamp }

// The $ prefix keeps an alias apart from a field of the same name in
// EXPLAIN.
func (e *AliasField) String() string { return "$" + e.Alias + "." + e.Field }
func (e *AliasEvent) String() string { return "$" + e.Alias }
func (e *AliasTime) String() string  { return "event_time($" + e.Alias + ")" }

// Walk calls f for e and, while f returns true, for its sub-expressions,
// depth first. The arguments of aggregate calls behind an AggRef are not
// visited: they are evaluated per event, the AggRef per group.
func Walk(e Expr, f func(Expr) bool) {
	if e == nil || !f(e) {
		return
	}
	for _, c := range children(e) {
		Walk(c, f)
	}
}

// Rewrite rebuilds e bottom up: every sub-expression is replaced by the
// result of f on it (f returns its argument to keep it). Nodes are updated
// in place, as Fold does.
func Rewrite(e Expr, f func(Expr) Expr) Expr {
	if e == nil {
		return nil
	}
	switch e := e.(type) {
	case *Unary:
		e.X = Rewrite(e.X, f)
	case *Binary:
		e.X, e.Y = Rewrite(e.X, f), Rewrite(e.Y, f)
	case *IsNull:
		e.X = Rewrite(e.X, f)
	case *Cond:
		e.If, e.Then, e.Else = Rewrite(e.If, f), Rewrite(e.Then, f), Rewrite(e.Else, f)
	case *Call:
		for i := range e.Args {
			e.Args[i] = Rewrite(e.Args[i], f)
		}
	case *UserCall:
		for i := range e.Args {
			e.Args[i] = Rewrite(e.Args[i], f)
		}
	case *MakeArray:
		for i := range e.Elems {
			e.Elems[i] = Rewrite(e.Elems[i], f)
		}
	case *MakeMap:
		for i := range e.Vals {
			e.Vals[i] = Rewrite(e.Vals[i], f)
		}
	case *Member:
		e.X = Rewrite(e.X, f)
	case *Index:
		e.X, e.I = Rewrite(e.X, f), Rewrite(e.I, f)
	case *Slice:
		e.X, e.Lo, e.Hi = Rewrite(e.X, f), Rewrite(e.Lo, f), Rewrite(e.Hi, f)
	}
	return f(e)
}

// Clone returns a copy of e's tree, so that Rewrite may change the copy
// and leave e (and the plan holding it) as it was. Leaves are shared:
// Rewrite changes no leaf in place.
func Clone(e Expr) Expr {
	if e == nil {
		return nil
	}
	exprs := func(xs []Expr) []Expr {
		out := make([]Expr, len(xs))
		for i, x := range xs {
			out[i] = Clone(x)
		}
		return out
	}
	switch e := e.(type) {
	case *Unary:
		c := *e
		c.X = Clone(e.X)
		return &c
	case *Binary:
		c := *e
		c.X, c.Y = Clone(e.X), Clone(e.Y)
		return &c
	case *IsNull:
		c := *e
		c.X = Clone(e.X)
		return &c
	case *Cond:
		return &Cond{If: Clone(e.If), Then: Clone(e.Then), Else: Clone(e.Else)}
	case *Call:
		c := *e
		c.Args = exprs(e.Args)
		return &c
	case *UserCall:
		c := *e
		c.Args = exprs(e.Args)
		return &c
	case *MakeArray:
		return &MakeArray{Elems: exprs(e.Elems)}
	case *MakeMap:
		c := *e
		c.Vals = exprs(e.Vals)
		return &c
	case *Member:
		c := *e
		c.X = Clone(e.X)
		return &c
	case *Index:
		return &Index{X: Clone(e.X), I: Clone(e.I)}
	case *Slice:
		return &Slice{X: Clone(e.X), Lo: Clone(e.Lo), Hi: Clone(e.Hi)}
	}
	return e // a leaf: Rewrite changes only the nodes it rebuilds
}

// children lists the direct sub-expressions of e.
func children(e Expr) []Expr {
	switch e := e.(type) {
	case *Unary:
		return []Expr{e.X}
	case *Binary:
		return []Expr{e.X, e.Y}
	case *IsNull:
		return []Expr{e.X}
	case *Cond:
		return []Expr{e.If, e.Then, e.Else}
	case *Call:
		return e.Args
	case *UserCall:
		return e.Args
	case *MakeArray:
		return e.Elems
	case *MakeMap:
		return e.Vals
	case *Member:
		return []Expr{e.X}
	case *Index:
		return []Expr{e.X, e.I}
	case *Slice:
		var out []Expr
		for _, x := range []Expr{e.X, e.Lo, e.Hi} {
			if x != nil {
				out = append(out, x)
			}
		}
		return out
	}
	return nil
}

// Aliases returns the aliases e reads, in order of first use.
func Aliases(e Expr) []string {
	var out []string
	add := func(a string) {
		for _, x := range out {
			if x == a {
				return
			}
		}
		out = append(out, a)
	}
	Walk(e, func(x Expr) bool {
		switch x := x.(type) {
		case *AliasField:
			add(x.Alias)
		case *AliasEvent:
			add(x.Alias)
		case *AliasTime:
			add(x.Alias)
		}
		return true
	})
	return out
}
