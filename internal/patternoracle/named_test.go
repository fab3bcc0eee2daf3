package patternoracle

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// Hand-made cases for named patterns (docs/patterns.md, readings N1–N11).
// Every expected output is worked out by hand in the comment above it.

// seq builds `pattern P = SEQ(items)`: items are "T", "T?", "T*", "T+"
// (aliases a, b, c, … in step order) or "NOT T" (after the steps so far).
func seq(items ...string) Pattern {
	p := Pattern{Named: "P"}
	for _, it := range items {
		if t, ok := strings.CutPrefix(it, "NOT "); ok {
			p.Nots = append(p.Nots, Negation{Type: t, After: len(p.Steps), Item: true})
			continue
		}
		s := Step{Alias: string(rune('a' + len(p.Steps)))}
		switch {
		case strings.HasSuffix(it, "?"):
			s.Optional = true
		case strings.HasSuffix(it, "*"):
			s.Optional, s.Kleene = true, true
		case strings.HasSuffix(it, "+"):
			s.Kleene = true
		}
		s.Type = strings.TrimRight(it, "?*+")
		p.Steps = append(p.Steps, s)
	}
	return p
}

// and builds `pattern P = A as a AND B as b`.
func and(a, b string) Pattern {
	return Pattern{Named: "P", And: true, Steps: []Step{{Type: a, Alias: "a"}, {Type: b, Alias: "b"}}}
}

// side makes p a side of an OR.
func side(p Pattern) Pattern {
	p.Named = ""
	return p
}

func (p Pattern) with(f func(*Pattern)) Pattern {
	f(&p)
	return p
}

// roles renders matches as "@<ts> a0 b- c1,2": the input positions bound
// to each alias ("-": none), in step order.
func roles(p Pattern, in []Event) []string {
	var out []string
	for _, m := range find(p, in) {
		steps := p.Steps
		if len(p.Or) > 0 {
			steps = p.Or[m.side].Steps
		}
		parts := []string{fmt.Sprintf("@%g", float64(m.ts)/1e9)}
		for j, s := range steps {
			if len(m.bound[j]) == 0 {
				parts = append(parts, s.Alias+"-")
				continue
			}
			var ps []string
			for _, q := range m.bound[j] {
				ps = append(ps, fmt.Sprint(q))
			}
			parts = append(parts, s.Alias+strings.Join(ps, ","))
		}
		out = append(out, strings.Join(parts, " "))
	}
	return out
}

type namedCase struct {
	name string
	p    Pattern
	in   []Event
	want []string
}

// runNamed checks each case, that its program checks, and under policy
// any that the branching runs agree with the enumeration.
func runNamed(t *testing.T, cases []namedCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := roles(c.p, c.in); !slices.Equal(got, c.want) {
				t.Errorf("%s\ngot  %q\nwant %q", c.p.VPL(), got, c.want)
			}
			checkVPL(t, c.p.VPL())
			if c.p.policy() == Any {
				sim := render(c.p, c.in, limitMatches(sorted(simulate(c.p, c.in)), c.p.maxMatches()))
				if want := Matches(c.p, c.in); !slices.Equal(sim, want) {
					t.Errorf("branching runs give\n%s\nenumeration\n%s", strings.Join(sim, "\n"), strings.Join(want, "\n"))
				}
			}
		})
	}
}

func anyPolicy(p *Pattern)    { p.Policy = Any }
func strictPolicy(p *Pattern) { p.Policy = Strict }

