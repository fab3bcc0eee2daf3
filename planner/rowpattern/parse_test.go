package rowpattern

import (
	"errors"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	for _, c := range []struct{ in, out string }{
		{"a b* c", "a b* c"},
		{"A (B | C)+? D", "a (b | c)+? d"},
		{"a{2} b{2,} c{,3} d{1,4}?", "a{2} b{2,} c{0,3} d{1,4}?"},
		{"a{ 2 , 3 }", "a{2,3}"},
		{"a{1} b{0,} c{1,} d{0,1}", "a{1} b* c+ d?"},
		{"(a b)?? c | d", "(a b)?? c | d"},
		{"s{2,} b", "s{2,} b"},
		{"o x*? p", "o x*? p"},
		{"((a))", "a"},
		{"a _g2*? b", "a _g2*? b"},
		{"PERMUTE(a, b c, d | e)", "PERMUTE(a, b c, d | e)"},
		{"permute (a,b)+", "PERMUTE(a, b)+"},
		{"permute a", `"permute" a`},
		{`"Up" "a""b" up`, `"Up" "a""b" up`},
		{`"permute" (a)`, `"permute" a`},
		{"Äb ä1 _", "Äb ä1 _"},
		{"a -- comment\n b /* x /* nested */ */ c", "a b c"},
		{"a{0} b", "a{0} b"},
	} {
		n, err := Parse(c.in)
		if err != nil {
			t.Errorf("%q: %v", c.in, err)
			continue
		}
		if n.String() != c.out {
			t.Errorf("%q: got %q, want %q", c.in, n.String(), c.out)
		}
		m, err := Parse(n.String())
		if err != nil || m.String() != n.String() {
			t.Errorf("%q: does not round-trip: %v", c.in, err)
		}
	}
}

func TestParseErrors(t *testing.T) {
	for _, c := range []struct {
		in   string
		kind ErrorKind
		pos  int
		msg  string
	}{
		{"", ErrSyntax, 0, "empty row pattern"},
		{"  -- only a comment", ErrSyntax, 19, "empty row pattern"},
		{"a |", ErrSyntax, 3, `empty alternative after "|"`},
		{"| a", ErrSyntax, 0, `empty alternative before "|"`},
		{"a || b", ErrSyntax, 3, `empty alternative after "|"`},
		{"(a", ErrSyntax, 0, `unclosed "("`},
		{"a)", ErrSyntax, 1, `unmatched ")"`},
		{"()", ErrSyntax, 1, "empty group"},
		{"a, b", ErrSyntax, 1, `"," outside PERMUTE`},
		{"(a, b)", ErrSyntax, 2, `"," outside PERMUTE`},
		{"a**", ErrSyntax, 2, "follows the quantifier at offset 1"},
		{"a*?+", ErrSyntax, 3, "follows the quantifier at offset 1"},
		{"a???", ErrSyntax, 3, "follows the quantifier at offset 1"},
		{"a{2}{3}", ErrSyntax, 4, "follows the quantifier at offset 1"},
		{"*", ErrSyntax, 0, "with nothing to repeat"},
		{"a | +b", ErrSyntax, 4, "with nothing to repeat"},
		{"a{2", ErrSyntax, 1, `unclosed "{"`},
		{"a{}", ErrSyntax, 1, "empty quantifier {}"},
		{"a{,}", ErrSyntax, 1, "has no bound"},
		{"a{3,2}", ErrSyntax, 1, "upper bound is below the lower bound"},
		{"a{x}", ErrSyntax, 2, `unexpected 'x', expected a count or "}"`},
		{"a{99999999999}", ErrTooLarge, 2, "quantifier count above 10000"},
		{"PERMUTE()", ErrSyntax, 8, "needs at least one argument"},
		{"PERMUTE(a,)", ErrSyntax, 10, "empty PERMUTE argument"},
		{"PERMUTE(a b", ErrSyntax, 7, `unclosed "(" of PERMUTE`},
		{"PERMUTE(a b]", ErrSyntax, 11, `unexpected ']', expected a pattern variable or "("`},
		{`"ab`, ErrSyntax, 0, "unterminated quoted identifier"},
		{`""`, ErrSyntax, 0, "zero-length quoted identifier"},
		{"a /* b", ErrSyntax, 2, "unterminated /* comment"},
		{"a 1", ErrSyntax, 2, `unexpected '1', expected a pattern variable or "("`},
		{"a\xffb", ErrSyntax, 1, "invalid UTF-8"},
		{strings.Repeat("(", 200) + "a" + strings.Repeat(")", 200), ErrTooLarge, 101, "nested deeper than 100"},
		// What SQL.md §4.1 rejects, with the construct named.
		{"^a b", ErrUnsupported, 0, "anchor ^ is not supported"},
		{"a b $", ErrUnsupported, 4, "anchor $ is not supported"},
		{"a b$", ErrUnsupported, 3, "anchor $ is not supported"},
		{"a {- b -} c", ErrUnsupported, 2, "exclusion {- -} is not supported"},
		{"a{- b -}", ErrUnsupported, 1, "exclusion {- -} is not supported"},
		{"a*", ErrUnsupported, 0, "pattern (a*) can match zero rows"},
		{"a? b?", ErrUnsupported, 0, "pattern (a? b?) can match zero rows"},
		{"(a | b*)", ErrUnsupported, 1, "can match zero rows"},
		{"PERMUTE(a?, b*)", ErrUnsupported, 0, "can match zero rows"},
		{"a{0}", ErrUnsupported, 0, "can match zero rows"},
	} {
		_, err := Parse(c.in)
		var pe *Error
		if !errors.As(err, &pe) {
			t.Errorf("%q: got %v, want an *Error", c.in, err)
			continue
		}
		if pe.Kind != c.kind || pe.Pos != c.pos || !strings.Contains(pe.Msg, c.msg) {
			t.Errorf("%q: got kind %d at %d %q, want kind %d at %d %q", c.in, pe.Kind, pe.Pos, pe.Msg, c.kind, c.pos, c.msg)
		}
	}
}

