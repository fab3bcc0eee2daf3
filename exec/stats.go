package exec

import "maps"

// Stats are a runtime's counters, the source of the varpulis_* metrics.
// Counts never decrease; late events are kept in snapshots, the others
// count from the runtime's creation.
type Stats struct {
	// Events counts input events by type.
	Events map[string]int64
	// Outputs counts the output events of visible streams by stream and
	// type.
	Outputs map[OutputKey]int64
	// Late counts late events dropped, by stream; every stream is present.
	Late map[string]int64
	// LimitHits counts the times a limit was hit, by stream and limit
	// (VPL.md §4.7).
	LimitHits map[LimitKey]int64
}

// OutputKey names a stream and an event type it outputs.
type OutputKey struct{ Stream, Type string }

// LimitKey names a stream and a limit.
type LimitKey struct{ Stream, Limit string }

// typeCount counts the events of one type.
type typeCount struct {
	typ string
	n   int64
}

// stats are the counters behind Stats. They are bumped once per batch or
// per chunk, never per event, and read by Stats between batches.
type stats struct {
	in      map[string]int64
	out     [][]typeCount // per stream, by type in order of first output
	limits  map[LimitKey]int64
	typeBuf []int64
}

func (rt *Runtime) initStats() {
	rt.stats.in = map[string]int64{}
	rt.stats.limits = map[LimitKey]int64{}
	rt.stats.out = make([][]typeCount, len(rt.streams))
	for si, se := range rt.streams {
		// A visible stream's output type is known unless .process builds
		// the types: export it at 0 from the start.
		if se.plan.Visible && (!se.hasProcess || se.emitAfterProcess) {
			rt.stats.out[si] = []typeCount{{typ: se.plan.OutType}}
		}
	}
}

// countIn counts a raw chunk's events by type.
func (rt *Runtime) countIn(c *chunk) {
	if c.types == nil {
		rt.stats.in[c.typ] += int64(c.n)
		return
	}
	cnt := grow(rt.stats.typeBuf, len(c.tnames))
	clear(cnt)
	for _, k := range c.tcode {
		cnt[k]++
	}
	for i, t := range c.tnames {
		rt.stats.in[t] += cnt[i]
	}
	rt.stats.typeBuf = cnt
}

// countOut counts the rows of an output chunk of stream si.
func (rt *Runtime) countOut(si int, o *chunk) {
	tc := rt.stats.out[si]
	for i := range tc {
		if tc[i].typ == o.typ {
			tc[i].n += int64(len(o.sel))
			return
		}
	}
	rt.stats.out[si] = append(tc, typeCount{typ: o.typ, n: int64(len(o.sel))})
}

// countLimit counts a limit hit and returns the hits so far.
func (rt *Runtime) countLimit(stream, limit string) int64 {
	k := LimitKey{Stream: stream, Limit: limit}
	n := rt.stats.limits[k] + 1
	rt.stats.limits[k] = n
	return n
}

// Stats returns a copy of the counters, which the caller may hand to
// another goroutine. Like every Runtime method it must not run
// concurrently with Process.
func (rt *Runtime) Stats() Stats {
	s := Stats{
		Events:    maps.Clone(rt.stats.in),
		Outputs:   map[OutputKey]int64{},
		Late:      make(map[string]int64, len(rt.lateBy)),
		LimitHits: maps.Clone(rt.stats.limits),
	}
	for si, tc := range rt.stats.out {
		for _, c := range tc {
			s.Outputs[OutputKey{Stream: rt.plan.Streams[si].Name, Type: c.typ}] = c.n
		}
	}
	for si, n := range rt.lateBy {
		s.Late[rt.plan.Streams[si].Name] = n
	}
	return s
}

// PatternState is what a pattern stream holds: its active partial
// matches (runs that may still complete) and the memory they hold.
type PatternState struct {
	Stream string
	// Runs counts the active partial matches.
	Runs int64
	// Bytes is the memory of those runs: each run, its binding lists and
	// its entries in the operator's lists and deadline queue. Events in
	// row form, which the runs that bound one row share, and the state of
	// the aggregates capturing runs fold are not counted.
	Bytes int64
}

// PatternStates returns the state of every pattern stream, in plan
// order. It visits every run: a report's cost, not one for every batch.
func (rt *Runtime) PatternStates() []PatternState {
	var out []PatternState
	for si, se := range rt.streams {
		var ops []*patternOp
		for _, o := range se.multi {
			switch o := o.(type) {
			case *patternOp:
				ops = append(ops, o)
			case *altPatternOp:
				ops = append(ops, o.alts...)
			}
		}
		if len(ops) == 0 {
			continue
		}
		st := PatternState{Stream: rt.plan.Streams[si].Name}
		for _, op := range ops {
			runs, bytes := op.state()
			st.Runs += runs
			st.Bytes += bytes
		}
		out = append(out, st)
	}
	return out
}