// TestOptionalItems covers ? and * in the first, middle and last position
// (N1–N4, N8).
func TestOptionalItems(t *testing.T) {
	runNamed(t, []namedCase{
		// The run A started skips b when C comes.
		{"middle ?: skipped", seq("A", "B?", "C"),
			[]Event{ev(1, "A"), ev(2, "C")},
			[]string{"@2 a0 b- c1"}},
		// B binds b; the second B is ignored (b holds its one event).
		{"middle ?: bound once", seq("A", "B?", "C"),
			[]Event{ev(1, "A"), ev(2, "B"), ev(3, "B"), ev(4, "C")},
			[]string{"@4 a0 b1 c3"}},
		// The first B matches both b and c: the run goes to the furthest
		// step, c, and completes (reluctant, N2).
		{"middle ? followed by a step its events match: next", seq("A", "B?", "B"),
			[]Event{ev(1, "A"), ev(2, "B"), ev(3, "B")},
			[]string{"@2 a0 b- c1"}},
		// Every combination: (a0 - c1) at 2; at 3 (a0 b1 c2) and (a0 - c2),
		// [0 1 2] before [0 2].
		{"middle ? followed by a step its events match: any", seq("A", "B?", "B").with(anyPolicy),
			[]Event{ev(1, "A"), ev(2, "B"), ev(3, "B")},
			[]string{"@2 a0 b- c1", "@3 a0 b1 c2", "@3 a0 b- c2"}},
		// The run A started binds B; B also starts a run of its own, which
		// skips a (N3). [0 1] before [1].
		{"first ?: the shorter match too", seq("A?", "B"),
			[]Event{ev(1, "A"), ev(2, "B")},
			[]string{"@2 a0 b1", "@2 a- b1"}},
		{"first ?: alone", seq("A?", "B"),
			[]Event{ev(1, "B")},
			[]string{"@1 a- b0"}},
		// Each A matches a and b: a new run binds the furthest, b, and
		// completes at once.
		{"first ? of the next step's type: next", seq("A?", "A"),
			[]Event{ev(1, "A"), ev(2, "A")},
			[]string{"@1 a- b0", "@2 a- b1"}},
		// Under any an event starts a run at each step it matches.
		{"first ? of the next step's type: any", seq("A?", "A").with(anyPolicy),
			[]Event{ev(1, "A"), ev(2, "A")},
			[]string{"@1 a- b0", "@2 a0 b1", "@2 a- b1"}},
		// Prefix emission (N4): (a0) at once, (a0 b1) at the first B, then
		// the run ends; the second B finds no run.
		{"last ?: next", seq("A", "B?"),
			[]Event{ev(1, "A"), ev(2, "B"), ev(3, "B")},
			[]string{"@1 a0 b-", "@2 a0 b1"}},
		// The original run keeps waiting: (a0 b2) too.
		{"last ?: any", seq("A", "B?").with(anyPolicy),
			[]Event{ev(1, "A"), ev(2, "B"), ev(3, "B")},
			[]string{"@1 a0 b-", "@2 a0 b1", "@3 a0 b2"}},
		// Under next the run of A0 takes B too; under strict the second A,
		// which it cannot take, removes it.
		{"last ?: next, two runs", seq("A", "B?"),
			[]Event{ev(1, "A"), ev(2, "A"), ev(3, "B")},
			[]string{"@1 a0 b-", "@2 a1 b-", "@3 a0 b2", "@3 a1 b2"}},
		{"last ?: strict", seq("A", "B?").with(strictPolicy),
			[]Event{ev(1, "A"), ev(2, "A"), ev(3, "B")},
			[]string{"@1 a0 b-", "@2 a1 b-", "@3 a1 b2"}},
		// (a0), (a0 b1), (a0 b1,2); B at 5 s comes after the deadline.
		{"last *: prefix emission until the run expires", seq("A", "B*").with(func(p *Pattern) { p.Within = 3 * second }),
			[]Event{ev(0, "A"), ev(1, "B"), ev(2, "B"), ev(5, "B")},
			[]string{"@0 a0 b-", "@1 a0 b1", "@2 a0 b1,2"}},
		{"middle *: empty", seq("A", "B*", "C"),
			[]Event{ev(1, "A"), ev(2, "C")},
			[]string{"@2 a0 b- c1"}},
		{"middle *: collects", seq("A", "B*", "C"),
			[]Event{ev(1, "A"), ev(2, "B"), ev(3, "B"), ev(4, "C")},
			[]string{"@4 a0 b1,2 c3"}},
		// B v1 goes to b (c needs v > 5); B v7 matches c: the run moves on.
		{"middle * followed by a step its events match: next", bigB(seq("A", "B*", "B")),
			[]Event{ev(1, "A"), ev(2, "B", "v", 1), ev(3, "B", "v", 7), ev(4, "B", "v", 9)},
			[]string{"@3 a0 b1 c2"}},
		// At once, when the first B already matches c.
		{"middle * followed by a step its events match: empty", bigB(seq("A", "B*", "B")),
			[]Event{ev(1, "A"), ev(2, "B", "v", 7)},
			[]string{"@2 a0 b- c1"}},
		// Every combination: c = 2 with b ⊆ {1}; c = 3 with b ⊆ {1, 2}
		// (reading 4: B v7 may also be collected), in position order.
		{"middle * followed by a step its events match: any", bigB(seq("A", "B*", "B")).with(anyPolicy),
			[]Event{ev(1, "A"), ev(2, "B", "v", 1), ev(3, "B", "v", 7), ev(4, "B", "v", 9)},
			[]string{"@3 a0 b1 c2", "@3 a0 b- c2", "@4 a0 b1,2 c3", "@4 a0 b1 c3", "@4 a0 b2 c3", "@4 a0 b- c3"}},
		// A matches a and b: next starts one run at b (the furthest);
		// then B completes it, and starts (a- b- c1) itself.
		{"two optional items: next", seq("A?", "A?", "B"),
			[]Event{ev(1, "A"), ev(2, "B")},
			[]string{"@2 a- b0 c1", "@2 a- b- c1"}},
		// Under any A starts runs at a and at b. The same events in
		// different steps: fewer events in the earlier step first (N8).
		{"two optional items: any", seq("A?", "A?", "B").with(anyPolicy),
			[]Event{ev(1, "A"), ev(2, "B")},
			[]string{"@2 a- b0 c1", "@2 a0 b- c1", "@2 a- b- c1"}},
		// + first, ? between: C after the B's skips c? (type C ≠ D).
		{"+ then ? then mandatory", seq("B+", "C?", "D"),
			[]Event{ev(1, "B"), ev(2, "B"), ev(3, "D")},
			[]string{"@3 a0,1 b- c2", "@3 a1 b- c2"}},
	})
}

