package patternoracle

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/varpulis/varpulis-go/event"
)

// brief renders matches as "@<ts> [positions]" (positions are 0-based
// input indexes, ts in seconds).
func brief(p Pattern, in []Event) []string {
	var out []string
	for _, m := range find(p, in) {
		out = append(out, fmt.Sprintf("@%g %v", float64(m.ts)/1e9, m.positions()))
	}
	return out
}

func steps(spec ...string) []Step {
	var out []Step
	for i, s := range spec {
		st := Step{Alias: aliasNames[i]}
		if t, ok := strings.CutPrefix(s, "all "); ok {
			st.Kleene = true
			s = t
		}
		st.Type = s
		out = append(out, st)
	}
	return out
}

func where(ss []Step, j int, cs ...Expr) []Step {
	ss[j].Where = append(ss[j].Where, cs...)
	return ss
}

func v(n int) event.Value { return event.Int(int64(n)) }

type ruleCase struct {
	name string
	p    Pattern
	in   []Event
	want []string
}

func runRules(t *testing.T, cases []ruleCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := brief(c.p, c.in)
			if !slices.Equal(got, c.want) {
				t.Errorf("%s\ngot  %q\nwant %q", c.p.VPL(), got, c.want)
			}
			checkVPL(t, c.p.VPL())
			if c.p.policy() == Any {
				p := c.p
				var sim []string
				for _, m := range limitMatches(sorted(simulate(p, c.in)), p.maxMatches()) {
					sim = append(sim, fmt.Sprintf("@%g %v", float64(m.ts)/1e9, m.positions()))
				}
				if !slices.Equal(sim, c.want) {
					t.Errorf("branching runs give %q", sim)
				}
			}
		})
	}
}

// TestRunsNext covers §4.5.2 under the default policy.
func TestRunsNext(t *testing.T) {
	runRules(t, []ruleCase{
		{"an event binds at most one step of a run and may also start one",
			Pattern{Steps: steps("A", "A")},
			[]Event{ev(1, "A"), ev(2, "A"), ev(3, "A")},
			[]string{"@2 [0 1]", "@3 [1 2]"}},
		{"each step binds the earliest later event that satisfies it",
			Pattern{Steps: where(steps("A", "B", "C"), 2, Cmp(Field("v"), ">", Ref("b", "v")))},
			[]Event{ev(1, "A"), ev(2, "B", "v", 5), ev(3, "B", "v", 1), ev(4, "C", "v", 3), ev(5, "C", "v", 6)},
			[]string{"@5 [0 1 4]"}},
		{"one event advances many runs, completions in run-start order",
			Pattern{Steps: steps("A", "B", "C")},
			[]Event{ev(1, "A"), ev(2, "A"), ev(3, "B"), ev(4, "A"), ev(5, "C")},
			[]string{"@5 [0 2 4]", "@5 [1 2 4]"}},
		{"events of other types are ignored",
			Pattern{Steps: steps("A", "B")},
			[]Event{ev(1, "A"), ev(2, "X"), ev(3, "C"), ev(4, "B")},
			[]string{"@4 [0 3]"}},
		{"a step predicate sees the candidate's fields and earlier aliases; null is not true",
			Pattern{Steps: where(steps("A", "B"), 1, Cmp(Field("v"), "==", Ref("a", "v")))},
			[]Event{ev(1, "A", "v", 1), ev(2, "A"), ev(3, "B", "v", 2), ev(4, "B"), ev(5, "B", "v", 1.0)},
			[]string{"@5 [0 4]"}},
		{"step 1's own alias is the candidate",
			Pattern{Steps: where(steps("A", "B"), 0, Cmp(Ref("a", "v"), ">", Lit(v(1))))},
			[]Event{ev(1, "A", "v", 1), ev(2, "A", "v", 2), ev(3, "B")},
			[]string{"@3 [1 2]"}},
		{"late events are processed normally",
			Pattern{Steps: steps("A", "B")},
			[]Event{ev(5, "A"), ev(1, "B"), ev(0, "A"), ev(0, "B")},
			[]string{"@1 [0 1]", "@0 [2 3]"}},
	})
}

