package patternoracle

import (
	"math/rand/v2"
)

// RandomNamed generates a small case with a named pattern (VPL.md §2): a
// SEQ of 1–4 items (plain, ?, *, +; at least one mandatory, at most two
// Kleene) with up to two NOT items, an AND of two items whose predicates
// may read each other's alias, or an OR of two or three such sides; with
// .within, partition by, policy, out_of_order and a .not on the stream as
// Random draws them, and 0–20 input events (fewer under policy any).
// Predicates come from Random's family; in a SEQ they read earlier aliases
// and the step's own, in an AND the other item's too.
func RandomNamed(r *rand.Rand) (Pattern, []Event) {
	p := Pattern{Named: "P"}
	switch x := r.IntN(20); {
	case x < 11:
		p.Steps, p.Nots = randSeq(r)
	case x < 14:
		p.Steps, p.And = randAnd(r), true
	default:
		for range 2 + r.IntN(2) {
			var side Pattern
			if r.IntN(4) == 0 {
				side.Steps, side.And = randAnd(r), true
			} else {
				side.Steps, side.Nots = randSeq(r)
			}
			p.Or = append(p.Or, side)
		}
	}
	randClauses(r, &p)

	// Every step of every side, for the stream's .not and the .emit.
	var all Pattern
	sides := p.Or
	if len(sides) == 0 {
		sides = []Pattern{p}
	}
	seen := map[string]bool{}
	for _, s := range sides {
		for _, st := range s.Steps {
			if !seen[st.Alias] {
				seen[st.Alias] = true
				all.Steps = append(all.Steps, st)
			}
		}
	}
	if r.IntN(4) == 0 {
		n := Negation{Type: Types[r.IntN(len(Types))]}
		if len(p.Or) == 0 {
			n.After = len(p.Steps)
		}
		if r.IntN(3) > 0 {
			n.Where = []Expr{randNotCond(r, all.Steps)}
		}
		p.Nots = append(p.Nots, n)
	}
	p.Emit = randEmit(r, all)

	nEvents := 3 + r.IntN(18)
	if r.IntN(10) == 0 {
		nEvents = r.IntN(3)
	}
	if p.policy() == Any {
		nEvents = min(nEvents, 12)
		for _, s := range all.Steps {
			if s.Kleene || s.Optional {
				nEvents = min(nEvents, 9)
			}
		}
	}
	var seq, used []string
	for _, s := range sides {
		for _, st := range s.Steps {
			seq = append(seq, st.Type)
		}
		for _, n := range s.Nots {
			used = append(used, n.Type)
		}
	}
	used = append(used, seq...)
	for _, n := range p.Nots {
		used = append(used, n.Type)
	}
	return p, randEvents(r, seq, used, nEvents)
}

// randSeq draws the items of a SEQ: steps with quantifiers and predicates
// on earlier aliases, and NOT items after step 1 or later.
func randSeq(r *rand.Rand) ([]Step, []Negation) {
	var p Pattern
	n := 1 + r.IntN(4)
	kleenes, mandatory := 0, false
	for j := range n {
		s := Step{Type: Types[r.IntN(len(Types))], Alias: aliasNames[j]}
		switch x := r.IntN(20); {
		case x < 9:
		case x < 13:
			s.Optional = true
		case x < 16 && kleenes < 2:
			s.Optional, s.Kleene = true, true
			kleenes++
		case kleenes < 2:
			s.Kleene = true
			kleenes++
		}
		mandatory = mandatory || !s.Optional
		p.Steps = append(p.Steps, s)
	}
	if !mandatory {
		p.Steps[r.IntN(n)].Optional = false // N1: one mandatory item at least
	}
	for j := range p.Steps {
		if n == 1 && r.IntN(2) == 0 {
			break
		}
		randStepConds(r, &p, j)
	}
	var nots []Negation
	for range []int{0, 0, 0, 1, 2}[r.IntN(5)] {
		neg := Negation{Type: Types[r.IntN(len(Types))], After: 1 + r.IntN(n), Item: true}
		if r.IntN(3) > 0 {
			neg.Where = []Expr{randNotCond(r, p.Steps[:neg.After])}
		}
		nots = append(nots, neg)
	}
	return p.Steps, nots
}

// randAnd draws the two items of an AND: predicates on the item's own
// event, or comparing it with the other item's.
func randAnd(r *rand.Rand) []Step {
	steps := []Step{{Type: Types[r.IntN(len(Types))], Alias: "a"}, {Type: Types[r.IntN(len(Types))], Alias: "b"}}
	for j := range steps {
		other := steps[1-j].Alias
		for range []int{0, 0, 1, 1, 2}[r.IntN(5)] {
			var c Expr
			switch r.IntN(5) {
			case 0:
				c = Cmp(Field("v"), randOp(r), randConst(r))
			case 1:
				c = Cmp(Ref(steps[j].Alias, "v"), randOp(r), randConst(r))
			case 2:
				c = Cmp(Field("k"), "==", Ref(other, "k"))
			default:
				c = Cmp(Field("v"), randOp(r), Ref(other, "v"))
			}
			steps[j].Where = append(steps[j].Where, c)
		}
	}
	return steps
}
