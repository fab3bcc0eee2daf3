package planner

import (
	"fmt"
	"slices"
	"strconv"

	"github.com/cockroachdb/errors"
	"github.com/varpulis/varpulis-go/event"
	"github.com/varpulis/varpulis-go/event/scalar"
	"github.com/varpulis/varpulis-go/planner/rowpattern"
)

// RowPattern is a Pattern written as a MATCH_RECOGNIZE row pattern that
// has no VPL reading (SQL.md §4): it runs with SQL:2016's preference
// order and AFTER MATCH SKIP over the rows of a partition in ts order.
type RowPattern struct {
	Automaton *rowpattern.Automaton
	Node      *rowpattern.Node // the pattern as written, for EXPLAIN
	// Define holds, per variable of Automaton.Vars, its condition: bare
	// names read the row tried, v.f the last row bound to v before it
	// (running semantics). nil: every row.
	Define []Expr
	Skip   rowpattern.Skip
	// TimeoutRows: ONE ROW PER MATCH WITH TIMEOUT ROWS (SQL.md §4.3).
	TimeoutRows bool
}

// RowPatternSpec is what decides a MATCH_RECOGNIZE's matches: the clauses
// the SQL front end hands to CompileRowPattern.
type RowPatternSpec struct {
	Pattern *rowpattern.Node
	// Define maps a variable (folded as in Pattern) to its condition; a
	// variable without one matches every row. The front end lowers
	// `(c) IS NOT TRUE` with NotTrue and `_stream = 'T'` with an
	// event_type() test.
	Define map[string]Expr
	Skip   rowpattern.Skip
	Within int64 // ns; 0: none
	// TimeoutRows: ONE ROW PER MATCH WITH TIMEOUT ROWS (needs Within).
	TimeoutRows bool
	// Input is the event type of the rows when the input is one stream;
	// empty when it is a union, whose conditions then test event_type().
	Input string
	// PartitionBy is the PARTITION BY clause; without it a chain infers
	// its partitions from its predicates as a VPL pattern does.
	PartitionBy []string
	// Literal compiles the pattern as a row pattern even when it has a
	// VPL reading, keeping SQL:2016's literal meaning: the tests that
	// run both runtimes on the table's shapes use it.
	Literal bool
}

// CompileRowPattern compiles a MATCH_RECOGNIZE's pattern to the Pattern
// operator. A pattern of one of the shapes of SQL.md §4.5's table
// compiles to the chain of steps its VPL text gives, so the two spellings
// are one operator and agree by construction (docs/patterns.md, reading
// S1); any other becomes a RowPattern.
func CompileRowPattern(spec RowPatternSpec) (*Pattern, error) {
	if spec.Pattern == nil {
		return nil, errors.New("row pattern: no PATTERN")
	}
	a, err := rowpattern.Compile(spec.Pattern)
	if err != nil {
		return nil, err
	}
	if err := rowpattern.CheckSkip(spec.Pattern, spec.Skip); err != nil {
		return nil, err
	}
	if spec.TimeoutRows && spec.Within <= 0 {
		return nil, errors.WithHint(
			&rowpattern.Error{Kind: rowpattern.ErrUnsupported, Pos: -1, Msg: "WITH TIMEOUT ROWS without WITHIN"},
			"a timeout row comes when WITHIN's deadline passes: add WITHIN INTERVAL '...'")
	}
	defs := make([]Expr, len(a.Vars))
	for name, e := range spec.Define {
		i := a.VarIndex(name)
		if i < 0 {
			return nil, errors.WithHint(
				&rowpattern.Error{Kind: rowpattern.ErrSyntax, Pos: -1, Msg: fmt.Sprintf("DEFINE %s: not a pattern variable", rowpattern.QuoteName(name))},
				"every DEFINE names a variable of PATTERN")
		}
		defs[i] = e
	}
	if !spec.Literal {
		if p := chainOf(spec, a.Vars, defs); p != nil {
			p.InputTS = true
			return p, nil
		}
	}
	return &Pattern{
		Policy:  "next",
		Within:  spec.Within,
		Rows:    &RowPattern{Automaton: a, Node: spec.Pattern, Define: defs, Skip: spec.Skip, TimeoutRows: spec.TimeoutRows},
		InputTS: true,
	}, nil
}

