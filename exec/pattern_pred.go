package exec

import (
	"slices"

	"github.com/varpulis/varpulis-go/event"
	"github.com/varpulis/varpulis-go/event/scalar"
	"github.com/varpulis/varpulis-go/planner"
)

// compileOrNil compiles a candidate-only predicate (nil: none, true).
func compileOrNil(rt *Runtime, e planner.Expr) predicate {
	if e == nil {
		return nil
	}
	return rt.compilePred(e)
}

// partitionImplied drops from corr the equality `f == a.f0` that
// inferred partitions rest on for an event of type typ (a the first
// step's alias): the runs an event meets share its key, and keys compare
// as == does, so it holds unless the candidate's f is null or NaN, which
// the candidate-only test f == f rules out over the whole chunk.
func partitionImplied(p *planner.Pattern, typ string, free, corr planner.Expr) (planner.Expr, planner.Expr) {
	if p.KeyFields == nil || len(p.Steps) == 0 {
		return free, corr
	}
	f, f0, a := p.KeyFields[typ], p.KeyFields[p.Steps[0].Type], p.Steps[0].Alias
	if f == "" || f0 == "" {
		return free, corr
	}
	implied := func(x planner.Expr) bool {
		b, ok := x.(*planner.Binary)
		if !ok || b.Op != scalar.OpEq {
			return false
		}
		field, alias := b.X, b.Y
		if _, ok := field.(*planner.FieldRef); !ok {
			field, alias = alias, field
		}
		fr, ok1 := field.(*planner.FieldRef)
		af, ok2 := alias.(*planner.AliasField)
		return ok1 && ok2 && fr.Name == f && af.Alias == a && af.Field == f0
	}
	var rest planner.Expr
	dropped := false
	for _, c := range planner.Conjuncts(corr) {
		if !dropped && implied(c) {
			dropped = true
			continue
		}
		rest = planner.Conjoin(rest, c)
	}
	if !dropped {
		return free, corr
	}
	self := &planner.FieldRef{Name: f, K: planner.KindAny}
	return planner.Conjoin(free, &planner.Binary{Op: scalar.OpEq, X: self, Y: self, K: event.KindBool}), rest
}

// splitFree splits a predicate into the conjuncts that read only the
// candidate and those that read an alias.
func splitFree(e planner.Expr) (free, corr planner.Expr) {
	if e == nil {
		return nil, nil
	}
	for _, c := range planner.Conjuncts(e) {
		aliased := false
		planner.Walk(c, func(x planner.Expr) bool {
			switch x.(type) {
			case *planner.AliasField, *planner.AliasEvent, *planner.AliasTime, *planner.AliasAgg:
				aliased = true
			}
			return !aliased
		})
		if aliased {
			corr = planner.Conjoin(corr, c)
		} else {
			free = planner.Conjoin(free, c)
		}
	}
	return free, corr
}

// canCollect reports whether row r may join Kleene step k of run x: its
// candidate predicate, the correlated part, and the comparison with the
// previous element (skipped for the first).
func (op *patternOp) canCollect(k int, c *chunk, r int32, x *run) bool {
	if ok := op.okAt(k, r); !ok || len(x.binds[k]) >= op.rt.opts.Limits.MaxKleene {
		if ok {
			op.rt.limitHit(op.stream, "max_kleene", op.rt.opts.Limits.MaxKleene)
		}
		return false
	}
	return op.holdsStep(k, c, r, x)
}

// holdsStep evaluates step k's alias-dependent conjuncts for row r with
// run x's bindings (x nil: a new run).
func (op *patternOp) holdsStep(k int, c *chunk, r int32, x *run) bool {
	if !op.holds(op.corr[k], c, r, x) {
		return false
	}
	if op.self[k] != nil && x != nil && len(x.binds[k]) > 0 {
		return op.holds(op.self[k], c, r, x)
	}
	return true
}

// runPred is a predicate over a candidate row and a run's bindings. Its
// conjuncts of the form `f op a.g` (either way round, op a comparison)
// compare the candidate's column f with field g of the run's last event
// bound to a directly, through the operator's own scalar semantics; the
// rest goes to the row evaluator.
type runPred struct {
	cmps []aliasCmp
	rest planner.Expr
	// The candidate's values of cmps for row candRow of candChunk: one
	// row meets many runs.
	candChunk *chunk
	candRow   int32
	cand      []event.Value
}

// candidate returns the candidate's values of p's comparisons at row r.
func (p *runPred) candidate(c *chunk, r int32) []event.Value {
	if p.candChunk == c && p.candRow == r {
		return p.cand
	}
	p.candChunk, p.candRow = c, r
	p.cand = p.cand[:0]
	for i := range p.cmps {
		v := event.Null
		if col := c.col(p.cmps[i].field); col >= 0 {
			v = c.cols[col].value(int(r))
		}
		p.cand = append(p.cand, v)
	}
	return p.cand
}

type aliasCmp struct {
	op     scalar.Op
	field  string // the candidate's
	alias  int    // step whose last event is read
	afield string
	left   bool // the alias field is the left operand
	slot   int  // where a run keeps that value (run.cmpv)
}