// TestKleene covers Kleene steps (§4.5.1, §4.5.2).
func TestKleene(t *testing.T) {
	runRules(t, []ruleCase{
		{"Kleene+ needs one element",
			Pattern{Steps: steps("A", "all B", "C")},
			[]Event{ev(1, "A"), ev(2, "C"), ev(3, "B"), ev(4, "C")},
			[]string{"@4 [0 2 3]"}},
		{"the Kleene step is reluctant: an event matching the next step moves the run on",
			Pattern{Steps: steps("A", "all B", "B")},
			[]Event{ev(1, "A"), ev(2, "B"), ev(3, "B"), ev(4, "B")},
			[]string{"@3 [0 1 2]"}},
		{"a conjunct on the own alias compares with the previous element, skipped for the first",
			Pattern{Steps: where(steps("A", "all B", "C"), 1, Cmp(Field("v"), ">", Ref("b", "v")), Cmp(Field("v"), ">=", Ref("a", "v")))},
			[]Event{ev(1, "A", "v", 1), ev(2, "B", "v", 0), ev(3, "B", "v", 2), ev(4, "B", "v", 1), ev(5, "B", "v", 3), ev(6, "C")},
			[]string{"@6 [0 2 4 5]"}},
		{"Kleene first: every matching event starts a run",
			Pattern{Steps: steps("all A", "B")},
			[]Event{ev(1, "A"), ev(2, "A"), ev(3, "B")},
			[]string{"@3 [0 1 2]", "@3 [1 2]"}},
		{"Kleene last: prefix emission until the run expires",
			Pattern{Steps: steps("A", "all B"), Within: 3 * second},
			[]Event{ev(0, "A"), ev(1, "B"), ev(2, "B"), ev(3, "B"), ev(4, "B")},
			[]string{"@1 [0 1]", "@2 [0 1 2]", "@3 [0 1 2 3]"}},
		{"two Kleene steps",
			Pattern{Steps: steps("A", "all B", "all C", "D")},
			[]Event{ev(1, "A"), ev(2, "B"), ev(3, "B"), ev(4, "C"), ev(5, "B"), ev(6, "C"), ev(7, "D")},
			[]string{"@7 [0 1 2 3 5 6]"}},
		{"one-step Kleene pattern",
			Pattern{Steps: steps("all A")},
			[]Event{ev(1, "A"), ev(2, "A")},
			[]string{"@1 [0]", "@2 [0 1]", "@2 [1]"}},
	})
}

// TestWithin covers §4.5.3.
func TestWithin(t *testing.T) {
	runRules(t, []ruleCase{
		{"an event exactly at the deadline counts; W beyond it removes the run",
			Pattern{Steps: steps("A", "B"), Within: 2 * second},
			[]Event{ev(0, "A"), ev(1, "A"), ev(3, "B"), ev(3, "B")},
			[]string{"@3 [1 2]"}},
		{"an event of another type advancing W removes the run",
			Pattern{Steps: steps("A", "B"), Within: 2 * second},
			[]Event{ev(0, "A"), ev(3, "X"), ev(1, "B")},
			nil},
		{"next: an event with ts > deadline that would advance the run removes it",
			Pattern{Steps: steps("A", "B"), Within: 5 * second, OutOfOrder: 10 * second},
			[]Event{ev(0, "A"), ev(7, "B"), ev(3, "B")},
			nil},
		{"next: an event with ts > deadline that the run ignores does not remove it",
			Pattern{Steps: steps("A", "B"), Within: 5 * second, OutOfOrder: 10 * second},
			[]Event{ev(0, "A"), ev(7, "C"), ev(3, "B")},
			[]string{"@3 [0 2]"}},
		{"any: such an event creates no copy; the original keeps waiting",
			Pattern{Steps: steps("A", "B"), Within: 5 * second, OutOfOrder: 10 * second, Policy: Any},
			[]Event{ev(0, "A"), ev(7, "B"), ev(3, "B")},
			[]string{"@3 [0 2]"}},
		{"a late run whose deadline W has passed lives until the next advance",
			Pattern{Steps: steps("A", "B"), Within: 2 * second},
			[]Event{ev(10, "X"), ev(1, "A"), ev(2, "B"), ev(1, "A"), ev(11, "X"), ev(2, "B")},
			[]string{"@2 [1 2]"}},
		{"out_of_order holds W back",
			Pattern{Steps: steps("A", "B"), Within: 2 * second, OutOfOrder: 2 * second},
			[]Event{ev(0, "A"), ev(4, "X"), ev(2, "B"), ev(5, "X"), ev(2, "B")},
			[]string{"@2 [0 2]"}},
		{"Kleene middle: collecting after the deadline removes the run",
			Pattern{Steps: steps("A", "all B", "C"), Within: 5 * second, OutOfOrder: 10 * second},
			[]Event{ev(0, "A"), ev(1, "B"), ev(6, "B"), ev(2, "C")},
			nil},
	})
}

