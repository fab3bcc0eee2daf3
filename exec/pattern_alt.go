package exec

import (
	"cmp"
	"math"
	"slices"

	"github.com/varpulis/varpulis-go/event"
	"github.com/varpulis/varpulis-go/planner"
)

// altPatternOp runs `P1 OR P2 ...` (VPL.md §2): each alternative is a
// matcher of its own over the same events, and the stream's matches are
// all of theirs. The matches one event completes come alternative by
// alternative, each alternative's in its own order; absences released in
// one watermark phase come by deadline, key, run start, then alternative
// (docs/patterns.md, N10).
//
// `I1 AND I2` runs the same way as the two sequences `I1 -> I2` and
// `I2 -> I1` (N9), whose matches one event completes come in the order of
// the input positions of I1's event, then I2's.
//
// A match record binds the aliases of every alternative, in the order
// they first appear: those of other alternatives are unbound (null,
// count 0).
type altPatternOp struct {
	rt      *Runtime
	stream  string
	alts    []*patternOp
	slots   []aliasSlot
	remap   [][]int // per alternative, per step: its slot
	cur     []int   // per alternative: the next of its relevant rows
	ms      []match
	alt     []int // per entry of ms: its alternative
	evs     []event.Event
	binds   [][][]event.Event
	slab    [][]event.Event
	evSlab  []event.Event
	side    []int  // per alternative: the side of the OR it runs
	andSide []bool // per side: an AND, whose matches of one event go by positions
}

// andSequences returns the sequences I1 -> I2 and I2 -> I1 that run
// `I1 AND I2`: the item that comes second also satisfies its Closing
// conjuncts.
func andSequences(p *planner.Pattern) []*planner.Pattern {
	seq := func(first, second planner.PatternStep) *planner.Pattern {
		q := *p
		q.And = false
		if second.Closing != nil {
			second.Pred = planner.Conjoin(second.Pred, second.Closing)
			second.Closing = nil
		}
		q.Steps = []planner.PatternStep{first, second}
		return &q
	}
	return []*planner.Pattern{seq(p.Steps[0], p.Steps[1]), seq(p.Steps[1], p.Steps[0])}
}

// newAltPatternOp runs p: the sides of an OR pattern, or the two
// sequences of an AND pattern.
func newAltPatternOp(rt *Runtime, si int, s *planner.Stream, p *planner.Pattern) *altPatternOp {
	o := &altPatternOp{rt: rt, stream: s.Name}
	sides := p.Alts
	if len(sides) == 0 {
		sides = []*planner.Pattern{p}
	}
	for side, sp := range sides {
		seqs := []*planner.Pattern{sp}
		if sp.And {
			seqs = andSequences(sp)
		}
		o.andSide = append(o.andSide, sp.And)
		for _, q := range seqs {
			a := newPatternOp(rt, si, s, q)
			var remap []int
			for _, st := range a.slots {
				i := slices.IndexFunc(o.slots, func(x aliasSlot) bool { return x.name == st.name })
				if i < 0 {
					i = len(o.slots)
					o.slots = append(o.slots, aliasSlot{name: st.name})
				}
				o.slots[i].many = o.slots[i].many || st.many
				remap = append(remap, i)
			}
			o.alts = append(o.alts, a)
			o.side = append(o.side, side)
			o.remap = append(o.remap, remap)
		}
	}
	o.cur = make([]int, len(o.alts))
	return o
}

func (o *altPatternOp) runMany(c *chunk) []*chunk {
	for i, a := range o.alts {
		a.prepare(c)
		o.cur[i] = 0
	}
	evs, binds := o.evs[:0], o.binds[:0]
	var prow, seq []int32
	for _, r := range c.sel {
		o.ms, o.alt = o.ms[:0], o.alt[:0]
		for i, a := range o.alts {
			if o.cur[i] < len(a.rel) && a.rel[o.cur[i]] == r {
				for _, m := range a.matchesOf(c, o.cur[i]) {
					o.ms, o.alt = append(o.ms, m), append(o.alt, i)
				}
				o.cur[i]++
			}
		}
		for i := 0; i < len(o.ms); {
			j := i + 1
			for j < len(o.ms) && o.side[o.alt[j]] == o.side[o.alt[i]] {
				j++
			}
			if o.andSide[o.side[o.alt[i]]] && j-i > 1 {
				o.sortByPositions(i, j)
			}
			i = j
		}
		ms := o.rt.limitMatches(o.stream, o.ms)
		for j, m := range ms {
			a := o.alt[j]
			evs = append(evs, o.alts[a].record(m))
			binds = append(binds, o.widen(a, m.binds))
			prow = append(prow, c.upRow(r))
			seq = append(seq, c.upSeq(r)+int32(j))
		}
	}
	out := matchChunks(o.slots, evs, binds, c.prov, prow, seq)
	clear(evs)
	clear(binds)
	o.evs, o.binds = evs[:0], binds[:0]
	clear(o.ms)
	for _, a := range o.alts {
		a.reuseRemoved()
	}
	return out
}

