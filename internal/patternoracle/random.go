package patternoracle

import (
	"fmt"
	"math/rand/v2"

	"github.com/varpulis/varpulis-go/event"
)

// Types lists the event types Random uses.
var Types = []string{"A", "B", "C", "D"}

const second = int64(1e9)

var (
	aliasNames = []string{"a", "b", "c", "d"}
	cmpOps     = []string{"==", "!=", "<", "<=", ">", ">="}
)

// Random generates a small case: a pattern and 0–20 input events.
//
// Patterns have 2–4 steps (rarely one, then with a Kleene step or a
// negation so that it is a pattern stream) over the types A–D, aliases
// a, b, c, d; each step may be Kleene (at most two); predicates are 0–2
// conjuncts from a fixed family: `v op x.v`, `v op x.v + 1`, `v op n`,
// `x.v op n`, `k == x.k` with x an earlier alias, and in a Kleene step
// `v op b.v` on its own alias (the previous element). There may be up to
// two negations at random places (trailing ones make an absence with
// .within), .within of 1–8 s, .partition_by(k), an out_of_order of 1–3 s,
// and any of the policies (or none written). The .emit takes 1–4 items
// among alias fields, alias aggregates, a bare field, event_time and a
// duration, event_type(), or is .emit().
//
// Events have the fields k (1–3 values among "x", "y", 1, 1.0, null, or
// missing), v (0–3, sometimes 1.5, null or missing) and sometimes w;
// timestamps are whole seconds (sometimes +500 ms), mostly non-decreasing
// with some out-of-order steps back. Under policy any there are at most 16
// events, 10 with a Kleene step, so that the number of runs (at most about
// 2 300 over the first 3 000 seeds) stays far below the §4.7 limits, which
// Random leaves at their defaults.
func Random(r *rand.Rand) (Pattern, []Event) {
	var p Pattern
	nSteps := 2 + r.IntN(3)
	if r.IntN(8) == 0 {
		nSteps = 1
	}
	kleenes := 0
	for j := range nSteps {
		s := Step{Type: Types[r.IntN(len(Types))], Alias: aliasNames[j]}
		if kleenes < 2 && r.IntN(4) == 0 {
			s.Kleene = true
			kleenes++
		}
		p.Steps = append(p.Steps, s)
	}
	randClauses(r, &p)

	// Negations: up to two, anywhere after step 1.
	nNots := 0
	switch x := r.IntN(10); {
	case x >= 9:
		nNots = 2
	case x >= 6:
		nNots = 1
	}
	if nSteps == 1 && !p.Steps[0].Kleene && nNots == 0 {
		// One ordinary step is a pattern stream only with a .not (§4).
		nNots = 1
		if r.IntN(4) > 0 && p.Within == 0 {
			p.Within = (2 + r.Int64N(9)) * second // an absence, as in E13
		}
	}
	for range nNots {
		n := Negation{Type: Types[r.IntN(len(Types))], After: 1 + r.IntN(nSteps)}
		if r.IntN(3) > 0 {
			n.Where = []Expr{randNotCond(r, p.Steps[:n.After])}
		}
		p.Nots = append(p.Nots, n)
	}

	// Predicates. A one-step pattern has none (see Pattern.VPL).
	for j := range p.Steps {
		if nSteps == 1 {
			break
		}
		randStepConds(r, &p, j)
	}

	p.Emit = randEmit(r, p)

	// Events.
	nEvents := 3 + r.IntN(18)
	if r.IntN(10) == 0 {
		nEvents = r.IntN(3)
	}
	if p.policy() == Any {
		nEvents = min(nEvents, 16)
		if kleenes > 0 {
			nEvents = min(nEvents, 10)
		}
	}
	var stepTypes, used []string
	for _, s := range p.Steps {
		stepTypes = append(stepTypes, s.Type)
	}
	used = append(used, stepTypes...)
	for _, n := range p.Nots {
		used = append(used, n.Type)
	}
	return p, randEvents(r, stepTypes, used, nEvents)
}

// randEvents draws n events whose types mostly follow seq (the step types
// of a likely match, cyclically), else are among used or Types.
func randEvents(r *rand.Rand, seq, used []string, nEvents int) []Event {
	keyPool := []event.Value{event.String("x"), event.String("y"), event.Int(1), event.Float(1.0), event.Null}
	var keys []event.Value
	for _, i := range r.Perm(len(keyPool))[:1+r.IntN(3)] {
		keys = append(keys, keyPool[i])
	}
	t := r.Int64N(4) * second
	events := make([]Event, nEvents)
	cursor := 0 // the step whose type comes next along a likely match
	cursorKey := keys[0]
	for i := range events {
		e := &events[i]
		key := keys[r.IntN(len(keys))]
		switch x := r.IntN(20); {
		case x < 13:
			e.Type = seq[cursor]
			cursor = (cursor + 1) % len(seq)
			if r.IntN(5) > 0 {
				key = cursorKey
			}
			cursorKey = key
		case x < 17:
			e.Type = used[r.IntN(len(used))]
		default:
			e.Type = Types[r.IntN(len(Types))]
		}
		if r.IntN(3) > 0 {
			t += second
		} else {
			t += r.Int64N(3) * second
		}
		ts := t
		if r.IntN(5) == 0 {
			ts -= r.Int64N(5) * second // out of order, maybe beyond the allowance
		}
		if r.IntN(10) == 0 {
			ts += 500e6
		}
		e.TS = max(ts, 0)
		if r.IntN(10) > 0 {
			e.Fields = append(e.Fields, event.Field{Name: "k", Value: key})
		}
		switch x := r.IntN(20); {
		case x == 0: // v missing
		case x == 1:
			e.Fields = append(e.Fields, event.Field{Name: "v", Value: event.Null})
		case x == 2:
			e.Fields = append(e.Fields, event.Field{Name: "v", Value: event.Float(1.5)})
		default:
			e.Fields = append(e.Fields, event.Field{Name: "v", Value: event.Int(r.Int64N(4))})
		}
		if r.IntN(4) == 0 {
			e.Fields = append(e.Fields, event.Field{Name: "w", Value: event.Int(r.Int64N(3))})
		}
		r.Shuffle(len(e.Fields), func(a, b int) { e.Fields[a], e.Fields[b] = e.Fields[b], e.Fields[a] })
	}
	return events
}