// TestNegation covers §4.5.4 and §4.5.7 for negations.
func TestNegation(t *testing.T) {
	notN := func(after int, cs ...Expr) []Negation { return []Negation{{Type: "N", Where: cs, After: after}} }
	runRules(t, []ruleCase{
		{"a negation kills runs of its own partition only; 1 and 1.0 are one key",
			Pattern{Steps: steps("A", "B"), Nots: notN(1), PartitionBy: "k"},
			[]Event{ev(1, "A", "k", 1), ev(2, "A", "k", 2), ev(3, "N", "k", 1.0), ev(4, "B", "k", 1), ev(5, "B", "k", 2)},
			[]string{"@5 [1 4]"}},
		{"a missing key field is the null key",
			Pattern{Steps: steps("A", "B"), Nots: notN(1), PartitionBy: "k"},
			[]Event{ev(1, "A"), ev(2, "A", "k", nil), ev(3, "B", "k", nil), ev(4, "N"), ev(5, "B", "k", "x")},
			[]string{"@3 [0 2]", "@3 [1 2]"}},
		{"a negation guards the run from its start wherever it is written",
			Pattern{Steps: steps("A", "B", "C"), Nots: notN(2)},
			[]Event{ev(1, "A"), ev(2, "N"), ev(3, "B"), ev(4, "C")},
			nil},
		{"an alias not yet bound is null in the negation",
			Pattern{Steps: steps("A", "B", "C"), Nots: notN(2, Cmp(Field("v"), "==", Ref("b", "v")))},
			[]Event{ev(1, "A"), ev(2, "N", "v", 1), ev(3, "B", "v", 1), ev(4, "C"), ev(5, "A"), ev(6, "B", "v", 1), ev(7, "N", "v", 1), ev(8, "C")},
			[]string{"@4 [0 2 3]"}},
		{"the negation applies before new runs start: it does not kill the run it starts",
			Pattern{Steps: steps("A"), Nots: []Negation{{Type: "A", After: 1}}, Within: 5 * second},
			[]Event{ev(0, "A"), ev(1, "A")},
			[]string{"@6 [1]"}},
		{"a negation type that is also a step type kills before binding",
			Pattern{Steps: steps("A", "B"), Nots: []Negation{{Type: "B", Where: []Expr{Cmp(Field("v"), "==", Lit(v(0)))}, After: 1}}},
			[]Event{ev(1, "A"), ev(2, "B", "v", 0), ev(3, "A"), ev(4, "B", "v", 1)},
			[]string{"@4 [2 3]"}},
		{"a negation event after the run's deadline does not kill it",
			Pattern{Steps: steps("A", "B"), Nots: notN(1), Within: 5 * second, OutOfOrder: 10 * second},
			[]Event{ev(0, "A"), ev(7, "N"), ev(4, "B"), ev(8, "A"), ev(13, "N"), ev(12, "B")},
			[]string{"@4 [0 2]"}},
		{"no retraction after completion",
			Pattern{Steps: steps("A", "B"), Nots: notN(1)},
			[]Event{ev(1, "A"), ev(2, "B"), ev(3, "N")},
			[]string{"@2 [0 1]"}},
		{"any: every copy is checked with its own bindings",
			Pattern{Steps: steps("A", "all B", "C"), Nots: notN(2, Cmp(Field("v"), "==", Ref("b", "v"))), Policy: Any},
			[]Event{ev(1, "A"), ev(2, "B", "v", 1), ev(3, "B", "v", 2), ev(4, "N", "v", 2), ev(5, "C")},
			[]string{"@5 [0 1 4]"}},
	})
}

