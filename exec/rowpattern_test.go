package exec

import (
	"cmp"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/varpulis/varpulis-go/event"
	"github.com/varpulis/varpulis-go/event/scalar"
	"github.com/varpulis/varpulis-go/internal/patternoracle"
	"github.com/varpulis/varpulis-go/planner"
	"github.com/varpulis/varpulis-go/planner/rowpattern"
)

// rowVars are the variables of the random row patterns.
var rowVars = []string{"a", "b", "c"}

// randomRowNode draws a row pattern over rowVars.
func randomRowNode(r *rand.Rand, depth int) *rowpattern.Node {
	if depth <= 0 || r.IntN(3) == 0 {
		return rowpattern.Var(rowVars[r.IntN(len(rowVars))])
	}
	switch r.IntN(5) {
	case 0, 1:
		return rowpattern.Concat(randomRowNode(r, depth-1), randomRowNode(r, depth-1))
	case 2:
		return rowpattern.Alt(randomRowNode(r, depth-1), randomRowNode(r, depth-1))
	case 3:
		return rowpattern.Permute(randomRowNode(r, depth-1), randomRowNode(r, depth-1))
	}
	sub := randomRowNode(r, depth-1)
	reluctant := r.IntN(2) == 0
	switch r.IntN(5) {
	case 0:
		return rowpattern.Quant(sub, 0, rowpattern.Unbounded, reluctant)
	case 1:
		return rowpattern.Quant(sub, 1, rowpattern.Unbounded, reluctant)
	case 2:
		return rowpattern.Quant(sub, 0, 1, reluctant)
	case 3:
		lo := r.IntN(3)
		return rowpattern.Quant(sub, lo, lo+r.IntN(3), reluctant)
	}
	return rowpattern.Quant(sub, 1+r.IntN(2), rowpattern.Unbounded, reluctant)
}

// rowCond is a random DEFINE condition: the row's v compared with a
// constant, or with v of the last row bound to a variable (running
// semantics, the row itself when it is tried as that variable).
type rowCond struct {
	op    scalar.Op
	ref   string // "": the constant
	count bool   // count(ref) rather than ref.v
	konst int64
	// after >= 0: the condition also requires the row's i to exceed
	// after, a conjunct on the row alone (first or last as first says)
	after int64
	first bool
}

var rowCondOps = []scalar.Op{scalar.OpLt, scalar.OpLe, scalar.OpEq, scalar.OpGe, scalar.OpGt, scalar.OpNe}

func (c rowCond) expr() planner.Expr {
	var y planner.Expr = &planner.Const{Val: event.Int(c.konst)}
	if c.ref != "" {
		y = &planner.AliasField{Alias: c.ref, Field: "v", K: planner.KindAny}
		if c.count {
			y = &planner.AliasAgg{Fn: "count", Alias: c.ref}
		}
	}
	e := planner.Expr(&planner.Binary{Op: c.op, X: &planner.FieldRef{Name: "v", K: planner.KindAny}, Y: y, K: event.KindBool})
	if c.after >= 0 {
		i := &planner.Binary{Op: scalar.OpGt, X: &planner.FieldRef{Name: "i", K: planner.KindAny}, Y: &planner.Const{Val: event.Int(c.after)}, K: event.KindBool}
		if c.first {
			return planner.Conjoin(i, e)
		}
		return planner.Conjoin(e, i)
	}
	return e
}

func (c rowCond) holds(ctx patternoracle.RowCtx) bool {
	if i, _ := ctx.Row().Get("i"); c.after >= 0 && i.AsInt() <= c.after {
		return false
	}
	x, _ := ctx.Row().Get("v")
	y := event.Int(c.konst)
	if c.ref != "" {
		bound := ctx.Bound(c.ref)
		if c.count {
			return scalar.Holds(c.op, x, event.Int(int64(len(bound))))
		}
		if len(bound) == 0 {
			return false // null: not true
		}
		y, _ = ctx.Rows[bound[len(bound)-1]].Get("v")
	}
	return scalar.Holds(c.op, x, y)
}

