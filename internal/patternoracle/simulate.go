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
	step     int     // the step awaited, or the Kleene step being collected
	waiting  bool    // absence: every step bound, waiting for W > deadline (§4.5.5)
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
// branching runs).
func simulate(p Pattern, events []Event) []match {
	s := &sim{p: p, events: events, branch: p.policy() == Any, strict: p.policy() == Strict}
	return s.all()
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
			// match whose ts is its deadline.
			if r.waiting {
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
	// predicate is exactly true is removed without output.
	var alive []*run
	for _, r := range s.runs {
		killed := false
		if event.Equal(r.key, key) {
			for _, n := range p.Nots {
				if negationKills(p, s.events, n, r.bound, r.deadline, i) {
					killed = true
					break
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
	// advanced or completed other runs.
	if !matchesStep(p, s.events, nil, 0, i) {
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
		if n >= p.maxRuns() {
			return
		}
	}
	r := &run{start: i, key: key, bound: make([][]int, len(p.Steps))}
	if p.Within > 0 {
		r.deadline = p.deadlineOf(e)
	}
	if s.bind(r, 0, i) {
		s.runs = append(s.runs, r)
	}
}

// Run actions on an offered event (§4.5.2).
const (
	actNone    = iota
	actBind    // bind an ordinary step, or collect a Kleene step's first element
	actCollect // collect one more element of a Kleene step
	actMoveOn  // leave a Kleene step for the next step
)

// offer offers the event at position i to run r under policy next or
// strict (§4.5.2, §4.5.6) and reports whether the run stays active.
func (s *sim) offer(r *run, i int) bool {
	p, e := s.p, &s.events[i]
	n := len(p.Steps)
	act, target := actNone, 0
	if r.waiting {
		// §4.5.5: a waiting run only keeps collecting a final Kleene
		// step.
		last := n - 1
		if p.Steps[last].Kleene && matchesStep(p, s.events, r.bound, last, i) &&
			!(p.Within > 0 && e.TS > r.deadline) && // reading 3: ignored, not removed
			len(r.bound[last]) < p.maxKleene() { // §4.7 max_kleene: not collected
			act, target = actCollect, last
		}
	} else {
		j := r.step
		st := p.Steps[j]
		switch {
		case st.Kleene && len(r.bound[j]) >= 1 && j+1 < n && matchesStep(p, s.events, r.bound, j+1, i):
			// A run in a Kleene step holding ≥ 1 element moves on if
			// the event matches the next step (reluctant Kleene).
			act, target = actMoveOn, j+1
		case matchesStep(p, s.events, r.bound, j, i):
			switch {
			case !st.Kleene || len(r.bound[j]) == 0:
				act, target = actBind, j
			case len(r.bound[j]) < p.maxKleene():
				act, target = actCollect, j
			}
			// §4.7 max_kleene: a full Kleene step does not collect.
		}
		// §4.5.3: a run is removed when an event with ts > deadline(r)
		// would advance or be collected by it.
		if act != actNone && p.Within > 0 && e.TS > r.deadline {
			return false
		}
	}
	if act == actNone {
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
	n := len(p.Steps)
	out := []*run{r}
	var targets []int
	if r.waiting {
		last := n - 1
		if p.Steps[last].Kleene && matchesStep(p, s.events, r.bound, last, i) &&
			len(r.bound[last]) < p.maxKleene() {
			targets = append(targets, last)
		}
	} else {
		j := r.step
		st := p.Steps[j]
		if st.Kleene && len(r.bound[j]) >= 1 && j+1 < n && matchesStep(p, s.events, r.bound, j+1, i) {
			targets = append(targets, j+1)
		}
		// Reading 4: under any, an event that lets a Kleene run move on
		// may also be collected by another copy.
		if matchesStep(p, s.events, r.bound, j, i) && (!st.Kleene || len(r.bound[j]) < p.maxKleene()) {
			targets = append(targets, j)
		}
	}
	for _, t := range targets {
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
// ordinary step, or adding an element to a Kleene step), then applies
// §4.5.2 (3) and §4.5.5; it reports whether the run stays active.
func (s *sim) bind(r *run, target, i int) bool {
	p := s.p
	n := len(p.Steps)
	r.bound[target] = append(r.bound[target], i)
	if p.Steps[target].Kleene {
		r.step = target // keeps collecting
	} else {
		r.step = target + 1
	}
	allBound := r.step == n || target == n-1
	if !allBound {
		return true
	}
	if p.absence() {
		// §4.5.5: a run whose steps are all bound does not complete at
		// once: it waits (a final Kleene step keeps collecting).
		r.waiting = true
		return true
	}
	m := match{trigger: i, phase: phaseDispatch, key: r.key, start: r.start,
		bound: cloneBound(r.bound), ts: s.events[i].TS}
	s.out = append(s.out, m)
	// §4.5.2 (3): the run completes and is removed; Kleene last: a match
	// each time the run collects an element, and the run stays active
	// until it expires.
	return p.Steps[n-1].Kleene
}
