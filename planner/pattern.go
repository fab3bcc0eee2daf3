package planner

import (
	"strconv"

	"github.com/varpulis/varpulis-go/event"
	"github.com/varpulis/varpulis-go/event/scalar"
	"github.com/varpulis/varpulis-go/vpl"
)

// Pattern is the matcher at the head of a pattern stream (VPL.md §4.5):
// a sequence of steps over event types, negations, a time bound and a
// selection policy. Partitions come from the stream's PartitionBy.
//
// Named patterns (VPL.md §2) add three forms, whose run semantics
// docs/patterns.md ("Named patterns") fixes: optional steps
// (PatternStep.Optional), `I1 AND I2` (And) and `P1 OR P2` (Alts).
// The pattern runtime (exec) runs all three.
type Pattern struct {
	Steps  []PatternStep
	Nots   []PatternNot
	Within int64  // ns; 0: unbounded
	Policy string // "next" (default), "any" or "strict"
	// KeyFields, when set, partitions runs by a key the predicates imply:
	// every step after the first and every negation require a field of
	// their event to equal one field of the first step's event, so an
	// event can only advance or kill runs of its own key. Maps an event
	// type to its key field.
	KeyFields map[string]string
	// And makes the pattern `I1 AND I2`: Steps holds the two items, each
	// one ordinary event, which bind in either order. An event of
	// Steps[i].Type satisfying Steps[i].Pred starts a run as item i (an
	// event may start one run as each item); the run completes on the
	// first later event of the other item j's type satisfying
	// Steps[j].Pred and Steps[j].Closing, item i's alias bound. Nots
	// guard a run from its start until it completes (After 1, Before 3).
	And bool
	// Alts, when set, makes the pattern `Alts[0] OR Alts[1] OR ...`:
	// every alternative is a complete matcher of its own (Steps, Nots,
	// Within, Policy, KeyFields, And; never Alts) and the stream's matches
	// are those of all of them; matches one event completes come
	// alternative by alternative, in order. Steps and Nots are then empty
	// here, and Within and Policy repeat the alternatives' own. After the
	// matcher every alias of every alternative is in scope; a match binds
	// only those of its own alternative, the others read null (count 0).
	Alts []*Pattern
	// Rows, when set, is a MATCH_RECOGNIZE row pattern without a VPL
	// reading (CompileRowPattern), which the runtime runs with SQL:2016's
	// semantics; Steps, Nots, KeyFields, And and Alts are then empty.
	Rows *RowPattern
	// InputTS: the matcher reads its input's settled rows in ts order
	// (SQL, CompileRowPattern) rather than in arrival order (VPL); EXPLAIN
	// prints it as input_order (SQL.md §4.5).
	InputTS bool
}

// PatternStep is one step: an event of Type for which Pred is exactly
// true binds to Alias (Kleene: one or more events collect under it).
type PatternStep struct {
	Type  string
	Alias string // "_s<k>" when the program names none
	// Kleene: the step collects several events: `+` (one or more) and,
	// with Optional, `*` (zero or more).
	Kleene bool
	// Optional: the step may bind no event at all: `?` (zero or one) or,
	// with Kleene, `*`. A run goes past it as soon as an event matches a
	// later step it may reach (optional and Kleene steps are reluctant);
	// an alias bound to no event reads null, count 0.
	Optional bool
	// Pred is the step's predicate without the conjuncts that mention the
	// step's own alias; SelfPred holds those (a Kleene step compares its
	// candidate with its previous element and skips them for the first,
	// VPL.md §4.5.1). Either may be nil (true).
	Pred     Expr
	SelfPred Expr
	// Closing (And patterns only) is what an event of this step must
	// also satisfy to complete a run that the other item started: the
	// conjuncts of both items' predicates that mention the other item's
	// alias, written so that the current event (bare names, this step's
	// alias) is this step's candidate and the other item's alias reads
	// the event that started the run. nil: true.
	Closing Expr
	// Within bounds the time since the previous step's event (sequence()
	// per-step .within); 0: unbounded.
	Within int64
}

