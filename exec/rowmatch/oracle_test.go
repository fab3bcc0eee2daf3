package rowmatch

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/varpulis/varpulis-go/event"
	"github.com/varpulis/varpulis-go/internal/patternoracle"
	"github.com/varpulis/varpulis-go/planner/rowpattern"
)

const second = int64(1e9)

var testVars = []string{"a", "b", "c", "d"}

// randPattern draws a small row pattern over nv variables: concatenation,
// alternation, PERMUTE and every quantifier form, greedy and reluctant,
// over sub-patterns that may themselves match zero rows.
func randPattern(r *rand.Rand, depth, nv int) *rowpattern.Node {
	var n *rowpattern.Node
	switch k := r.IntN(10); {
	case depth == 0 || k < 4:
		n = rowpattern.Var(testVars[r.IntN(nv)])
	case k < 6:
		subs := make([]*rowpattern.Node, 2+r.IntN(2))
		for i := range subs {
			subs[i] = randPattern(r, depth-1, nv)
		}
		n = rowpattern.Concat(subs...)
	case k < 8:
		subs := make([]*rowpattern.Node, 2+r.IntN(2))
		for i := range subs {
			subs[i] = randPattern(r, depth-1, nv)
		}
		n = rowpattern.Alt(subs...)
	default:
		subs := make([]*rowpattern.Node, 1+r.IntN(3))
		for i := range subs {
			subs[i] = randPattern(r, max(depth-2, 0), nv)
		}
		n = rowpattern.Permute(subs...)
	}
	for w := 0; w < 2 && r.IntN(5) < 2-w; w++ {
		min, max := 0, rowpattern.Unbounded
		switch r.IntN(7) {
		case 0: // *
		case 1:
			min = 1
		case 2:
			max = 1
		case 3:
			min = r.IntN(3)
			max = min
		case 4:
			min = r.IntN(3)
		case 5:
			max = 1 + r.IntN(3)
		default:
			min = r.IntN(3)
			max = min + 1 + r.IntN(2)
		}
		n = rowpattern.Quant(n, min, max, r.IntN(2) == 0)
	}
	return n
}

// oracleText writes n for patternoracle.ParseRowPattern, which has no
// PERMUTE: SQL:2016 defines it as the alternation of its permutations in
// lexicographic order.
func oracleText(n *rowpattern.Node) string {
	paren := func(s *rowpattern.Node) string { return "(" + oracleText(s) + ")" }
	switch n.Kind {
	case rowpattern.KindVar:
		return n.Name
	case rowpattern.KindConcat, rowpattern.KindAlt:
		parts := make([]string, len(n.Subs))
		for i, s := range n.Subs {
			parts[i] = paren(s)
		}
		if n.Kind == rowpattern.KindAlt {
			return strings.Join(parts, " | ")
		}
		return strings.Join(parts, " ")
	case rowpattern.KindQuant:
		return paren(n.Subs[0]) + rowpattern.QuantString(n.Min, n.Max, n.Reluctant)
	}
	var alts []string
	var perm func(used []int)
	perm = func(used []int) {
		if len(used) == len(n.Subs) {
			parts := make([]string, len(used))
			for i, k := range used {
				parts[i] = paren(n.Subs[k])
			}
			alts = append(alts, "("+strings.Join(parts, " ")+")")
			return
		}
		for k := range n.Subs {
			if !slices.Contains(used, k) {
				perm(append(slices.Clone(used), k))
			}
		}
	}
	perm(nil)
	return strings.Join(alts, " | ")
}

// A testCase is a random pattern, rows and DEFINE conditions.
type testCase struct {
	pattern *rowpattern.Node
	masks   []int   // per row: bit i set means "a"+i's bit holds
	ts      []int64 // per row
	define  []pred  // per variable of the automaton
	rowOnly bool    // every pred reads the row only
	skip    rowpattern.Skip
	within  int64
}

