package exec

import (
	"github.com/varpulis/varpulis-go/event"
	"github.com/varpulis/varpulis-go/event/scalar"
	"github.com/varpulis/varpulis-go/planner"
)

// Limits of user function calls (VPL.md §2, fn): deeper nesting or longer
// execution abandons the call with result null.
const (
	maxCallDepth  = 64
	maxStatements = 1_000_000
)

// rowEnv is what a row-at-a-time evaluation can see: the current event (a
// batch row, or nothing inside a function body), the frame of the running
// user function and the program's globals.
type rowEnv struct {
	view  *batchView // nil inside function bodies
	row   int
	frame []event.Value
	rt    *Runtime
	// call bookkeeping for the function being executed
	depth int
	steps int
	// emitted collects the events of emit statements under .process.
	emitted *[]event.Event
	ts      int64
	abandon bool
	// aggVals holds the results of a released group's aggregate calls.
	aggVals []event.Value
	// runBinds, when set, binds runAliases[i] to a pattern run's events
	// runBinds[i] instead of the chunk's alias columns.
	runBinds   [][]event.Event
	runAliases []string
	// cur, when view is nil, is the current row in row form (a row
	// pattern's DEFINE reads rows a matcher keeps, not a chunk's).
	cur *event.Event
}

// evalRow evaluates e for one row. It never fails: errors are null
// (VPL.md §5).
func evalRow(e planner.Expr, env *rowEnv) event.Value {
	switch e := e.(type) {
	case *planner.Const:
		return e.Val
	case *planner.FieldRef:
		if env.view == nil {
			return env.curField(e.Name)
		}
		return env.view.field(e.Name, env.row)
	case *planner.FieldOrGlobal:
		if env.view != nil {
			if col := env.view.col(e.Name); col >= 0 {
				return env.view.value(col, env.row)
			}
		}
		if env.cur != nil {
			if v, ok := env.cur.Get(e.Name); ok {
				return v
			}
		}
		return env.rt.globals[e.Slot]
	case *planner.CurrentEvent:
		if env.view == nil {
			if env.cur != nil {
				return eventMap(env.cur)
			}
			return event.Null
		}
		return env.view.rowMap(env.row)
	case *planner.GlobalRef:
		return env.rt.globals[e.Slot]
	case *planner.LocalRef:
		return env.frame[e.Slot]
	case *planner.Unary:
		return scalar.Unary(e.Op, evalRow(e.X, env))
	case *planner.Binary:
		x := evalRow(e.X, env)
		if e.Op == scalar.OpAnd || e.Op == scalar.OpOr {
			if v, decided := scalar.ShortCircuit(e.Op, x); decided {
				return v
			}
		}
		return scalar.Binary(e.Op, x, evalRow(e.Y, env))
	case *planner.IsNull:
		return event.Bool(evalRow(e.X, env).IsNull() != e.Not)
	case *planner.Cond:
		if evalRow(e.If, env).IsTrue() {
			return evalRow(e.Then, env)
		}
		return evalRow(e.Else, env)
	case *planner.Call:
		if len(e.Args) < e.Fn.MinArgs || (e.Fn.MaxArgs >= 0 && len(e.Args) > e.Fn.MaxArgs) {
			return event.Null
		}
		var buf [4]event.Value
		args := buf[:0]
		if len(e.Args) > len(buf) {
			args = make([]event.Value, 0, len(e.Args))
		}
		for _, a := range e.Args {
			args = append(args, evalRow(a, env))
		}
		return e.Fn.Call(args)
	case *planner.UserCall:
		args := make([]event.Value, len(e.Args))
		for i, a := range e.Args {
			args[i] = evalRow(a, env)
		}
		return callUser(e.Fn, args, env)
	case *planner.MakeArray:
		elems := make([]event.Value, len(e.Elems))
		for i, x := range e.Elems {
			elems[i] = evalRow(x, env)
		}
		return event.Array(elems)
	case *planner.MakeMap:
		vals := make([]event.Value, len(e.Vals))
		for i, x := range e.Vals {
			vals[i] = evalRow(x, env)
		}
		return buildMap(e.Keys, vals)
	case *planner.Member:
		return scalar.Member(evalRow(e.X, env), e.Name)
	case *planner.Index:
		return scalar.Index(evalRow(e.X, env), evalRow(e.I, env))
	case *planner.Slice:
		lo, hi := event.Null, event.Null
		if e.Lo != nil {
			lo = evalRow(e.Lo, env)
		}
		if e.Hi != nil {
			hi = evalRow(e.Hi, env)
		}
		return scalar.Slice(evalRow(e.X, env), lo, hi)
	case *planner.AggRef:
		if e.Slot < len(env.aggVals) {
			return env.aggVals[e.Slot]
		}
		return event.Null
	case *planner.AliasField:
		if ev := env.bound(e.Alias); ev != nil {
			v, _ := ev.Get(e.Field)
			return v
		}
		return event.Null
	case *planner.AliasEvent:
		if ev := env.bound(e.Alias); ev != nil {
			return eventMap(ev)
		}
		return event.Null
	case *planner.AliasAgg:
		return aliasAgg(e, env.boundAll(e.Alias))
	case *planner.AliasTime:
		if ev := env.bound(e.Alias); ev != nil {
			return event.Timestamp(ev.TS)
		}
		return event.Null
	case *planner.EventTypeOf:
		if env.view == nil {
			if env.cur != nil {
				return event.String(env.cur.Type)
			}
			return event.Null
		}
		return event.String(env.view.c.typeAt(int32(env.row)))
	case *planner.EventTimeOf:
		if env.view == nil {
			if env.cur != nil {
				return event.Timestamp(env.cur.TS)
			}
			return event.Timestamp(env.ts)
		}
		return event.Timestamp(env.view.ts(env.row))
	}
	return event.Null
}

