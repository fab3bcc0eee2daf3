package planner

import (
	"strconv"

	"github.com/varpulis/varpulis-go/event"
	"github.com/varpulis/varpulis-go/vpl"
)

// Named patterns (VPL.md §2): `pattern N = P [within d] [partition by k]
// [policy p]` with P := P OR P | I AND I | SEQ(item, ...) | item | ( P ).
// docs/patterns.md ("Named patterns") fixes what each form means; this
// file only builds the representation (Pattern.Alts, Pattern.And,
// PatternStep.Optional, PatternNot.SkipFrom).

// lowerNamedPattern lowers the named pattern d, used as a stream source,
// into p and its clauses into p and st; sc.aliases receives every alias of
// the pattern.
func (l *lowerer) lowerNamedPattern(p *Pattern, d *vpl.PatternDecl, st *Stream, sc *scope) error {
	sides := orSides(d.Pattern)
	if len(sides) > 1 {
		types := map[string]string{} // alias -> type, "" when sides disagree
		for _, side := range sides {
			for _, it := range itemsOf(side) {
				if it.Alias == "" || it.Not {
					continue
				}
				if t, ok := types[it.Alias]; ok && t != it.Type {
					types[it.Alias] = ""
				} else if !ok {
					types[it.Alias] = it.Type
				}
			}
		}
		for _, side := range sides {
			alt := &Pattern{Policy: "next"}
			// Aliases only other alternatives bind are in scope, so that
			// they resolve as aliases, and then read null.
			aliases := map[string]aliasRef{}
			own := map[string]bool{}
			for _, it := range itemsOf(side) {
				own[it.Alias] = true
			}
			dead := map[string]bool{}
			for a, t := range types {
				if !own[a] {
					aliases[a] = aliasRef{name: a, kinds: l.declKinds(t, 0)}
					dead[a] = true
				}
			}
			if err := l.lowerPatternExpr(alt, side, aliases); err != nil {
				return err
			}
			for i := range alt.Steps {
				s := &alt.Steps[i]
				s.Pred, s.SelfPred, s.Closing = nullAliases(s.Pred, dead), nullAliases(s.SelfPred, dead), nullAliases(s.Closing, dead)
			}
			for i := range alt.Nots {
				alt.Nots[i].Pred = nullAliases(alt.Nots[i].Pred, dead)
			}
			p.Alts = append(p.Alts, alt)
		}
		for a, t := range types {
			sc.aliases[a] = aliasRef{name: a, kinds: l.declKinds(t, 0)}
		}
		for _, alt := range p.Alts { // unnamed items
			for _, s := range alt.Steps {
				if _, ok := sc.aliases[s.Alias]; !ok {
					sc.aliases[s.Alias] = aliasRef{name: s.Alias, kinds: l.declKinds(s.Type, 0)}
				}
			}
		}
	} else if err := l.lowerPatternExpr(p, d.Pattern, sc.aliases); err != nil {
		return err
	}
	if d.Within != nil {
		w, err := l.constDuration(d.Within, sc)
		if err != nil {
			return err
		}
		p.Within = w
	}
	if len(d.PartitionBy) > 0 {
		st.PartitionBy = d.PartitionBy
	}
	if d.Policy != "" {
		p.Policy = d.Policy
	}
	return nil
}

// orSides flattens `P1 OR P2 OR ...` (parenthesised groups included) into
// its sides, in written order.
func orSides(e vpl.PatternExpr) []vpl.PatternExpr {
	b, ok := e.(*vpl.PatternBinary)
	if !ok || b.Op != "OR" {
		return []vpl.PatternExpr{e}
	}
	return append(orSides(b.X), orSides(b.Y)...)
}

// itemsOf lists the items of a pattern expression in written order.
func itemsOf(e vpl.PatternExpr) []*vpl.PatternItem {
	switch e := e.(type) {
	case *vpl.PatternItem:
		return []*vpl.PatternItem{e}
	case *vpl.PatternSeq:
		var out []*vpl.PatternItem
		for _, it := range e.Items {
			out = append(out, itemsOf(it)...)
		}
		return out
	case *vpl.PatternBinary:
		return append(itemsOf(e.X), itemsOf(e.Y)...)
	}
	return nil
}