func TestCheckSkip(t *testing.T) {
	for _, c := range []struct {
		pattern string
		skip    Skip
		kind    ErrorKind // 0: accepted
	}{
		{"a b", Skip{}, 0},
		{"a b", Skip{Mode: SkipToNextRow}, 0},
		{"a b+ c", Skip{Mode: SkipToFirst, Var: "b"}, 0},
		{"a b+ c", Skip{Mode: SkipToLast, Var: "c"}, 0},
		{"a b", Skip{Mode: SkipToFirst, Var: "a"}, ErrUnsupported},
		{"a* b", Skip{Mode: SkipToLast, Var: "b"}, ErrUnsupported},
		{"(a | b) c", Skip{Mode: SkipToLast, Var: "b"}, ErrUnsupported},
		{"PERMUTE(a, b) c", Skip{Mode: SkipToLast, Var: "b"}, ErrUnsupported},
		{"a{0} b c", Skip{Mode: SkipToLast, Var: "a"}, 0},
		{"a b", Skip{Mode: SkipToLast, Var: "z"}, ErrSyntax},
		{"a b", Skip{Mode: 9}, ErrSyntax},
	} {
		n, err := Parse(c.pattern)
		if err != nil {
			t.Fatal(err)
		}
		err = CheckSkip(n, c.skip)
		var pe *Error
		switch {
		case c.kind == 0 && err != nil:
			t.Errorf("%s %s: %v", c.pattern, c.skip, err)
		case c.kind != 0 && (!errors.As(err, &pe) || pe.Kind != c.kind):
			t.Errorf("%s %s: got %v, want kind %d", c.pattern, c.skip, err, c.kind)
		}
	}
}

func TestCheckHandBuilt(t *testing.T) {
	for _, c := range []struct {
		n    *Node
		want string
	}{
		{nil, "nil pattern"},
		{&Node{Kind: KindVar}, "without a name"},
		{&Node{Kind: KindConcat, Subs: []*Node{Var("a")}}, "concatenation of 1"},
		{&Node{Kind: KindAlt}, "alternation of 0"},
		{&Node{Kind: KindPermute}, "at least one argument"},
		{Quant(Var("a"), 3, 2, false), "bad bounds"},
		{Quant(Var("a"), -1, 2, false), "bad bounds"},
		{Quant(Var("a"), 1, MaxCount+1, false), "count above"},
		{&Node{Kind: KindQuant, Min: 1, Max: 1}, "quantifier over 0"},
		{&Node{Kind: 42}, "unknown node kind"},
		{Concat(Var("a"), nil), "nil sub-pattern"},
	} {
		err := Check(c.n)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: got %v, want %q", c.n, err, c.want)
		}
	}
}

func TestCompile(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		// VPL a -> b (SQL.md §4.5): a reluctant gap.
		{"a _g2*? b", `vars a _g2 b; start 0
0: var a -> 1
1: split 2 4
2: var b -> 3
3: accept
4: var _g2 -> 1
`},
		// Kleene in the middle: _g2*? (bs _g3*?)+? c.
		{"a _g2*? (bs _g3*?)+? c", `vars a _g2 bs _g3 c; start 0
0: var a -> 1
1: split 2 8
2: var bs -> 3
3: split 4 7
4: split 5 2
5: var c -> 6
6: accept
7: var _g3 -> 3
8: var _g2 -> 1
`},
		{"s{2,} b", `vars s b; start 0; counters 1; flags 0
0: enter c0 -> 1
1: loop c0 {2,} body 2 exit 4
2: var s -> 3
3: iter 1 -> 1
4: var b -> 5
5: accept
`},
		{"(a? b?)+ c", `vars a b c; start 0; counters 0; flags 1
0: split 1 2
1: var a -> 2
2: split 3 4
3: var b -> 4
4: iter 5 -> 5
5: loop + f0 body 0 exit 6
6: var c -> 7
7: accept
`},
		{"PERMUTE(a, b)", `vars a b; start 0
0: split 1 4
1: var a -> 2
2: var b -> 3
3: accept
4: var b -> 5
5: var a -> 3
`},
	} {
		n, err := Parse(c.in)
		if err != nil {
			t.Fatal(err)
		}
		a, err := Compile(n)
		if err != nil {
			t.Fatal(err)
		}
		if a.String() != c.want {
			t.Errorf("%s:\n%s\nwant\n%s", c.in, a, c.want)
		}
		if err := a.Validate(); err != nil {
			t.Errorf("%s: %v", c.in, err)
		}
	}
	// PERMUTE grows with the factorial of its arity.
	n, _ := Parse("PERMUTE(a, b, c, d, e, f, g, h)")
	if _, err := Compile(n); err == nil || err.(*Error).Kind != ErrTooLarge {
		t.Errorf("PERMUTE of 8: %v", err)
	}
	n, _ = Parse("PERMUTE(a, b, c, d, e, f)")
	if _, err := Compile(n); err != nil {
		t.Errorf("PERMUTE of 6: %v", err)
	}
}