// Min is the least number of events the step binds: 0 for `?` and `*`,
// else 1.
func (s PatternStep) Min() int {
	if s.Optional {
		return 0
	}
	return 1
}

// Max is the greatest number of events the step binds: 1, or 0 for no
// bound (Kleene `+` and `*`; max_kleene aside).
func (s PatternStep) Max() int {
	if s.Kleene {
		return 0
	}
	return 1
}

// PatternNot kills runs when an event of Type satisfying Pred (the run's
// aliases bound, the event's fields as bare names) arrives while the run's
// progress b satisfies After <= b < Before: a .not guards the whole run
// (After 1, Before len(Steps)+1); a NOT item of SEQ only the gap it stands
// in (After k, Before k+1). The progress b is the number of the last step
// that holds an event (without optional steps: the number of steps bound,
// a Kleene step counting from its first element). Trailing marks an
// absence (VPL.md §4.5.5): with a within, a run whose mandatory steps are
// all bound waits for its deadline.
//
// SkipFrom (a NOT item with optional steps before it, 0 otherwise): while
// SkipFrom <= b < After, the run has not bound the step the item follows
// but may still skip to a step after it. Such an event does not remove the
// run: until the run binds one of steps b+1..After, it may not bind a step
// after After nor complete (no match, no completion at an absence
// deadline). docs/patterns.md, reading N6.
type PatternNot struct {
	Type     string
	Pred     Expr
	After    int
	Before   int
	Trailing bool
	SkipFrom int
}

func (*Pattern) opName() string { return "Pattern" }

// AliasAgg aggregates over the events bound to an alias in a match
// (VPL.md §4.5.8): count(a), sum(a.f), avg, min, max, first, last. Field
// is "" for count(a).
type AliasAgg struct {
	Fn    string
	Alias string
	Field string
}

// Kind implements Expr.
func (e *AliasAgg) Kind() event.Kind {
	if e.Fn == "count" {
		return event.KindInt
	}
	return KindAny
}

func (e *AliasAgg) String() string {
	if e.Field == "" {
		return e.Fn + "($" + e.Alias + ")"
	}
	return e.Fn + "($" + e.Alias + "." + e.Field + ")"
}

// isPatternStream reports whether s is a pattern stream (VPL.md §4 (a)).
func (l *lowerer) isPatternStream(s *vpl.StreamDecl) bool {
	switch src := s.Source.(type) {
	case *vpl.SequenceSource:
		return true
	case *vpl.NameSource:
		if src.All {
			return true
		}
		if _, ok := l.patterns[src.Name]; ok {
			return true
		}
	}
	for _, op := range s.Ops {
		switch op.(type) {
		case *vpl.StepOp, *vpl.NotOp:
			return true
		}
	}
	return false
}

// matcherSettings are the operators that belong to the matcher wherever
// they are written, or are stream-level settings.
var matcherSettings = map[string]bool{
	"within": true, "policy": true, "partition_by": true,
	"watermark": true, "allowed_lateness": true, "context": true,
}

