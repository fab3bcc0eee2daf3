package patternoracle

import "fmt"

// Named patterns (VPL.md §2): optional steps, NOT items, AND and OR, as
// docs/patterns.md ("Named patterns", readings N1–N11) reads them.

// sides returns the patterns matched independently: the alternatives of an
// OR, each with the top level's settings and .not negations (N10), or p.
func (p Pattern) sides() []Pattern {
	if len(p.Or) == 0 {
		return []Pattern{p}
	}
	out := make([]Pattern, len(p.Or))
	for i, alt := range p.Or {
		s := p
		s.Or = nil
		s.Steps, s.And = alt.Steps, alt.And
		s.Nots = append([]Negation(nil), alt.Nots...)
		for _, n := range p.Nots {
			n.After = len(alt.Steps) // written after the source: trailing
			s.Nots = append(s.Nots, n)
		}
		out[i] = s
	}
	return out
}

// progress is the number of the last step that holds an event (N1): a run
// has skipped the empty steps before it.
func (p Pattern) progress(bound [][]int) int {
	for j := len(bound) - 1; j >= 0; j-- {
		if len(bound[j]) > 0 {
			return j + 1
		}
	}
	return 0
}

// reach lists the steps (0-based) a run with progress b may bind next,
// nearest first (N2): steps b+1 … m, m the first mandatory step after b
// (the last step if there is none), none after step bar (when bar > 0).
// reach(0, 0) lists the steps an event may start a run at (N3).
func (p Pattern) reach(b, bar int) []int {
	var out []int
	for j := b; j < len(p.Steps); j++ {
		if bar > 0 && j+1 > bar {
			break
		}
		out = append(out, j)
		if !p.Steps[j].Optional {
			break
		}
	}
	return out
}

// skippable reports whether steps b+1 … k are all optional: a run with
// progress b may still skip to the gap after step k (N6).
func (p Pattern) skippable(b, k int) bool {
	for j := b; j < k; j++ {
		if !p.Steps[j].Optional {
			return false
		}
	}
	return true
}

// optionalAfter reports whether every step after step j (0-based) is
// optional: a run that has just bound step j holds a match (N4).
func (p Pattern) optionalAfter(j int) bool {
	for _, s := range p.Steps[j+1:] {
		if !s.Optional {
			return false
		}
	}
	return true
}

// andEnv binds the AND items' aliases: item j to the events in bound[j].
func andEnv(p Pattern, events []Event, bound [][]int, cur *Event) *env {
	e := &env{cur: cur}
	for j, s := range p.Steps {
		if s.Alias == "" {
			continue
		}
		var evs []Event
		if j < len(bound) {
			for _, q := range bound[j] {
				evs = append(evs, events[q])
			}
		}
		e.names = append(e.names, s.Alias)
		e.events = append(e.events, evs)
	}
	return e
}

// andStarts reports whether the event at pos starts a run as AND item j
// (N9): its type is the item's and every conjunct of the item's predicate
// that does not mention the other item's alias is exactly true, the item's
// own alias being the candidate.
func andStarts(p Pattern, events []Event, j, pos int) bool {
	s, other := p.Steps[j], p.Steps[1-j].Alias
	cand := &events[pos]
	if cand.Type != s.Type {
		return false
	}
	bound := make([][]int, 2)
	bound[j] = []int{pos}
	e := andEnv(p, events, bound, cand)
	for _, c := range s.Where {
		if other != "" && c.Mentions(other) {
			continue // tested when the other item arrives
		}
		if !c.eval(e).IsTrue() {
			return false
		}
	}
	return true
}

// andCompletes reports whether the event at pos completes, as AND item j,
// a run that bound the other item (N9): its type is item j's, item j's
// whole predicate is exactly true, and so are the other item's conjuncts
// that mention item j's alias, each read with both aliases bound and bare
// names reading its own item's event.
func andCompletes(p Pattern, events []Event, bound [][]int, j, pos int) bool {
	i := 1 - j
	s, first := p.Steps[j], p.Steps[i]
	cand := &events[pos]
	if cand.Type != s.Type || len(bound[i]) == 0 {
		return false
	}
	both := make([][]int, 2)
	both[i], both[j] = bound[i], []int{pos}
	e := andEnv(p, events, both, cand)
	for _, c := range s.Where {
		if !c.eval(e).IsTrue() {
			return false
		}
	}
	if s.Alias == "" {
		return true
	}
	e = andEnv(p, events, both, &events[bound[i][0]])
	for _, c := range first.Where {
		if c.Mentions(s.Alias) && !c.eval(e).IsTrue() {
			return false
		}
	}
	return true
}

// validateNamed panics on a named pattern the oracle does not model or
// that VPL would reject (N1, N9, N10, N11, E021, E023).
func (p Pattern) validateNamed() {
	if p.Named == "" {
		panic("patternoracle: optional steps, NOT items, AND and OR need Pattern.Named")
	}
	if len(p.Or) > 0 {
		if len(p.Or) < 2 || len(p.Steps) > 0 || p.And {
			panic("patternoracle: an OR has two sides or more and no steps of its own")
		}
		for _, n := range p.Nots {
			if n.Item {
				panic("patternoracle: NOT items belong to the sides of an OR")
			}
		}
		for _, alt := range p.Or {
			if len(alt.Or) > 0 || alt.Within != 0 || alt.PartitionBy != "" || alt.Policy != "" || alt.OutOfOrder != 0 ||
				alt.Emit != nil || alt.Limits != (Limits{}) || alt.Name != "" || alt.Named != "" {
				panic("patternoracle: an OR side sets only Steps, Nots and And")
			}
			for _, n := range alt.Nots {
				if !n.Item {
					panic("patternoracle: an OR side's negations are NOT items")
				}
			}
		}
		for _, s := range p.sides() {
			s.validate()
		}
		return
	}
	for _, n := range p.Nots {
		if !n.Item && n.After != len(p.Steps) {
			panic("patternoracle: a .not after a named pattern is trailing: After must be len(Steps)")
		}
	}
	if p.And {
		if len(p.Steps) != 2 {
			panic("patternoracle: AND has two items")
		}
		for _, s := range p.Steps {
			if s.Kleene || s.Optional {
				panic("patternoracle: an AND item is a single event (N9)")
			}
		}
		for _, n := range p.Nots {
			if n.Item {
				panic("patternoracle: NOT items stand in SEQ, not AND (E021)")
			}
		}
		if a := p.Steps[0].Alias; a != "" && a == p.Steps[1].Alias {
			panic("patternoracle: alias bound twice (E023): " + a)
		}
		return
	}
	mandatory := false
	for _, s := range p.Steps {
		mandatory = mandatory || !s.Optional
	}
	if !mandatory {
		panic(fmt.Sprintf("patternoracle: %s: every step is optional (N1)", p.Named))
	}
}