// rowCase is a random MATCH_RECOGNIZE case.
type rowCase struct {
	node   *rowpattern.Node
	conds  map[string]rowCond
	skip   rowpattern.Skip
	within int64
	late   int64 // out-of-order allowance (s); events arrive up to this late
	evs    []event.Event
}

func randomRowCase(r *rand.Rand) rowCase {
	var c rowCase
	for {
		c.node = randomRowNode(r, 3)
		if _, err := rowpattern.Compile(c.node); err == nil {
			break
		}
	}
	c.conds = map[string]rowCond{}
	for _, v := range c.node.Vars() {
		if r.IntN(5) == 0 {
			continue // no DEFINE: every row
		}
		cond := rowCond{op: rowCondOps[r.IntN(len(rowCondOps))], konst: int64(r.IntN(4)), after: -1}
		if r.IntN(4) == 0 {
			cond.after, cond.first = int64(r.IntN(8)), r.IntN(2) == 0
		}
		if r.IntN(3) == 0 {
			vars := c.node.Vars()
			cond.ref = vars[r.IntN(len(vars))]
			cond.count = r.IntN(3) == 0
		}
		c.conds[v] = cond
	}
	switch r.IntN(4) {
	case 1:
		c.skip = rowpattern.Skip{Mode: rowpattern.SkipToNextRow}
	case 2, 3:
		mode := rowpattern.SkipToFirst
		if r.IntN(2) == 0 {
			mode = rowpattern.SkipToLast
		}
		vars := c.node.Vars()
		s := rowpattern.Skip{Mode: mode, Var: vars[r.IntN(len(vars))]}
		if rowpattern.CheckSkip(c.node, s) == nil {
			c.skip = s
		}
	}
	if r.IntN(2) == 0 {
		c.within = int64(1+r.IntN(6)) * 1e9
	}
	if r.IntN(3) == 0 {
		c.late = int64(1 + r.IntN(3))
	}
	n := 5 + r.IntN(14)
	ts := int64(0)
	for i := range n {
		ts += int64(r.IntN(2))
		c.evs = append(c.evs, ev("E", ts, "k", r.IntN(2), "v", r.IntN(4), "i", i))
	}
	if c.late > 0 {
		// Each event arrives at its ts plus up to late seconds: never
		// behind the greatest ts seen by more than late, so never late.
		arrive := make([]int64, len(c.evs))
		for i, e := range c.evs {
			arrive[i] = e.TS + r.Int64N(c.late*1e9+1)
		}
		idx := make([]int, len(c.evs))
		for i := range idx {
			idx[i] = i
		}
		slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(arrive[a], arrive[b]) })
		evs := make([]event.Event, len(c.evs))
		for i, j := range idx {
			evs[i] = c.evs[j]
		}
		c.evs = evs
	}
	return c
}

// shell is the program whose matcher a test replaces: it emits, per
// match, the partition and each variable's count, first and last i.
const rowShell = `stream S = E as a -> E as b -> E as c
    .emit(k: k, an: count(a), af: first(a.i), al: last(a.i), bn: count(b), bf: first(b.i), bl: last(b.i),
          cn: count(c), cf: first(c.i), cl: last(c.i))
`

// rowPlan plans c: the shell with its matcher replaced by c's pattern.
func rowPlan(t *testing.T, c rowCase) *planner.Plan {
	t.Helper()
	src := rowShell
	if c.late > 0 {
		src = strings.Replace(src, "-> E as c", fmt.Sprintf("-> E as c .watermark(out_of_order: %ds)", c.late), 1)
	}
	plan := planOf(t, src)
	define := map[string]planner.Expr{}
	for v, cond := range c.conds {
		define[v] = cond.expr()
	}
	p, err := planner.CompileRowPattern(planner.RowPatternSpec{Pattern: c.node, Define: define, Skip: c.skip, Within: c.within, Input: "E", PartitionBy: []string{"k"}})
	if err != nil {
		t.Fatalf("%s: %v", c.node, err)
	}
	if p.Rows == nil {
		return nil // a chain: the VPL matcher runs it, and its tests cover it
	}
	st := plan.Streams[0]
	st.Ops[0] = p
	st.PartitionBy = []string{"k"}
	return plan
}