// lowerPatternHead lowers a pattern stream's source and matcher elements
// into a leading Pattern op and returns the operators that follow the
// matcher.
func (l *lowerer) lowerPatternHead(st *Stream, s *vpl.StreamDecl, sc *scope) ([]vpl.Op, error) {
	p := &Pattern{Policy: "next"}
	sc.aliases = map[string]aliasRef{}
	switch src := s.Source.(type) {
	case *vpl.NameSource:
		if decl, ok := l.patterns[src.Name]; ok {
			if err := l.lowerNamedPattern(p, decl, st, sc); err != nil {
				return nil, err
			}
			break
		}
		if err := l.addStep(p, sc.aliases, src.Name, src.Alias, src.All, false, nil, 0); err != nil {
			return nil, err
		}
	case *vpl.SequenceSource:
		for _, step := range src.Steps {
			var within int64
			if step.Within != nil {
				d, err := l.constDuration(step.Within, sc)
				if err != nil {
					return nil, err
				}
				within = d
			}
			if err := l.addStep(p, sc.aliases, step.Type, step.Alias, false, false, step.Where, within); err != nil {
				return nil, err
			}
		}
	default:
		return nil, l.errorf(s.Source.Position(), "this pattern source is not supported yet")
	}
	compound := p.And || len(p.Alts) > 0
	// Steps, negations and settings, wherever written; everything else
	// follows the matcher, except a .where before the first -> step, which
	// joins step 1's predicate (VPL.md §4 (a)).
	var rest []vpl.Op
	var nots []*vpl.NotOp // the .not operators, for the alternatives of an OR
	firstStep := true
	for i, op := range s.Ops {
		switch op := op.(type) {
		case *vpl.StepOp:
			if compound {
				return nil, l.errorf(op.Pos, "a -> step cannot extend an AND or OR pattern; write the sequence inside the pattern")
			}
			firstStep = false
			if err := l.addStep(p, sc.aliases, op.Type, op.Alias, op.All, false, op.Where, 0); err != nil {
				return nil, err
			}
		case *vpl.NotOp:
			n := PatternNot{Type: op.Type, After: 1, Before: -1, Trailing: true}
			for _, later := range s.Ops[i+1:] {
				if _, ok := later.(*vpl.StepOp); ok {
					n.Trailing = false
				}
			}
			if op.Where != nil {
				pred, err := l.lowerNotPred(op, s, sc)
				if err != nil {
					return nil, err
				}
				n.Pred = pred
			}
			p.Nots = append(p.Nots, n)
			nots = append(nots, op)
		case *vpl.CallOp:
			switch {
			case op.Name == "within":
				if len(op.Args) != 1 {
					return nil, l.errorf(op.Pos, ".within takes one duration")
				}
				d, err := l.constDuration(op.Args[0].Value, sc)
				if err != nil {
					return nil, err
				}
				p.Within = d
			case op.Name == "policy":
				if len(op.Args) != 1 {
					return nil, l.errorf(op.Pos, ".policy takes next, any or strict")
				}
				id, ok := op.Args[0].Value.(*vpl.Ident)
				if !ok || (id.Name != "next" && id.Name != "any" && id.Name != "strict") {
					return nil, l.errorf(op.Pos, ".policy takes next, any or strict")
				}
				p.Policy = id.Name
			case matcherSettings[op.Name]:
				if _, err := l.lowerCallOp(st, op, sc); err != nil {
					return nil, err
				}
			case firstStep && (op.Name == "where" || op.Name == "filter"):
				if compound {
					return nil, l.errorf(op.Pos, "a .%s before the first -> step joins step 1's predicate (VPL.md §4), "+
						"and an AND or OR pattern has no single first step; write the condition in the pattern's items", op.Name)
				}
				// Joins step 1's predicate.
				psc := &scope{aliases: map[string]aliasRef{}, kinds: l.declKinds(p.Steps[0].Type, 0)}
				if p.Steps[0].Kleene {
					psc.aliases[p.Steps[0].Alias] = sc.aliases[p.Steps[0].Alias]
				} else {
					psc.alias = p.Steps[0].Alias // the candidate
				}
				pred, err := l.lowerExpr(op.Args[0].Value, psc)
				if err != nil {
					return nil, err
				}
				if p.Steps[0].Kleene {
					own, self := splitByAlias(pred, p.Steps[0].Alias)
					p.Steps[0].Pred = Conjoin(p.Steps[0].Pred, own)
					p.Steps[0].SelfPred = Conjoin(p.Steps[0].SelfPred, self)
				} else {
					p.Steps[0].Pred = Conjoin(p.Steps[0].Pred, pred)
				}
			default:
				rest = append(rest, op)
			}
		}
	}
	for i := range p.Nots {
		if p.Nots[i].Before < 0 {
			p.Nots[i].Before = len(p.Steps) + 1 // a .not guards the whole run
		}
	}
	if len(p.Alts) > 0 {
		// Each alternative is a matcher of its own with the stream's
		// settings and negations; aliases of the other alternatives read
		// null in its predicates.
		for _, alt := range p.Alts {
			alt.Within, alt.Policy = p.Within, p.Policy
			dead := deadAliases(sc.aliases, alt)
			for k, op := range nots {
				n := p.Nots[k]
				n.Before = len(alt.Steps) + 1
				if op.Where != nil {
					pred, err := l.lowerNotPred(op, s, sc)
					if err != nil {
						return nil, err
					}
					n.Pred = nullAliases(pred, dead)
				}
				alt.Nots = append(alt.Nots, n)
			}
			if len(st.PartitionBy) == 0 {
				alt.KeyFields = inferKeys(alt)
			}
		}
		p.Nots = nil
	}
	st.Inputs = patternInputs(p)
	if len(st.PartitionBy) == 0 && len(p.Alts) == 0 {
		p.KeyFields = inferKeys(p)
	}
	st.Ops = append(st.Ops, p)
	// After the matcher, bare names read the last bound event and every
	// alias is bound (VPL.md §4.5.8).
	sc.kinds = nil
	return rest, nil
}