// randOp draws a comparison, favouring the permissive ones so that
// matches are frequent.
func randOp(r *rand.Rand) string {
	if r.IntN(3) == 0 {
		return []string{"!=", "<=", ">="}[r.IntN(3)]
	}
	return cmpOps[r.IntN(len(cmpOps))]
}

func randConst(r *rand.Rand) Expr {
	switch r.IntN(8) {
	case 0:
		return Lit(event.Float(1.5))
	case 1:
		return Lit(event.Int(r.Int64N(4)))
	}
	return Lit(event.Int(1 + r.Int64N(2)))
}

// randStepCond draws one conjunct of step j's predicate.
func randStepCond(r *rand.Rand, p Pattern, j int) Expr {
	s := p.Steps[j]
	if j == 0 {
		switch {
		case s.Kleene && r.IntN(2) == 0:
			return Cmp(Field("v"), randOp(r), Ref(s.Alias, "v")) // previous element
		case r.IntN(6) == 0:
			return Cmp(Ref(s.Alias, "v"), randOp(r), randConst(r)) // own alias: the candidate
		}
		return Cmp(Field("v"), randOp(r), randConst(r))
	}
	x := aliasNames[r.IntN(j)] // an earlier alias
	switch n := r.IntN(12); {
	case s.Kleene && n < 4:
		return Cmp(Field("v"), randOp(r), Ref(s.Alias, "v"))
	case n < 6:
		return Cmp(Field("v"), randOp(r), Ref(x, "v"))
	case n < 7:
		return Cmp(Field("v"), randOp(r), Arith(Ref(x, "v"), "+", Lit(event.Int(1))))
	case n < 9:
		return Cmp(Field("v"), randOp(r), randConst(r))
	case n < 10:
		return Cmp(Ref(x, "v"), randOp(r), randConst(r))
	case n < 11:
		return Cmp(Field("w"), randOp(r), Ref(x, "v"))
	default:
		return Cmp(Field("k"), "==", Ref(x, "k"))
	}
}

// randNotCond draws a negation's conjunct; it may use the aliases of the
// steps written before the .not (§4.5.4, E022).
func randNotCond(r *rand.Rand, before []Step) Expr {
	x := before[r.IntN(len(before))].Alias
	switch r.IntN(4) {
	case 0:
		return Cmp(Field("v"), randOp(r), randConst(r))
	case 1:
		return Cmp(Field("k"), "==", Ref(x, "k"))
	default:
		return Cmp(Field("v"), randOp(r), Ref(x, "v"))
	}
}

// randEmit draws the .emit items.
func randEmit(r *rand.Rand, p Pattern) []Out {
	if r.IntN(10) == 0 {
		return nil // .emit()
	}
	var out []Out
	n := 1 + r.IntN(4)
	bareUsed := false
	for i := range n {
		name := fmt.Sprintf("o%d", i)
		s := p.Steps[r.IntN(len(p.Steps))]
		switch x := r.IntN(10); {
		case x < 3:
			out = append(out, Out{name, Ref(s.Alias, "v")})
		case x < 6 || s.Kleene && x < 8:
			fn := AggFns[r.IntN(len(AggFns))]
			field := "v"
			if fn == "count" && r.IntN(2) == 0 {
				field = ""
			}
			out = append(out, Out{name, Agg(fn, s.Alias, field)})
		case x < 7 && !bareUsed:
			bareUsed = true
			out = append(out, Out{"", Field("v")})
		case x < 8:
			out = append(out, Out{name, EventTime(s.Alias)})
		case x < 9:
			first, last := p.Steps[0].Alias, p.Steps[len(p.Steps)-1].Alias
			out = append(out, Out{name, Arith(EventTime(last), "-", EventTime(first))})
		case x < 10 && r.IntN(2) == 0:
			out = append(out, Out{name, EventType()})
		default:
			out = append(out, Out{name, Ref(s.Alias, "k")})
		}
	}
	return out // names are unique (E023)
}

// randClauses draws a pattern's partition, within, out-of-orderness and
// policy.
func randClauses(r *rand.Rand, p *Pattern) {
	if r.IntN(5) < 2 {
		p.PartitionBy = "k"
	}
	if r.IntN(20) < 11 {
		p.Within = (2 + r.Int64N(9)) * second
	}
	if r.IntN(10) < 3 {
		p.OutOfOrder = (1 + r.Int64N(3)) * second
	}
	p.Policy = []string{"", Next, Any, Any, Strict}[r.IntN(5)]
}

// randStepConds draws none, one or two conditions for step j of p.
func randStepConds(r *rand.Rand, p *Pattern, j int) {
	k := 0
	switch x := r.IntN(20); {
	case x >= 17:
		k = 2
	case x >= 10:
		k = 1
	}
	for range k {
		p.Steps[j].Where = append(p.Steps[j].Where, randStepCond(r, *p, j))
	}
}