// rowOracle lists c's matches by definition, per partition in start-row
// order, as the shell emits them.
func rowOracle(t *testing.T, c rowCase) map[int64][]string {
	t.Helper()
	rp, err := patternoracle.ParseRowPattern(expandPermute(c.node).String())
	if err != nil {
		t.Fatalf("oracle: %s: %v", c.node, err)
	}
	def := patternoracle.Define{}
	for v, cond := range c.conds {
		def[v] = cond.holds
	}
	skip := patternoracle.SkipOf(c.skip)
	sorted := slices.Clone(c.evs)
	slices.SortStableFunc(sorted, func(a, b event.Event) int { return int(a.TS - b.TS) })
	out := map[int64][]string{}
	for k := range int64(2) {
		var rows []event.Event
		for _, e := range sorted {
			if kv, _ := e.Get("k"); kv.AsInt() == k {
				rows = append(rows, e)
			}
		}
		ms, err := patternoracle.MatchRecognize(rp, rows, def, skip, c.within)
		if err != nil {
			t.Fatalf("oracle: %s: %v", c.node, err)
		}
		for _, m := range ms {
			line := fmt.Sprintf("ts=%d", rows[m.End].TS)
			for _, v := range rowVars {
				n, first, last := 0, int64(-1), int64(-1)
				for j, l := range m.Labels {
					if l != v {
						continue
					}
					i, _ := rows[m.Start+j].Get("i")
					if n == 0 {
						first = i.AsInt()
					}
					last, n = i.AsInt(), n+1
				}
				line += fmt.Sprintf(" %s=%d/%d/%d", v, n, first, last)
			}
			out[k] = append(out[k], line)
		}
	}
	return out
}

// expandPermute writes PERMUTE as SQL:2016 defines it, the alternation
// of its arguments' permutations in lexicographic order of positions (the
// oracle has no PERMUTE).
func expandPermute(n *rowpattern.Node) *rowpattern.Node {
	if n.Kind == rowpattern.KindVar {
		return n
	}
	subs := make([]*rowpattern.Node, len(n.Subs))
	for i, s := range n.Subs {
		subs[i] = expandPermute(s)
	}
	switch n.Kind {
	case rowpattern.KindConcat:
		return rowpattern.Concat(subs...)
	case rowpattern.KindAlt:
		return rowpattern.Alt(subs...)
	case rowpattern.KindQuant:
		return rowpattern.Quant(subs[0], n.Min, n.Max, n.Reluctant)
	}
	var alts []*rowpattern.Node
	var perm func(rest []int, chosen []*rowpattern.Node)
	perm = func(rest []int, chosen []*rowpattern.Node) {
		if len(rest) == 0 {
			alts = append(alts, rowpattern.Concat(slices.Clone(chosen)...))
			return
		}
		for i, j := range rest {
			perm(slices.Concat(rest[:i:i], rest[i+1:]), append(chosen, subs[j]))
		}
	}
	idx := make([]int, len(subs))
	for i := range idx {
		idx[i] = i
	}
	perm(idx, nil)
	return rowpattern.Alt(alts...)
}

// byPartition reads the shell's output lines per partition.
func byPartition(t *testing.T, lines []string) map[int64][]string {
	t.Helper()
	out := map[int64][]string{}
	for _, l := range lines {
		var o struct {
			TS     string
			Fields map[string]*int64
		}
		if err := json.Unmarshal([]byte(l), &o); err != nil {
			t.Fatalf("%s: %v", l, err)
		}
		get := func(name string) int64 {
			if p := o.Fields[name]; p != nil {
				return *p
			}
			return -1
		}
		ts, err := time.Parse(time.RFC3339Nano, o.TS)
		if err != nil {
			t.Fatal(err)
		}
		line := fmt.Sprintf("ts=%d", ts.UnixNano())
		for _, v := range rowVars {
			line += fmt.Sprintf(" %s=%d/%d/%d", v, max(get(v+"n"), 0), get(v+"f"), get(v+"l"))
		}
		out[get("k")] = append(out[get("k")], line)
	}
	return out
}

