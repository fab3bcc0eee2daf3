package patternoracle

import (
	"fmt"
	"math/rand/v2"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/varpulis/varpulis-go/event"
)

func TestParseRowPattern(t *testing.T) {
	for _, c := range []struct{ in, out string }{
		{"a b* c", "a b* c"},
		{"A (B | C)+? D", "a (b | c)+? d"},
		{"a{2} b{2,} c{,3} d{1,4}?", "a{2} b{2,} c{0,3} d{1,4}?"},
		{"(a b)?? | c", "(a b)?? | c"},
		{"s{2,} b", "s{2,} b"},
		{"o x*? p", "o x*? p"},
		{"((a))", "a"},
	} {
		p, err := ParseRowPattern(c.in)
		if err != nil {
			t.Errorf("%q: %v", c.in, err)
			continue
		}
		if p.String() != c.out {
			t.Errorf("%q: got %q, want %q", c.in, p.String(), c.out)
		}
		if q, err := ParseRowPattern(p.String()); err != nil || q.String() != p.String() {
			t.Errorf("%q: does not round-trip: %v", c.in, err)
		}
	}
	for _, bad := range []string{"", "a |", "(a", "a)", "a**", "a{2", "a{3,2}", "a{,}", "a{x}", "^a", "()"} {
		if _, err := ParseRowPattern(bad); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
}

// rowsOf builds rows with one int field m (a bitmask: bit i set means the
// variable "a"+i is defined true on the row) and ts = i seconds.
func rowsOf(masks ...int) []Event {
	var rows []Event
	for i, m := range masks {
		rows = append(rows, Event{Type: "R", TS: int64(i) * second, Fields: []event.Field{{Name: "m", Value: event.Int(int64(m))}}})
	}
	return rows
}

// maskDefine defines those of a, b, c, d that p uses by the bits of m.
func maskDefine(p *RowPattern) Define {
	d := Define{}
	for i, v := range []string{"a", "b", "c", "d"} {
		if !slices.Contains(p.Vars(), v) {
			continue
		}
		d[v] = func(c RowCtx) bool {
			m, _ := c.Row().Get("m")
			return m.AsInt()&(1<<i) != 0
		}
	}
	return d
}

func showMatches(ms []RowMatch) string {
	var parts []string
	for _, m := range ms {
		parts = append(parts, fmt.Sprintf("%d:%s", m.Start, strings.Join(m.Labels, ",")))
	}
	return strings.Join(parts, " ")
}

func TestMatchRecognizeRules(t *testing.T) {
	const A, B, C, AB = 1, 2, 4, 3
	cases := []struct {
		name    string
		pattern string
		skip    Skip
		within  int64
		rows    []Event
		want    string
	}{
		{"greedy takes the most", "a+", Skip{}, 0, rowsOf(A, A, A, B), "0:a,a,a"},
		{"reluctant the fewest", "a+?", Skip{}, 0, rowsOf(A, A, A), "0:a 1:a 2:a"},
		{"greedy backtracks to let the rest match", "a* a b", Skip{}, 0, rowsOf(A, A, A, B), "0:a,a,a,b"},
		{"reluctant grows only as needed", "a*? b", Skip{}, 0, rowsOf(A, AB, A, B), "0:a,b 2:a,b"},
		{"alternation prefers its leftmost branch", "(a | b) c", Skip{}, 0, rowsOf(AB, C), "0:a,c"},
		{"leftmost branch even when shorter", "(a | a b) c?", Skip{}, 0, rowsOf(A, B, C), "0:a"},
		{"a later branch when the first fails", "(a c | a b)", Skip{}, 0, rowsOf(A, B), "0:a,b"},
		{"bounded quantifier", "a{2,3}", Skip{}, 0, rowsOf(A, A, A, A, A, A, A), "0:a,a,a 3:a,a,a"},
		{"bounded reluctant", "a{2,3}? b?", Skip{}, 0, rowsOf(A, A, B), "0:a,a,b"},
		{"optional greedy and reluctant", "a b? | c b??", Skip{}, 0, rowsOf(A, B, C, B), "0:a,b 2:c"},
		{"exactly n", "a{2} b", Skip{}, 0, rowsOf(A, A, A, B), "1:a,a,b"},
		{"no match: the next row is tried", "a b", Skip{}, 0, rowsOf(A, A, B, B), "1:a,b"},
		{"skip to next row overlaps", "a b*", Skip{Mode: SkipToNextRow}, 0, rowsOf(A, AB, B), "0:a,b,b 1:a,b"},
		{"skip past last row", "a b*", Skip{}, 0, rowsOf(A, AB, B), "0:a,b,b"},
		{"skip to first v", "a b+ c", Skip{Mode: SkipToFirst, Var: "b"}, 0, rowsOf(A, AB, AB, C), "0:a,b,b,c 1:a,b,c"},
		{"skip to last v", "a b+ c", Skip{Mode: SkipToLast, Var: "b"}, 0, rowsOf(A, AB, AB, AB, C, C), "0:a,b,b,b,c"},
		{"skip to last v restarts inside the match", "a b c", Skip{Mode: SkipToLast, Var: "c"}, 0, rowsOf(A, B, C|A, B, C), "0:a,b,c 2:a,b,c"},
		{"skip to v that binds no row: next row", "a b? c", Skip{Mode: SkipToFirst, Var: "b"}, 0, rowsOf(A, C|A, C), "0:a,c 1:a,c"},
		{"within bounds the span", "a c* b", Skip{}, 2 * second, rowsOf(A, C, C, B, A, B), "4:a,b"},
		{"within: exactly d is in", "a c* b", Skip{}, 3 * second, rowsOf(A, C, C, B), "0:a,c,c,b"},
	}
	for _, c := range cases {
		p, err := ParseRowPattern(c.pattern)
		if err != nil {
			t.Fatal(err)
		}
		ms, err := MatchRecognize(p, c.rows, maskDefine(p), c.skip, c.within)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if got := showMatches(ms); got != c.want {
			t.Errorf("%s: %s: got %q, want %q", c.name, c.pattern, got, c.want)
		}
	}
	for _, c := range []struct {
		pattern string
		skip    Skip
		define  Define
	}{
		{"a*", Skip{}, nil},
		{"a? b?", Skip{}, nil},
		{"(a | b*)", Skip{}, nil},
		{"a b", Skip{Mode: SkipToFirst, Var: "a"}, nil},
		{"a* b", Skip{Mode: SkipToLast, Var: "b"}, nil},
		{"a b", Skip{Mode: SkipToLast, Var: "z"}, nil},
		{"a b", Skip{}, Define{"z": nil}},
	} {
		p, err := ParseRowPattern(c.pattern)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := MatchRecognize(p, rowsOf(A, B), c.define, c.skip, 0); err == nil {
			t.Errorf("%s with %+v accepted", c.pattern, c.skip)
		}
	}
}

// TestMatchRecognizeRunning checks that DEFINE sees the running match.
func TestMatchRecognizeRunning(t *testing.T) {
	// Rising prices: every u row is above the previous row of the match.
	rows := []Event{}
	for i, px := range []int{5, 3, 4, 6, 2, 7} {
		rows = append(rows, Event{Type: "T", TS: int64(i) * second, Fields: []event.Field{{Name: "px", Value: event.Int(int64(px))}}})
	}
	px := func(e *Event) int64 { v, _ := e.Get("px"); return v.AsInt() }
	def := Define{"u": func(c RowCtx) bool {
		return c.Cur > c.Start && px(c.Row()) > px(c.Prev(1)) && len(c.Bound("u")) <= 2
	}}
	p, _ := ParseRowPattern("s u+")
	ms, err := MatchRecognize(p, rows, def, Skip{}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if got := showMatches(ms); got != "1:s,u,u 4:s,u" {
		t.Errorf("got %q", got)
	}
}

// TestMatchRecognizeWorkedExample is the probes stream of SQL.md §9 with
// every row settled: c1, c2 and c4 match, c3 exceeds WITHIN.
func TestMatchRecognizeWorkedExample(t *testing.T) {
	type pay struct {
		card   string
		amount float64
		at     string
	}
	pays := []pay{
		{"c1", 1.00, "10:00:01"}, {"c3", 1.00, "10:00:02"}, {"c3", 1.00, "10:00:03"}, {"c1", 0.50, "10:00:05"},
		{"c2", 25.00, "10:00:10"}, {"c1", 1.50, "10:00:20"}, {"c1", 250.00, "10:00:30"}, {"c2", 1.00, "10:00:40"},
		{"c2", 0.99, "10:00:50"}, {"c2", 500.00, "10:01:10"}, {"c1", 1.00, "10:01:15"}, {"c1", 300.00, "10:01:20"},
		{"c4", 0.25, "10:01:21"}, {"c4", 0.75, "10:01:24"}, {"c4", 999.00, "10:01:28"}, {"c3", 120.00, "10:01:30"},
	}
	byCard := map[string][]Event{}
	var cards []string
	for _, py := range pays {
		at, err := time.Parse(time.RFC3339, "2026-03-01T"+py.at+"Z")
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := byCard[py.card]; !ok {
			cards = append(cards, py.card)
		}
		byCard[py.card] = append(byCard[py.card], Event{Type: "payments", TS: at.UnixNano(),
			Fields: []event.Field{{Name: "amount", Value: event.Float(py.amount)}}})
	}
	slices.Sort(cards)
	amount := func(c RowCtx) float64 { v, _ := c.Row().Get("amount"); return v.AsFloat() }
	def := Define{
		"s": func(c RowCtx) bool { return amount(c) < 2 },
		"b": func(c RowCtx) bool { return amount(c) >= 100 },
	}
	p, err := ParseRowPattern("s{2,} b")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, card := range cards {
		rows := byCard[card]
		ms, err := MatchRecognize(p, rows, def, Skip{}, int64(time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range ms {
			first := time.Unix(0, rows[m.Start].TS).UTC().Format("15:04:05")
			big, _ := rows[m.End].Get("amount")
			got = append(got, fmt.Sprintf("%s %s %d %.2f", card, first, len(m.Labels)-1, big.AsFloat()))
		}
	}
	want := []string{"c1 10:00:01 3 250.00", "c2 10:00:40 2 500.00", "c4 10:01:21 2 999.00"}
	if !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

// TestMatchRecognizeAgainstRegexp checks the preference order against Go's
// regexp package, whose leftmost-first matching chooses the match a
// backtracking implementation would: with DEFINE conditions that depend on
// the row alone, each row becomes one character (the set of variables it
// satisfies), each variable a character class, and the preferred match
// from a start row is the regexp's anchored match from that row. Quantified
// sub-patterns are kept non-nullable, where the two definitions of empty
// iterations could differ.
func TestMatchRecognizeAgainstRegexp(t *testing.T) {
	n := 4000
	if testing.Short() {
		n = 400
	}
	vars := []string{"a", "b", "c"}
	class := func(v int) string {
		var b strings.Builder
		b.WriteByte('[')
		for m := range 8 {
			if m&(1<<v) != 0 {
				b.WriteByte(byte('0' + m))
			}
		}
		b.WriteByte(']')
		return b.String()
	}
	for seed := range uint64(n) {
		r := rand.New(rand.NewPCG(seed, 7))
		p := randRowPattern(r, 3)
		if p.nullable() {
			continue
		}
		masks := make([]int, r.IntN(12))
		for i := range masks {
			masks[i] = r.IntN(8)
		}
		rows := rowsOf(masks...)
		var text strings.Builder
		for _, m := range masks {
			text.WriteByte(byte('0' + m))
		}
		re := regexp.MustCompile(`^(?:` + toRegexp(p, func(name string) string { return class(slices.Index(vars, name)) }) + `)`)
		m := &rpMatcher{rows: rows, define: maskDefine(p)}
		for s := range rows {
			best, ok := m.preferred(p, s)
			loc := re.FindStringIndex(text.String()[s:])
			switch {
			case ok != (loc != nil):
				t.Fatalf("seed %d: %s on %v from %d: oracle %v, regexp %v", seed, p, masks, s, ok, loc)
			case ok && best.End-s+1 != loc[1]:
				t.Fatalf("seed %d: %s on %v from %d: oracle ends at %d (%v), regexp at %d", seed, p, masks, s, best.End, best.Labels, s+loc[1]-1)
			}
			if ok {
				// Every row satisfies its variable and the labels are a word
				// of the pattern.
				lre := regexp.MustCompile(`^(?:` + toRegexp(p, func(name string) string { return name }) + `)$`)
				if !lre.MatchString(strings.Join(best.Labels, "")) {
					t.Fatalf("seed %d: labels %v are not a word of %s", seed, best.Labels, p)
				}
			}
		}
	}
}

// randRowPattern draws a small row pattern over a, b, c whose quantified
// parts cannot match zero rows.
func randRowPattern(r *rand.Rand, depth int) *RowPattern {
	var n *RowPattern
	switch k := r.IntN(6); {
	case depth == 0 || k < 3:
		n = &RowPattern{kind: rpVar, name: []string{"a", "b", "c"}[r.IntN(3)]}
	case k < 5:
		n = &RowPattern{kind: rpSeq}
		for range 2 + r.IntN(2) {
			n.subs = append(n.subs, randRowPattern(r, depth-1))
		}
	default:
		n = &RowPattern{kind: rpAlt}
		for range 2 + r.IntN(2) {
			n.subs = append(n.subs, randRowPattern(r, depth-1))
		}
	}
	if r.IntN(2) == 0 && !n.nullable() {
		q := &RowPattern{kind: rpQuant, subs: []*RowPattern{n}, reluctant: r.IntN(2) == 0}
		switch r.IntN(6) {
		case 0:
			q.min, q.max = 0, -1
		case 1:
			q.min, q.max = 1, -1
		case 2:
			q.min, q.max = 0, 1
		case 3:
			q.min = r.IntN(3)
			q.max = q.min
		case 4:
			q.min, q.max = r.IntN(3), -1
		default:
			q.min = r.IntN(3)
			q.max = q.min + 1 + r.IntN(2)
		}
		n = q
	}
	return n
}

// toRegexp writes the pattern as a Go regexp, each variable as atom(name).
func toRegexp(n *RowPattern, atom func(string) string) string {
	switch n.kind {
	case rpVar:
		return atom(n.name)
	case rpSeq:
		var b strings.Builder
		for _, s := range n.subs {
			b.WriteString("(?:" + toRegexp(s, atom) + ")")
		}
		return b.String()
	case rpAlt:
		parts := make([]string, len(n.subs))
		for i, s := range n.subs {
			parts[i] = "(?:" + toRegexp(s, atom) + ")"
		}
		return strings.Join(parts, "|")
	}
	q := fmt.Sprintf("{%d,}", n.min)
	if n.max >= 0 {
		q = fmt.Sprintf("{%d,%d}", n.min, n.max)
	}
	if n.reluctant {
		q += "?"
	}
	return "(?:" + toRegexp(n.subs[0], atom) + ")" + q
}
