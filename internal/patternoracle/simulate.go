package patternoracle

import (
	"slices"

	"github.com/varpulis/varpulis-go/event"
)

// run is one pattern run (§4.5.2).
type run struct {
	start    int // position of its first event
	key      event.Value
	deadline int64   // ts(first event) + d (§4.5.3); unused without .within
	bound    [][]int // positions bound to each step (len(Steps) entries)
	waiting  bool    // absence: every mandatory step bound, waiting for W > deadline (§4.5.5, N5)
	// bar, when > 0, is the step number past which the run may not bind
	// (nor complete at an absence deadline) until it binds a step up to
	// it: a NOT item's event came while the run could still skip to the
	// gap it guards (N6).
	bar int
}

func (r *run) clone() *run {
	c := *r
	c.bound = cloneBound(r.bound)
	return &c
}

func cloneBound(b [][]int) [][]int {
	out := make([][]int, len(b))
	for i := range b {
		out[i] = slices.Clone(b[i])
	}
	return out
}

// simulate processes the events one at a time as §3 and §4.5 describe,
// for policy next and strict (and, for the package's own tests, any by
// branching runs); each side of an OR on its own (N10).
func simulate(p Pattern, events []Event) []match {
	var out []match
	for side, sp := range p.sides() {
		s := &sim{p: sp, events: events, branch: sp.policy() == Any, strict: sp.policy() == Strict}
		for _, m := range s.all() {
			m.side = side
			out = append(out, m)
		}
	}
	return out
}

type sim struct {
	p      Pattern
	events []Event
	branch bool // policy any: runs branch (§4.5.6)
	strict bool // policy strict (§4.5.6)

	runs []*run // active runs, in run-start order
	out  []match
}

func (s *sim) all() []match {
	p, events := s.p, s.events
	w, adv := watermarks(p, events)
	// §3: input events are processed one at a time in input order.
	for i := 0; i <= len(events); i++ {
		// §3 step 3: the watermark phase; entry len(events) is the final
		// one at the end of input (maxTs = +∞).
		if adv[i] {
			s.watermark(i, w[i])
		}
		if i == len(events) {
			break
		}
		// §3 step 4: only events of a type the stream reads are
		// dispatched to it.
		if p.subscribed(events[i].Type) {
			s.dispatch(i)
		}
	}
	return s.out
}

// watermark is what an advance of W(S) to wm makes due (§3 step 3).
func (s *sim) watermark(i int, wm int64) {
	if s.p.Within <= 0 {
		return // without .within nothing is due
	}
	var keep []*run
	for _, r := range s.runs {
		// §4.5.3: a run is removed without output in the watermark phase
		// in which W(S) comes to exceed its deadline (a run started late,
		// whose deadline W had already passed, at the next advance).
		if wm > r.deadline {
			// §4.5.5: a waiting absence run instead completes with one
			// match whose ts is its deadline, unless a NOT item barred
			// it (N6).
			if r.waiting && r.bar == 0 {
				s.out = append(s.out, match{trigger: i, phase: phaseWatermark, due: r.deadline, key: r.key,
					start: r.start, bound: cloneBound(r.bound), ts: r.deadline})
			}
			continue
		}
		keep = append(keep, r)
	}
	s.runs = keep
}

// dispatch is the dispatch phase of the event at position i (§3 step 4,
// §4.5.2 (1)–(4)).
func (s *sim) dispatch(i int) {
	p, e := s.p, &s.events[i]
	key := p.key(e)

	// (1) Negations apply (§4.5.4): each active run of the event's
	// partition (§4.5.7) whose deadline is ≥ ts(e) and for which the
	// predicate is exactly true is removed without output; a NOT item
	// only in the gap it guards, or bars the run (N6).
	var alive []*run
	for _, r := range s.runs {
		killed := false
		if event.Equal(r.key, key) {
			b := p.progress(r.bound)
			for _, n := range p.Nots {
				switch {
				case !n.Item || b == n.After:
					killed = killed || negationKills(p, s.events, n, r.bound, r.deadline, i)
				case b < n.After && p.skippable(b, n.After) && negationKills(p, s.events, n, r.bound, r.deadline, i):
					if r.bar == 0 || n.After < r.bar {
						r.bar = n.After
					}
				}
			}
		}
		if !killed {
			alive = append(alive, r)
		}
	}

	// (2) Each active run of the event's partition, in run-start order,
	// is offered the event; (3) a run whose last step is bound completes.
	var runs []*run
	for _, r := range alive {
		if !event.Equal(r.key, key) {
			runs = append(runs, r) // §4.5.7: other partitions are untouched
			continue
		}
		if s.branch {
			runs = append(runs, s.offerAny(r, i)...)
		} else if s.offer(r, i) {
			runs = append(runs, r)
		}
	}
	s.runs = runs

	// (4) If the event matches step 1 a new run starts, even if it also
	// advanced or completed other runs. With optional first steps: a step
	// up to the first mandatory one, the furthest it matches; under any
	// one run for each (N3). AND: one run for each item it starts (N9).
	starts := s.starts(i)
	if len(starts) == 0 {
		return
	}
	if !s.branch {
		// §4.7 max_runs: per stream and partition; new runs are not
		// started (reading 11: not modelled under policy any).
		n := 0
		for _, r := range s.runs {
			if event.Equal(r.key, key) {
				n++
			}
		}
		if !p.And {
			starts = starts[len(starts)-1:]
		}
		if n+len(starts) > p.maxRuns() {
			starts = starts[:max(0, p.maxRuns()-n)]
		}
	}
	for _, j := range starts {
		r := &run{start: i, key: key, bound: make([][]int, len(p.Steps))}
		if p.Within > 0 {
			r.deadline = p.deadlineOf(e)
		}
		if s.bind(r, j, i) {
			s.runs = append(s.runs, r)
		}
	}
}

