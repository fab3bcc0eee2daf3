package planner

import (
	"github.com/varpulis/varpulis-go/event"
	"github.com/varpulis/varpulis-go/event/scalar"
)

// Fold folds constant sub-expressions: operators and pure built-ins whose
// operands are all constants become one constant, computed by the same
// scalar semantics the engine uses at run time. Short-circuit operators
// fold when their left side alone decides.
func Fold(e Expr) Expr {
	switch e := e.(type) {
	case *Unary:
		e.X = Fold(e.X)
		if c, ok := e.X.(*Const); ok {
			return &Const{Val: scalar.Unary(e.Op, c.Val)}
		}
	case *Binary:
		e.X = Fold(e.X)
		e.Y = Fold(e.Y)
		cx, okx := e.X.(*Const)
		cy, oky := e.Y.(*Const)
		if okx && oky {
			return &Const{Val: scalar.Binary(e.Op, cx.Val, cy.Val)}
		}
		if okx && (e.Op == scalar.OpAnd || e.Op == scalar.OpOr) {
			if v, decided := scalar.ShortCircuit(e.Op, cx.Val); decided {
				return &Const{Val: v}
			}
		}
		e.K = binaryKind(e.Op, e.X.Kind(), e.Y.Kind())
	case *IsNull:
		e.X = Fold(e.X)
		if c, ok := e.X.(*Const); ok {
			return &Const{Val: event.Bool(c.Val.IsNull() != e.Not)}
		}
	case *Cond:
		e.If, e.Then, e.Else = Fold(e.If), Fold(e.Then), Fold(e.Else)
		if c, ok := e.If.(*Const); ok {
			if c.Val.IsTrue() {
				return e.Then
			}
			return e.Else
		}
	case *Call:
		all := true
		for i := range e.Args {
			e.Args[i] = Fold(e.Args[i])
			if _, ok := e.Args[i].(*Const); !ok {
				all = false
			}
		}
		if all && e.Fn.Pure && len(e.Args) >= e.Fn.MinArgs && (e.Fn.MaxArgs < 0 || len(e.Args) <= e.Fn.MaxArgs) {
			vals := make([]event.Value, len(e.Args))
			for i, a := range e.Args {
				vals[i] = a.(*Const).Val
			}
			return &Const{Val: e.Fn.Call(vals)}
		}
	case *UserCall:
		for i := range e.Args {
			e.Args[i] = Fold(e.Args[i])
		}
	case *MakeArray:
		for i := range e.Elems {
			e.Elems[i] = Fold(e.Elems[i])
		}
	case *MakeMap:
		for i := range e.Vals {
			e.Vals[i] = Fold(e.Vals[i])
		}
	case *Member:
		e.X = Fold(e.X)
	case *Index:
		e.X, e.I = Fold(e.X), Fold(e.I)
	case *Slice:
		e.X = Fold(e.X)
		if e.Lo != nil {
			e.Lo = Fold(e.Lo)
		}
		if e.Hi != nil {
			e.Hi = Fold(e.Hi)
		}
	}
	return e
}