// bigB requires v > 5 of step 3.
func bigB(p Pattern) Pattern {
	p.Steps[2].Where = []Expr{Cmp(Field("v"), ">", Lit(v(5)))}
	return p
}

// TestOptionalAliases covers N7: an empty step's alias reads null, count 0,
// in the match and in later predicates.
func TestOptionalAliases(t *testing.T) {
	p := seq("A", "B?", "C")
	p.Emit = []Out{out("x", Ref("b", "v")), out("n", Agg("count", "b", "")), out("t", EventTime("b")), out("s", Agg("sum", "b", "v"))}
	got := Matches(p, []Event{ev(1, "A"), ev(2, "C")})
	want := []string{`{"stream":"S","ts":"1970-01-01T00:00:02Z","fields":{"x":null,"n":0,"t":null,"s":null}}`}
	if !slices.Equal(got, want) {
		t.Errorf("got %q", got)
	}
	checkVPL(t, p.VPL())
	// c compares with b: null when b is empty, so c cannot skip b.
	runNamed(t, []namedCase{
		{"a predicate reading an empty step's alias sees null",
			seq("A", "B?", "C").with(func(p *Pattern) { p.Steps[2].Where = []Expr{Cmp(Field("v"), "==", Ref("b", "v"))} }),
			[]Event{ev(1, "A"), ev(2, "C", "v", 1), ev(3, "B", "v", 1), ev(4, "C", "v", 1)},
			[]string{"@4 a0 b2 c3"}},
	})
}

