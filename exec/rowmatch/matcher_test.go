package rowmatch

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/varpulis/varpulis-go/planner/rowpattern"
)

// letters is a matcher over rows written as letters: a row satisfies
// variable v iff its letter is v's name (a variable named "any" matches
// every row).
type letters struct {
	t    *testing.T
	prog *Program
	m    *Matcher
	vars []string
	rows []byte
}

func newLetters(t *testing.T, pattern string, cfg Config) *letters {
	t.Helper()
	n, err := rowpattern.Parse(pattern)
	if err != nil {
		t.Fatal(err)
	}
	a, err := rowpattern.Compile(n)
	if err != nil {
		t.Fatal(err)
	}
	l := &letters{t: t, vars: a.Vars}
	cfg.Automaton = a
	cfg.RowOnly = true
	cfg.Define = func(v int, row int64, p *Partial) bool {
		return l.vars[v] == "any" || l.vars[v] == string(l.rows[row:row+1])
	}
	if l.prog, err = New(cfg); err != nil {
		t.Fatal(err)
	}
	l.m = l.prog.NewMatcher()
	return l
}

func (l *letters) show(out []Match) string {
	var parts []string
	for _, o := range out {
		parts = append(parts, showMatch(o.Start, o.End, o.TimedOut, o.Labels, l.vars))
	}
	return strings.Join(parts, " ")
}

// push pushes one row (a letter at ts seconds) and checks what it decides.
func (l *letters) push(letter string, ts int64, want string) {
	l.t.Helper()
	l.rows = append(l.rows, letter...)
	out, err := l.m.Push(ts*second, nil)
	if err != nil {
		l.t.Fatal(err)
	}
	if got := l.show(out); got != want {
		l.t.Errorf("after row %d (%s@%ds): got %q, want %q", len(l.rows)-1, letter, ts, got, want)
	}
}

func (l *letters) advance(ts int64, want string) {
	l.t.Helper()
	if got := l.show(l.m.Advance(ts*second, nil)); got != want {
		l.t.Errorf("advance to %ds: got %q, want %q", ts, got, want)
	}
}

func (l *letters) flush(want string) {
	l.t.Helper()
	if got := l.show(l.m.Flush(nil)); got != want {
		l.t.Errorf("flush: got %q, want %q", got, want)
	}
}