// curField reads a field of the row-form current row (null without one).
func (env *rowEnv) curField(name string) event.Value {
	if env.cur == nil {
		return event.Null
	}
	v, _ := env.cur.Get(name)
	return v
}

// bound returns the last event bound to alias at the current row, or nil
// (function bodies see no aliases).
func (env *rowEnv) bound(alias string) *event.Event {
	evs := env.boundAll(alias)
	if len(evs) == 0 {
		return nil
	}
	return &evs[len(evs)-1]
}

// boundAll returns every event bound to alias, in binding order.
func (env *rowEnv) boundAll(alias string) []event.Event {
	if env.runBinds != nil {
		for i, a := range env.runAliases {
			if a == alias && i < len(env.runBinds) {
				return env.runBinds[i]
			}
		}
		return nil
	}
	if env.view == nil {
		return nil
	}
	a := env.view.c.alias(alias)
	if a == nil {
		return nil
	}
	return a.bound(env.row)
}

// eventMap returns an event's fields as a map value.
func eventMap(ev *event.Event) event.Value {
	keys := make([]string, len(ev.Fields))
	vals := make([]event.Value, len(ev.Fields))
	for i, f := range ev.Fields {
		keys[i], vals[i] = f.Name, f.Value
	}
	return event.Map(keys, vals)
}

// buildMap builds a map literal; a repeated key keeps its first position
// and its last value.
func buildMap(keys []string, vals []event.Value) event.Value {
	for i := 1; i < len(keys); i++ {
		for j := 0; j < i; j++ {
			if keys[i] == keys[j] {
				ks := make([]string, 0, len(keys))
				vs := make([]event.Value, 0, len(vals))
			outer:
				for k, key := range keys {
					for m, seen := range ks {
						if seen == key {
							vs[m] = vals[k]
							continue outer
						}
					}
					ks = append(ks, key)
					vs = append(vs, vals[k])
				}
				return event.Map(ks, vs)
			}
		}
	}
	return event.Map(keys, vals)
}

// control is how a statement ended.
type control uint8

const (
	ctlNext control = iota
	ctlBreak
	ctlContinue
	ctlReturn
)

// callUser runs a user function. Parameters and locals shadow globals;
// event fields are not visible inside the body.
func callUser(fn *planner.Function, args []event.Value, caller *rowEnv) event.Value {
	if caller.depth >= maxCallDepth {
		caller.rt.warnOnce("fn:"+fn.Name, "warning: function "+fn.Name+": call nested deeper than 64, result is null")
		caller.abandon = true
		return event.Null
	}
	frame := make([]event.Value, max(fn.NSlots, len(fn.Params)))
	copy(frame, args)
	env := &rowEnv{
		frame:   frame,
		rt:      caller.rt,
		depth:   caller.depth + 1,
		steps:   caller.steps,
		emitted: caller.emitted,
		ts:      caller.ts,
	}
	if caller.view != nil {
		env.ts = caller.view.ts(caller.row)
	}
	var result event.Value
	ctl, v := execBlock(fn.Body, env, true)
	caller.steps = env.steps
	if env.abandon {
		caller.rt.warnOnce("fn:"+fn.Name, "warning: function "+fn.Name+": abandoned after 1000000 statements, result is null")
		if caller.depth > 0 {
			caller.abandon = true
		}
		return event.Null
	}
	if ctl == ctlReturn || ctl == ctlNext {
		result = v
	}
	return result
}