// TestNotItems covers NOT items, next to optional items too (N5, N6).
func TestNotItems(t *testing.T) {
	within := func(p *Pattern) { p.Within = 10 * second }
	runNamed(t, []namedCase{
		{"a NOT item guards only its gap: before it", seq("A", "B", "NOT X", "C"),
			[]Event{ev(1, "A"), ev(2, "X"), ev(3, "B"), ev(4, "C")},
			[]string{"@4 a0 b2 c3"}},
		{"a NOT item guards only its gap: in it", seq("A", "B", "NOT X", "C"),
			[]Event{ev(1, "A"), ev(2, "B"), ev(3, "X"), ev(4, "C")},
			nil},
		// After an optional item: B skipped, so the gap runs from A to C.
		{"after ?: X between A and C", seq("A", "B?", "NOT X", "C"),
			[]Event{ev(1, "A"), ev(2, "X"), ev(3, "C")},
			nil},
		// The X bars the run from skipping b; B lifts the bar.
		{"after ?: X before B", seq("A", "B?", "NOT X", "C"),
			[]Event{ev(1, "A"), ev(2, "X"), ev(3, "B"), ev(4, "C")},
			[]string{"@4 a0 b2 c3"}},
		{"after ?: X after B", seq("A", "B?", "NOT X", "C"),
			[]Event{ev(1, "A"), ev(2, "B"), ev(3, "X"), ev(4, "C")},
			nil},
		// While barred, the run ignores C; B, then C complete it.
		{"after ?: the barred run waits for B", seq("A", "B?", "NOT X", "C"),
			[]Event{ev(1, "A"), ev(2, "X"), ev(3, "C"), ev(4, "B"), ev(5, "C")},
			[]string{"@5 a0 b3 c4"}},
		{"after ?: any", seq("A", "B?", "NOT X", "C").with(anyPolicy),
			[]Event{ev(1, "A"), ev(2, "X"), ev(3, "C"), ev(4, "B"), ev(5, "C")},
			[]string{"@5 a0 b3 c4"}},
		// Under strict the C that the barred run cannot take removes it.
		{"after ?: strict", seq("A", "B?", "NOT X", "C").with(strictPolicy),
			[]Event{ev(1, "A"), ev(2, "X"), ev(3, "C"), ev(4, "B"), ev(5, "C")},
			nil},
		{"before ?: X after A", seq("A", "NOT X", "B?", "C"),
			[]Event{ev(1, "A"), ev(2, "X"), ev(3, "C")},
			nil},
		{"before ?: X after B", seq("A", "NOT X", "B?", "C"),
			[]Event{ev(1, "A"), ev(2, "B"), ev(3, "X"), ev(4, "C")},
			[]string{"@4 a0 b1 c3"}},
		// Absence: the run waits from A (b optional) and completes at the
		// deadline with whatever it bound (N5).
		{"absence after ?: alone", seq("A", "B?", "NOT X").with(within),
			[]Event{ev(0, "A")},
			[]string{"@10 a0 b-"}},
		{"absence after ?: B bound while waiting", seq("A", "B?", "NOT X").with(within),
			[]Event{ev(0, "A"), ev(1, "B")},
			[]string{"@10 a0 b1"}},
		{"absence after ?: X with b empty", seq("A", "B?", "NOT X").with(within),
			[]Event{ev(0, "A"), ev(1, "X")},
			nil},
		{"absence after ?: X, then B", seq("A", "B?", "NOT X").with(within),
			[]Event{ev(0, "A"), ev(1, "X"), ev(2, "B")},
			[]string{"@10 a0 b2"}},
		{"absence after ?: B, then X", seq("A", "B?", "NOT X").with(within),
			[]Event{ev(0, "A"), ev(1, "B"), ev(2, "X")},
			nil},
		// Under any both (a0) and (a0 b1) complete at the deadline.
		{"absence after ?: any", seq("A", "B?", "NOT X").with(within).with(anyPolicy),
			[]Event{ev(0, "A"), ev(1, "B")},
			[]string{"@10 a0 b-", "@10 a0 b1"}},
		// The X bars the run, which may still collect into b but emits
		// nothing until c lifts the bar: (a0 b1,3) would span the gap.
		{"a barred run emits nothing", seq("A", "B+", "C?", "NOT X"),
			[]Event{ev(1, "A"), ev(2, "B"), ev(3, "X"), ev(4, "B"), ev(5, "C")},
			[]string{"@2 a0 b1 c-", "@5 a0 b1,3 c4"}},
		// Under any the run that skipped b until the second B also
		// matches: its gap starts after the X.
		{"a barred run emits nothing: any", seq("A", "B+", "C?", "NOT X").with(anyPolicy),
			[]Event{ev(1, "A"), ev(2, "B"), ev(3, "X"), ev(4, "B"), ev(5, "C")},
			[]string{"@2 a0 b1 c-", "@4 a0 b3 c-", "@5 a0 b1,3 c4", "@5 a0 b1 c4", "@5 a0 b3 c4"}},
		{"absence after *: collects while waiting", seq("A", "B*", "NOT X").with(within),
			[]Event{ev(0, "A"), ev(1, "B"), ev(2, "B"), ev(20, "Y")},
			[]string{"@10 a0 b1,2"}},
	})
}

