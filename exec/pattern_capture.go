package exec

import (
	"slices"
	"unsafe"

	"github.com/varpulis/varpulis-go/event"
	"github.com/varpulis/varpulis-go/exec/agg"
	"github.com/varpulis/varpulis-go/planner"
)

// Capturing. Most pattern streams read their bound events only as
// `alias.field`, `event_time(alias)`, alias aggregates and bare names in
// the .emit that follows the pattern. Then a run need not keep every bound
// event in row form: as it binds, it keeps those values (with the values
// its alias comparisons read, in run.cmpv) and folds the aggregates (in
// patternOp.accs, a group per run), and a match becomes a record of them,
// which the .emit reads as fields of hidden names. Bound events are only
// counted. Outputs are the same; what is saved is building every bound
// row as an event, the memory of a Kleene step's elements, and the garbage
// collector's work on them.

// hiddenPrefix starts the names of captured fields in match records: no
// field of an event can start with it.
const hiddenPrefix = "\x00"

// captureProjection returns the items of the projection at index i of the
// stream's operators (the one right after the pattern) with alias reads turned
// into reads of captured fields, and makes op capture them; nil, and op
// unchanged, when the stream reads its bound events any other way.
func (op *patternOp) captureProjection(s *planner.Stream, i int) []planner.Expr {
	if i >= len(s.Ops) {
		return nil
	}
	proj, ok := s.Ops[i].(*planner.Project)
	if !ok || proj.KeepAll || proj.Union != nil {
		return nil
	}
	// Alias predicates other than the comparisons runs keep values for
	// read bound events.
	for _, ps := range [][]*runPred{op.corr, op.self, op.notCorr} {
		for _, p := range ps {
			if p != nil && p.rest != nil {
				return nil
			}
		}
	}
	// The items read aliases only as captured values, and the record only
	// for its type and time (its fields are not kept).
	for _, it := range proj.Items {
		ok := true
		planner.Walk(it.X, func(e planner.Expr) bool {
			switch e := e.(type) {
			case *planner.CurrentEvent, *planner.AliasEvent, *planner.AggRef:
				ok = false
			case *planner.AliasAgg:
				// count(a) is the number of events bound, which runs keep;
				// the others are folded as events bind, in a group per
				// run, which policy any (whose runs are copied, never
				// reused) does not have.
				_, known := agg.Parse(e.Fn, 1)
				ok = ok && slices.Contains(op.aliases, e.Alias) && (e.Field == "" && e.Fn == "count" || e.Field != "" && known && !op.anyPolicy)
			case *planner.AliasField:
				ok = ok && slices.Contains(op.aliases, e.Alias)
			case *planner.AliasTime:
				ok = ok && slices.Contains(op.aliases, e.Alias)
			}
			return ok
		})
		if !ok {
			return nil
		}
	}
	// Nothing later reads aliases: they end with the stream.
	for _, o := range s.Ops[i+1:] {
		var xs []planner.Expr
		switch o := o.(type) {
		case *planner.Filter:
			xs = []planner.Expr{o.Pred}
		case *planner.Project:
			if o.Union != nil {
				return nil
			}
			for _, it := range o.Items {
				xs = append(xs, it.X)
			}
		case *planner.Print:
			xs = o.Args
		case *planner.Log:
			xs = []planner.Expr{o.Message, o.Data}
		case *planner.Distinct:
			xs = []planner.Expr{o.Key}
		case *planner.Limit, *planner.To:
		default:
			return nil
		}
		for _, x := range xs {
			if len(planner.Aliases(x)) > 0 {
				return nil
			}
		}
	}
	op.capture = true
	items := make([]planner.Expr, len(proj.Items))
	for j, it := range proj.Items {
		items[j] = planner.Rewrite(planner.Clone(it.X), func(e planner.Expr) planner.Expr {
			switch e := e.(type) {
			case *planner.AliasField:
				return &planner.FieldRef{Name: op.addOutSlot(e.Alias, e.Field, slotField, ""), K: e.K}
			case *planner.AliasTime:
				return &planner.FieldRef{Name: op.addOutSlot(e.Alias, "", slotTime, ""), K: event.KindTimestamp}
			case *planner.AliasAgg:
				if e.Field == "" {
					return &planner.FieldRef{Name: op.addOutSlot(e.Alias, "", slotCount, ""), K: event.KindInt}
				}
				return &planner.FieldRef{Name: op.addOutSlot(e.Alias, e.Field, slotAgg, e.Fn), K: e.Kind()}
			case *planner.FieldRef:
				return &planner.FieldRef{Name: op.addBareSlot(e.Name), K: e.K}
			}
			return e
		})
	}
	for len(op.accs) < len(op.cmpSlots) {
		op.accs = append(op.accs, nil) // the comparisons' slots
	}
	return items
}