// RowSpelling writes a VPL chain the way SQL.md §4.5's table spells it
// in MATCH_RECOGNIZE, partitioned by partitionBy (the stream's
// .partition_by): the spec CompileRowPattern reads back as p. It reports
// false for what has no spelling there: policies any and strict, a
// Kleene first or last step, a Kleene step's comparison with its
// previous element, optional steps, AND and OR, per-step within,
// negations of a SEQ gap, and absences. Gap variables are named _g<k>
// (_h<k> inside a Kleene step), as the table names them.
func (p *Pattern) RowSpelling(partitionBy []string) (RowPatternSpec, bool) {
	n := len(p.Steps)
	if p.Policy != "next" || p.And || len(p.Alts) > 0 || p.Rows != nil || n == 0 || p.Steps[0].Kleene || p.Steps[n-1].Kleene {
		return RowPatternSpec{}, false
	}
	for _, st := range p.Steps {
		if st.Optional || st.SelfPred != nil || st.Closing != nil || st.Within > 0 {
			return RowPatternSpec{}, false
		}
	}
	one := true
	for _, st := range p.Steps {
		one = one && st.Type == p.Steps[0].Type
	}
	for _, no := range p.Nots {
		if no.After != 1 || no.Before != n+1 || no.SkipFrom > 0 || no.Trailing && p.Within > 0 {
			return RowPatternSpec{}, false
		}
		one = one && no.Type == p.Steps[0].Type
	}
	spec := RowPatternSpec{
		Define:      map[string]Expr{},
		Skip:        rowpattern.Skip{Mode: rowpattern.SkipToNextRow},
		Within:      p.Within,
		PartitionBy: partitionBy,
	}
	if one {
		spec.Input = p.Steps[0].Type
	}
	cond := func(typ string, pred Expr) Expr {
		if one {
			return pred
		}
		return Conjoin(&Binary{Op: scalar.OpEq, X: &EventTypeOf{}, Y: &Const{Val: event.String(typ)}, K: event.KindBool}, pred)
	}
	notTrue := func(e Expr) Expr {
		if e == nil {
			e = &Const{Val: event.Bool(true)}
		}
		return NotTrue(e)
	}
	var negs []Expr
	for _, no := range p.Nots {
		negs = append(negs, notTrue(cond(no.Type, no.Pred)))
	}
	define := func(v string, e Expr, withNegs bool) {
		if withNegs {
			for _, n := range negs {
				e = Conjoin(e, n)
			}
		}
		if e != nil {
			spec.Define[v] = e
		}
	}
	var subs []*rowpattern.Node
	for k, st := range p.Steps {
		c := cond(st.Type, st.Pred)
		if k == 0 {
			subs = append(subs, rowpattern.Var(st.Alias))
			define(st.Alias, c, false)
			continue
		}
		g := "_g" + strconv.Itoa(k+1)
		subs = append(subs, rowpattern.Quant(rowpattern.Var(g), 0, rowpattern.Unbounded, true))
		define(g, notTrue(c), true)
		define(st.Alias, c, true)
		if !st.Kleene {
			subs = append(subs, rowpattern.Var(st.Alias))
			continue
		}
		h := "_h" + strconv.Itoa(k+1)
		next := p.Steps[k+1]
		inner := rowpattern.Concat(rowpattern.Var(st.Alias), rowpattern.Quant(rowpattern.Var(h), 0, rowpattern.Unbounded, true))
		subs = append(subs, rowpattern.Quant(inner, 1, rowpattern.Unbounded, true))
		define(h, Conjoin(notTrue(c), notTrue(cond(next.Type, next.Pred))), true)
	}
	spec.Pattern = rowpattern.Concat(subs...)
	return spec, true
}

// NotTrue is `(x) IS NOT TRUE`: true when x is false or null.
func NotTrue(x Expr) Expr {
	return &Cond{If: x, Then: &Const{Val: event.Bool(false)}, Else: &Const{Val: event.Bool(true)}}
}

// notTrueOf returns x when e is NotTrue(x).
func notTrueOf(e Expr) (Expr, bool) {
	c, ok := e.(*Cond)
	if !ok {
		return nil, false
	}
	t, ok1 := c.Then.(*Const)
	f, ok2 := c.Else.(*Const)
	if !ok1 || !ok2 || t.Val != event.Bool(false) || f.Val != event.Bool(true) {
		return nil, false
	}
	return c.If, true
}