func TestValidate(t *testing.T) {
	for _, a := range []*Automaton{
		{},
		{Vars: []string{"a"}, States: []State{{Op: OpVar, Var: 1}}},
		{Vars: []string{"a", "a"}, States: []State{{Op: OpAccept}}},
		{Vars: []string{"a"}, States: []State{{Op: OpSplit}}},
		{Vars: []string{"a"}, States: []State{{Op: OpEnter, Ctr: 0}}},
		{Vars: []string{"a"}, Counters: 1, States: []State{{Op: OpLoop, Ctr: 0, Flag: -1, Min: 3, Max: 2}}},
		{Vars: []string{"a"}, States: []State{{Op: OpIter, Loop: 0}}},
		{Vars: []string{"a"}, States: []State{{Op: 99}}},
		{Vars: []string{"a"}, Start: 3, States: []State{{Op: OpAccept}}},
	} {
		if err := a.Validate(); err == nil {
			t.Errorf("%+v validated", a)
		}
	}
}

// FuzzParseRowPattern checks that Parse never panics, that an accepted
// pattern prints as text that parses back to the same print, and that it
// compiles to a valid automaton (or is too large).
func FuzzParseRowPattern(f *testing.F) {
	for _, s := range []string{
		"a b* c", "A (B | C)+? D", "a{2} b{2,} c{,3} d{1,4}?", "(a b)?? | c", "PERMUTE(a, b c, d | e)+",
		`"x""y" z`, "a -- c\n b /* c */", "^a", "a {- b -}", "a{3,2}", "(a? b?)* c", "((a?){2,3})+? b",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := Parse(s)
		if err != nil {
			var pe *Error
			if !errors.As(err, &pe) || pe.Pos < 0 || pe.Pos > len(s) {
				t.Fatalf("%q: bad error %v", s, err)
			}
			return
		}
		text := n.String()
		m, err := Parse(text)
		if err != nil {
			t.Fatalf("%q printed as %q: %v", s, text, err)
		}
		if m.String() != text {
			t.Fatalf("%q printed as %q, then as %q", s, text, m.String())
		}
		a, err := Compile(n)
		if err != nil {
			if err.(*Error).Kind != ErrTooLarge {
				t.Fatalf("%q: %v", s, err)
			}
			return
		}
		if err := a.Validate(); err != nil {
			t.Fatalf("%q: %v", s, err)
		}
		for _, v := range n.Vars() {
			CheckSkip(n, Skip{Mode: SkipToLast, Var: v})
		}
	})
}

// TestClosureBudget checks that nested counts over bodies that can be
// empty, which a closure would multiply, are rejected.
func TestClosureBudget(t *testing.T) {
	for s, ok := range map[string]bool{
		"(a?){1000} b":                    true,
		"(a{1000}){1000} b":               true,
		"((a?){100}){100} b":              false,
		"(((a?){10000}){10000}){10000} b": false,
	} {
		n, err := Parse(s)
		if err != nil {
			t.Fatal(err)
		}
		_, err = Compile(n)
		if (err == nil) != ok {
			t.Errorf("%s: %v", s, err)
		}
	}
}

// TestCompileBudget checks that PERMUTE over arguments without states
// does not enumerate factorially many permutations.
func TestCompileBudget(t *testing.T) {
	for _, s := range []string{
		"b PERMUTE(a{0}, a{0}, a{0}, a{0}, a{0}, a{0}, a{0}, a{0}, a{0}, a{0}, a{0}, a{0}, a{0})",
		"b PERMUTE(PERMUTE(a{0}, a{0}, a{0}, a{0}, a{0}, a{0}), PERMUTE(a{0}, a{0}, a{0}, a{0}, a{0}, a{0}), a{0}, a{0}, a{0}, a{0}, a{0})",
	} {
		n, err := Parse(s)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Compile(n); err == nil || err.(*Error).Kind != ErrTooLarge {
			t.Errorf("%s: %v", s, err)
		}
	}
}