// TestRowPatternsAgainstOracle runs random MATCH_RECOGNIZE patterns
// without a VPL reading through the runtime, in random batches, with a
// snapshot and restore at a random place, and compares each partition's
// matches with the definition (patternoracle.MatchRecognize).
func TestRowPatternsAgainstOracle(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 11))
	n := 2000
	if testing.Short() {
		n = 300
	}
	ran, matches := 0, 0
	for i := 0; ran < n; i++ {
		c := randomRowCase(r)
		plan := rowPlan(t, c)
		if plan == nil {
			continue
		}
		ran++
		lines := runRowCase(t, plan, c.evs, r)
		got := byPartition(t, lines)
		want := rowOracle(t, c)
		for k := range int64(2) {
			matches += len(want[k])
			if !slices.Equal(got[k], want[k]) {
				t.Fatalf("case %d: PATTERN (%s) DEFINE %v %s WITHIN %d out_of_order %ds, partition %d\ninput:\n%s\n got:\n%s\nwant:\n%s",
					i, c.node, c.conds, c.skip, c.within, c.late, k, patternoracle.Evt(c.evs),
					strings.Join(got[k], "\n"), strings.Join(want[k], "\n"))
			}
		}
		// Batching and a restore change nothing, the order across
		// partitions included.
		sink := &jsonSink{}
		rt, err := New(plan, Options{Sink: sink})
		if err != nil {
			t.Fatal(err)
		}
		feed(t, rt, c.evs, func() int { return 1 }, false)
		if !slices.Equal(sink.lines, lines) {
			t.Fatalf("case %d: PATTERN (%s): one event per batch gives\n%s\nrandom batches\n%s", i, c.node,
				strings.Join(sink.lines, "\n"), strings.Join(lines, "\n"))
		}
	}
	t.Logf("%d cases, %d matches", ran, matches)
}

// runRowCase runs evs through a runtime of plan in random batches,
// snapshotting and restoring into a fresh runtime at a random batch.
func runRowCase(t *testing.T, plan *planner.Plan, evs []event.Event, r *rand.Rand) []string {
	t.Helper()
	sink := &jsonSink{}
	rt, err := New(plan, Options{Sink: sink})
	if err != nil {
		t.Fatal(err)
	}
	cut := r.IntN(len(evs))
	var base int64
	for start := 0; start < len(evs); {
		end := min(len(evs), start+1+r.IntN(5))
		base = process(t, rt, evs[start:end], base, r.IntN(2) == 0)
		if cut >= start && cut < end {
			snap := rt.Snapshot()
			fresh, err := New(plan, Options{Sink: sink})
			if err != nil {
				t.Fatal(err)
			}
			if err := fresh.Restore(snap); err != nil {
				t.Fatalf("restore: %v", err)
			}
			if again := fresh.Snapshot(); string(again) != string(snap) {
				t.Fatal("the snapshot of the restored runtime differs")
			}
			rt = fresh
		}
		start = end
	}
	if err := rt.Finish(); err != nil {
		t.Fatal(err)
	}
	if rt.Late() != 0 {
		t.Fatalf("%d late events", rt.Late())
	}
	return sink.lines
}