// addStep appends a step to p: an event of typ for which where holds
// binds to alias (the step's own alias is the candidate in where, or, for
// a Kleene step, its previous element). aliases holds the aliases bound so
// far; the step's is added.
func (l *lowerer) addStep(p *Pattern, aliases map[string]aliasRef, typ, alias string, kleene, optional bool,
	where vpl.Expr, within int64) error {
	k := len(p.Steps) + 1
	if alias == "" {
		alias = "_s" + strconv.Itoa(k)
	}
	step := PatternStep{Type: typ, Alias: alias, Kleene: kleene, Optional: optional, Within: within}
	ref := aliasRef{name: alias, kinds: l.declKinds(typ, 0)}
	// The candidate's fields are bare names; earlier aliases are bound.
	psc := &scope{aliases: aliases, kinds: l.declKinds(typ, 0)}
	if !kleene {
		psc.alias = alias // the step's own alias is the candidate
	} else {
		// Own alias: the previous element of the Kleene step.
		with := map[string]aliasRef{}
		for n, a := range aliases {
			with[n] = a
		}
		with[alias] = ref
		psc.aliases = with
	}
	if where != nil {
		pred, err := l.lowerExpr(where, psc)
		if err != nil {
			return err
		}
		if kleene {
			step.Pred, step.SelfPred = splitByAlias(pred, alias)
		} else {
			step.Pred = pred
		}
	}
	p.Steps = append(p.Steps, step)
	aliases[alias] = ref
	return nil
}

// lowerNotPred lowers the predicate of a .not: every alias of the stream
// is in scope (aliases of steps not bound yet read null), the negated
// event's fields are bare names.
func (l *lowerer) lowerNotPred(op *vpl.NotOp, s *vpl.StreamDecl, sc *scope) (Expr, error) {
	nsc := &scope{aliases: map[string]aliasRef{}, kinds: l.declKinds(op.Type, 0)}
	for _, st := range s.Ops {
		if so, ok := st.(*vpl.StepOp); ok && so.Alias != "" {
			nsc.aliases[so.Alias] = aliasRef{name: so.Alias, kinds: l.declKinds(so.Type, 0)}
		}
	}
	for n, a := range sc.aliases {
		nsc.aliases[n] = a
	}
	return l.lowerExpr(op.Where, nsc)
}

// patternInputs lists the event types a matcher reads, once each.
func patternInputs(p *Pattern) []Input {
	var ins []Input
	seen := map[string]bool{}
	add := func(t string) {
		if !seen[t] {
			seen[t] = true
			ins = append(ins, Input{Name: t})
		}
	}
	var walk func(p *Pattern)
	walk = func(p *Pattern) {
		for _, s := range p.Steps {
			add(s.Type)
		}
		for _, n := range p.Nots {
			add(n.Type)
		}
		for _, a := range p.Alts {
			walk(a)
		}
	}
	walk(p)
	return ins
}

// splitByAlias splits a predicate's top-level and-conjuncts into those that
// do not mention alias and those that do.
func splitByAlias(e Expr, alias string) (without, with Expr) {
	for _, c := range Conjuncts(e) {
		if mentionsAlias(c, alias) {
			with = Conjoin(with, c)
		} else {
			without = Conjoin(without, c)
		}
	}
	return without, with
}

