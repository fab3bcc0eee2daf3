package vpl

import (
	"fmt"
	"slices"
	"strings"

	"github.com/varpulis/varpulis-go/event"
	"github.com/varpulis/varpulis-go/event/scalar"
)

// exprCtx says where an expression stands.
type exprCtx struct {
	code    bool            // a function body or top-level code, not a stream
	aliases map[string]bool // the pattern aliases in scope (alias aggregates)
}

// aggregateOnly reports whether name is an aggregate with no scalar
// meaning (count, count_distinct, stddev, ema). sum, avg, first, last, min
// and max are also array functions (VPL.md §5).
func aggregateOnly(name string) bool {
	if !scalar.IsAggregate(name) {
		return false
	}
	_, isScalar := scalar.Lookup(name)
	return !isScalar
}

// checkExpr walks an expression: calls (E050, E051, E074) and the
// conditions of if-expressions (E060, W060).
func (c *checker) checkExpr(x Expr, cx *exprCtx) {
	switch x := x.(type) {
	case *CallExpr:
		c.checkCall(x, cx)
		for _, a := range x.Args {
			c.checkExpr(a.Value, cx)
		}
	case *IfExpr:
		c.checkCond(x.Cond, "if", cx)
		c.checkExpr(x.Then, cx)
		c.checkExpr(x.Else, cx)
	case *MemberExpr:
		c.checkExpr(x.X, cx)
	case *IndexExpr:
		c.checkExpr(x.X, cx)
		c.checkExpr(x.Index, cx)
	case *SliceExpr:
		c.checkExpr(x.X, cx)
		if x.Lo != nil {
			c.checkExpr(x.Lo, cx)
		}
		if x.Hi != nil {
			c.checkExpr(x.Hi, cx)
		}
	case *UnaryExpr:
		c.checkExpr(x.X, cx)
	case *BinaryExpr:
		c.checkExpr(x.X, cx)
		c.checkExpr(x.Y, cx)
	case *IsNullExpr:
		c.checkExpr(x.X, cx)
	case *ArrayLit:
		for _, e := range x.Elems {
			c.checkExpr(e, cx)
		}
	case *MapLit:
		for _, e := range x.Values {
			c.checkExpr(e, cx)
		}
	case *LambdaExpr:
		c.checkExpr(x.Body, cx)
	case *ArrowExpr:
		c.checkExpr(x.X, cx)
		c.checkExpr(x.Y, cx)
	}
}

// checkCall checks the function a call names (not its arguments).
func (c *checker) checkCall(call *CallExpr, cx *exprCtx) {
	id, ok := call.Fun.(*Ident)
	if !ok {
		c.errorf(call.Pos, "E050", "call a built-in or a function declared with fn", "only named functions can be called")
		return
	}
	name := id.Name
	if fn := c.fns[name]; fn != nil {
		c.checkArity(call, fn)
		return
	}
	switch {
	case aggregateOnly(name) || scalar.IsTrendAggregate(name):
		if !scalar.IsTrendAggregate(name) && cx.aliases != nil && mentionsAlias(call, cx.aliases) {
			return // an alias aggregate (VPL.md §4.5.8)
		}
		where := "outside .aggregate() and not over a pattern alias"
		hint := "use it in .aggregate(name: " + name + "(...)) or over a pattern alias, e.g. count(a)"
		if scalar.IsTrendAggregate(name) {
			where, hint = "outside .trend_aggregate()", "use it in .trend_aggregate(name: "+name+"(...))"
		}
		c.errorf(id.Pos, "E074", hint, "aggregate function %s() %s", name, where)
	case scalar.IsKnown(name):
	default:
		hint := "declare it with fn " + name + "(...):"
		if s := c.suggest(name, c.functionNames()); s != "" {
			hint = "did you mean '" + s + "'?"
		}
		c.errorf(id.Pos, "E050", hint, "unknown function '%s'", name)
	}
}

// checkArity reports E051 for a call of a user function with the wrong
// number of arguments.
func (c *checker) checkArity(call *CallExpr, fn *FnDecl) {
	if len(call.Args) == len(fn.Params) {
		return
	}
	c.errorNote(call.Pos, "E051", "", Note{Pos: fn.NamePos, Text: "'" + fn.Name + "' declared here"},
		"function '%s' takes %s, got %d", fn.Name, plural(len(fn.Params), "argument"), len(call.Args))
}

func (c *checker) functionNames() []string {
	if c.funcList == nil {
		names := []string{"event_type", "event_time", "now"}
		for _, f := range scalar.Funcs() {
			names = append(names, f.Name)
		}
		for n := range c.fns {
			names = append(names, n)
		}
		c.funcList = names
	}
	return c.funcList
}

// mentionsAlias reports whether an argument of call mentions a name in
// aliases.
func mentionsAlias(call *CallExpr, aliases map[string]bool) bool {
	found := false
	for _, a := range call.Args {
		walkIdents(a.Value, func(id *Ident) {
			if aliases[id.Name] {
				found = true
			}
		})
	}
	return found
}