// TestAbsence covers §4.5.5 and the order of watermark firings (§7.3).
func TestAbsence(t *testing.T) {
	notN := []Negation{{Type: "N", After: 2}}
	runRules(t, []ruleCase{
		{"completes when W exceeds the deadline, with ts = deadline",
			Pattern{Steps: steps("A", "B"), Nots: notN, Within: 5 * second},
			[]Event{ev(0, "A"), ev(1, "B"), ev(5, "X"), ev(6, "X")},
			[]string{"@5 [0 1]"}},
		{"a run not fully bound at the deadline is removed",
			Pattern{Steps: steps("A", "B"), Nots: notN, Within: 5 * second},
			[]Event{ev(0, "A"), ev(6, "B")},
			nil},
		{"a negation with ts ≤ deadline kills a waiting run, a later one does not",
			Pattern{Steps: steps("A", "B"), Nots: notN, Within: 5 * second, OutOfOrder: 10 * second},
			[]Event{ev(0, "A"), ev(1, "B"), ev(5, "N"), ev(10, "A"), ev(11, "B"), ev(16, "N")},
			[]string{"@15 [3 4]"}},
		{"a final Kleene step keeps collecting while waiting; no prefix emission",
			Pattern{Steps: steps("A", "all B"), Nots: notN, Within: 5 * second},
			[]Event{ev(0, "A"), ev(1, "B"), ev(2, "C"), ev(3, "B"), ev(7, "B")},
			[]string{"@5 [0 1 3]"}},
		{"a waiting run ignores an event with ts > deadline",
			Pattern{Steps: steps("A", "all B"), Nots: notN, Within: 5 * second, OutOfOrder: 10 * second},
			[]Event{ev(0, "A"), ev(1, "B"), ev(7, "B"), ev(2, "B")},
			[]string{"@5 [0 1 3]"}},
		{"firings by deadline, then key (null < numbers < strings), then run start; all at end of input",
			Pattern{Steps: steps("A", "B"), Nots: notN, Within: 5 * second, PartitionBy: "k"},
			[]Event{ev(1, "A", "k", "y"), ev(1, "A", "k", "x"), ev(0, "A", "k", "z"), ev(1, "A", "k", 2), ev(1, "A"),
				ev(1, "B", "k", "x"), ev(1, "B", "k", 2), ev(1, "B"), ev(1, "B", "k", "y"), ev(1, "B", "k", "z")},
			[]string{"@5 [2 9]", "@6 [4 7]", "@6 [3 6]", "@6 [1 5]", "@6 [0 8]"}},
		{"a run started late completes at the next advance",
			Pattern{Steps: steps("A"), Nots: []Negation{{Type: "N", After: 1}}, Within: 2 * second},
			[]Event{ev(10, "X"), ev(1, "A"), ev(1, "N"), ev(1, "A"), ev(11, "X")},
			[]string{"@3 [3]"}},
		{"any: every combination waits and completes",
			Pattern{Steps: steps("A", "all B"), Nots: notN, Within: 5 * second, Policy: Any},
			[]Event{ev(0, "A"), ev(1, "B"), ev(2, "B")},
			[]string{"@5 [0 1]", "@5 [0 1 2]", "@5 [0 2]"}},
		{"without .within a trailing .not only kills",
			Pattern{Steps: steps("A", "B"), Nots: notN},
			[]Event{ev(0, "A"), ev(1, "B"), ev(2, "N")},
			[]string{"@1 [0 1]"}},
	})
}