// TestEmission checks that a start row's outcome is emitted as soon as it
// is decided (SQL.md §4.3), and not before.
func TestEmission(t *testing.T) {
	t.Run("greedy end waits for a row that ends it", func(t *testing.T) {
		l := newLetters(t, "a b*", Config{})
		l.push("a", 0, "")
		l.push("b", 1, "")
		l.push("b", 2, "")
		l.push("x", 3, "0:a,b,b")
		l.flush("")
	})
	t.Run("reluctant end emits at once", func(t *testing.T) {
		l := newLetters(t, "a b*?", Config{})
		l.push("a", 0, "0:a")
		l.push("b", 1, "")
		l.push("a", 2, "2:a")
	})
	t.Run("a preferred branch still open holds the match", func(t *testing.T) {
		l := newLetters(t, "a b c | a b", Config{})
		l.push("a", 0, "")
		l.push("b", 1, "")
		l.push("c", 2, "0:a,b,c")
		l.push("a", 3, "")
		l.push("b", 4, "")
		l.push("a", 5, "3:a,b")
	})
	t.Run("less preferred branch still open does not", func(t *testing.T) {
		l := newLetters(t, "a b | a b c", Config{})
		l.push("a", 0, "")
		l.push("b", 1, "0:a,b")
	})
	t.Run("within deadline by watermark", func(t *testing.T) {
		l := newLetters(t, "a b+", Config{Within: 2 * second})
		l.push("a", 0, "")
		l.push("b", 1, "")
		l.advance(2, "") // 2 − 0 ≤ 2: a b at ts 2 could still come
		l.advance(3, "0:a,b")
	})
	t.Run("within deadline by a later row", func(t *testing.T) {
		l := newLetters(t, "a b+", Config{Within: 2 * second})
		l.push("a", 0, "")
		l.push("b", 2, "")
		l.push("b", 3, "0:a,b")
	})
	t.Run("later start waits for the earlier one", func(t *testing.T) {
		l := newLetters(t, "a b+ | b", Config{Skip: rowpattern.Skip{Mode: rowpattern.SkipToNextRow}})
		l.push("a", 0, "")
		l.push("b", 1, "") // row 1 matches b, but row 0 is undecided
		l.push("b", 2, "")
		l.push("x", 3, "0:a,b,b 1:b 2:b")
		l.flush("")
	})
	t.Run("skip past last row prunes the rows inside the match", func(t *testing.T) {
		l := newLetters(t, "any any*", Config{})
		for i := range 100 {
			l.push("x", int64(i), "")
			if n := len(l.m.sets); n != 1 {
				t.Fatalf("%d start sets live", n)
			}
		}
		l.flush("0:" + strings.Repeat("any,", 99) + "any")
	})
	t.Run("timeout row at the deadline", func(t *testing.T) {
		l := newLetters(t, "o any*? p", Config{Within: 15 * second, TimeoutRows: true})
		l.push("o", 0, "")
		l.push("x", 10, "")
		l.advance(15, "")
		l.advance(16, "0:timeout:o,any")
		l.push("o", 20, "")
		l.push("p", 21, "2:o,p")
	})
	t.Run("pending and oldest", func(t *testing.T) {
		l := newLetters(t, "a b", Config{})
		l.push("x", 0, "")
		if _, _, ok := l.m.Pending(); ok || l.m.Oldest() != 1 {
			t.Errorf("pending %v, oldest %d", ok, l.m.Oldest())
		}
		l.push("a", 7, "")
		if row, ts, ok := l.m.Pending(); !ok || row != 1 || ts != 7*second || l.m.Oldest() != 1 {
			t.Errorf("pending %d %d %v, oldest %d", row, ts, ok, l.m.Oldest())
		}
	})
}

func TestPushOrder(t *testing.T) {
	l := newLetters(t, "a b", Config{})
	l.push("a", 5, "")
	if _, err := l.m.Push(4*second, nil); err == nil {
		t.Error("a row before the previous one was accepted")
	}
	l.advance(10, "")
	if _, err := l.m.Push(9*second, nil); err == nil {
		t.Error("a row below the watermark was accepted")
	}
}

// TestDominance checks that a+ b over a long run of a rows stays linear:
// later start rows whose threads are in the head's states are dropped.
func TestDominance(t *testing.T) {
	l := newLetters(t, "a+ b", Config{})
	for i := range 100_000 {
		l.push("a", int64(i), "")
		if n := l.m.Threads(); n > 4 {
			t.Fatalf("row %d: %d threads", i, n)
		}
	}
	l.push("x", 100_000, "")
	l.push("a", 100_001, "")
	l.push("b", 100_002, "100001:a,b")
}

// TestMaxThreads checks the limit on partial matches: a pattern whose
// partial matches multiply (DEFINE reading the partial match, so equal
// states do not merge) stays within it and counts what it gave up.
func TestMaxThreads(t *testing.T) {
	n, _ := rowpattern.Parse("a (b | c)* d")
	a, _ := rowpattern.Compile(n)
	prog, err := New(Config{Automaton: a, MaxThreads: 100, Define: func(v int, row int64, p *Partial) bool { return v != 3 }})
	if err != nil {
		t.Fatal(err)
	}
	m := prog.NewMatcher()
	for i := range 50 {
		if _, err := m.Push(int64(i), nil); err != nil {
			t.Fatal(err)
		}
		if m.Threads() > 100 {
			t.Fatalf("row %d: %d threads", i, m.Threads())
		}
	}
	if m.Dropped() == 0 {
		t.Error("nothing dropped")
	}
}