// sortByPositions orders the matches of one event from an AND's two
// sequences by the input positions of their events in binding order,
// and a run one event started as I1 before the one it started as I2.
func (o *altPatternOp) sortByPositions(from, to int) {
	type entry struct {
		m   match
		alt int
	}
	es := make([]entry, 0, to-from)
	for i := from; i < to; i++ {
		es = append(es, entry{o.ms[i], o.alt[i]})
	}
	slices.SortStableFunc(es, func(a, b entry) int {
		return cmp.Or(comparePositions(a.m.at, b.m.at), cmp.Compare(a.alt, b.alt))
	})
	for i, e := range es {
		o.ms[from+i], o.alt[from+i] = e.m, e.alt
	}
}

// widen places an alternative's bindings at their slots.
func (o *altPatternOp) widen(alt int, binds [][]event.Event) [][]event.Event {
	n := len(o.slots)
	if len(o.slab) < n {
		o.slab = make([][]event.Event, slabBlock*n)
	}
	w := o.slab[:n:n]
	o.slab = o.slab[n:]
	for k, b := range binds {
		slot := o.remap[alt][k]
		if o.slots[slot].many && !o.alts[alt].slots[k].many && len(b) > 0 {
			// An ordinary step's slot is reused with its run; a slot that
			// holds several events keeps the slice it is given.
			if len(o.evSlab) == 0 {
				o.evSlab = make([]event.Event, slabBlock)
			}
			b, o.evSlab = append(o.evSlab[:0:1], b[0]), o.evSlab[1:]
		}
		w[slot] = b
	}
	return w
}

func (o *altPatternOp) due() int64 {
	d := int64(math.MaxInt64)
	for _, a := range o.alts {
		d = min(d, a.due())
	}
	return d
}

func (o *altPatternOp) bound(ts int64) int64 {
	b := int64(math.MaxInt64)
	for _, a := range o.alts {
		b = min(b, a.bound(ts))
	}
	return b
}

func (o *altPatternOp) fire(w int64, root *prov) []*chunk {
	type fired struct {
		ev    event.Event
		binds [][]event.Event
		ts    int64
		alt   int
		key   int32
		start int64 // input position of the run's first event
		at    [][]int64
	}
	var all []fired
	for i, a := range o.alts {
		for _, m := range a.fireMatches(w) {
			all = append(all, fired{ev: a.record(m), binds: o.widen(i, m.binds), ts: m.ts, alt: i, key: m.key, start: firstPosition(m.at), at: m.at})
		}
	}
	// By deadline, then partition key (explicit partitions), then run
	// start, then side (docs/patterns.md, N10); each side's own order
	// stays as it is for the rest.
	explicit := len(o.alts) > 0 && o.alts[0].p.KeyFields == nil && len(o.alts[0].keys.fields) > 0
	slices.SortStableFunc(all, func(x, y fired) int {
		if c := cmp.Compare(x.ts, y.ts); c != 0 {
			return c
		}
		if explicit {
			if c := compareKeyValues(o.alts[x.alt].keys.vals[x.key], o.alts[y.alt].keys.vals[y.key], len(o.alts[0].keys.fields)); c != 0 {
				return c
			}
		}
		if x.alt == y.alt {
			return 0
		}
		if c := cmp.Or(cmp.Compare(x.start, y.start), cmp.Compare(o.side[x.alt], o.side[y.alt])); c != 0 {
			return c
		}
		// The two sequences of one AND: by positions in binding order,
		// then the run started as I1 first.
		return cmp.Or(comparePositions(x.at, y.at), cmp.Compare(x.alt, y.alt))
	})
	evs := make([]event.Event, len(all))
	binds := make([][][]event.Event, len(all))
	for i, f := range all {
		evs[i], binds[i] = f.ev, f.binds
	}
	out := rankFired(matchChunks(o.slots, evs, binds, nil, nil, nil), root)
	for _, a := range o.alts {
		a.recycleFired()
	}
	return out
}

// compareKeyValues orders two partition keys of n fields (an array of
// them when n > 1) as keyIndex orders its own.
func compareKeyValues(a, b event.Value, n int) int {
	if n <= 1 {
		return event.CompareKeys(a, b)
	}
	for i := range n {
		if c := event.CompareKeys(a.Elems()[i], b.Elems()[i]); c != 0 {
			return c
		}
	}
	return 0
}

// firstPosition returns the input position of a match's first event.
func firstPosition(at [][]int64) int64 {
	for _, a := range at {
		if len(a) > 0 {
			return a[0]
		}
	}
	return math.MaxInt64
}

func (o *altPatternOp) snapshot(w *stateWriter) {
	for _, a := range o.alts {
		a.snapshot(w)
	}
}

func (o *altPatternOp) restore(r *stateReader) error {
	for _, a := range o.alts {
		if err := a.restore(r); err != nil {
			return err
		}
	}
	return nil
}
