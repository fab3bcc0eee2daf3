package planner

import (
	"strings"
	"testing"

	"github.com/cockroachdb/errors"
	"github.com/varpulis/varpulis-go/event"
	"github.com/varpulis/varpulis-go/event/scalar"
	"github.com/varpulis/varpulis-go/planner/rowpattern"
)

// matcherText is EXPLAIN's text of a pattern stream's matcher.
func matcherText(p *Pattern) string {
	plan := &Plan{Streams: []*Stream{{Name: "S", OutType: "S", Ops: []Op{p}}}}
	return ExplainText(plan)
}

// TestRowPatternChainsAreVPL compiles the MATCH_RECOGNIZE spelling of
// VPL chains (SQL.md §4.5) and checks that it is the Pattern the VPL text
// gives: EXPLAIN prints the same plan but for input_order.
func TestRowPatternChainsAreVPL(t *testing.T) {
	for _, src := range []string{
		"stream S = A as a -> B as b .emit()",
		"stream S = A as a -> B where v > a.v as b -> C where k == b.k as c .emit()",
		"stream S = A as a -> A where v > a.v as b .emit()",
		"stream S = A as a -> A where v > a.v and (k == a.k or v > 3) -> A .within(10s) .emit()",
		"stream S = A .where(v > 1) -> B -> C .emit()",
		"stream S = A as a -> all B where v > a.v as bs -> C where v > sum(bs.v) as c .emit()",
		"stream S = A as a -> all B as bs -> all C as cs -> A where v == count(cs) .emit()",
		"stream S = Login as l .not(Error where user == l.user) -> Logout where user == l.user as o .within(5m) .emit(user: l.user)",
		"stream S = Login as l -> Logout where user == l.user as o .not(Error where user == l.user) .emit(user: l.user)",
		"stream S = A as a -> B where k == a.k as b -> C where k == a.k .not(C where v < 0 and k == a.k) .not(B where v > 100) .emit()",
		"stream S = A as a -> A where v > a.v .not(A where v < 0) .emit()",
		"stream S = A as a -> B as b .partition_by(k) .emit()",
	} {
		plan, err := lowerNamed(t, src)
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		vp := plan.Streams[0].Ops[0].(*Pattern)
		spec, ok := vp.RowSpelling(plan.Streams[0].PartitionBy)
		if !ok {
			t.Fatalf("%s: no row spelling", src)
		}
		sp, err := CompileRowPattern(spec)
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		if sp.Rows != nil {
			t.Errorf("%s: compiled as a row pattern, not a chain; pattern %s", src, spec.Pattern)
			continue
		}
		if !sp.InputTS {
			t.Errorf("%s: a MATCH_RECOGNIZE reads rows in ts order", src)
		}
		want := strings.Replace(matcherText(vp), "input_order=arrival", "input_order=ts", 1)
		if got := matcherText(sp); got != want {
			t.Errorf("%s (pattern %s):\n got %s\nwant %s", src, spec.Pattern, got, want)
		}
	}
}

// TestRowPatternsWithoutVPLReading checks that patterns off the table's
// shapes stay row patterns, and what EXPLAIN prints of them.
func TestRowPatternsWithoutVPLReading(t *testing.T) {
	v := func(name string) Expr { return &FieldRef{Name: name, K: KindAny} }
	gt := func(x Expr, n int64) Expr {
		return &Binary{Op: scalar.OpGt, X: x, Y: &Const{Val: event.Int(n)}, K: event.KindBool}
	}
	c2 := gt(v("v"), 1)
	next := rowpattern.Skip{Mode: rowpattern.SkipToNextRow}
	cases := []struct {
		name, pattern string
		define        map[string]Expr
		skip          rowpattern.Skip
		timeoutRows   bool
	}{
		{"timeout rows", "a g*? b", map[string]Expr{"g": NotTrue(c2), "b": c2}, next, true},
		{"greedy gap", "a g* b", map[string]Expr{"g": NotTrue(c2), "b": c2}, next, false},
		{"skip past last row", "a g*? b", map[string]Expr{"g": NotTrue(c2), "b": c2}, rowpattern.Skip{}, false},
		{"gap defined by NOT", "a g*? b", map[string]Expr{"g": &Unary{Op: scalar.OpNot, X: c2}, "b": c2}, next, false},
		{"gap not the next step's complement", "a g*? b", map[string]Expr{"g": NotTrue(gt(v("v"), 2)), "b": c2}, next, false},
		{"gap without DEFINE", "a g*? b", map[string]Expr{"b": c2}, next, false},
		{"Kleene last", "a g*? (b h*?)+?", map[string]Expr{"g": NotTrue(c2), "b": c2, "h": NotTrue(c2)}, next, false},
		{"a variable twice", "a g*? b g*? b", map[string]Expr{"g": NotTrue(c2), "b": c2}, next, false},
		{"self-reference", "a g*? b", map[string]Expr{"g": NotTrue(gt(&AliasField{Alias: "b", Field: "v"}, 1)), "b": gt(&AliasField{Alias: "b", Field: "v"}, 1)}, next, false},
		{"later variable", "a g*? b", map[string]Expr{"a": gt(&AliasField{Alias: "b", Field: "v"}, 1), "g": NotTrue(c2), "b": c2}, next, false},
		{"alternation", "a (b | c)", nil, next, false},
		{"counted", "s{2,} b", nil, next, false},
	}
	for _, c := range cases {
		n, err := rowpattern.Parse(c.pattern)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		p, err := CompileRowPattern(RowPatternSpec{Pattern: n, Define: c.define, Skip: c.skip, Input: "A", Within: 1e9, TimeoutRows: c.timeoutRows})
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if p.Rows == nil || len(p.Steps) > 0 {
			t.Errorf("%s: %s read as a VPL chain", c.name, c.pattern)
		}
	}
	// The same pattern with its gap right is a chain.
	n, _ := rowpattern.Parse("a g*? b")
	p, err := CompileRowPattern(RowPatternSpec{Pattern: n, Define: map[string]Expr{"g": NotTrue(c2), "b": c2}, Skip: next, Input: "A"})
	if err != nil || p.Rows != nil || len(p.Steps) != 2 {
		t.Fatalf("a g*? b: %+v, %v", p, err)
	}

	n, _ = rowpattern.Parse("s{2,} b")
	p, err = CompileRowPattern(RowPatternSpec{Pattern: n, Define: map[string]Expr{"s": c2}, Within: 60e9, Input: "A"})
	if err != nil {
		t.Fatal(err)
	}
	const want = "Stream [name=S; type=S; visible=false]\n" +
		"  Pattern [define.s=(v > 1); input_order=ts; pattern=s{2,} b; skip=SKIP PAST LAST ROW; within=1m0s]\n" +
		"    Source\n"
	if got := matcherText(p); got != want {
		t.Errorf("EXPLAIN:\n got %q\nwant %q", got, want)
	}
}

