package rowmatch

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/varpulis/varpulis-go/event"
	"github.com/varpulis/varpulis-go/internal/patternoracle"
	"github.com/varpulis/varpulis-go/planner/rowpattern"
)

// prefixWalker finds, by definition, the most preferred assignment of rows
// start..last to pattern variables that is a prefix of a possible match
// (SQL.md §4.3, timeout rows): a depth-first walk of the pattern in
// preference order (as patternoracle's: alternation left to right, greedy
// iterations first, reluctant last, PERMUTE's permutations in
// lexicographic order, iterations beyond the minimum consuming a row)
// over rows start..last, stopping at the first path that has bound them
// all and would read one more.
type prefixWalker struct {
	tc          *testCase
	rows        []patternoracle.Event
	start, last int
	labels      []string
	found       []string
	calls       int
}

func (w *prefixWalker) walk(n *rowpattern.Node, pos int, k func(int) bool) bool {
	switch n.Kind {
	case rowpattern.KindVar:
		if pos == w.last+1 {
			w.found = slices.Clone(w.labels)
			return true
		}
		if w.calls++; w.calls > oracleBudget {
			panic(errOverBudget)
		}
		w.labels = append(w.labels, n.Name)
		defer func() { w.labels = w.labels[:len(w.labels)-1] }()
		f := w.tc.define[slices.Index(w.tc.pattern.Vars(), n.Name)].orcl
		if f == nil || f(w.tc, patternoracle.RowCtx{Rows: w.rows, Start: w.start, Cur: pos, Labels: w.labels}) {
			return k(pos + 1)
		}
		return false
	case rowpattern.KindConcat:
		return w.seq(n.Subs, 0, pos, k)
	case rowpattern.KindAlt:
		for _, s := range n.Subs {
			if w.walk(s, pos, k) {
				return true
			}
		}
		return false
	case rowpattern.KindPermute:
		perm := make([]int, len(n.Subs))
		for i := range perm {
			perm[i] = i
		}
		for {
			subs := make([]*rowpattern.Node, len(perm))
			for i, p := range perm {
				subs[i] = n.Subs[p]
			}
			if w.seq(subs, 0, pos, k) {
				return true
			}
			if !nextPerm(perm) {
				return false
			}
		}
	}
	var iter func(count, pos int) bool
	iter = func(count, pos int) bool {
		if count < n.Min {
			return w.walk(n.Subs[0], pos, func(p int) bool { return iter(count+1, p) })
		}
		if n.Max != rowpattern.Unbounded && count >= n.Max {
			return k(pos)
		}
		again := func() bool {
			return w.walk(n.Subs[0], pos, func(p int) bool { return p > pos && iter(count+1, p) })
		}
		if n.Reluctant {
			return k(pos) || again()
		}
		return again() || k(pos)
	}
	return iter(0, pos)
}

func (w *prefixWalker) seq(subs []*rowpattern.Node, i, pos int, k func(int) bool) bool {
	if i == len(subs) {
		return k(pos)
	}
	return w.walk(subs[i], pos, func(p int) bool { return w.seq(subs, i+1, p, k) })
}

func nextPerm(p []int) bool {
	i := len(p) - 2
	for i >= 0 && p[i] >= p[i+1] {
		i--
	}
	if i < 0 {
		return false
	}
	j := len(p) - 1
	for p[j] <= p[i] {
		j--
	}
	p[i], p[j] = p[j], p[i]
	slices.Reverse(p[i+1:])
	return true
}

// expectTimeouts computes the outcomes with timeout rows by definition:
// start rows in order; a start row's preferred match (the oracle's, run
// from that row: its first match starts there iff the row has one), else
// its timeout row when a prefix exists (every row is settled at the end
// of input, so W > deadline); AFTER MATCH SKIP, or the next row.
func (tc *testCase) expectTimeouts() ([]string, error) {
	var rows []patternoracle.Event
	for i, m := range tc.masks {
		rows = append(rows, patternoracle.Event{Type: "R", TS: tc.ts[i], Fields: []event.Field{{Name: "m", Value: event.Int(int64(m))}}})
	}
	if _, err := tc.oracle(); err != nil {
		return nil, err
	}
	var out []string
	for s := 0; s < len(rows); {
		sub := *tc
		sub.masks, sub.ts = tc.masks[s:], tc.ts[s:]
		ms, err := sub.oracle()
		if err != nil {
			return nil, err
		}
		if len(ms) > 0 && ms[0].Start == 0 {
			m := ms[0]
			out = append(out, fmt.Sprintf("%d:%s", s, strings.Join(m.Labels, ",")))
			next := s + 1
			switch tc.skip.Mode {
			case rowpattern.SkipPastLastRow:
				next = s + len(m.Labels)
			case rowpattern.SkipToFirst:
				if k := slices.Index(m.Labels, tc.skip.Var); k >= 0 {
					next = s + k
				}
			case rowpattern.SkipToLast:
				for k := len(m.Labels) - 1; k >= 0; k-- {
					if m.Labels[k] == tc.skip.Var {
						next = s + k
						break
					}
				}
			}
			s = next
			continue
		}
		last := s
		for last+1 < len(rows) && rows[last+1].TS-rows[s].TS <= tc.within {
			last++
		}
		w := &prefixWalker{tc: tc, rows: rows, start: s, last: last}
		w.walk(tc.pattern, s, func(int) bool { return false })
		if w.found != nil {
			out = append(out, fmt.Sprintf("%d:timeout:%s", s, strings.Join(w.found, ",")))
		}
		s++
	}
	return out, nil
}

// TestTimeoutRows compares the matcher with timeout rows against
// expectTimeouts on random cases with WITHIN.
func TestTimeoutRows(t *testing.T) {
	n := 8000
	if testing.Short() {
		n = 1000
	}
	skipped, timeouts := 0, 0
	defer func() { t.Logf("%d cases, %d skipped (over budget), %d timeout rows", n, skipped, timeouts) }()
	for seed := range uint64(n) {
		r := rand.New(rand.NewPCG(seed, 13))
		tc := randCase(r)
		if tc.within == 0 {
			tc.within = (1 + r.Int64N(4)) * second
		}
		want, err := func() (w []string, err error) {
			defer func() {
				if r := recover(); r != nil {
					if r != errOverBudget {
						panic(r)
					}
					err = errOverBudget
				}
			}()
			return tc.expectTimeouts()
		}()
		if err == errOverBudget {
			skipped++
			continue
		}
		prog, perr := tc.program(tc.rowOnly, true)
		if (perr != nil) != (err != nil) {
			t.Fatalf("seed %d: matcher error %v, reference error %v\n%s", seed, perr, err, tc)
		}
		if perr != nil {
			continue
		}
		got := tc.run(t, r, prog)
		if !slices.Equal(got, want) {
			a, _ := rowpattern.Compile(tc.pattern)
			t.Fatalf("seed %d:\n%s\n%s\ngot  %q\nwant %q", seed, tc, a, got, want)
		}
		for _, g := range got {
			if strings.Contains(g, "timeout") {
				timeouts++
			}
		}
	}
}
