package patternoracle

import (
	"github.com/varpulis/varpulis-go/event"
)

// enumerate finds the matches of policy any by definition (§4.5.6: "every
// combination is produced"): every way to choose, for each step in order,
// one input position (an ordinary step), none or one (`?`), a non-empty
// increasing sequence of positions (a Kleene step) or a possibly empty one
// (`*`), all strictly increasing across steps (an event binds at most one
// step of a run), at least one in all, such that
//
//   - every chosen event has its step's type and satisfies its predicate
//     with the earlier choices bound (§4.5.1; Kleene: each element
//     compared with the previous chosen element; an empty step's alias is
//     null, N7);
//   - every chosen event is of the first event's partition (§4.5.7);
//   - with .within(d), every chosen event has ts ≤ deadline = ts(first) + d
//     (§4.5.3; reading 2), and no watermark phase after the first event
//     and up to the completing one takes W(S) beyond the deadline (§4.5.3);
//   - no negation event of the partition with ts ≤ deadline satisfies the
//     negation's predicate with the choices made before it bound (§4.5.4)
//     in the interval the negation guards: for a .not, from after the
//     first event up to the completing one (absence: up to, excluding,
//     the completing watermark phase); for a NOT item, from after the
//     first event of the nearest step before it that holds one to the
//     first event of the nearest step after it that holds one, or to the
//     completion when there is none (N6);
//   - a Kleene step holds at most max_kleene elements (§4.7).
//
// Without absence the combination completes in the dispatch phase of its
// last chosen event (a Kleene-last or trailing-optional combination is one
// prefix emission, N4); with absence (§4.5.5) in the first watermark phase
// after it that takes W beyond the deadline, with ts = deadline. An AND
// (N9) chooses its two items in either order: the first event satisfies
// its item's conjuncts that do not mention the other item, the second its
// own item's predicate and the first item's remaining conjuncts, both
// bound. The sides of an OR are enumerated one by one (N10).
func enumerate(p Pattern, events []Event) []match {
	var out []match
	for side, sp := range p.sides() {
		for _, m := range enumerateOne(sp, events) {
			m.side = side
			out = append(out, m)
		}
	}
	return out
}

func enumerateOne(p Pattern, events []Event) []match {
	w, adv := watermarks(p, events)
	n := len(events)
	nSteps := len(p.Steps)
	var out []match
	for i1 := range events {
		// The steps the first event may take (N3; AND: either item).
		var starts []int
		if p.And {
			for j := range 2 {
				if andStarts(p, events, j, i1) {
					starts = append(starts, j)
				}
			}
		} else {
			for _, j := range p.reach(0, 0) {
				if matchesStep(p, events, nil, j, i1) {
					starts = append(starts, j)
				}
			}
		}
		if len(starts) == 0 {
			continue
		}
		key := p.key(&events[i1])
		var deadline int64
		// mStar is the first input event after i1 whose watermark phase
		// takes W beyond the deadline (n: the final phase); n+1: never.
		mStar := n + 1
		if p.Within > 0 {
			deadline = p.deadlineOf(&events[i1])
			for q := i1 + 1; q <= n; q++ {
				if adv[q] && w[q] > deadline {
					mStar = q
					break
				}
			}
		}
		// Every chosen position comes before mStar: the run must not
		// have been removed before its completing event.
		limit := min(n, mStar)
		bound := make([][]int, nSteps)

		complete := func() {
			last := lastPos(bound)
			m := match{key: key, start: i1, bound: cloneBound(bound)}
			hi := last + 1 // negations dispatched in (i1, hi) count
			if p.absence() {
				if mStar > n {
					return // W was already +∞: nothing is ever due
				}
				m.trigger, m.phase, m.due, m.ts = mStar, phaseWatermark, deadline, deadline
				hi = mStar
			} else {
				m.trigger, m.phase, m.ts = last, phaseDispatch, events[last].TS
			}
			for q := i1 + 1; q < hi; q++ {
				if !event.Equal(p.key(&events[q]), key) {
					continue
				}
				prefix := before(bound, q)
				for _, neg := range p.Nots {
					if neg.Item {
						from, to := gap(bound, neg.After)
						if from < 0 || q <= from || to >= 0 && q > to {
							continue // outside the gap it guards (N6)
						}
					}
					if negationKills(p, events, neg, prefix, deadline, q) {
						return
					}
				}
			}
			out = append(out, m)
		}

		// inTime reports whether the event at q may join the run: of its
		// partition, after the last choice, in time.
		inTime := func(q int) bool {
			return event.Equal(p.key(&events[q]), key) && !(p.Within > 0 && events[q].TS > deadline)
		}

		// walk extends the combination: steps before j are decided;
		// bound[j] holds the elements chosen so far for step j (a Kleene
		// step may hold several).
		var walk func(j int)
		walk = func(j int) {
			if j == nSteps {
				complete()
				return
			}
			st := p.Steps[j]
			switch {
			case st.Kleene && len(bound[j]) >= 1:
				walk(j + 1) // close the Kleene step here
			case st.Optional && len(bound[j]) == 0:
				walk(j + 1) // leave the optional step empty
			}
			if st.Kleene && len(bound[j]) >= p.maxKleene() {
				return
			}
			for q := lastPos(bound) + 1; q < limit; q++ {
				if !inTime(q) || !matchesStep(p, events, bound, j, q) {
					continue
				}
				bound[j] = append(bound[j], q)
				if st.Kleene {
					walk(j)
				} else {
					walk(j + 1)
				}
				bound[j] = bound[j][:len(bound[j])-1]
			}
		}
		for _, s0 := range starts {
			clear(bound)
			bound[s0] = []int{i1}
			switch {
			case p.And:
				other := 1 - s0
				for q := i1 + 1; q < limit; q++ {
					if inTime(q) && andCompletes(p, events, bound, other, q) {
						bound[other] = []int{q}
						complete()
						bound[other] = nil
					}
				}
			case p.Steps[s0].Kleene:
				walk(s0)
			default:
				walk(s0 + 1)
			}
		}
	}
	return out
}

// gap returns the interval a NOT item after step k guards in a
// combination (N6): the first position of the nearest step up to k that
// holds an event (−1: none, no guard) and the first position of the
// nearest step after k that holds one (−1: none, up to the completion).
func gap(bound [][]int, k int) (from, to int) {
	from, to = -1, -1
	for j := k - 1; j >= 0; j-- {
		if len(bound[j]) > 0 {
			from = bound[j][0]
			break
		}
	}
	for j := k; j < len(bound); j++ {
		if len(bound[j]) > 0 {
			to = bound[j][0]
			break
		}
	}
	return from, to
}

// lastPos is the greatest position bound so far.
func lastPos(bound [][]int) int {
	last := -1
	for _, b := range bound {
		for _, q := range b {
			last = max(last, q)
		}
	}
	return last
}

// before keeps the positions bound before q: the run's state when the
// event at q is dispatched.
func before(bound [][]int, q int) [][]int {
	out := make([][]int, len(bound))
	for j, b := range bound {
		for _, x := range b {
			if x < q {
				out[j] = append(out[j], x)
			}
		}
	}
	return out
}