// execBlock runs statements. With last set, the value of a final expression
// statement is the block's value (a function's implicit result).
func execBlock(stmts []planner.Stmt, env *rowEnv, last bool) (control, event.Value) {
	var val event.Value
	for i, s := range stmts {
		if env.abandon {
			return ctlReturn, event.Null
		}
		env.steps++
		if env.steps > maxStatements {
			env.abandon = true
			return ctlReturn, event.Null
		}
		val = event.Null
		switch s := s.(type) {
		case *planner.SetLocal:
			env.frame[s.Slot] = evalRow(s.Value, env)
		case *planner.SetGlobal:
			env.rt.globals[s.Slot] = evalRow(s.Value, env)
		case *planner.Eval:
			v := evalRow(s.X, env)
			if last && i == len(stmts)-1 {
				val = v
			}
		case *planner.If:
			done := false
			for k, c := range s.Conds {
				if evalRow(c, env).IsTrue() {
					if ctl, v := execBlock(s.Bodies[k], env, false); ctl != ctlNext {
						return ctl, v
					}
					done = true
					break
				}
			}
			if !done && s.Else != nil {
				if ctl, v := execBlock(s.Else, env, false); ctl != ctlNext {
					return ctl, v
				}
			}
		case *planner.For:
			if ctl, v := execFor(s, env); ctl == ctlReturn {
				return ctl, v
			}
		case *planner.While:
			for !env.abandon && evalRow(s.Cond, env).IsTrue() {
				env.steps++
				if env.steps > maxStatements {
					env.abandon = true
					return ctlReturn, event.Null
				}
				ctl, v := execBlock(s.Body, env, false)
				if ctl == ctlReturn {
					return ctl, v
				}
				if ctl == ctlBreak {
					break
				}
			}
		case *planner.Break:
			return ctlBreak, event.Null
		case *planner.Continue:
			return ctlContinue, event.Null
		case *planner.Return:
			if s.Value == nil {
				return ctlReturn, event.Null
			}
			return ctlReturn, evalRow(s.Value, env)
		case *planner.EmitEvent:
			if env.emitted == nil {
				env.rt.warnOnce("emit:"+s.Type, "warning: emit "+s.Type+" outside .process does nothing")
				continue
			}
			ev := event.Event{Type: s.Type, TS: env.ts, Fields: make([]event.Field, len(s.Names))}
			for k, name := range s.Names {
				ev.Fields[k] = event.Field{Name: name, Value: evalRow(s.Vals[k], env)}
			}
			*env.emitted = append(*env.emitted, ev)
		}
	}
	return ctlNext, val
}

func execFor(s *planner.For, env *rowEnv) (control, event.Value) {
	body := func() (control, event.Value, bool) {
		env.steps++
		if env.steps > maxStatements {
			env.abandon = true
			return ctlReturn, event.Null, true
		}
		ctl, v := execBlock(s.Body, env, false)
		switch ctl {
		case ctlReturn:
			return ctl, v, true
		case ctlBreak:
			return ctlNext, event.Null, true
		}
		return ctlNext, event.Null, false
	}
	if s.IsRangeFor {
		lo, hi := evalRow(s.RangeLo, env), evalRow(s.RangeHi, env)
		if lo.Kind() != event.KindInt || hi.Kind() != event.KindInt {
			return ctlNext, event.Null
		}
		end := hi.AsInt()
		for i := lo.AsInt(); i < end || (s.RangeIncl && i == end); i++ {
			env.frame[s.Slot] = event.Int(i)
			if ctl, v, stop := body(); stop {
				return ctl, v
			}
			if i == end { // inclusive end reached; avoid overflow at MaxInt64
				break
			}
		}
		return ctlNext, event.Null
	}
	it := evalRow(s.Iter, env)
	switch it.Kind() {
	case event.KindArray:
		for _, el := range it.Elems() {
			env.frame[s.Slot] = el
			if ctl, v, stop := body(); stop {
				return ctl, v
			}
		}
	case event.KindMap:
		for _, k := range it.Keys() {
			env.frame[s.Slot] = event.String(k)
			if ctl, v, stop := body(); stop {
				return ctl, v
			}
		}
	}
	return ctlNext, event.Null
}
