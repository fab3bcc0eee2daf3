package exec

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestRunHeapOrder pushes and pops waiting runs mostly in order, as
// absences file them, sometimes out of order, and filters them, against a
// sorted list: the queue must hand them out by deadline, then start,
// whether it is still a queue or has become a heap.
func TestRunHeapOrder(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 8))
	for round := 0; round < 200; round++ {
		var q runHeap
		var ref []waitingRun
		var d, start int64
		x := &run{}
		for step := 0; step < 2000; step++ {
			switch n := r.IntN(100); {
			case n < 55:
				d += int64(r.IntN(3))
				if r.IntN(50) == 0 {
					d -= int64(r.IntN(10)) // out of order
				}
				start++
				w := waitingRun{deadline: d, start: start, r: x}
				q.push(w)
				ref = append(ref, w)
				slices.SortStableFunc(ref, func(a, b waitingRun) int {
					if runLess(&a, &b) {
						return -1
					}
					if runLess(&b, &a) {
						return 1
					}
					return 0
				})
			case n < 98:
				if len(ref) == 0 {
					continue
				}
				got := q.pop()
				if got.deadline != ref[0].deadline || got.start != ref[0].start {
					t.Fatalf("round %d step %d: popped (%d, %d), want (%d, %d)", round, step, got.deadline, got.start, ref[0].deadline, ref[0].start)
				}
				ref = ref[1:]
			default:
				odd := func(w *waitingRun) bool { return w.start%2 == 1 }
				q.filter(odd)
				ref = slices.DeleteFunc(ref, func(w waitingRun) bool { return !odd(&w) })
			}
			if q.len() != len(ref) {
				t.Fatalf("round %d step %d: %d entries, want %d", round, step, q.len(), len(ref))
			}
		}
	}
}