// outSlot is one value of the match records: a cmpSlot, or (slot < 0) a
// bare name, which reads the last bound event: last[k] is the cmpSlot of
// that field at step k.
type outSlot struct {
	slot int
	last []int
}

// cmpSlotOf returns the cmpSlot of (step k, field, what, fn), adding it
// when there is none; an aggregate gets its accumulator.
func (op *patternOp) cmpSlotOf(k int, field string, what slotKind, fn string) int {
	i := slices.IndexFunc(op.cmpSlots, func(s cmpSlot) bool {
		return s.alias == k && s.field == field && s.what == what && s.fn == fn
	})
	if i < 0 {
		i = len(op.cmpSlots)
		op.cmpSlots = append(op.cmpSlots, cmpSlot{alias: k, field: field, what: what, fn: fn})
	}
	for len(op.accs) < len(op.cmpSlots) {
		op.accs = append(op.accs, nil)
	}
	if what == slotAgg && op.accs[i] == nil {
		f, _ := agg.Parse(fn, 1)
		op.accs[i] = agg.New(agg.Spec{Fn: f})
	}
	return i
}

// addOutSlot makes the value of field (the time, the count, an aggregate)
// of alias part of every match record and returns the hidden name it has
// there.
func (op *patternOp) addOutSlot(alias, field string, what slotKind, fn string) string {
	i := op.cmpSlotOf(slices.Index(op.aliases, alias), field, what, fn)
	name := hiddenPrefix + alias + "." + field
	switch what {
	case slotTime:
		name = hiddenPrefix + alias + hiddenPrefix + "ts"
	case slotCount:
		name = hiddenPrefix + alias + hiddenPrefix + "count"
	case slotAgg:
		name = hiddenPrefix + fn + hiddenPrefix + alias + "." + field
	}
	return op.addOut(outSlot{slot: i}, name)
}

// addBareSlot makes field of the last bound event part of every match
// record (VPL.md §4.5.8: the match's bare names) and returns its hidden
// name: the field of the last event of each step that can be the last
// holding one when a record is made (the last mandatory step and those
// after it) is captured, and a record takes the one of the last step
// holding an event.
func (op *patternOp) addBareSlot(field string) string {
	o := outSlot{slot: -1, last: make([]int, len(op.p.Steps))}
	for k := range op.p.Steps {
		o.last[k] = -1
		if k >= op.lastMand {
			o.last[k] = op.cmpSlotOf(k, field, slotField, "")
		}
	}
	return op.addOut(o, hiddenPrefix+hiddenPrefix+field)
}

func (op *patternOp) addOut(o outSlot, name string) string {
	if !slices.Contains(op.outNames, name) {
		op.outSlots = append(op.outSlots, o)
		op.outNames = append(op.outNames, name)
	}
	return name
}

// captureValues keeps in x.cmpv the values of row r of c, just bound at
// step k, that comparisons and the match record read.
func (op *patternOp) captureValues(x *run, k int, c *chunk, r int32) {
	if len(op.colOf) == 0 || unsafe.SliceData(op.colNames) != unsafe.SliceData(c.names) || len(op.colNames) != len(c.names) {
		// The columns of the slots' fields, found once per chunk layout.
		op.colNames = c.names
		op.colOf = op.colOf[:0]
		op.aggCols = op.aggCols[:0]
		for i, s := range op.cmpSlots {
			col := c.col(s.field)
			op.colOf = append(op.colOf, col)
			var ac agg.Column // reads as null: the chunk has no such field
			if op.accs[i] != nil && col >= 0 {
				ac = columnOf(c.cols[col])
			}
			op.aggCols = append(op.aggCols, ac)
		}
	}
	if op.slotsOf == nil {
		op.slotsOf = make([][]int, len(op.p.Steps))
		op.keySlot = make([]bool, len(op.cmpSlots))
		for i, s := range op.cmpSlots {
			op.slotsOf[s.alias] = append(op.slotsOf[s.alias], i)
			op.keySlot[i] = s.what == slotField && s.field == op.keyFieldOf(op.p.Steps[s.alias].Type)
		}
	}
	for _, i := range op.slotsOf[k] {
		switch col := op.colOf[i]; {
		case op.cmpSlots[i].what == slotTime:
			x.cmpv[i] = event.Timestamp(c.ts[r])
		case op.cmpSlots[i].what == slotCount:
			// read from the bindings when a record is made
		case op.cmpSlots[i].what == slotAgg:
			op.oneRow[0] = r
			op.accs[i].UpdateOne(x.grp, op.oneRow[:], &op.aggCols[i])
		case col < 0:
			x.cmpv[i] = event.Null
		default:
			v := c.cols[col]
			if v.kind == event.KindInt && !v.isConst && v.isValid(int(r)) {
				x.cmpv[i] = event.Int(v.i64[r])
				continue
			}
			if op.keySlot[i] && v.kind == event.KindString && v.isValid(int(r)) {
				// The partition key itself: equal strings are one key, so
				// the key's own copy serves and the run allocates nothing.
				if kv := op.keys.vals[op.rowKey]; kv.Kind() == event.KindString {
					x.cmpv[i] = kv
					continue
				}
			}
			x.cmpv[i] = cloneValue(v.value(int(r)))
		}
	}
}