// TestPolicies covers §4.5.6.
func TestPolicies(t *testing.T) {
	runRules(t, []ruleCase{
		{"strict: events of other types do not break contiguity",
			Pattern{Steps: steps("A", "B"), Policy: Strict},
			[]Event{ev(1, "A"), ev(2, "X"), ev(3, "B")},
			[]string{"@3 [0 2]"}},
		{"strict: only the run's partition counts",
			Pattern{Steps: steps("A", "B"), Policy: Strict, PartitionBy: "k"},
			[]Event{ev(1, "A", "k", 1), ev(2, "A", "k", 2), ev(3, "B", "k", 1), ev(4, "B", "k", 2)},
			[]string{"@3 [0 2]", "@4 [1 3]"}},
		{"strict: an unmatched step-type event removes the run",
			Pattern{Steps: where(steps("A", "all B", "C"), 1, Cmp(Field("v"), ">", Lit(v(0)))), Policy: Strict},
			[]Event{ev(1, "A"), ev(2, "B", "v", 1), ev(3, "B", "v", 2), ev(4, "C"), ev(5, "A"), ev(6, "B", "v", 1), ev(7, "B", "v", 0), ev(8, "C")},
			[]string{"@4 [0 1 2 3]"}},
		{"strict: a waiting absence run is removed by a step-type event",
			Pattern{Steps: steps("A", "B"), Nots: []Negation{{Type: "N", After: 2}}, Within: 5 * second, Policy: Strict},
			[]Event{ev(0, "A"), ev(1, "B"), ev(2, "B"), ev(6, "A"), ev(7, "B"), ev(8, "C")},
			[]string{"@11 [3 4]"}},
		{"any: Kleene in the middle gives every subset",
			Pattern{Steps: steps("A", "all B", "C"), Policy: Any},
			[]Event{ev(1, "A"), ev(2, "B"), ev(3, "B"), ev(4, "C")},
			[]string{"@4 [0 1 2 3]", "@4 [0 1 3]", "@4 [0 2 3]"}},
		{"any: an event that lets the run move on may also be collected",
			Pattern{Steps: steps("A", "all B", "B"), Policy: Any},
			[]Event{ev(1, "A"), ev(2, "B"), ev(3, "B"), ev(4, "B")},
			[]string{"@3 [0 1 2]", "@4 [0 1 2 3]", "@4 [0 1 3]", "@4 [0 2 3]"}},
		{"any: Kleene last emits each new combination (2³ − 1)",
			Pattern{Steps: steps("A", "all B"), Policy: Any},
			[]Event{ev(1, "A"), ev(2, "B"), ev(3, "B"), ev(4, "B")},
			[]string{"@2 [0 1]", "@3 [0 1 2]", "@3 [0 2]", "@4 [0 1 2 3]", "@4 [0 1 3]", "@4 [0 2 3]", "@4 [0 3]"}},
	})
}

// TestLimits covers §4.7.
func TestLimits(t *testing.T) {
	runRules(t, []ruleCase{
		{"max_runs: new runs are not started",
			Pattern{Steps: steps("A", "B"), Limits: Limits{MaxRuns: 1}},
			[]Event{ev(1, "A"), ev(2, "A"), ev(3, "B"), ev(4, "A"), ev(5, "B")},
			[]string{"@3 [0 2]", "@5 [3 4]"}},
		{"max_runs counts per partition",
			Pattern{Steps: steps("A", "B"), Limits: Limits{MaxRuns: 1}, PartitionBy: "k"},
			[]Event{ev(1, "A", "k", 1), ev(2, "A", "k", 2), ev(3, "B", "k", 2), ev(4, "B", "k", 1)},
			[]string{"@3 [1 2]", "@4 [0 3]"}},
		{"max_kleene: further events are not collected",
			Pattern{Steps: steps("A", "all B", "C"), Limits: Limits{MaxKleene: 2}},
			[]Event{ev(1, "A"), ev(2, "B"), ev(3, "B"), ev(4, "B"), ev(5, "C")},
			[]string{"@5 [0 1 2 4]"}},
		{"max_kleene under any",
			Pattern{Steps: steps("A", "all B"), Limits: Limits{MaxKleene: 1}, Policy: Any},
			[]Event{ev(1, "A"), ev(2, "B"), ev(3, "B")},
			[]string{"@2 [0 1]", "@3 [0 2]"}},
		{"max_matches: per input event, the first in output order",
			Pattern{Steps: steps("A", "B"), Limits: Limits{MaxMatches: 1}, Policy: Any},
			[]Event{ev(1, "A"), ev(2, "A"), ev(3, "B"), ev(4, "B")},
			[]string{"@3 [0 2]", "@4 [0 3]"}},
	})
}