// lowerPatternExpr lowers one side of an OR (a SEQ, a single item or an
// AND) into p; aliases receives the side's aliases.
func (l *lowerer) lowerPatternExpr(p *Pattern, e vpl.PatternExpr, aliases map[string]aliasRef) error {
	switch x := e.(type) {
	case *vpl.PatternSeq:
		return l.lowerSeq(p, x.Pos, x.Items, aliases)
	case *vpl.PatternItem:
		return l.lowerSeq(p, x.Pos, []vpl.PatternExpr{x}, aliases)
	case *vpl.PatternBinary:
		if x.Op == "AND" {
			return l.lowerAnd(p, x, aliases)
		}
	}
	return l.errorf(e.Position(), "nested patterns are not supported yet")
}

// lowerSeq lowers the items of SEQ(...) (or a single item): each item is a
// step, each NOT item a negation guarding the gap it stands in.
func (l *lowerer) lowerSeq(p *Pattern, pos vpl.Pos, items []vpl.PatternExpr, aliases map[string]aliasRef) error {
	first := len(p.Nots)
	mandatory := false
	for _, it := range items {
		item, ok := it.(*vpl.PatternItem)
		if !ok {
			return l.errorf(it.Position(), "nested patterns are not supported yet")
		}
		if item.Not {
			// Guards the gap after the steps so far: until the next step
			// binds, or, last in SEQ, up to the completion (with a within:
			// an absence).
			n := PatternNot{Type: item.Type, After: len(p.Steps), Before: len(p.Steps) + 1, Trailing: true}
			if item.Where != nil {
				nsc := &scope{aliases: aliases, kinds: l.declKinds(item.Type, 0)}
				pred, err := l.lowerExpr(item.Where, nsc)
				if err != nil {
					return err
				}
				n.Pred = pred
			}
			p.Nots = append(p.Nots, n)
			continue
		}
		kleene, optional := false, false
		switch item.Quantifier {
		case '+':
			kleene = true
		case '?':
			optional = true
		case '*':
			kleene, optional = true, true
		}
		mandatory = mandatory || !optional
		for i := first; i < len(p.Nots); i++ {
			p.Nots[i].Trailing = false // an item follows
		}
		if err := l.addStep(p, aliases, item.Type, item.Alias, kleene, optional, item.Where, 0); err != nil {
			return err
		}
	}
	if !mandatory {
		return l.errorf(pos, "every item of this pattern is optional (? or *), so it would match no event; "+
			"make one of them mandatory")
	}
	// A NOT item after optional steps: a run that has not bound the step
	// it follows may still skip over it (PatternNot.SkipFrom).
	for i := first; i < len(p.Nots); i++ {
		n := &p.Nots[i]
		last := 0 // the last mandatory step up to n.After
		for k := 1; k <= n.After; k++ {
			if !p.Steps[k-1].Optional {
				last = k
			}
		}
		if from := max(last, 1); from < n.After {
			n.SkipFrom = from
		}
	}
	return nil
}