// pred is one DEFINE condition in two forms: for the matcher (the row
// being tried is not in p) and for the oracle (it is in c.Labels).
type pred struct {
	text string
	mine func(tc *testCase, v int, row int64, p *Partial) bool
	orcl func(tc *testCase, c patternoracle.RowCtx) bool
}

func maskOf(c patternoracle.RowCtx) int {
	m, _ := c.Row().Get("m")
	return int(m.AsInt())
}

func randPred(r *rand.Rand, v int, historyOK bool) pred {
	bit := v
	if r.IntN(3) == 0 {
		bit = r.IntN(len(testVars))
	}
	k := r.IntN(4)
	if historyOK {
		k = r.IntN(8)
	}
	switch k {
	case 0:
		return pred{text: "true"}
	case 4: // at most c earlier rows bound to v
		c := 1 + r.IntN(2)
		return pred{
			text: fmt.Sprintf("bit%d and count(v)<%d", bit, c),
			mine: func(tc *testCase, v int, row int64, p *Partial) bool {
				return tc.masks[row]&(1<<bit) != 0 && p.Count(v) < c
			},
			orcl: func(tc *testCase, c0 patternoracle.RowCtx) bool {
				return maskOf(c0)&(1<<bit) != 0 && len(c0.Bound(tc.pattern.Vars()[v]))-1 < c
			},
		}
	case 5: // the previous row of the match is not bound to w, or the bit holds
		w := r.IntN(len(testVars))
		return pred{
			text: fmt.Sprintf("bit%d or prev label != %s", bit, testVars[w]),
			mine: func(tc *testCase, v int, row int64, p *Partial) bool {
				return tc.masks[row]&(1<<bit) != 0 || p.Len() > 0 && p.Label(p.Len()-1) != tc.varIndex(w)
			},
			orcl: func(tc *testCase, c patternoracle.RowCtx) bool {
				n := len(c.Labels)
				return maskOf(c)&(1<<bit) != 0 || n >= 2 && c.Labels[n-2] != testVars[w]
			},
		}
	case 6: // the bit, on rows at even distance from the match's start
		return pred{
			text: fmt.Sprintf("bit%d and even offset", bit),
			mine: func(tc *testCase, v int, row int64, p *Partial) bool {
				return tc.masks[row]&(1<<bit) != 0 && (row-p.Start())%2 == 0
			},
			orcl: func(tc *testCase, c patternoracle.RowCtx) bool {
				return maskOf(c)&(1<<bit) != 0 && (c.Cur-c.Start)%2 == 0
			},
		}
	case 7: // the first row bound to any variable has the bit
		return pred{
			text: fmt.Sprintf("bit%d of first row", bit),
			mine: func(tc *testCase, v int, row int64, p *Partial) bool {
				f, ok := p.First(-1, 0)
				if !ok {
					f = row
				}
				return tc.masks[f]&(1<<bit) != 0
			},
			orcl: func(tc *testCase, c patternoracle.RowCtx) bool {
				m, _ := c.Rows[c.Start].Get("m")
				return m.AsInt()&(1<<bit) != 0
			},
		}
	}
	return pred{
		text: fmt.Sprintf("bit%d", bit),
		mine: func(tc *testCase, v int, row int64, p *Partial) bool { return tc.masks[row]&(1<<bit) != 0 },
		orcl: func(tc *testCase, c patternoracle.RowCtx) bool { return maskOf(c)&(1<<bit) != 0 },
	}
}

// varIndex maps test variable w to the automaton's index (-1: absent).
func (tc *testCase) varIndex(w int) int {
	return slices.Index(tc.pattern.Vars(), testVars[w])
}

func randCase(r *rand.Rand) *testCase { return randCaseN(r, 14, 3) }