// rowRuntime runs a row pattern in the shell next to a stream T that
// emits every event's i, and returns both streams' lines in output order
// and the late count.
func rowRuntime(t *testing.T, pattern string, define map[string]planner.Expr, within int64, timeoutRows bool, evs []event.Event) ([]string, int64) {
	t.Helper()
	plan := planOf(t, rowShell+"stream T = E.emit(i: i)\n")
	n, err := rowpattern.Parse(pattern)
	if err != nil {
		t.Fatal(err)
	}
	p, err := planner.CompileRowPattern(planner.RowPatternSpec{Pattern: n, Define: define, Within: within, TimeoutRows: timeoutRows, Input: "E", PartitionBy: []string{"k"}})
	if err != nil || p.Rows == nil {
		t.Fatalf("%s: %v (rows %v)", pattern, err, p.Rows != nil)
	}
	plan.Streams[0].Ops[0] = p
	plan.Streams[0].PartitionBy = []string{"k"}
	sink := &jsonSink{}
	rt, err := New(plan, Options{Sink: sink})
	if err != nil {
		t.Fatal(err)
	}
	feed(t, rt, evs, func() int { return 1 }, false)
	var out []string
	for _, l := range sink.lines {
		var o struct {
			Stream string
			TS     string
			Fields map[string]any
		}
		if err := json.Unmarshal([]byte(l), &o); err != nil {
			t.Fatal(err)
		}
		if o.Stream == "T" {
			out = append(out, fmt.Sprintf("T i=%v", o.Fields["i"]))
			continue
		}
		out = append(out, fmt.Sprintf("S %s a=%v..%v b=%v..%v", o.TS[17:19], o.Fields["af"], o.Fields["al"], o.Fields["bf"], o.Fields["bl"]))
	}
	return out, rt.Late()
}

// TestRowPatternEmitsOnceDecided checks when outcomes come out: a greedy
// quantifier's match once a row or the WITHIN deadline ends it (here the
// watermark an other partition's row raises), at the end of the input
// without WITHIN; timeout rows at the deadline; late rows dropped.
func TestRowPatternEmitsOnceDecided(t *testing.T) {
	vIs := func(n int64) planner.Expr {
		return &planner.Binary{Op: scalar.OpEq, X: field("v"), Y: cnst(event.Int(n)), K: event.KindBool}
	}
	define := map[string]planner.Expr{"a": vIs(0), "b": vIs(1)}
	evs := []event.Event{
		ev("E", 1, "k", 0, "v", 0, "i", 0),
		ev("E", 2, "k", 0, "v", 1, "i", 1),
		ev("E", 3, "k", 0, "v", 1, "i", 2),
		ev("E", 10, "k", 1, "v", 2, "i", 3),
		ev("E", 11, "k", 1, "v", 2, "i", 4),
	}
	// Deadlines one phase passes release by deadline, then key.
	two := []event.Event{
		ev("E", 1, "k", 1, "v", 0, "i", 0),
		ev("E", 1, "k", 0, "v", 0, "i", 1),
		ev("E", 2, "k", 1, "v", 1, "i", 2),
		ev("E", 2, "k", 0, "v", 1, "i", 3),
		ev("E", 9, "k", 2, "v", 2, "i", 4),
	}
	// A row below the watermark is late: dropped and counted.
	late := slices.Insert(slices.Clone(evs), 4, ev("E", 2, "k", 0, "v", 1, "i", 9))
	cases := []struct {
		name, pattern string
		define        map[string]planner.Expr
		within        int64
		timeoutRows   bool
		evs           []event.Event
		want          []string
		late          int64
	}{
		{"WITHIN 5s", "a b+", define, 5e9, false, evs,
			[]string{"T i=0", "T i=1", "T i=2", "S 03 a=0..0 b=1..2", "T i=3", "T i=4"}, 0},
		{"no WITHIN", "a b+", define, 0, false, evs,
			[]string{"T i=0", "T i=1", "T i=2", "T i=3", "T i=4", "S 03 a=0..0 b=1..2"}, 0},
		// A start row without a match yields a timeout row at its deadline.
		{"timeout rows", "a x*? b", map[string]planner.Expr{"a": vIs(0), "b": vIs(3)}, 5e9, true, evs,
			[]string{"T i=0", "T i=1", "T i=2", "S 06 a=0..0 b=<nil>..<nil>", "T i=3", "T i=4"}, 0},
		{"two partitions", "a b+", define, 5e9, false, two,
			[]string{"T i=0", "T i=1", "T i=2", "T i=3", "S 02 a=1..1 b=3..3", "S 02 a=0..0 b=2..2", "T i=4"}, 0},
		{"late row", "a b+", define, 0, false, late,
			[]string{"T i=0", "T i=1", "T i=2", "T i=3", "T i=9", "T i=4", "S 03 a=0..0 b=1..2"}, 1},
	}
	for _, c := range cases {
		got, n := rowRuntime(t, c.pattern, c.define, c.within, c.timeoutRows, c.evs)
		if !slices.Equal(got, c.want) || n != c.late {
			t.Errorf("%s: %d late\n got %q\nwant %q", c.name, n, got, c.want)
		}
	}
}

