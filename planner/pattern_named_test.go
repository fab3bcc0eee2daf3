package planner

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/varpulis/varpulis-go/vpl"
)

// lowerNamed checks src and lowers it.
func lowerNamed(t *testing.T, src string) (*Plan, error) {
	t.Helper()
	prog, diags := vpl.ParseFile("test.vpl", []byte(src), nil)
	if vpl.HasErrors(diags) {
		t.Fatalf("parse: %s", vpl.Format(diags, []string{"test.vpl"}))
	}
	if d := vpl.Check(prog); vpl.HasErrors(d) {
		t.Fatalf("check: %s", vpl.Format(d, prog.Files))
	}
	return LowerVPL(prog)
}

// matcherOf lowers src with every construct and returns its first
// stream's matcher and EXPLAIN text.
func matcherOf(t *testing.T, src string) (*Pattern, string) {
	t.Helper()
	p, err := lowerNamed(t, src)
	if err != nil {
		t.Fatal(err)
	}
	return p.Streams[0].Ops[0].(*Pattern), ExplainText(p)
}

// TestPatternRefusals checks the constructs refused whatever the runtime
// runs, because they have no meaning (docs/patterns.md, "Named patterns").
func TestPatternRefusals(t *testing.T) {
	cases := []struct{ src, want string }{
		{"pattern P = SEQ(A? as a, B* as b)\nstream S = P .emit()", "1:13: every item of this pattern is optional"},
		{"pattern P = A? as a\nstream S = P .emit()", "1:13: every item of this pattern is optional"},
		{"pattern P = A+ as a AND B as b\nstream S = P .emit()", "1:13: AND combines two single events: the + quantifier"},
		{"pattern P = A as a AND B? as b\nstream S = P .emit()", "1:24: AND combines two single events: the ? quantifier"},
		{"pattern P = A OR B\nstream S = P -> C .emit()", "2:14: a -> step cannot extend an AND or OR pattern"},
		{"pattern P = A as a AND B as b\nstream S = P .where(a.v > 1) .emit()", "2:15: a .where before the first -> step joins step 1's predicate"},
	}
	for _, c := range cases {
		_, err := lowerNamed(t, c.src)
		if err == nil || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("%s:\n got %v\nwant %s…", c.src, err, c.want)
		}
	}
}

// TestOptionalSteps checks how ? and * lower: Optional (with Kleene for
// *), Min and Max, and EXPLAIN.
func TestOptionalSteps(t *testing.T) {
	p, text := matcherOf(t, `
pattern P = SEQ(A? as a, B where v > 1 as b, C* where v > c.v as c, D+ as d, E? as e)
stream S = P .emit(x: a.v)`)
	want := []struct {
		kleene, optional bool
		min, max         int
	}{{false, true, 0, 1}, {false, false, 1, 1}, {true, true, 0, 0}, {true, false, 1, 0}, {false, true, 0, 1}}
	for i, w := range want {
		s := p.Steps[i]
		if s.Kleene != w.kleene || s.Optional != w.optional || s.Min() != w.min || s.Max() != w.max {
			t.Errorf("step %d: %+v min %d max %d, want %+v", i+1, s, s.Min(), s.Max(), w)
		}
	}
	if p.KeyFields != nil {
		t.Errorf("an optional first step infers no partition: %v", p.KeyFields)
	}
	for _, s := range []string{
		"step1=optional A as a;", "step2=B as b where (v > 1);",
		"step3=optional all C as c with previous (v > $c.v);", "step4=all D as d;", "step5=optional E as e]",
	} {
		if !strings.Contains(text, s) {
			t.Errorf("EXPLAIN lacks %q:\n%s", s, text)
		}
	}
}

