package exec

import (
	"slices"
	"unsafe"

	"github.com/varpulis/varpulis-go/event"
	"github.com/varpulis/varpulis-go/planner"
)

// Capturing. Most pattern streams read their bound events only as
// `alias.field` and `event_time(alias)` in the .emit that follows the
// pattern. Then a run need not keep every bound event in row form: as it
// binds, it keeps those values (with the values its alias comparisons
// read, in run.cmpv), and a match becomes a record of them, which the
// .emit reads as fields of hidden names. Bound events stay as type and
// time only. Outputs are the same; what is saved is building every bound
// row as an event, and the garbage collector's work on them.

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
			case *planner.FieldRef, *planner.CurrentEvent, *planner.AliasEvent, *planner.AggRef:
				ok = false
			case *planner.AliasAgg:
				// count(a) is the number of events bound, which runs keep;
				// other aggregates read the events.
				ok = ok && e.Fn == "count" && e.Field == "" && slices.Contains(op.aliases, e.Alias)
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
				return &planner.FieldRef{Name: op.outSlot(e.Alias, e.Field, slotField), K: e.K}
			case *planner.AliasTime:
				return &planner.FieldRef{Name: op.outSlot(e.Alias, "", slotTime), K: event.KindTimestamp}
			case *planner.AliasAgg:
				return &planner.FieldRef{Name: op.outSlot(e.Alias, "", slotCount), K: event.KindInt}
			}
			return e
		})
	}
	return items
}

// outSlot makes the value of field (or the time) of alias part of every
// match record and returns the hidden name it has there.
func (op *patternOp) outSlot(alias, field string, what slotKind) string {
	k := slices.Index(op.aliases, alias)
	i := slices.IndexFunc(op.cmpSlots, func(s cmpSlot) bool { return s.alias == k && s.field == field && s.what == what })
	if i < 0 {
		i = len(op.cmpSlots)
		op.cmpSlots = append(op.cmpSlots, cmpSlot{alias: k, field: field, what: what})
	}
	name := hiddenPrefix + alias + "." + field
	switch what {
	case slotTime:
		name = hiddenPrefix + alias + hiddenPrefix + "ts"
	case slotCount:
		name = hiddenPrefix + alias + hiddenPrefix + "count"
	}
	if !slices.Contains(op.outSlots, i) {
		op.outSlots = append(op.outSlots, i)
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
		for _, s := range op.cmpSlots {
			op.colOf = append(op.colOf, c.col(s.field))
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
	for j, i := range op.outSlots {
		if s := &op.cmpSlots[i]; s.what == slotCount {
			vs[j] = event.Int(int64(len(x.binds[s.alias])))
			continue
		}
		vs[j] = x.cmpv[i]
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