func TestNewErrors(t *testing.T) {
	comp := func(s string) *rowpattern.Automaton {
		n, err := rowpattern.Parse(s)
		if err != nil {
			t.Fatal(err)
		}
		a, err := rowpattern.Compile(n)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	for _, c := range []struct {
		cfg  Config
		want string
	}{
		{Config{}, "no automaton"},
		{Config{Automaton: comp("a b"), TimeoutRows: true}, "needs WITHIN"},
		{Config{Automaton: comp("a b"), Within: -1}, "negative WITHIN"},
		{Config{Automaton: comp("a b"), Skip: rowpattern.Skip{Mode: rowpattern.SkipToLast, Var: "z"}}, "not a pattern variable"},
		{Config{Automaton: comp("a* b"), Skip: rowpattern.Skip{Mode: rowpattern.SkipToFirst, Var: "b"}}, "can bind the first row"},
		{Config{Automaton: &rowpattern.Automaton{Vars: []string{"a"}, States: []rowpattern.State{{Op: rowpattern.OpAccept}}}}, "zero rows"},
		{Config{Automaton: &rowpattern.Automaton{Vars: []string{"a"}, States: []rowpattern.State{{Op: rowpattern.OpVar, Next: 7}}}}, "bad var"},
	} {
		_, err := New(c.cfg)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: got %v, want %q", c.cfg.Skip, err, c.want)
		}
	}
}

// TestLoadStateErrors checks that every truncation and many corruptions
// of a state are rejected without changing the matcher.
func TestLoadStateErrors(t *testing.T) {
	prog := fuzzProgram(t)
	m := prog.NewMatcher()
	for i := range 9 {
		if _, err := m.Push(int64(i), nil); err != nil {
			t.Fatal(err)
		}
	}
	snap := m.AppendState(nil)
	if len(m.sets) == 0 {
		t.Fatal("nothing live to snapshot")
	}
	for n := range len(snap) {
		if _, err := m.LoadState(snap[:n]); !errors.Is(err, ErrCorruptState) {
			t.Fatalf("truncated at %d: %v", n, err)
		}
	}
	for i := range snap {
		bad := slices.Clone(snap)
		bad[i] ^= 0xff
		m2 := prog.NewMatcher()
		if _, err := m2.LoadState(bad); err == nil {
			// Some corruptions are valid states; they must not break the matcher.
			m2.Push(max(m2.lastTS, m2.wm), nil)
			m2.Flush(nil)
		}
	}
	if after := m.AppendState(nil); string(after) != string(snap) {
		t.Error("a failed LoadState changed the matcher")
	}
}

// fuzzProgram is a program with counters, timeouts and a DEFINE reading
// the partial match, for the state tests.
func fuzzProgram(t testing.TB) *Program {
	n, _ := rowpattern.Parse("a (b | c){2,}? d")
	a, _ := rowpattern.Compile(n)
	prog, err := New(Config{Automaton: a, Within: 100, TimeoutRows: true, Define: func(v int, row int64, p *Partial) bool {
		if v == 3 {
			return row%6 == 5 && p.Count(1) > 0
		}
		return (row*7+int64(v))%4 != 0
	}})
	if err != nil {
		t.Fatal(err)
	}
	return prog
}

// FuzzLoadState checks that LoadState never panics, and that a loaded
// state drives the matcher without panicking.
func FuzzLoadState(f *testing.F) {
	prog := fuzzProgram(f)
	m := prog.NewMatcher()
	for i := range 12 {
		m.Push(int64(i), nil)
		f.Add(m.AppendState(nil))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		m := prog.NewMatcher()
		if _, err := m.LoadState(b); err != nil {
			return
		}
		ts := int64(0)
		if m.rows > 0 {
			ts = max(m.lastTS, m.wm)
		}
		for i := range 5 {
			if _, err := m.Push(ts+int64(i), nil); err != nil {
				return
			}
		}
		m.Flush(nil)
	})
}