// TestAnd covers I1 AND I2 (N9).
func TestAnd(t *testing.T) {
	same := Pattern{Named: "P", And: true, Steps: []Step{
		{Type: "A", Alias: "a", Where: []Expr{Cmp(Field("v"), "==", Lit(v(1)))}},
		{Type: "A", Alias: "b", Where: []Expr{Cmp(Field("w"), "==", Lit(v(1)))}}}}
	corr := Pattern{Named: "P", And: true, Steps: []Step{
		{Type: "Login", Alias: "a"},
		{Type: "Badge", Alias: "b", Where: []Expr{Cmp(Field("user"), "==", Ref("a", "user"))}}}}
	runNamed(t, []namedCase{
		{"in order", and("A", "B"),
			[]Event{ev(1, "A"), ev(2, "B")},
			[]string{"@2 a0 b1"}},
		{"in the other order", and("A", "B"),
			[]Event{ev(1, "B"), ev(2, "A")},
			[]string{"@2 a1 b0"}},
		// Both runs complete at B; B also starts a run, left waiting.
		{"one event completes two runs", and("A", "B"),
			[]Event{ev(1, "A"), ev(2, "A"), ev(3, "B")},
			[]string{"@3 a0 b2", "@3 a1 b2"}},
		// §11.9: B completes (a0 b1) and starts a run that A completes.
		{"the completing event starts a run too", and("A", "B"),
			[]Event{ev(1, "A"), ev(2, "B"), ev(3, "A")},
			[]string{"@2 a0 b1", "@3 a2 b1"}},
		{"any: every pair", and("A", "B").with(anyPolicy),
			[]Event{ev(1, "A"), ev(2, "B"), ev(3, "B")},
			[]string{"@2 a0 b1", "@3 a0 b2"}},
		{"next: the first completing event", and("A", "B"),
			[]Event{ev(1, "A"), ev(2, "B"), ev(3, "B")},
			[]string{"@2 a0 b1"}},
		// The second A, which run a0 cannot take, removes it.
		{"strict", and("A", "B").with(strictPolicy),
			[]Event{ev(1, "A"), ev(2, "A"), ev(3, "B")},
			[]string{"@3 a1 b2"}},
		// E0 starts a run as a and one as b; E1 completes both: the run
		// E0 started as the first item comes first.
		{"one event starts a run as each item", same,
			[]Event{ev(1, "A", "v", 1, "w", 1), ev(2, "A", "v", 1, "w", 1)},
			[]string{"@2 a0 b1", "@2 a1 b0"}},
		// The conjunct reading the other alias waits for both: the Badge
		// run completes at the Login of the same user, whichever first.
		{"correlation in either order", corr,
			[]Event{ev(1, "Badge", "user", "u1"), ev(2, "Login", "user", "u2"), ev(3, "Login", "user", "u1"), ev(4, "Badge", "user", "u2")},
			[]string{"@3 a2 b0", "@4 a1 b3"}},
		{"within", and("A", "B").with(func(p *Pattern) { p.Within = 3 * second }),
			[]Event{ev(0, "B"), ev(5, "A"), ev(6, "B")},
			[]string{"@6 a1 b2"}},
		{"a .not guards the run until it completes", and("A", "B").with(func(p *Pattern) { p.Nots = []Negation{{Type: "X", After: 2}} }),
			[]Event{ev(1, "A"), ev(2, "X"), ev(3, "B"), ev(4, "A")},
			[]string{"@4 a3 b2"}},
		// Trailing .not and within: the bound pair waits for its deadline.
		{"absence", and("A", "B").with(func(p *Pattern) { p.Nots = []Negation{{Type: "X", After: 2}}; p.Within = 5 * second }),
			[]Event{ev(0, "A"), ev(1, "B"), ev(2, "X"), ev(10, "B"), ev(11, "A")},
			[]string{"@15 a4 b3"}},
		{"partition", and("A", "B").with(func(p *Pattern) { p.PartitionBy = "k" }),
			[]Event{ev(1, "A", "k", 1), ev(2, "B", "k", 2), ev(3, "B", "k", 1)},
			[]string{"@3 a0 b2"}},
	})
}