// TestMatchRecord covers §4.5.8 and §7.1–§7.2: bare names and .emit()
// read the last bound event, alias aggregates, event_time.
func TestMatchRecord(t *testing.T) {
	p := Pattern{Steps: steps("A", "all B", "C"), Emit: []Out{
		{Value: Field("v")},
		out("av", Ref("a", "v")),
		out("bv", Ref("b", "v")),
		out("n", Agg("count", "b", "")),
		out("nv", Agg("count", "b", "v")),
		out("s", Agg("sum", "b", "v")),
		out("avg", Agg("avg", "b", "v")),
		out("lo", Agg("min", "b", "v")),
		out("hi", Agg("max", "b", "v")),
		out("f", Agg("first", "b", "v")),
		out("l", Agg("last", "b", "v")),
		out("sa", Agg("sum", "a", "v")),
		out("t", EventTime("b")),
		out("d", Arith(EventTime("c"), "-", EventTime("a"))),
		out("cb", Cmp(Ref("c", "v"), ">", Ref("b", "v"))),
	}}
	in := []Event{ev(1, "A", "v", 5), ev(2, "B"), ev(2.5, "B", "v", 2), ev(3, "B", "v", 2.0), ev(4, "B", "v", 1), ev(6, "C", "v", 3)}
	want := []string{`{"stream":"S","ts":"1970-01-01T00:00:06Z","fields":{"v":3,"av":5,"bv":1,"n":4,"nv":3,"s":5.0,"avg":1.6666666666666667,"lo":1,"hi":2,"f":null,"l":1,"sa":5,"t":"1970-01-01T00:00:04Z","d":"5s","cb":true}}`}
	if got := Matches(p, in); !slices.Equal(got, want) {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	checkVPL(t, p.VPL())

	p = Pattern{Steps: steps("A", "B")}
	in = []Event{ev(1, "A", "v", 5), ev(2.25, "B", "x", "s", "y", nil)}
	want = []string{`{"stream":"S","ts":"1970-01-01T00:00:02.25Z","fields":{"x":"s","y":null}}`}
	if got := Matches(p, in); !slices.Equal(got, want) {
		t.Errorf(".emit(): got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if r := p.VPL(); r != "stream S = A as a -> B as b .emit()" {
		t.Errorf("VPL %s", r)
	}

	// Unaliased steps; event_type() reads the last bound event.
	p = Pattern{Name: "T", Steps: []Step{{Type: "A", Where: []Expr{Cmp(Field("v"), ">", Lit(v(1)))}}, {Type: "B", Alias: "b"}, {Type: "C"}},
		Emit: []Out{out("t", EventType()), out("bv", Ref("b", "v"))}}
	in = []Event{ev(1, "A", "v", 1), ev(2, "A", "v", 2), ev(3, "B", "v", 7), ev(4, "C")}
	want = []string{`{"stream":"T","ts":"1970-01-01T00:00:04Z","fields":{"t":"C","bv":7}}`}
	if got := Matches(p, in); !slices.Equal(got, want) {
		t.Errorf("unaliased: got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if r := p.VPL(); r != "stream T = A .where(v > 1) -> B as b -> C .emit(t: event_type(), bv: b.v)" {
		t.Errorf("VPL %s", r)
	}
	checkVPL(t, p.VPL())
	if got := Positions(p, in); !slices.EqualFunc(got, [][]int{{1, 2, 3}}, slices.Equal) {
		t.Errorf("Positions %v", got)
	}
}

// TestFunc covers expressions given as Go functions.
func TestFunc(t *testing.T) {
	// v is at least 2 above the previous element's.
	rising := Func("v >= b.v + 2", []string{"b"}, func(s Scope) event.Value {
		x, _ := s.Current().Get("v")
		prev, ok := s.Alias("b")
		if !ok {
			return event.Null
		}
		y, _ := prev.Get("v")
		return event.Bool(x.AsInt() >= y.AsInt()+2)
	})
	p := Pattern{Steps: where(steps("A", "all B", "C"), 1, rising),
		Emit: []Out{out("n", Func("count(b)", []string{"b"}, func(s Scope) event.Value { return v(len(s.Bound("b"))) }))}}
	in := []Event{ev(1, "A"), ev(2, "B", "v", 3), ev(3, "B", "v", 2), ev(4, "B", "v", 4), ev(5, "B", "v", 6), ev(6, "C")}
	want := []string{`{"stream":"S","ts":"1970-01-01T00:00:06Z","fields":{"n":2}}`}
	if got := Matches(p, in); !slices.Equal(got, want) {
		t.Errorf("got %q", got)
	}
	checkVPL(t, p.VPL())
}

// TestExprs covers the §5 comparison and arithmetic the predicates use.
func TestExprs(t *testing.T) {
	e := &env{}
	cases := []struct {
		x    Expr
		text string
		want event.Value
	}{
		{Cmp(Lit(v(1)), "==", Lit(event.Float(1))), "1 == 1.0", event.Bool(true)},
		{Cmp(Lit(v(1)), "!=", Lit(event.String("1"))), `1 != "1"`, event.Bool(true)},
		{Cmp(Lit(v(1)), "<", Lit(event.String("1"))), `1 < "1"`, event.Null},
		{Cmp(Lit(event.Null), "==", Lit(event.Null)), "null == null", event.Null},
		{Cmp(Lit(event.String("a")), "<", Lit(event.String("b"))), `"a" < "b"`, event.Bool(true)},
		{Cmp(Lit(event.Bool(false)), "<", Lit(event.Bool(true))), "false < true", event.Bool(true)},
		{Cmp(Lit(v(1)), "<=", Lit(event.Float(1.5))), "1 <= 1.5", event.Bool(true)},
		{Arith(Lit(v(1)), "+", Lit(v(2))), "1 + 2", v(3)},
		{Arith(Lit(v(1)), "-", Arith(Lit(v(2)), "-", Lit(v(3)))), "1 - (2 - 3)", v(2)},
		{Arith(Lit(v(1)), "-", Lit(v(-3))), "1 - -3", v(4)},
		{Arith(Lit(v(1)), "+", Lit(event.Float(0.5))), "1 + 0.5", event.Float(1.5)},
		{Arith(Lit(event.Int(1<<62)), "+", Lit(event.Int(1<<62))), "4611686018427387904 + 4611686018427387904", event.Null},
		{Cmp(Arith(Lit(v(1)), "+", Lit(v(1))), ">", Lit(v(1))), "1 + 1 > 1", event.Bool(true)},
		{Cmp(Cmp(Lit(v(1)), "<", Lit(v(2))), "==", Lit(event.Bool(true))), "(1 < 2) == true", event.Bool(true)},
	}
	for _, c := range cases {
		if c.x.String() != c.text {
			t.Errorf("text %q, want %q", c.x.String(), c.text)
		}
		if got := c.x.eval(e); got.Kind() != c.want.Kind() || !event.Equal(got, c.want) {
			t.Errorf("%s = %s, want %s", c.text, got.TextString(), c.want.TextString())
		}
	}
}