// cmpSlot is one (step, field) value the alias comparisons read, which
// each run keeps as it binds (run.cmpv): a comparison then reads it in
// one step from the run instead of through its bound events.
type cmpSlot struct {
	alias int
	field string
	what  slotKind
	fn    string // slotAgg: the aggregate function
	hint  int    // the field's position in the last event read
}

// slotKind is what a cmpSlot holds of the events bound to its step.
type slotKind uint8

const (
	slotField slotKind = iota // field of the last event
	slotTime                  // time of the last event (event_time(a), captured for records)
	slotCount                 // number of events (count(a), computed when a record is made)
	slotAgg                   // an aggregate of a field over the events (sum(a.f), …), folded as they bind
)

// assignCmpSlots gives every alias comparison of preds its slot.
func (op *patternOp) assignCmpSlots(preds ...[]*runPred) {
	for _, ps := range preds {
		for _, p := range ps {
			if p == nil {
				continue
			}
			for i := range p.cmps {
				m := &p.cmps[i]
				m.slot = slices.IndexFunc(op.cmpSlots, func(s cmpSlot) bool { return s.alias == m.alias && s.field == m.afield })
				if m.slot < 0 {
					m.slot = len(op.cmpSlots)
					op.cmpSlots = append(op.cmpSlots, cmpSlot{alias: m.alias, field: m.afield})
				}
			}
		}
	}
}

// keepCmpValues records in x.cmpv the fields of ev, just bound at step k,
// that comparisons read.
func (op *patternOp) keepCmpValues(x *run, k int, ev *event.Event) {
	for i := range op.cmpSlots {
		s := &op.cmpSlots[i]
		if s.alias != k {
			continue
		}
		switch s.what {
		case slotTime:
			x.cmpv[i] = event.Timestamp(ev.TS)
			continue
		case slotCount, slotAgg:
			continue // not kept when runs keep their events
		}
		x.cmpv[i] = event.Null
		if s.hint < len(ev.Fields) && ev.Fields[s.hint].Name == s.field {
			x.cmpv[i] = ev.Fields[s.hint].Value
			continue
		}
		for j := range ev.Fields {
			if ev.Fields[j].Name == s.field {
				s.hint = j
				x.cmpv[i] = ev.Fields[j].Value
				break
			}
		}
	}
}

// refreshCmpValues sets x.cmpv from x's bindings (a restored run).
func (op *patternOp) refreshCmpValues(x *run) {
	clear(x.cmpv)
	for k, evs := range x.binds {
		if len(evs) > 0 {
			op.keepCmpValues(x, k, &evs[len(evs)-1])
		}
	}
}

// newRunPred prepares e (nil: true) for the runs of a pattern whose steps
// bind aliases in order.
func newRunPred(e planner.Expr, aliases []string) *runPred {
	if e == nil {
		return nil
	}
	p := &runPred{}
	for _, c := range planner.Conjuncts(e) {
		if cmp, ok := aliasComparison(c, aliases); ok {
			p.cmps = append(p.cmps, cmp)
		} else {
			p.rest = planner.Conjoin(p.rest, c)
		}
	}
	return p
}

func aliasComparison(e planner.Expr, aliases []string) (aliasCmp, bool) {
	b, ok := e.(*planner.Binary)
	if !ok {
		return aliasCmp{}, false
	}
	switch b.Op {
	case scalar.OpEq, scalar.OpNe, scalar.OpLt, scalar.OpLe, scalar.OpGt, scalar.OpGe:
	default:
		return aliasCmp{}, false
	}
	f, okf := b.X.(*planner.FieldRef)
	a, oka := b.Y.(*planner.AliasField)
	left := false
	if !okf || !oka {
		f, okf = b.Y.(*planner.FieldRef)
		a, oka = b.X.(*planner.AliasField)
		left = true
	}
	if !okf || !oka {
		return aliasCmp{}, false
	}
	i := slices.Index(aliases, a.Alias)
	if i < 0 {
		return aliasCmp{}, false
	}
	return aliasCmp{op: b.Op, field: f.Name, alias: i, afield: a.Field, left: left}, true
}

// value reads field g of the last event bound at step i of x (null when
// none).
func (m *aliasCmp) value(x *run) event.Value {
	if x == nil {
		return event.Null
	}
	return x.cmpv[m.slot]
}

func (op *patternOp) holds(p *runPred, c *chunk, r int32, x *run) bool {
	if p == nil {
		return true
	}
	cand := p.candidate(c, r)
	for i := range p.cmps {
		m := &p.cmps[i]
		a, b := cand[i], m.value(x)
		if m.left {
			a, b = b, a
		}
		if !scalar.Holds(m.op, a, b) {
			return false
		}
	}
	if p.rest == nil {
		return true
	}
	env := rowEnv{view: &batchView{c: c, typ: c.typ}, row: int(r), rt: op.rt, runAliases: op.aliases}
	if x != nil {
		env.runBinds = x.binds
	} else {
		env.runBinds = noBinds
	}
	return evalRow(p.rest, &env).IsTrue()
}

// noBinds binds no alias (a candidate for a new run).
var noBinds = [][]event.Event{}