// TestOr covers P1 OR P2 (N10).
func TestOr(t *testing.T) {
	cb := Pattern{Steps: []Step{{Type: "C", Alias: "c"}, {Type: "B", Alias: "b"}}}
	ab := Pattern{Steps: []Step{{Type: "A", Alias: "a"}, {Type: "B", Alias: "d"}}}
	absent := func(t, alias string) Pattern {
		return Pattern{Steps: []Step{{Type: t, Alias: alias}}, Nots: []Negation{{Type: "X", After: 1, Item: true}}}
	}
	runNamed(t, []namedCase{
		// One event completes both sides: P1's match first, though P2's
		// comes first by positions.
		{"one event completes both sides", Pattern{Named: "P", Or: []Pattern{cb, ab}},
			[]Event{ev(1, "A"), ev(2, "C"), ev(3, "B")},
			[]string{"@3 c1 b2", "@3 a0 d2"}},
		{"one event completes both sides: any", Pattern{Named: "P", Or: []Pattern{cb, ab}, Policy: Any},
			[]Event{ev(1, "A"), ev(2, "C"), ev(3, "B"), ev(4, "B")},
			[]string{"@3 c1 b2", "@3 a0 d2", "@4 c1 b3", "@4 a0 d3"}},
		// Each side on its own: under strict the C does not remove the
		// run of the side A -> B, whose types it does not use.
		{"strict per side", Pattern{Named: "P", Or: []Pattern{cb, ab}, Policy: Strict},
			[]Event{ev(1, "A"), ev(2, "C"), ev(3, "B")},
			[]string{"@3 c1 b2", "@3 a0 d2"}},
		// An AND side and a single item.
		{"three sides", Pattern{Named: "P", Or: []Pattern{side(and("A", "B")), {Steps: []Step{{Type: "B", Alias: "e"}}}, cb}},
			[]Event{ev(1, "B"), ev(2, "A"), ev(3, "C"), ev(4, "B")},
			[]string{"@1 e0", "@2 a1 b0", "@4 a1 b3", "@4 e3", "@4 c2 b3"}},
		// Absences on both sides due together: by side.
		{"absences due together", Pattern{Named: "P", Or: []Pattern{absent("A", "a"), absent("A", "b")}, Within: 5 * second},
			[]Event{ev(0, "A"), ev(1, "B")},
			[]string{"@5 a0", "@5 b0"}},
		{"a .not on the stream guards every side", Pattern{Named: "P", Or: []Pattern{cb, ab}, Nots: []Negation{{Type: "X"}}},
			[]Event{ev(1, "A"), ev(2, "X"), ev(3, "C"), ev(4, "B")},
			[]string{"@4 c2 b3"}},
	})
	// Aliases only the other side binds read null; one both bind reads
	// the matching side's.
	p := Pattern{Named: "P", Or: []Pattern{
		{Steps: []Step{{Type: "A", Alias: "a"}, {Type: "B", Alias: "b"}}},
		{Steps: []Step{{Type: "A", Alias: "a"}, {Type: "C", Alias: "c"}}}},
		Emit: []Out{out("x", Ref("a", "v")), out("y", Ref("b", "v")), out("z", Ref("c", "v")), out("n", Agg("count", "c", ""))}}
	got := Matches(p, []Event{ev(1, "A", "v", 1), ev(2, "C", "v", 3), ev(3, "B", "v", 2)})
	want := []string{
		`{"stream":"S","ts":"1970-01-01T00:00:02Z","fields":{"x":1,"y":null,"z":3,"n":1}}`,
		`{"stream":"S","ts":"1970-01-01T00:00:03Z","fields":{"x":1,"y":2,"z":null,"n":0}}`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("%s\ngot  %q\nwant %q", p.VPL(), got, want)
	}
	checkVPL(t, p.VPL())
}

// TestNamedVPL pins the rendering of named patterns.
func TestNamedVPL(t *testing.T) {
	p := seq("A", "B?", "NOT X", "C*", "D+")
	p.Steps[2].Where = []Expr{Cmp(Field("v"), ">", Ref("c", "v"))}
	p.Within, p.PartitionBy, p.Policy, p.OutOfOrder = 5*second, "k", Any, 2*second
	p.Emit = []Out{out("x", Ref("a", "v"))}
	want := "pattern P = SEQ(A as a, B? as b, NOT X, C* where v > c.v as c, D+ as d) within 5s partition by k policy any\n" +
		"stream S = P .watermark(out_of_order: 2s) .emit(x: a.v)"
	if got := p.VPL(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	q := Pattern{Named: "Q", Or: []Pattern{side(and("A", "B")), side(seq("C"))}, Nots: []Negation{{Type: "X"}}}
	want = "pattern Q = (A as a AND B as b) OR SEQ(C as a)\nstream S = Q .not(X) .emit()"
	if got := q.VPL(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	for _, x := range []Pattern{p, q} {
		checkVPL(t, x.VPL())
	}
}