// walkIdents calls f for every identifier that x reads as a value: not
// function names, member names or lambda parameters.
func walkIdents(x Expr, f func(*Ident)) {
	switch x := x.(type) {
	case *Ident:
		f(x)
	case *CallExpr:
		if _, ok := x.Fun.(*Ident); !ok {
			walkIdents(x.Fun, f)
		}
		for _, a := range x.Args {
			walkIdents(a.Value, f)
		}
	case *MemberExpr:
		walkIdents(x.X, f)
	case *IndexExpr:
		walkIdents(x.X, f)
		walkIdents(x.Index, f)
	case *SliceExpr:
		walkIdents(x.X, f)
		if x.Lo != nil {
			walkIdents(x.Lo, f)
		}
		if x.Hi != nil {
			walkIdents(x.Hi, f)
		}
	case *UnaryExpr:
		walkIdents(x.X, f)
	case *BinaryExpr:
		walkIdents(x.X, f)
		walkIdents(x.Y, f)
	case *IsNullExpr:
		walkIdents(x.X, f)
	case *IfExpr:
		walkIdents(x.Cond, f)
		walkIdents(x.Then, f)
		walkIdents(x.Else, f)
	case *ArrayLit:
		for _, e := range x.Elems {
			walkIdents(e, f)
		}
	case *MapLit:
		for _, e := range x.Values {
			walkIdents(e, f)
		}
	case *LambdaExpr:
		walkIdents(x.Body, func(id *Ident) {
			if !slices.Contains(x.Params, id.Name) {
				f(id)
			}
		})
	case *ArrowExpr:
		walkIdents(x.X, f)
		walkIdents(x.Y, f)
	}
}

// --- conditions and constants (E060, W060, E061) ---

// checkCond checks a condition (what names its place, e.g. ".where()")
// and walks it.
func (c *checker) checkCond(x Expr, what string, cx *exprCtx) {
	c.checkExpr(x, cx)
	if v, ok := literalValue(x); ok && v.Kind() != event.KindBool {
		c.errorf(x.Position(), "E060", "write a boolean expression, e.g. a comparison such as temp > 30",
			"the condition of %s is a non-boolean literal (%s)", what, v.Kind())
		return
	}
	switch x := x.(type) {
	case *ArrayLit, *MapLit:
		c.errorf(x.Position(), "E060", "write a boolean expression, e.g. a comparison such as temp > 30",
			"the condition of %s is a non-boolean literal", what)
	case *BinaryExpr:
		switch x.Op {
		case PLUS, MINUS, STAR, SLASH, PERCENT, POW, AMP, PIPE, CARET, SHL, SHR:
			c.warn(x.Position(), "W060", fmt.Sprintf("the condition of %s is an arithmetic expression", what),
				"a condition holds only when it is exactly true; compare the value, e.g. ... > 0")
		}
	case *UnaryExpr:
		if x.Op != NOT {
			c.warn(x.Position(), "W060", fmt.Sprintf("the condition of %s is an arithmetic expression", what),
				"a condition holds only when it is exactly true; compare the value, e.g. ... > 0")
		}
	}
}

// literalValue returns the value of a literal, or of - applied to a
// numeric or duration literal.
func literalValue(x Expr) (event.Value, bool) {
	switch x := x.(type) {
	case *Literal:
		return x.Value, true
	case *UnaryExpr:
		l, ok := x.X.(*Literal)
		if !ok || x.Op != MINUS {
			return event.Null, false
		}
		switch v := l.Value; v.Kind() {
		case event.KindInt:
			return event.Int(-v.AsInt()), true
		case event.KindFloat:
			return event.Float(-v.AsFloat()), true
		case event.KindDuration:
			return event.Duration(-v.AsInt()), true
		}
	}
	return event.Null, false
}

// constValue returns the value of a literal, or of a top-level let or
// const whose value is one.
func (c *checker) constValue(x Expr) (event.Value, bool) {
	for range 8 {
		if v, ok := literalValue(x); ok {
			return v, true
		}
		id, ok := x.(*Ident)
		if !ok {
			break
		}
		d := c.globals[id.Name]
		if d == nil || d.Keyword == "var" {
			break
		}
		x = d.Value
	}
	return event.Null, false
}

// checkDuration reports E061 when x is known not to be a duration.
func (c *checker) checkDuration(x Expr, what string) {
	v, ok := c.constValue(x)
	if !ok || v.Kind() == event.KindDuration {
		return
	}
	c.errorf(x.Position(), "E061", "write a duration such as 30s, 5m or 1h",
		"%s requires a duration, not %s", what, describeValue(v))
}