// lowerAnd lowers `I1 AND I2`: two ordinary steps binding in either order.
// Conjuncts that mention the other item's alias are tested when the second
// event arrives, both bound (PatternStep.Closing); the others when an
// event is offered.
func (l *lowerer) lowerAnd(p *Pattern, b *vpl.PatternBinary, aliases map[string]aliasRef) error {
	var items [2]*vpl.PatternItem
	for i, x := range []vpl.PatternExpr{b.X, b.Y} {
		it, ok := x.(*vpl.PatternItem)
		if !ok {
			return l.errorf(x.Position(), "AND combines two single items")
		}
		if it.Quantifier != 0 {
			return l.errorf(it.Pos, "AND combines two single events: the %c quantifier cannot apply to its items", it.Quantifier)
		}
		items[i] = it
	}
	var names [2]string
	var refs [2]aliasRef
	for i, it := range items {
		names[i] = it.Alias
		if names[i] == "" {
			names[i] = "_s" + strconv.Itoa(i+1)
		}
		refs[i] = aliasRef{name: names[i], kinds: l.declKinds(it.Type, 0)}
	}
	// lowerItem lowers item i's predicate with its event as the candidate
	// and the other item's alias bound; it returns the conjuncts that do
	// not mention the other alias and those that do.
	lowerItem := func(i int) (own, cross Expr, err error) {
		if items[i].Where == nil {
			return nil, nil, nil
		}
		sc := &scope{alias: names[i], kinds: l.declKinds(items[i].Type, 0), aliases: map[string]aliasRef{}}
		for n, a := range aliases {
			sc.aliases[n] = a
		}
		sc.aliases[names[1-i]] = refs[1-i]
		pred, err := l.lowerExpr(items[i].Where, sc)
		if err != nil {
			return nil, nil, err
		}
		own, cross = splitByAlias(pred, names[1-i])
		return own, cross, nil
	}
	p.And = true
	for i, it := range items {
		own, cross, err := lowerItem(i)
		if err != nil {
			return err
		}
		p.Steps = append(p.Steps, PatternStep{Type: it.Type, Alias: names[i], Pred: own, Closing: cross})
	}
	// The other item's conjuncts that mention this item's alias, read from
	// this item's event as the current one.
	for i := range items {
		j := 1 - i
		_, cross, err := lowerItem(j) // a fresh tree: swapCurrent rewrites in place
		if err != nil {
			return err
		}
		if cross == nil {
			continue
		}
		swapped, err := l.swapCurrent(cross, names[j], items[j].Type, names[i], items[j].Where.Position())
		if err != nil {
			return err
		}
		p.Steps[i].Closing = Conjoin(p.Steps[i].Closing, swapped)
	}
	for i := range items {
		aliases[names[i]] = refs[i]
	}
	return nil
}

// swapCurrent rewrites e, written with the current event as the event of
// alias cur (of type typ) and alias other bound, so that it reads the
// event of cur through its alias and the event of other as the current
// one.
func (l *lowerer) swapCurrent(e Expr, cur, typ, other string, pos vpl.Pos) (Expr, error) {
	var err error
	out := Rewrite(e, func(x Expr) Expr {
		switch x := x.(type) {
		case *FieldRef:
			return &AliasField{Alias: cur, Field: x.Name, K: x.K}
		case *CurrentEvent:
			return &AliasEvent{Alias: cur}
		case *EventTimeOf:
			return &AliasTime{Alias: cur}
		case *EventTypeOf:
			return &Const{Val: event.String(typ)}
		case *AliasField:
			if x.Alias == other {
				return &FieldRef{Name: x.Field, K: x.K}
			}
		case *AliasEvent:
			if x.Alias == other {
				return &CurrentEvent{}
			}
		case *AliasTime:
			if x.Alias == other {
				return &EventTimeOf{}
			}
		case *FieldOrGlobal:
			if err == nil {
				err = l.errorf(pos, "%s names both a field and a global variable here; in an AND item that "+
					"reads the other item's alias, write %s.%s or rename the variable", x.Name, cur, x.Name)
			}
		case *AliasAgg:
			if err == nil {
				err = l.errorf(pos, "an alias aggregate cannot relate the two items of AND")
			}
		}
		return x
	})
	return out, err
}

// deadAliases lists the aliases in scope that alternative alt does not
// bind.
func deadAliases(scope map[string]aliasRef, alt *Pattern) map[string]bool {
	dead := map[string]bool{}
	for a := range scope {
		dead[a] = true
	}
	for _, s := range alt.Steps {
		delete(dead, s.Alias)
	}
	return dead
}

// nullAliases replaces the reads of the aliases in dead, which no event
// ever binds, by their value: null (count: 0).
func nullAliases(e Expr, dead map[string]bool) Expr {
	if e == nil || len(dead) == 0 {
		return e
	}
	null := &Const{Val: event.Null}
	return Fold(Rewrite(e, func(x Expr) Expr {
		switch x := x.(type) {
		case *AliasField:
			if dead[x.Alias] {
				return null
			}
		case *AliasEvent:
			if dead[x.Alias] {
				return null
			}
		case *AliasTime:
			if dead[x.Alias] {
				return null
			}
		case *AliasAgg:
			if dead[x.Alias] {
				if x.Fn == "count" {
					return &Const{Val: event.Int(0)}
				}
				return null
			}
		}
		return x
	}))
}