// chainOf reads a row pattern of one of SQL.md §4.5's shapes as the VPL
// pattern it spells, or returns nil:
//
//	v1 (_g_k*? v_k | _g_k*? (v_k _h_k*?)+?)* with AFTER MATCH SKIP TO NEXT ROW
//
// where each v_k is defined by c_k, each gap _g_k by (c_k) IS NOT TRUE,
// a Kleene step's inner gap _h_k by (c_k) IS NOT TRUE AND (c_k+1) IS NOT
// TRUE, the last step is not Kleene, and every variable but the first
// may carry the same further conjuncts (cN) IS NOT TRUE, the negations.
// c_k is `event_type() == 'T_k' AND p_k`, or p_k over a one-stream input.
// A p_k that reads its own variable, a later one or a gap is not read
// (SQL's v.f inside its own DEFINE is not VPL's), nor are timeout rows
// (an absence also needs the query's WHERE, which is not here).
func chainOf(spec RowPatternSpec, vars []string, defs []Expr) *Pattern {
	if spec.Skip.Mode != rowpattern.SkipToNextRow || spec.TimeoutRows {
		return nil
	}
	items := chainItems(spec.Pattern)
	if items == nil {
		return nil
	}
	def := func(v string) Expr { return defs[slices.Index(vars, v)] }
	// The negations: the conjuncts NotTrue(x) every later variable has.
	var later []string
	for _, it := range items[1:] {
		later = append(later, it.gap, it.step)
		if it.inner != "" {
			later = append(later, it.inner)
		}
	}
	var negs []Expr
	if len(later) > 0 {
		for _, c := range Conjuncts(def(later[0])) {
			if _, ok := notTrueOf(c); !ok {
				continue
			}
			common := true
			for _, v := range later[1:] {
				if !hasConjunct(def(v), c) {
					common = false
					break
				}
			}
			if common {
				negs = append(negs, c)
			}
		}
	}
	isNeg := func(c Expr) bool { return slices.ContainsFunc(negs, func(n Expr) bool { return sameExpr(n, c) }) }
	own := func(v string) []Expr { // v's conjuncts but the negations
		var out []Expr
		for _, c := range Conjuncts(def(v)) {
			if !isNeg(c) {
				out = append(out, c)
			}
		}
		return out
	}
	// A step's condition, as written: the front end appends the
	// negations to c_k, so peeling them off the right keeps c_k's shape
	// (and EXPLAIN prints what the VPL text gives); otherwise it is
	// rebuilt from the conjuncts.
	condOf := func(v string) Expr {
		e, peeled := def(v), 0
		for b, ok := e.(*Binary); ok && b.Op == scalar.OpAnd && isNeg(b.Y); b, ok = e.(*Binary) {
			e = b.X
			peeled++
		}
		if peeled == len(negs) && !slices.ContainsFunc(Conjuncts(e), isNeg) {
			return e
		}
		return conjoinAll(own(v))
	}
	// Names the predicates may read: the steps before.
	bound := map[string]bool{}
	p := &Pattern{Policy: "next", Within: spec.Within}
	var cs [][]Expr // per step, the conjuncts of c_k
	for k, it := range items {
		c := def(it.step)
		if k > 0 {
			c = condOf(it.step)
		}
		typ, pred, ok := stepCondition(spec.Input, c)
		if !ok || mentionsOtherThan(pred, bound) {
			return nil
		}
		alias := it.step
		p.Steps = append(p.Steps, PatternStep{Type: typ, Alias: alias, Kleene: it.inner != "", Pred: pred})
		cs = append(cs, Conjuncts(c))
		bound[alias] = true
	}
	for k, it := range items[1:] {
		k++
		if !notTrueAll(own(it.gap), cs[k]) {
			return nil
		}
		if it.inner != "" && !notTrueAll(own(it.inner), cs[k], cs[k+1]) {
			return nil
		}
	}
	for _, neg := range negs {
		x, _ := notTrueOf(neg)
		typ, pred, ok := stepCondition(spec.Input, x)
		if !ok || mentionsOtherThan(pred, bound) {
			return nil
		}
		p.Nots = append(p.Nots, PatternNot{Type: typ, Pred: pred, After: 1, Before: len(p.Steps) + 1})
	}
	if len(spec.PartitionBy) == 0 {
		p.KeyFields = inferKeys(p)
	}
	return p
}

// chainItem is a step of a table shape: its variable, the gap before it
// (none for the first) and, for a Kleene step, its inner gap.
type chainItem struct {
	step, gap, inner string
}