// describeValue names a constant in a message: "the int 5".
func describeValue(v event.Value) string {
	if v.IsNull() {
		return "null"
	}
	text := v.TextString()
	if v.Kind() == event.KindString {
		text = string(event.AppendJSONString(nil, v.AsString()))
	}
	if len(text) > 40 {
		text = text[:40] + "..."
	}
	return "the " + v.Kind().String() + " " + text
}

// --- aggregates (E070-E073) ---

// aggregateNames and trendNames list the functions for hints.
var (
	aggregateNames = []string{"count", "count_distinct", "sum", "avg", "min", "max", "stddev", "first", "last", "ema"}
	trendNames     = []string{"count_trends", "count_events", "sum_trends", "avg_trends", "min_trends", "max_trends"}
)

// checkAggItem checks one item of .aggregate() (trend false) or
// .trend_aggregate() (trend true): aggregate calls combined with literals
// and operators (VPL.md §4.4, §4.5.9).
func (c *checker) checkAggItem(x Expr, trend bool, cx *exprCtx) {
	op := ".aggregate()"
	if trend {
		op = ".trend_aggregate()"
	}
	switch x := x.(type) {
	case *Literal:
	case *Ident:
		if c.globals[x.Name] == nil {
			c.errorf(x.Pos, "E073", fmt.Sprintf("wrap it in an aggregate function, e.g. last(%[1]s), sum(%[1]s) or max(%[1]s)", x.Name),
				"bare field '%s' in %s", x.Name, op)
		}
	case *MemberExpr:
		text := exprText(x)
		c.errorf(x.Pos, "E073", fmt.Sprintf("wrap it in an aggregate function, e.g. last(%[1]s) or sum(%[1]s)", text),
			"bare field '%s' in %s", text, op)
	case *UnaryExpr:
		c.checkAggItem(x.X, trend, cx)
	case *BinaryExpr:
		c.checkAggItem(x.X, trend, cx)
		c.checkAggItem(x.Y, trend, cx)
	case *IsNullExpr:
		c.checkAggItem(x.X, trend, cx)
	case *IfExpr:
		c.checkAggItem(x.Cond, trend, cx)
		c.checkAggItem(x.Then, trend, cx)
		c.checkAggItem(x.Else, trend, cx)
	case *ArrayLit:
		for _, e := range x.Elems {
			c.checkAggItem(e, trend, cx)
		}
	case *MapLit:
		for _, e := range x.Values {
			c.checkAggItem(e, trend, cx)
		}
	case *CallExpr:
		c.checkAggCall(x, trend, cx)
	default:
		c.checkExpr(x, cx)
	}
}

func (c *checker) checkAggCall(call *CallExpr, trend bool, cx *exprCtx) {
	id, ok := call.Fun.(*Ident)
	if !ok {
		c.checkCall(call, cx)
		return
	}
	name, n := id.Name, len(call.Args)
	valid, op := aggregateNames, ".aggregate()"
	if trend {
		valid, op = trendNames, ".trend_aggregate()"
	}
	if !slices.Contains(valid, name) {
		hint := op + " functions: " + strings.Join(valid, ", ")
		if s := c.suggest(name, valid); s != "" {
			hint = "did you mean '" + s + "'? " + hint
		}
		if scalar.IsKnown(name) || c.fns[name] != nil {
			c.errorf(id.Pos, "E070", hint, "%s() is not an aggregate function of %s", name, op)
		} else {
			c.errorf(id.Pos, "E070", hint, "unknown aggregate function '%s'", name)
		}
		return
	}
	switch {
	case name == "ema":
		if n != 2 {
			c.errorf(id.Pos, "E072", "write ema(value, period), e.g. ema(price, 10)", "ema() needs (value, period), got %s", plural(n, "argument"))
		}
	case name == "count" || name == "count_trends":
		if n > 1 {
			c.errorf(id.Pos, "E071", "", "%s() takes at most one argument", name)
		}
	case n == 0:
		c.errorf(id.Pos, "E071", fmt.Sprintf("name what it aggregates, e.g. %s(price)", name), "%s() needs its field", name)
	case n > 1:
		c.errorf(id.Pos, "E071", fmt.Sprintf("write %s(expression)", name), "%s() aggregates one expression, got %d", name, n)
	}
	// The arguments are per-event expressions; count(distinct(x)) is the
	// one nested form.
	for _, a := range call.Args {
		if inner, ok := a.Value.(*CallExpr); ok && name == "count" {
			if f, ok := inner.Fun.(*Ident); ok && f.Name == "distinct" && len(inner.Args) == 1 {
				c.checkExpr(inner.Args[0].Value, cx)
				continue
			}
		}
		c.checkExpr(a.Value, cx)
	}
}

// exprText renders a name path (a.b.c) for messages.
func exprText(x Expr) string {
	switch x := x.(type) {
	case *Ident:
		return x.Name
	case *MemberExpr:
		return exprText(x.X) + "." + x.Name
	}
	return "..."
}