// Conjuncts lists the top-level and-ed terms of e (none for nil).
func Conjuncts(e Expr) []Expr {
	if e == nil {
		return nil
	}
	if b, ok := e.(*Binary); ok && b.Op == scalar.OpAnd {
		return append(Conjuncts(b.X), Conjuncts(b.Y)...)
	}
	return []Expr{e}
}

// Conjoin returns a and b, either of which may be nil (true).
func Conjoin(a, b Expr) Expr {
	switch {
	case a == nil:
		return b
	case b == nil:
		return a
	}
	return &Binary{Op: scalar.OpAnd, X: a, Y: b, K: event.KindBool}
}

func mentionsAlias(e Expr, alias string) bool {
	found := false
	Walk(e, func(x Expr) bool {
		switch x := x.(type) {
		case *AliasField:
			found = found || x.Alias == alias
		case *AliasEvent:
			found = found || x.Alias == alias
		case *AliasTime:
			found = found || x.Alias == alias
		}
		return !found
	})
	return found
}

// aliasAggregates are the aggregate functions that apply to the events
// bound to a pattern alias (VPL.md §4.5.8).
var aliasAggregates = map[string]bool{
	"count": true, "sum": true, "avg": true, "min": true, "max": true, "first": true, "last": true,
}

// aliasAggregate lowers count(a), sum(a.f), ... over an alias in scope; nil
// when the call is not one.
func (l *lowerer) aliasAggregate(fn string, args []vpl.Arg, sc *scope) Expr {
	if !aliasAggregates[fn] || len(args) != 1 || sc.aliases == nil {
		return nil
	}
	switch x := args[0].Value.(type) {
	case *vpl.Ident:
		if a, ok := sc.aliases[x.Name]; ok && fn == "count" {
			return &AliasAgg{Fn: fn, Alias: a.name}
		}
	case *vpl.MemberExpr:
		if id, ok := x.X.(*vpl.Ident); ok {
			if a, ok := sc.aliases[id.Name]; ok {
				return &AliasAgg{Fn: fn, Alias: a.name, Field: x.Name}
			}
		}
	}
	return nil
}

// inferKeys finds the partition key that the predicates imply (see
// Pattern.KeyFields), or nil. Under policy strict every event of a step
// type concerns every run, so nothing is inferred there.
func inferKeys(p *Pattern) map[string]string {
	// A Kleene first step collects events of any key after its first; an
	// optional one may be skipped, and AND has no first step. A single step
	// with negations is partitioned by what they compare (an absence such
	// as `Order as o .not(Payment where id == o.id)`).
	if p.Policy == "strict" || len(p.Steps)+len(p.Nots) < 2 || p.Steps[0].Kleene || p.Steps[0].Optional || p.And || len(p.Alts) > 0 {
		return nil
	}
	first := p.Steps[0].Alias
	keys := map[string]string{}
	firstField := ""
	set := func(typ, field string) bool {
		if f, ok := keys[typ]; ok && f != field {
			return false
		}
		keys[typ] = field
		return true
	}
	link := func(typ string, pred Expr) bool {
		for _, c := range Conjuncts(pred) {
			b, ok := c.(*Binary)
			if !ok || b.Op != scalar.OpEq {
				continue
			}
			f, okf := b.X.(*FieldRef)
			a, oka := b.Y.(*AliasField)
			if !okf || !oka {
				f, okf = b.Y.(*FieldRef)
				a, oka = b.X.(*AliasField)
			}
			if !okf || !oka || a.Alias != first || (firstField != "" && a.Field != firstField) {
				continue
			}
			firstField = a.Field
			return set(typ, f.Name)
		}
		return false
	}
	for _, st := range p.Steps[1:] {
		if st.Pred == nil || !link(st.Type, st.Pred) {
			return nil
		}
	}
	for _, n := range p.Nots {
		if n.Pred == nil || !link(n.Type, n.Pred) {
			return nil
		}
	}
	if !set(p.Steps[0].Type, firstField) {
		return nil
	}
	return keys
}
