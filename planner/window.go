package planner

import (
	"strconv"

	"github.com/varpulis/varpulis-go/event"
)

// WindowKind is the kind of a window (VPL.md §4.3).
type WindowKind uint8

// Window kinds.
const (
	Tumbling     WindowKind = iota // .window(d)
	Sliding                        // .window(d, sliding: s)
	CountWindow                    // .window(n)
	SlidingCount                   // .window(n, sliding: k)
	Session                        // .window(session: g)
)

var windowKindNames = [...]string{"tumbling", "sliding", "count", "sliding_count", "session"}

func (k WindowKind) String() string { return windowKindNames[k] }

// IsTime reports whether windows of this kind are bounded by event time
// (and released by the watermark).
func (k WindowKind) IsTime() bool { return k == Tumbling || k == Sliding || k == Session }

// Window groups events per partition key and releases them; followed by
// an aggregate, it releases one aggregated event per key and window.
// Sizes are nanoseconds for time windows, event counts otherwise; for a
// session, Size is the gap.
type Window struct {
	Kind  WindowKind
	Size  int64
	Slide int64
	// Agg, when set, reduces each release to one event per key.
	Agg *Aggregate
	// Keep, when set (.pattern(name: events => p)), keeps a release only
	// if the lambda is true for the array of its events.
	Keep *Lambda
}

// Lambda is a one-parameter function expression; the parameter is local
// slot 0 of an anonymous frame.
type Lambda struct {
	Param string
	Body  Expr
}

// Aggregate computes Items per release (after a Window) or, alone, per
// event over all events of its key so far (a running aggregate).
type Aggregate struct {
	Calls []*AggCall // the distinct aggregate calls, indexed by AggRef.Slot
	Items []Item     // output fields: expressions over AggRefs and constants
}

// AggCall is one aggregate function applied to an argument expression.
type AggCall struct {
	Fn     string // count, count_distinct, sum, avg, min, max, stddev, first, last, ema
	Arg    Expr   // nil for count()
	Period int64  // ema's n
}

// AggRef reads the result of Aggregate.Calls[Slot] for the released group.
type AggRef struct {
	Slot int
	Call *AggCall
}

// Kind implements Expr.
func (e *AggRef) Kind() event.Kind { return KindAny }

func (e *AggRef) String() string {
	s := e.Call.Fn + "("
	if e.Call.Arg != nil {
		s += e.Call.Arg.String()
	}
	if e.Call.Fn == "ema" {
		s += ", " + strconv.FormatInt(e.Call.Period, 10)
	}
	return s + ")"
}

func (*Window) opName() string    { return "Window" }
func (*Aggregate) opName() string { return "Aggregate" }