// TestRowPatternLimits checks max_runs (start rows given up on beyond
// the live partial matches allowed) and max_matches (outcomes one row
// decides), each counted and logged.
func TestRowPatternLimits(t *testing.T) {
	plan := planOf(t, rowShell)
	n, _ := rowpattern.Parse("a+ b")
	vIs := func(n int64) planner.Expr {
		return &planner.Binary{Op: scalar.OpEq, X: field("v"), Y: cnst(event.Int(n)), K: event.KindBool}
	}
	p, err := planner.CompileRowPattern(planner.RowPatternSpec{Pattern: n, Skip: rowpattern.Skip{Mode: rowpattern.SkipToNextRow},
		Define: map[string]planner.Expr{"a": vIs(0), "b": vIs(1)}, Input: "E"})
	if err != nil {
		t.Fatal(err)
	}
	plan.Streams[0].Ops[0] = p
	var evs []event.Event
	for i := range 6 {
		evs = append(evs, ev("E", int64(i), "k", 0, "v", 0, "i", i))
	}
	evs = append(evs, ev("E", 9, "k", 0, "v", 1, "i", 6))
	for _, c := range []struct {
		lim   Limits
		limit string
		want  int // outputs, of 6 without limits
	}{
		// Each start row here has two partial matches (one more a, or b).
		{Limits{MaxRuns: 4, MaxMatches: 100}, "max_runs", 2},
		{Limits{MaxRuns: 100, MaxMatches: 2}, "max_matches", 2},
		{Limits{MaxRuns: 100, MaxMatches: 100}, "", 6},
	} {
		sink := &jsonSink{}
		var diag strings.Builder
		var hits []string
		rt, err := New(plan, Options{Sink: sink, Diag: &diag, Limits: c.lim, OnLimit: func(s, l string) { hits = append(hits, s+" "+l) }})
		if err != nil {
			t.Fatal(err)
		}
		feed(t, rt, evs, func() int { return 1 }, false)
		if c.limit == "" {
			if len(sink.lines) != c.want || len(hits) > 0 {
				t.Errorf("no limit: %d outputs (want %d), hits %v", len(sink.lines), c.want, hits)
			}
			continue
		}
		if len(sink.lines) != c.want || len(hits) == 0 || hits[0] != "S "+c.limit ||
			strings.Count(diag.String(), "warning: stream S: limit "+c.limit) != 1 {
			t.Errorf("%s: %d outputs (want %d), hits %v, log %q", c.limit, len(sink.lines), c.want, hits, diag.String())
		}
	}
}

// TestRowPatternNoMatchAllocatesNothing: a row pattern whose DEFINE
// conditions read only the row, over rows that start nothing, costs no
// allocation per batch (its conditions are evaluated over the whole
// chunk, and a row nothing holds is not kept in row form).
func TestRowPatternNoMatchAllocatesNothing(t *testing.T) {
	plan := planOf(t, rowShell)
	n, _ := rowpattern.Parse("a b+ c")
	lt := func(x int64) planner.Expr {
		return &planner.Binary{Op: scalar.OpLt, X: field("v"), Y: cnst(event.Int(x)), K: event.KindBool}
	}
	p, err := planner.CompileRowPattern(planner.RowPatternSpec{Pattern: n, Within: 1e9, Input: "E", PartitionBy: []string{"k"},
		Define: map[string]planner.Expr{"a": lt(0), "b": lt(5), "c": lt(10)}})
	if err != nil || p.Rows == nil {
		t.Fatal(err)
	}
	plan.Streams[0].Ops[0] = p
	plan.Streams[0].PartitionBy = []string{"k"}
	rt, err := New(plan, Options{Sink: &jsonSink{}})
	if err != nil {
		t.Fatal(err)
	}
	var bs []event.Batch
	for b := range 200 {
		evs := make([]event.Event, 0, 512)
		for i := range 512 {
			n := b*512 + i
			evs = append(evs, ev("E", 0, "k", n%7, "v", n%20, "i", n))
			evs[i].TS = int64(n) * 1e6
		}
		bs = append(bs, batches(t, evs)...)
	}
	if a := allocsPerBatch(t, rt, bs); a != 0 {
		t.Errorf("%v allocations per batch", a)
	}
}