// TestNotAfterOptional checks PatternNot.SkipFrom: set when optional
// steps stand between the NOT item and the last mandatory step before it.
func TestNotAfterOptional(t *testing.T) {
	cases := []struct {
		seq                 string
		after, before, from int
		trailing            bool
	}{
		{"A, B?, NOT X, C", 2, 3, 1, false},
		{"A, B?, C?, NOT X, D", 3, 4, 1, false},
		{"A, B, C?, NOT X", 3, 4, 2, true},
		{"A, NOT X, B?, C", 1, 2, 0, false},
		{"A?, NOT X, B", 1, 2, 0, false},
		{"A?, B?, NOT X, C", 2, 3, 1, false},
		{"A, B+, NOT X, C", 2, 3, 0, false},
	}
	for _, c := range cases {
		p, _ := matcherOf(t, "pattern P = SEQ("+c.seq+")\nstream S = P .emit()")
		n := p.Nots[0]
		if n.After != c.after || n.Before != c.before || n.SkipFrom != c.from || n.Trailing != c.trailing {
			t.Errorf("SEQ(%s): %+v, want after %d before %d skip from %d trailing %v", c.seq, n, c.after, c.before, c.from, c.trailing)
		}
	}
}

// TestAndLowering checks I1 AND I2: two steps; conjuncts that mention the
// other item's alias move to the Closing of both steps, rewritten so that
// the completing event is the current one.
func TestAndLowering(t *testing.T) {
	p, text := matcherOf(t, `
pattern P = Login where v > 1 and user == b.user as a AND Badge where door == 3 and a.site == site as b within 1m
stream S = P .not(Alarm where site == a.site) .emit(u: a.user, d: b.door)`)
	if !p.And || len(p.Steps) != 2 || p.Within != 60e9 {
		t.Fatalf("not an AND of two steps: %+v", p)
	}
	want := []struct{ pred, closing string }{
		// Login completes a run Badge started: Login's own cross conjunct,
		// then Badge's, now reading Login as the current event.
		{"(v > 1)", "((user == $b.user) and (site == $b.site))"},
		// Badge completes a run Login started.
		{"(door == 3)", "(($a.site == site) and ($a.user == user))"},
	}
	for i, w := range want {
		s := p.Steps[i]
		if s.Pred.String() != w.pred || s.Closing.String() != w.closing {
			t.Errorf("step %d: pred %s closing %s, want %s and %s", i+1, s.Pred, s.Closing, w.pred, w.closing)
		}
	}
	if n := p.Nots[0]; n.After != 1 || n.Before != 3 || !n.Trailing {
		t.Errorf("the .not guards the whole run: %+v", n)
	}
	for _, s := range []string{"order=either (AND)", "step2=Badge as b where (door == 3) completing when (($a.site == site) and ($a.user == user))"} {
		if !strings.Contains(text, s) {
			t.Errorf("EXPLAIN lacks %q:\n%s", s, text)
		}
	}
	// Unnamed items, an item's own alias and event_time(): the swap
	// reads the first event through its alias.
	p, _ = matcherOf(t, `
pattern P = A as a AND B where event_time(a) < event_time()
stream S = P .emit()`)
	if got := p.Steps[1].Closing.String(); got != "(event_time($a) < event_time())" {
		t.Errorf("B's closing: %s", got)
	}
	if got := p.Steps[0].Closing.String(); got != "(event_time() < event_time($_s2))" {
		t.Errorf("A's closing: %s", got)
	}
}

