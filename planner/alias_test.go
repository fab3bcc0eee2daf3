package planner

import (
	"testing"

	"github.com/varpulis/varpulis-go/event"
	"github.com/varpulis/varpulis-go/event/scalar"
)

// TestCloneKeepsOriginal rewrites a clone of an expression with every
// kind of inner node and checks that the original still reads the same.
func TestCloneKeepsOriginal(t *testing.T) {
	a := &AliasField{Alias: "a", Field: "v"}
	orig := &Cond{
		If:   &IsNull{X: a, Not: true},
		Then: &Binary{Op: scalar.OpAdd, X: &Unary{Op: scalar.OpNeg, X: a}, Y: &Const{Val: event.Int(1)}},
		Else: &Index{X: &MakeArray{Elems: []Expr{a, &AliasTime{Alias: "a"}}}, I: &Slice{X: &Member{X: &MakeMap{Keys: []string{"k"}, Vals: []Expr{a}}, Name: "k"}}},
	}
	before := orig.String()
	c := Rewrite(Clone(orig), func(e Expr) Expr {
		switch e.(type) {
		case *AliasField, *AliasTime:
			return &FieldRef{Name: "x"}
		}
		return e
	})
	if got := orig.String(); got != before {
		t.Fatalf("original changed:\n%s\nwas\n%s", got, before)
	}
	Walk(c, func(e Expr) bool {
		switch e.(type) {
		case *AliasField, *AliasTime:
			t.Fatalf("clone still reads an alias: %s", c)
		}
		return true
	})
}