// recordValues returns the captured values of a match of x, in memory of
// their own (x goes on, or is reused): the arena's, as records are turned
// into chunks in the same call.
func (op *patternOp) recordValues(x *run) []event.Value {
	vs := take(&op.arena, &op.arena.vals, len(op.outSlots))
	for j, o := range op.outSlots {
		i := o.slot
		if i < 0 {
			vs[j] = event.Null // a bare name: the last step holding an event
			for k := len(x.binds) - 1; k >= 0; k-- {
				if len(x.binds[k]) > 0 {
					if i := o.last[k]; i >= 0 {
						vs[j] = x.cmpv[i]
					}
					break
				}
			}
			continue
		}
		switch s := &op.cmpSlots[i]; s.what {
		case slotCount:
			vs[j] = event.Int(int64(len(x.binds[s.alias])))
		case slotAgg:
			vs[j] = op.accs[i].Result(x.grp)
		default:
			vs[j] = x.cmpv[i]
		}
	}
	return vs
}

// captureRec is a match record of captured values: its type is the last
// bound event's.
type captureRec struct {
	typ  string
	ts   int64
	vals []event.Value // per out slot
}

// captureRecOf returns the record of m.
func (op *patternOp) captureRecOf(m *match) captureRec {
	rec := captureRec{typ: op.stream, ts: m.ts, vals: m.vals}
	for k := len(m.binds) - 1; k >= 0; k-- {
		if len(m.binds[k]) > 0 {
			rec.typ = op.p.Steps[k].Type // a step binds events of its type only
			break
		}
	}
	return rec
}

// captureChunks builds the chunks of records, one per run of records of
// one type, with a column of hidden name per captured value, in the
// arena's memory (as rowsChunksIn does for records in row form).
func (op *patternOp) captureChunks(recs []captureRec, p *prov, prow, seq []int32) []*chunk {
	a := &op.arena
	out := a.out[:0]
	for start := 0; start < len(recs); {
		end := start + 1
		for end < len(recs) && recs[end].typ == recs[start].typ {
			end++
		}
		run := recs[start:end]
		c := a.valueChunk(run[0].typ, len(run), slices.Clip(op.outNames), p, prow, seq, start)
		for i := range run {
			c.ts[i] = run[i].ts
			for f, v := range c.cols {
				v.vals[i] = run[i].vals[f]
			}
		}
		out = append(out, c)
		start = end
	}
	a.out = out
	return out
}

// snapshotEvents returns the events x bound at step k as a snapshot keeps
// them: when capturing, the last one carries the captured time and fields
// of its step, which restoring reads back (refreshCmpValues); the others
// are empty, as in the run (see noEvents).
func (op *patternOp) snapshotEvents(x *run, k int) []event.Event {
	evs := x.binds[k]
	if !op.capture || len(evs) == 0 {
		return evs
	}
	evs = make([]event.Event, len(evs))
	last := &evs[len(evs)-1]
	for i, s := range op.cmpSlots {
		switch {
		case s.alias != k:
		case s.what == slotField:
			last.Fields = append(last.Fields, event.Field{Name: s.field, Value: x.cmpv[i]})
		case s.what == slotTime:
			last.TS = x.cmpv[i].AsInt() // the nanoseconds of a timestamp
		}
	}
	return evs
}

// keyFieldOf returns the one field that partitions events of type typ,
// or "" when keys have none or several.
func (op *patternOp) keyFieldOf(typ string) string {
	if op.p.KeyFields != nil {
		return op.p.KeyFields[typ]
	}
	if len(op.keys.fields) == 1 {
		return op.keys.fields[0]
	}
	return ""
}