// randCaseN draws a case of fewer than maxRows rows and a pattern of
// depth at most depth.
func randCaseN(r *rand.Rand, maxRows, depth int) *testCase {
	nv := 1 + r.IntN(len(testVars))
	var p *rowpattern.Node
	for range 10 {
		p = randPattern(r, 1+r.IntN(depth), nv)
		if !p.Nullable() {
			break
		}
	}
	if p.Nullable() {
		p = rowpattern.Concat(p, rowpattern.Var(testVars[r.IntN(nv)]))
	}
	tc := &testCase{pattern: p, rowOnly: r.IntN(2) == 0}
	for i := range p.Vars() {
		tc.define = append(tc.define, randPred(r, i, !tc.rowOnly))
	}
	t := int64(0)
	for range r.IntN(maxRows) {
		tc.masks = append(tc.masks, r.IntN(16))
		tc.ts = append(tc.ts, t)
		t += r.Int64N(3) * second
	}
	tc.skip.Mode = rowpattern.SkipMode(r.IntN(4))
	if tc.skip.Mode >= rowpattern.SkipToFirst {
		tc.skip.Var = testVars[r.IntN(nv)]
	}
	if r.IntN(2) == 0 {
		tc.within = (1 + r.Int64N(4)) * second
	}
	return tc
}

func (tc *testCase) String() string {
	var d []string
	for i, v := range tc.pattern.Vars() {
		d = append(d, v+": "+tc.define[i].text)
	}
	return fmt.Sprintf("PATTERN (%s) [oracle: %s] DEFINE %s; %s; within %ds; rowOnly %v; masks %v; ts %v",
		tc.pattern, oracleText(tc.pattern), strings.Join(d, ", "), tc.skip, tc.within/second, tc.rowOnly, tc.masks, tc.ts)
}

const oracleBudget = 300_000

var errOverBudget = errors.New("oracle over budget")

// oracle runs patternoracle.MatchRecognize on the case; over its budget it
// returns errOverBudget.
func (tc *testCase) oracle() (ms []patternoracle.RowMatch, err error) {
	defer func() {
		if r := recover(); r != nil {
			if r != errOverBudget {
				panic(r)
			}
			ms, err = nil, errOverBudget
		}
	}()
	op, err := patternoracle.ParseRowPattern(oracleText(tc.pattern))
	if err != nil {
		return nil, err
	}
	var rows []patternoracle.Event
	for i, m := range tc.masks {
		rows = append(rows, patternoracle.Event{Type: "R", TS: tc.ts[i], Fields: []event.Field{{Name: "m", Value: event.Int(int64(m))}}})
	}
	// Every variable gets a condition, so that each step of the oracle's
	// enumeration counts against its budget: nested quantifiers over
	// sub-patterns that can be empty make it exponential.
	calls := 0
	def := patternoracle.Define{}
	for i, v := range tc.pattern.Vars() {
		f := tc.define[i].orcl
		def[v] = func(c patternoracle.RowCtx) bool {
			if calls++; calls > oracleBudget {
				panic(errOverBudget)
			}
			return f == nil || f(tc, c)
		}
	}
	skip := patternoracle.SkipOf(tc.skip)
	return patternoracle.MatchRecognize(op, rows, def, skip, tc.within)
}

// program compiles the case for the matcher.
func (tc *testCase) program(rowOnly, timeouts bool) (*Program, error) {
	a, err := rowpattern.Compile(tc.pattern)
	if err != nil {
		return nil, err
	}
	return New(Config{
		Automaton: a, RowOnly: rowOnly, Skip: tc.skip, Within: tc.within, TimeoutRows: timeouts,
		Define: func(v int, row int64, p *Partial) bool {
			if f := tc.define[v].mine; f != nil {
				return f(tc, v, row, p)
			}
			return true
		},
	})
}

