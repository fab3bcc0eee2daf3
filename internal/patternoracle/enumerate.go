package patternoracle

import (
	"github.com/varpulis/varpulis-go/event"
)

// enumerate finds the matches of policy any by definition (§4.5.6: "every
// combination is produced"): every way to choose, for each step in order,
// one input position (an ordinary step) or a non-empty increasing sequence
// of positions (a Kleene step), all strictly increasing across steps (an
// event binds at most one step of a run), such that
//
//   - every chosen event has its step's type and satisfies its predicate
//     with the earlier choices bound (§4.5.1; Kleene: each element
//     compared with the previous chosen element);
//   - every chosen event is of the first event's partition (§4.5.7);
//   - with .within(d), every chosen event has ts ≤ deadline = ts(first) + d
//     (§4.5.3; reading 2), and no watermark phase after the first event
//     and up to the completing one takes W(S) beyond the deadline (§4.5.3);
//   - no negation event of the partition with ts ≤ deadline, dispatched
//     after the first event and up to the completing one (absence: up to,
//     excluding, the completing watermark phase), satisfies the
//     negation's predicate with the choices made before it bound (§4.5.4);
//   - a Kleene step holds at most max_kleene elements (§4.7).
//
// Without absence the combination completes in the dispatch phase of its
// last chosen event (a Kleene-last combination is one prefix emission);
// with absence (§4.5.5) in the first watermark phase after it that takes W
// beyond the deadline, with ts = deadline.
func enumerate(p Pattern, events []Event) []match {
	w, adv := watermarks(p, events)
	n := len(events)
	nSteps := len(p.Steps)
	var out []match
	for i1 := range events {
		if !matchesStep(p, events, nil, 0, i1) {
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
		bound[0] = []int{i1}

		complete := func() {
			last := bound[nSteps-1][len(bound[nSteps-1])-1]
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
					if negationKills(p, events, neg, prefix, deadline, q) {
						return
					}
				}
			}
			out = append(out, m)
		}

		// walk extends the combination: steps before j are complete;
		// bound[j] holds the elements chosen so far for step j (a Kleene
		// step may hold several).
		var walk func(j int)
		walk = func(j int) {
			if j == nSteps {
				complete()
				return
			}
			st := p.Steps[j]
			if st.Kleene && len(bound[j]) >= 1 {
				walk(j + 1) // close the Kleene step here
			}
			if st.Kleene && len(bound[j]) >= p.maxKleene() {
				return
			}
			prev := lastPos(bound)
			for q := prev + 1; q < limit; q++ {
				if !event.Equal(p.key(&events[q]), key) {
					continue
				}
				if p.Within > 0 && events[q].TS > deadline {
					continue
				}
				if !matchesStep(p, events, bound, j, q) {
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
		if p.Steps[0].Kleene {
			walk(0)
		} else {
			walk(1)
		}
	}
	return out
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