// TestOrLowering checks P1 OR P2 OR ...: one complete matcher per side,
// with the declaration's and the stream's settings and negations; aliases
// only another side binds read null in a side's predicates.
func TestOrLowering(t *testing.T) {
	p, text := matcherOf(t, `
pattern P = SEQ(A as a, B where k == a.k as b) OR (C as c AND D as d) OR SEQ(A as a, E where n == b.n and count(b) == 0 as e)
    within 5s policy any
stream S = P .not(X where k == a.k) .within(10s) .emit(a: a.v, c: c.v)`)
	if len(p.Alts) != 3 || len(p.Steps) != 0 || len(p.Nots) != 0 {
		t.Fatalf("want three alternatives: %+v", p)
	}
	if p.Within != 10e9 || p.Policy != "any" {
		t.Errorf("settings: within %d policy %s", p.Within, p.Policy)
	}
	for i, alt := range p.Alts {
		if alt.Within != 10e9 || alt.Policy != "any" || len(alt.Alts) != 0 {
			t.Errorf("alternative %d: within %d policy %s", i+1, alt.Within, alt.Policy)
		}
		if n := alt.Nots[len(alt.Nots)-1]; n.Type != "X" || n.After != 1 || n.Before != len(alt.Steps)+1 {
			t.Errorf("alternative %d: the .not: %+v", i+1, n)
		}
	}
	if !p.Alts[1].And {
		t.Errorf("the second alternative is an AND")
	}
	if got := p.Alts[1].Nots[0].Pred.String(); got != "(k == null)" {
		t.Errorf("a is not bound in C AND D: %s", got)
	}
	if got := p.Alts[2].Steps[1].Pred.String(); got != "((n == null) and true)" {
		t.Errorf("b is not bound in the third alternative: %s", got)
	}
	for _, s := range []string{"or1.step2=B as b where (k == $a.k)", "or2.order=either (AND)", "or3.step1=A as a", "within=10s"} {
		if !strings.Contains(text, s) {
			t.Errorf("EXPLAIN lacks %q:\n%s", s, text)
		}
	}
	pl, err := lowerNamed(t, `
pattern P = SEQ(A as a, B where k == a.k as b) OR SEQ(C as c, D where k == c.k as d)
stream S = P .emit(a: a.v)`)
	if err != nil {
		t.Fatal(err)
	}
	var ins []string
	for _, in := range pl.Streams[0].Inputs {
		ins = append(ins, in.Name)
	}
	if strings.Join(ins, " ") != "A B C D" {
		t.Errorf("inputs: %v", ins)
	}
	alts := pl.Streams[0].Ops[0].(*Pattern).Alts
	if alts[0].KeyFields["B"] != "k" || alts[1].KeyFields["D"] != "k" {
		t.Errorf("each alternative infers its own partition: %v %v", alts[0].KeyFields, alts[1].KeyFields)
	}
}

// TestNamedPatternNotInputs checks that a .not on a stream whose source is
// a named pattern reads the negated type.
func TestNamedPatternNotInputs(t *testing.T) {
	p, err := lowerNamed(t, "pattern P = SEQ(A as a, B as b)\nstream S = P .not(C where x == a.x) .emit()")
	if err != nil {
		t.Fatal(err)
	}
	var ins []string
	for _, in := range p.Streams[0].Inputs {
		ins = append(ins, in.Name)
	}
	if strings.Join(ins, " ") != "A B C" {
		t.Errorf("inputs: %v", ins)
	}
}

// TestNamedFeatureCases lowers the named-pattern feature cases of
// cmd/varpulis: every construct they use lowers.
func TestNamedFeatureCases(t *testing.T) {
	files, _ := filepath.Glob("../cmd/varpulis/testdata/features/named_*/program.vpl")
	if len(files) == 0 {
		t.Fatal("no named-pattern feature cases")
	}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := lowerNamed(t, string(src)); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
}

// TestPlanKeyFields checks the fields a plan groups by: written
// partitions, and partitions patterns infer, OR sides included.
func TestPlanKeyFields(t *testing.T) {
	pl, err := lowerNamed(t, `
pattern P = SEQ(A as a, B where k == a.k as b) OR SEQ(C as c, D where j == c.j as d)
stream S = P .emit(x: a.v)
stream W = E.partition_by(sym).window(2).aggregate(n: count())
stream U = F.where(v > 1)`)
	if err != nil {
		t.Fatal(err)
	}
	got := pl.KeyFields()
	want := map[string]bool{"k": true, "j": true, "sym": true}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for f := range want {
		if !got[f] {
			t.Fatalf("got %v, want %v", got, want)
		}
	}
}

// TestAbsencePartitionInferred checks that a single step with a
// correlated negation (VPL.md E13's shape) is partitioned by the key the
// negation compares, so open orders are not one partition of every
// order (max_runs would cap them).
func TestAbsencePartitionInferred(t *testing.T) {
	pl, err := lowerNamed(t, "stream Unpaid = Order as o .not(Payment where order_id == o.id) .within(15m) .emit(id: o.id)")
	if err != nil {
		t.Fatal(err)
	}
	p := pl.Streams[0].Ops[0].(*Pattern)
	if p.KeyFields["Order"] != "id" || p.KeyFields["Payment"] != "order_id" || len(p.KeyFields) != 2 {
		t.Fatalf("key fields %v", p.KeyFields)
	}
	if text := ExplainText(pl); !strings.Contains(text, "partition_inferred=Order.id, Payment.order_id") {
		t.Fatalf("EXPLAIN lacks the inferred partition:\n%s", text)
	}
}