// randomChain draws a VPL chain with a row spelling (SQL.md §4.5) over
// types A, B and C: two or three plain steps, predicates over the
// candidate and earlier aliases, negations, within and partitions.
func randomChain(r *rand.Rand) string {
	types := []string{"A", "B", "C"}
	n := 2 + r.IntN(2)
	var b strings.Builder
	b.WriteString("stream S = " + types[r.IntN(3)] + " as s1")
	preds := []string{"v > s1.v", "v < 2", "k == s1.k", "v != s%d.v", "v >= s%d.v and k == s1.k"}
	for i := 2; i <= n; i++ {
		fmt.Fprintf(&b, " -> %s", types[r.IntN(3)])
		if r.IntN(3) > 0 {
			p := preds[r.IntN(len(preds))]
			if strings.Contains(p, "%d") {
				p = fmt.Sprintf(p, 1+r.IntN(i-1))
			}
			b.WriteString(" where " + p)
		}
		fmt.Fprintf(&b, " as s%d", i)
	}
	if r.IntN(2) == 0 {
		nots := []string{"C where v == 3", "A where k == s1.k", "B where v > s1.v"}
		b.WriteString(" .not(" + nots[r.IntN(len(nots))] + ")")
		if r.IntN(2) == 0 {
			b.WriteString(" -> A as s9") // not trailing: a plain negation with a within
		}
	}
	if r.IntN(2) == 0 {
		fmt.Fprintf(&b, " .within(%ds)", 1+r.IntN(5))
	}
	if r.IntN(3) == 0 {
		b.WriteString(" .partition_by(k)")
	}
	b.WriteString(" .emit(a: s1.i, b: s2.i, t: event_time(s2))\n")
	return b.String()
}

// TestChainsAgreeAcrossRuntimes runs random VPL chains through the VPL
// matcher and their MATCH_RECOGNIZE spelling, compiled literally, through
// the row pattern runtime, over the same input in ts order: SQL.md §4.5
// says both give the same rows with the same values and ts.
func TestChainsAgreeAcrossRuntimes(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 5))
	n := 1500
	if testing.Short() {
		n = 200
	}
	rows := 0
	for i := 0; i < n; i++ {
		src := randomChain(r)
		vplPlan := planOf(t, src)
		if strings.Contains(src, ".not(") && strings.Contains(src, ".within(") && !strings.Contains(src, "s9") {
			continue // an absence: no row spelling
		}
		st := vplPlan.Streams[0]
		spec, ok := st.Ops[0].(*planner.Pattern).RowSpelling(st.PartitionBy)
		if !ok {
			t.Fatalf("%s: no row spelling", src)
		}
		spec.Literal = true
		rp, err := planner.CompileRowPattern(spec)
		if err != nil || rp.Rows == nil {
			t.Fatalf("%s: %v", src, err)
		}
		rowPlan := planOf(t, src)
		rowPlan.Streams[0].Ops[0] = rp
		var evs []event.Event
		ts := int64(0)
		for j := range 8 + r.IntN(16) {
			ts += int64(r.IntN(2))
			evs = append(evs, ev([]string{"A", "B", "C"}[r.IntN(3)], ts, "k", r.IntN(2), "v", r.IntN(4), "i", j))
		}
		want := runPatternCase(t, src, evs, r, 4, true)
		got := runRowCase(t, rowPlan, evs, r)
		slices.Sort(want)
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Fatalf("case %d: %s(pattern %s)\ninput:\n%s\nrow pattern:\n%s\nVPL:\n%s", i, src, spec.Pattern,
				patternoracle.Evt(evs), strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		rows += len(want)
	}
	t.Logf("%d cases, %d rows", n, rows)
}