// run streams the rows through a matcher of prog, with random watermark
// advances and snapshot/restore round trips, and returns the outcomes
// rendered as "start:labels".
func (tc *testCase) run(t *testing.T, r *rand.Rand, prog *Program) []string {
	vars := tc.pattern.Vars()
	m := prog.NewMatcher()
	var got []string
	collect := func(out []Match) {
		for _, o := range out {
			got = append(got, showMatch(o.Start, o.End, o.TimedOut, o.Labels, vars))
		}
	}
	var out []Match
	for i := range tc.masks {
		if r.IntN(4) == 0 {
			// Any watermark up to the next row's ts.
			lo := tc.ts[i]
			if i > 0 {
				lo = tc.ts[i-1]
			}
			out = m.Advance(lo+r.Int64N(tc.ts[i]-lo+1), out[:0])
			collect(out)
		}
		if r.IntN(5) == 0 {
			snap := m.AppendState(nil)
			m2 := prog.NewMatcher()
			rest, err := m2.LoadState(snap)
			if err != nil || len(rest) != 0 {
				t.Fatalf("LoadState: %v (%d bytes left)\n%s", err, len(rest), tc)
			}
			if again := m2.AppendState(nil); string(again) != string(snap) {
				t.Fatalf("state does not round-trip\n%s", tc)
			}
			m = m2
		}
		var err error
		out, err = m.Push(tc.ts[i], out[:0])
		if err != nil {
			t.Fatalf("Push: %v\n%s", err, tc)
		}
		collect(out)
	}
	collect(m.Flush(out[:0]))
	if m.Threads() != 0 || len(m.sets) != 0 {
		t.Fatalf("state left after Flush\n%s", tc)
	}
	return got
}

func showMatch(start, end int64, timedOut bool, labels []int32, vars []string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d:", start)
	if timedOut {
		b.WriteString("timeout:")
	}
	for i, l := range labels {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(vars[l])
	}
	if int64(len(labels)) != end-start+1 {
		fmt.Fprintf(&b, "(end %d)", end)
	}
	return b.String()
}

// TestAgainstOracle compares the streaming matcher with the brute-force
// enumeration of patternoracle.MatchRecognize on random patterns, rows,
// DEFINE conditions (reading the row only, or also the partial match),
// SKIP modes and WITHIN: the same matches, rows and variables, in the
// same order, in both the RowOnly and the general mode when they apply.
func TestAgainstOracle(t *testing.T) {
	n := 10000
	if testing.Short() {
		n = 2000
	}
	testAgainstOracle(t, n, 14, 3)
}

// TestAgainstOracleLong does the same on longer inputs and smaller
// patterns, with history compaction after every row.
func TestAgainstOracleLong(t *testing.T) {
	n := 1000
	if testing.Short() {
		n = 200
	}
	defer func(s int) { compactSlack = s }(compactSlack)
	compactSlack = 0
	testAgainstOracle(t, n, 60, 2)
}

func testAgainstOracle(t *testing.T, n, maxRows, depth int) {
	skipped, matches := 0, 0
	defer func() { t.Logf("%d cases, %d skipped (oracle over budget), %d matches", n, skipped, matches) }()
	for seed := range uint64(n) {
		r := rand.New(rand.NewPCG(seed, uint64(11+maxRows)))
		tc := randCaseN(r, maxRows, depth)
		want, oerr := tc.oracle()
		if oerr == errOverBudget {
			skipped++
			continue
		}
		modes := []bool{false}
		if tc.rowOnly {
			modes = append(modes, true)
		}
		for _, rowOnly := range modes {
			prog, err := tc.program(rowOnly, false)
			if (err != nil) != (oerr != nil) {
				t.Fatalf("seed %d: matcher error %v, oracle error %v\n%s", seed, err, oerr, tc)
			}
			if err != nil {
				continue
			}
			got := tc.run(t, r, prog)
			var exp []string
			for _, w := range want {
				var b strings.Builder
				fmt.Fprintf(&b, "%d:%s", w.Start, strings.Join(w.Labels, ","))
				exp = append(exp, b.String())
			}
			matches += len(got)
			if !slices.Equal(got, exp) {
				a, _ := rowpattern.Compile(tc.pattern)
				t.Fatalf("seed %d (rowOnly %v):\n%s\n%s\ngot  %q\nwant %q", seed, rowOnly, tc, a, got, exp)
			}
		}
	}
}