// starts lists the steps the event at position i starts a run at, nearest
// first: the steps 1 … m₀ it matches (N3), or the AND items whose own
// conjuncts it satisfies (N9).
func (s *sim) starts(i int) []int {
	var out []int
	if s.p.And {
		for j := range 2 {
			if andStarts(s.p, s.events, j, i) {
				out = append(out, j)
			}
		}
		return out
	}
	for _, j := range s.p.reach(0, 0) {
		if matchesStep(s.p, s.events, nil, j, i) {
			out = append(out, j)
		}
	}
	return out
}

// targets lists where run r may put the event at position i (N2): the
// later steps it may reach and matches, nearest first, then (-1 when it
// cannot) its progress step when the event may be collected into it. For
// AND: the missing item, if the event completes it (N9). full reports a
// collection refused by max_kleene.
func (s *sim) targets(r *run, i int) (later []int, collect int, full bool) {
	p := s.p
	collect = -1
	if p.And {
		j := 0
		if len(r.bound[0]) > 0 {
			j = 1
		}
		if len(r.bound[j]) == 0 && andCompletes(p, s.events, r.bound, j, i) {
			later = append(later, j)
		}
		return later, -1, false
	}
	b := p.progress(r.bound)
	for _, j := range p.reach(b, r.bar) {
		if matchesStep(p, s.events, r.bound, j, i) {
			later = append(later, j)
		}
	}
	if last := b - 1; last >= 0 && p.Steps[last].Kleene && matchesStep(p, s.events, r.bound, last, i) {
		if len(r.bound[last]) < p.maxKleene() {
			collect = last
		} else {
			full = true // §4.7 max_kleene: a full Kleene step does not collect
		}
	}
	return later, collect, full
}

// offer offers the event at position i to run r under policy next or
// strict (§4.5.2, §4.5.6) and reports whether the run stays active.
func (s *sim) offer(r *run, i int) bool {
	p, e := s.p, &s.events[i]
	later, collect, _ := s.targets(r, i)
	// The furthest later step it matches (reluctant, N2); else collect.
	target := collect
	if len(later) > 0 {
		target = later[len(later)-1]
	}
	if target >= 0 && p.Within > 0 && e.TS > r.deadline {
		if !r.waiting {
			// §4.5.3: a run is removed when an event with ts >
			// deadline(r) would advance or be collected by it.
			return false
		}
		target = -1 // reading 3: a waiting run ignores it
	}
	if target < 0 {
		// §4.5.6 strict: in the run's partition every later event whose
		// type occurs in some step must be bound or collected by the run,
		// otherwise the run is removed (reading 6: waiting runs and
		// events refused by max_kleene included). (§4.5.2: otherwise the
		// run ignores the event.)
		return !(s.strict && p.stepType(e.Type))
	}
	return s.bind(r, target, i)
}

// offerAny offers the event at position i to run r under policy any
// (§4.5.6): whenever the run could bind, collect or move on, a copy does
// so and the original keeps waiting. It returns the runs that stay
// active: the original first, then the copies.
func (s *sim) offerAny(r *run, i int) []*run {
	p, e := s.p, &s.events[i]
	out := []*run{r}
	later, collect, _ := s.targets(r, i)
	// Reading 4: under any, an event that lets a Kleene run move on may
	// also be collected by another copy.
	if collect >= 0 {
		later = append(later, collect)
	}
	for _, t := range later {
		// Reading 2: an event with ts > deadline(r) creates no copy; the
		// original keeps waiting.
		if p.Within > 0 && e.TS > r.deadline {
			continue
		}
		c := r.clone()
		if s.bind(c, t, i) {
			out = append(out, c)
		}
	}
	return out
}

// bind binds the event at position i to step target of r (binding an
// ordinary or optional step, or adding an element to a Kleene step), then
// applies §4.5.2 (3), N4 and §4.5.5; it reports whether the run stays
// active.
func (s *sim) bind(r *run, target, i int) bool {
	p := s.p
	n := len(p.Steps)
	if target+1 > p.progress(r.bound) {
		r.bar = 0 // a later step: the negation events so far came before it (N6)
	}
	r.bound[target] = append(r.bound[target], i)
	if p.And {
		if len(r.bound[0]) == 0 || len(r.bound[1]) == 0 {
			return true
		}
	} else if !p.optionalAfter(target) {
		return true
	}
	if p.absence() {
		// §4.5.5: a run whose mandatory steps are all bound does not
		// complete at once: it waits (later optional and final Kleene
		// steps keep taking events, N5).
		r.waiting = true
		return true
	}
	if r.bar > 0 {
		// N6: a barred run completes nothing until it binds a step up to
		// its bar (a match now would span the gap of the NOT item that
		// barred it).
		return true
	}
	m := match{trigger: i, phase: phaseDispatch, key: r.key, start: r.start,
		bound: cloneBound(r.bound), ts: s.events[i].TS}
	s.out = append(s.out, m)
	// §4.5.2 (3): the run completes and is removed; Kleene last and
	// trailing optional steps: a match each time the run takes an event,
	// and the run stays active while an event can still join it (N4).
	return !p.And && (target < n-1 || p.Steps[target].Kleene)
}
