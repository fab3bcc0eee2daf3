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
}

// PatternStep is one step: an event of Type for which Pred is exactly
// true binds to Alias (Kleene: one or more events collect under it).
type PatternStep struct {
	Type   string
	Alias  string // "_s<k>" when the program names none
	Kleene bool
	// Pred is the step's predicate without the conjuncts that mention the
	// step's own alias; SelfPred holds those (a Kleene step compares its
	// candidate with its previous element and skips them for the first,
	// VPL.md §4.5.1). Either may be nil (true).
	Pred     Expr
	SelfPred Expr
	// Within bounds the time since the previous step's event (sequence()
	// per-step .within); 0: unbounded.
	Within int64
}

// PatternNot kills runs when an event of Type satisfying Pred (the run's
// aliases bound, the event's fields as bare names) arrives while the run
// has bound b steps with After <= b < Before: a .not guards the whole run
// (After 1, Before len(Steps)+1); a NOT item of SEQ only the gap it stands
// in (After k, Before k+1). Trailing marks an absence (VPL.md §4.5.5): with
// a within, a run whose steps are all bound waits for its deadline.
type PatternNot struct {
	Type     string
	Pred     Expr
	After    int
	Before   int
	Trailing bool
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
	addStep := func(typ, alias string, kleene bool, where vpl.Expr, within int64) error {
		k := len(p.Steps) + 1
		if alias == "" {
			alias = "_s" + strconv.Itoa(k)
		}
		step := PatternStep{Type: typ, Alias: alias, Kleene: kleene, Within: within}
		ref := aliasRef{name: alias, kinds: l.declKinds(typ, 0)}
		// The candidate's fields are bare names; earlier aliases are bound.
		psc := &scope{aliases: sc.aliases, kinds: l.declKinds(typ, 0)}
		if !kleene {
			psc.alias = alias // the step's own alias is the candidate
		}
		if kleene {
			// Own alias: the previous element of the Kleene step.
			with := map[string]aliasRef{}
			for n, a := range sc.aliases {
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
		sc.aliases[alias] = ref
		return nil
	}
	switch src := s.Source.(type) {
	case *vpl.NameSource:
		if decl, ok := l.patterns[src.Name]; ok {
			if err := l.lowerNamedPattern(p, decl, st, sc, addStep); err != nil {
				return nil, err
			}
			st.Inputs = patternInputs(p)
			break
		}
		if err := addStep(src.Name, src.Alias, src.All, nil, 0); err != nil {
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
			if err := addStep(step.Type, step.Alias, false, step.Where, within); err != nil {
				return nil, err
			}
		}
	default:
		return nil, l.errorf(s.Source.Position(), "this pattern source is not supported yet")
	}
	// Steps, negations and settings, wherever written; everything else
	// follows the matcher, except a .where before the first -> step, which
	// joins step 1's predicate (VPL.md §4 (a)).
	var rest []vpl.Op
	firstStep := true
	for i, op := range s.Ops {
		switch op := op.(type) {
		case *vpl.StepOp:
			firstStep = false
			if err := addStep(op.Type, op.Alias, op.All, op.Where, 0); err != nil {
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
				// All aliases are bound when a negation is tested; aliases
				// of later steps read null until bound.
				nsc := &scope{aliases: map[string]aliasRef{}, kinds: l.declKinds(op.Type, 0)}
				for _, st := range s.Ops {
					if so, ok := st.(*vpl.StepOp); ok && so.Alias != "" {
						nsc.aliases[so.Alias] = aliasRef{name: so.Alias, kinds: l.declKinds(so.Type, 0)}
					}
				}
				for n, a := range sc.aliases {
					nsc.aliases[n] = a
				}
				pred, err := l.lowerExpr(op.Where, nsc)
				if err != nil {
					return nil, err
				}
				n.Pred = pred
			}
			p.Nots = append(p.Nots, n)
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
					p.Steps[0].Pred = and(p.Steps[0].Pred, own)
					p.Steps[0].SelfPred = and(p.Steps[0].SelfPred, self)
				} else {
					p.Steps[0].Pred = and(p.Steps[0].Pred, pred)
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
	if _, named := s.Source.(*vpl.NameSource); !named || len(st.Inputs) == 0 {
		st.Inputs = patternInputs(p)
	}
	if len(st.PartitionBy) == 0 {
		p.KeyFields = inferKeys(p)
	}
	st.Ops = append(st.Ops, p)
	// After the matcher, bare names read the last bound event and every
	// alias is bound (VPL.md §4.5.8).
	sc.kinds = nil
	return rest, nil
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
	for _, s := range p.Steps {
		add(s.Type)
	}
	for _, n := range p.Nots {
		add(n.Type)
	}
	return ins
}

// lowerNamedPattern lowers `pattern N = SEQ(...) [within d] [partition by
// k] [policy p]` used as a stream source. Only SEQ of items (with + and
// NOT) is supported here.
func (l *lowerer) lowerNamedPattern(p *Pattern, d *vpl.PatternDecl, st *Stream, sc *scope,
	addStep func(typ, alias string, kleene bool, where vpl.Expr, within int64) error) error {
	var items []vpl.PatternExpr
	switch x := d.Pattern.(type) {
	case *vpl.PatternSeq:
		items = x.Items
	case *vpl.PatternItem:
		items = []vpl.PatternExpr{x}
	default:
		return l.errorf(d.Pattern.Position(), "AND and OR patterns are not supported yet")
	}
	for _, it := range items {
		item, ok := it.(*vpl.PatternItem)
		if !ok {
			return l.errorf(it.Position(), "nested patterns are not supported yet")
		}
		if item.Not {
			n := PatternNot{Type: item.Type, After: len(p.Steps), Before: -2, Trailing: true}
			if item.Where != nil {
				nsc := &scope{aliases: sc.aliases, kinds: l.declKinds(item.Type, 0)}
				pred, err := l.lowerExpr(item.Where, nsc)
				if err != nil {
					return err
				}
				n.Pred = pred
			}
			p.Nots = append(p.Nots, n)
			continue
		}
		switch item.Quantifier {
		case 0, '+':
		default:
			return l.errorf(item.Pos, "the %c quantifier is not supported yet", item.Quantifier)
		}
		// A NOT item before this one guards the gap up to it.
		for i := range p.Nots {
			if p.Nots[i].Before == -2 && p.Nots[i].After == len(p.Steps) {
				p.Nots[i].Trailing = false
				p.Nots[i].Before = len(p.Steps) + 1
			}
		}
		if err := addStep(item.Type, item.Alias, item.Quantifier == '+', item.Where, 0); err != nil {
			return err
		}
	}
	for i := range p.Nots {
		if p.Nots[i].Before == -2 { // NOT last in SEQ: an absence
			p.Nots[i].After, p.Nots[i].Before = len(p.Steps), len(p.Steps)+1
		}
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

// splitByAlias splits a predicate's top-level and-conjuncts into those that
// do not mention alias and those that do.
func splitByAlias(e Expr, alias string) (without, with Expr) {
	for _, c := range conjuncts(e) {
		if mentionsAlias(c, alias) {
			with = and(with, c)
		} else {
			without = and(without, c)
		}
	}
	return without, with
}

func conjuncts(e Expr) []Expr {
	if b, ok := e.(*Binary); ok && b.Op == scalar.OpAnd {
		return append(conjuncts(b.X), conjuncts(b.Y)...)
	}
	return []Expr{e}
}

func and(a, b Expr) Expr {
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
	// A Kleene first step collects events of any key after its first.
	if p.Policy == "strict" || len(p.Steps) < 2 || p.Steps[0].Kleene {
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
		for _, c := range conjuncts(pred) {
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