// TestRowPatternErrors checks what CompileRowPattern rejects.
func TestRowPatternErrors(t *testing.T) {
	n, _ := rowpattern.Parse("a b")
	_, err := CompileRowPattern(RowPatternSpec{Pattern: n, Define: map[string]Expr{"c": &Const{Val: event.Bool(true)}}})
	var re *rowpattern.Error
	if err == nil || !errors.As(err, &re) || re.Kind != rowpattern.ErrSyntax || !strings.Contains(err.Error(), "DEFINE c: not a pattern variable") {
		t.Errorf("DEFINE of an unknown variable: %v", err)
	}
	_, err = CompileRowPattern(RowPatternSpec{Pattern: n, Skip: rowpattern.Skip{Mode: rowpattern.SkipToFirst, Var: "a"}})
	if err == nil || !errors.As(err, &re) || re.Kind != rowpattern.ErrUnsupported {
		t.Errorf("SKIP TO FIRST a: %v", err)
	}
	_, err = CompileRowPattern(RowPatternSpec{Pattern: n, TimeoutRows: true})
	if err == nil || !errors.As(err, &re) || re.Kind != rowpattern.ErrUnsupported || errors.GetAllHints(err) == nil {
		t.Errorf("timeout rows without WITHIN: %v", err)
	}
	if _, err = CompileRowPattern(RowPatternSpec{}); err == nil {
		t.Error("no pattern: no error")
	}
}

// FuzzCompileRowPattern compiles row patterns with conditions drawn from
// the shapes chainOf looks for: it must never panic, and a pattern it
// reads as a chain has no row pattern.
func FuzzCompileRowPattern(f *testing.F) {
	f.Add("a _g2*? b", []byte{1, 2, 3}, uint8(1))
	f.Add("a g*? (b h*?)+? c", []byte{0, 2, 1, 4, 3}, uint8(1))
	f.Add("a | b c+", []byte{}, uint8(0))
	f.Fuzz(func(t *testing.T, pattern string, picks []byte, skip uint8) {
		n, err := rowpattern.Parse(pattern)
		if err != nil {
			return
		}
		c := &Binary{Op: scalar.OpGt, X: &FieldRef{Name: "v", K: KindAny}, Y: &Const{Val: event.Int(1)}, K: event.KindBool}
		ty := &Binary{Op: scalar.OpEq, X: &EventTypeOf{}, Y: &Const{Val: event.String("B")}, K: event.KindBool}
		conds := []Expr{nil, c, NotTrue(c), Conjoin(ty, c), NotTrue(Conjoin(ty, c)), Conjoin(NotTrue(c), NotTrue(ty)),
			&AliasField{Alias: "a", Field: "v"}, Conjoin(c, NotTrue(ty))}
		define := map[string]Expr{}
		for i, v := range n.Vars() {
			if i < len(picks) {
				if e := conds[int(picks[i])%len(conds)]; e != nil {
					define[v] = e
				}
			}
		}
		p, err := CompileRowPattern(RowPatternSpec{Pattern: n, Define: define, Skip: rowpattern.Skip{Mode: rowpattern.SkipMode(skip % 2)}, Input: "A"})
		if err != nil {
			return
		}
		if (p.Rows == nil) == (len(p.Steps) == 0) {
			t.Fatalf("%s: %d steps and a row pattern %v", pattern, len(p.Steps), p.Rows != nil)
		}
	})
}

// TestRowSpellingRefusals: what SQL.md §4.5's table has no row for has
// no spelling.
func TestRowSpellingRefusals(t *testing.T) {
	for _, src := range []string{
		"stream S = A as a -> all B as bs .emit()",
		"stream S = all A as a -> B as b .emit()",
		"stream S = A as a -> B as b .policy(any) .emit()",
		"stream S = A as a -> B as b .policy(strict) .emit()",
		"stream S = A as a -> B as b .not(C) .within(5s) .emit()",
		"stream S = A as a -> all B where v > bs.v as bs -> C .emit()",
		"pattern P = SEQ(A as a, B? as b, C as c)\nstream S = P .emit()",
		"pattern P = A as a AND B as b\nstream S = P .emit()",
		"pattern P = A as a OR B as b\nstream S = P .emit()",
		"pattern P = SEQ(A as a, NOT C, B as b)\nstream S = P .emit()",
		"stream S = sequence(a: A, b: B .within(5s)) .emit()",
	} {
		p, _ := matcherOf(t, src)
		if spec, ok := p.RowSpelling(nil); ok {
			t.Errorf("%s: spelt %s", src, spec.Pattern)
		}
	}
}