// chainItems reads the steps of a pattern of the table's shape, each
// variable used once, or returns nil.
func chainItems(n *rowpattern.Node) []chainItem {
	subs := []*rowpattern.Node{n}
	if n.Kind == rowpattern.KindConcat {
		subs = n.Subs
	}
	if subs[0].Kind != rowpattern.KindVar {
		return nil
	}
	items := []chainItem{{step: subs[0].Name}}
	gapOf := func(n *rowpattern.Node) (string, bool) {
		if n.Kind != rowpattern.KindQuant || n.Min != 0 || n.Max != rowpattern.Unbounded || !n.Reluctant || n.Subs[0].Kind != rowpattern.KindVar {
			return "", false
		}
		return n.Subs[0].Name, true
	}
	for rest := subs[1:]; len(rest) > 0; rest = rest[2:] {
		if len(rest) < 2 {
			return nil
		}
		g, ok := gapOf(rest[0])
		if !ok {
			return nil
		}
		switch s := rest[1]; {
		case s.Kind == rowpattern.KindVar:
			items = append(items, chainItem{step: s.Name, gap: g})
		case s.Kind == rowpattern.KindQuant && s.Min == 1 && s.Max == rowpattern.Unbounded && s.Reluctant &&
			s.Subs[0].Kind == rowpattern.KindConcat && len(s.Subs[0].Subs) == 2 && s.Subs[0].Subs[0].Kind == rowpattern.KindVar:
			h, ok := gapOf(s.Subs[0].Subs[1])
			if !ok || len(rest) == 2 { // a Kleene last step has no SQL spelling
				return nil
			}
			items = append(items, chainItem{step: s.Subs[0].Subs[0].Name, gap: g, inner: h})
		default:
			return nil
		}
	}
	seen := map[string]bool{}
	for _, it := range items {
		for _, v := range []string{it.step, it.gap, it.inner} {
			if v == "" {
				continue
			}
			if seen[v] {
				return nil
			}
			seen[v] = true
		}
	}
	return items
}

// stepCondition splits c_k into its event type and predicate: c_k is
// `event_type() == 'T' AND p`, `event_type() == 'T'`, or p over a
// one-stream input.
func stepCondition(input string, c Expr) (typ string, pred Expr, ok bool) {
	typ, pred = input, c
	if t, ok := typeTest(c); ok {
		typ, pred = t, nil
	} else if b, ok := c.(*Binary); ok && b.Op == scalar.OpAnd {
		if t, ok := typeTest(b.X); ok {
			typ, pred = t, b.Y
		}
	}
	if typ == "" || slices.ContainsFunc(Conjuncts(pred), func(x Expr) bool { _, ok := typeTest(x); return ok }) {
		return "", nil, false
	}
	return typ, pred, true
}

// typeTest returns T when e is event_type() == 'T'.
func typeTest(e Expr) (string, bool) {
	b, ok := e.(*Binary)
	if !ok || b.Op != scalar.OpEq {
		return "", false
	}
	x, y := b.X, b.Y
	if _, ok := x.(*EventTypeOf); !ok {
		x, y = y, x
	}
	if _, ok := x.(*EventTypeOf); !ok {
		return "", false
	}
	c, ok := y.(*Const)
	if !ok || c.Val.Kind() != event.KindString {
		return "", false
	}
	return c.Val.AsString(), true
}

// mentionsOtherThan reports whether e reads an alias not in bound.
func mentionsOtherThan(e Expr, bound map[string]bool) bool {
	other := false
	Walk(e, func(x Expr) bool {
		var alias string
		switch x := x.(type) {
		case *AliasField:
			alias = x.Alias
		case *AliasEvent:
			alias = x.Alias
		case *AliasTime:
			alias = x.Alias
		case *AliasAgg:
			alias = x.Alias
		default:
			return true
		}
		other = other || !bound[alias]
		return !other
	})
	return other
}

func conjoinAll(cs []Expr) Expr {
	var e Expr
	for _, c := range cs {
		e = Conjoin(e, c)
	}
	return e
}

// sameExpr compares expressions by their canonical text.
func sameExpr(a, b Expr) bool { return a.String() == b.String() }

func hasConjunct(e, c Expr) bool {
	return slices.ContainsFunc(Conjuncts(e), func(x Expr) bool { return sameExpr(x, c) })
}

// notTrueAll reports whether the conjuncts got are NotTrue(c) for each
// condition c of want (each a list of conjuncts), in any order.
func notTrueAll(got []Expr, want ...[]Expr) bool {
	if len(got) != len(want) {
		return false
	}
	used := make([]bool, len(want))
	for _, g := range got {
		x, ok := notTrueOf(g)
		if !ok {
			return false
		}
		found := false
		for i, w := range want {
			if !used[i] && sameConjuncts(Conjuncts(x), w) {
				used[i], found = true, true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// sameConjuncts reports whether a and b hold the same conjuncts, in any
// order; true constants do not count.
func sameConjuncts(a, b []Expr) bool {
	texts := func(xs []Expr) []string {
		var out []string
		for _, x := range xs {
			if c, ok := x.(*Const); ok && c.Val == event.Bool(true) {
				continue
			}
			out = append(out, x.String())
		}
		slices.Sort(out)
		return out
	}
	return slices.Equal(texts(a), texts(b))
}
