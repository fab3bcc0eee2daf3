package exec

import (
	"math"

	"github.com/varpulis/varpulis-go/event"
	"github.com/varpulis/varpulis-go/planner"
)

// maxTicksPerPhase bounds the ticks one watermark phase releases, so that a
// jump in event time cannot make a fine timer flood the engine; the ticks
// skipped are reported as a limit hit.
const maxTicksPerPhase = 1_000_000

// timerOp is a timer source (VPL.md §4.1): tick k at t0 + delay + k·every,
// fired when the source watermark reaches it; at the end of the input,
// ticks up to the largest timestamp seen and no further.
type timerOp struct {
	rt      *Runtime
	stream  string
	t       *planner.Timer
	started bool
	next    int64 // time of the next tick
	k       int64 // number of the next tick
}

// start sets t0 from the first input event.
func (op *timerOp) start(t0 int64) {
	if !op.started {
		op.started = true
		op.next = addSat(t0, op.t.Delay)
	}
}

func (op *timerOp) runMany(*chunk) []*chunk { return nil }

func (op *timerOp) due() int64 {
	if !op.started {
		return math.MaxInt64
	}
	return op.next
}

func (op *timerOp) bound(int64) int64 { return op.due() }

func (op *timerOp) fire(w int64, root *prov) []*chunk {
	w = min(w, op.rt.maxTs) // at the end: up to the largest timestamp seen
	var ts []int64
	var ks []event.Value
	for op.next <= w {
		if len(ts) == maxTicksPerPhase {
			skipped := (w-op.next)/op.t.Every + 1
			op.k += skipped
			op.next = addSat(op.next, skipped*op.t.Every)
			op.rt.limitHit(op.stream, "max_timer_ticks", maxTicksPerPhase)
			break
		}
		ts = append(ts, op.next)
		ks = append(ks, event.Int(op.k))
		op.k++
		op.next = addSat(op.next, op.t.Every)
		if op.next == math.MaxInt64 {
			break
		}
	}
	if len(ts) == 0 {
		return nil
	}
	c := &chunk{typ: op.stream, n: len(ts), ts: ts, names: []string{"tick"},
		cols: []*vec{{kind: planner.KindAny, vals: ks}}, prov: root}
	c.sel = identity(nil, len(ts))
	return []*chunk{c}
}

func (op *timerOp) snapshot(w *stateWriter) {
	w.bool(op.started)
	w.int(op.next)
	w.int(op.k)
}

func (op *timerOp) restore(r *stateReader) error {
	op.started, op.next, op.k = r.bool(), r.int(), r.int()
	return r.err
}
