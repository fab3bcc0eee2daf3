package agg

import (
	"github.com/cockroachdb/errors"
	"github.com/varpulis/varpulis-go/event"
)

// Func names an aggregate function of VPL.md §4.4. The numbers are part of
// the snapshot format (the tag byte of every state): never renumber, only
// append. The zero Func is invalid.
type Func uint8

// The aggregate functions.
const (
	CountStar     Func = iota + 1 // count(): events
	Count                         // count(x): non-null x
	CountDistinct                 // count_distinct(x), count(distinct(x))
	Sum                           // sum(x)
	Avg                           // avg(x)
	Min                           // min(x)
	Max                           // max(x)
	Stddev                        // stddev(x), sample (n − 1)
	First                         // first(x)
	Last                          // last(x)
	Ema                           // ema(x, n)
	numFuncs
)

var funcNames = [numFuncs]string{"", "count()", "count", "count_distinct", "sum", "avg", "min", "max", "stddev", "first", "last", "ema"}

// String returns the function's VPL name; CountStar is "count()".
func (f Func) String() string {
	if f < numFuncs && f != 0 {
		return funcNames[f]
	}
	return "invalid"
}

// Valid reports whether f is one of the functions above.
func (f Func) Valid() bool { return f != 0 && f < numFuncs }

// Parse maps a call of the VPL aggregate name with nargs arguments to its
// Func: "count" with no argument is CountStar, with one Count; ema takes
// two arguments (x and the period), every other function one. The planner
// rewrites count(distinct(x)) to count_distinct(x) before it gets here.
func Parse(name string, nargs int) (Func, bool) {
	want := 1
	var f Func
	switch name {
	case "count":
		if nargs == 0 {
			return CountStar, true
		}
		f = Count
	case "count_distinct":
		f = CountDistinct
	case "sum":
		f = Sum
	case "avg":
		f = Avg
	case "min":
		f = Min
	case "max":
		f = Max
	case "stddev":
		f = Stddev
	case "first":
		f = First
	case "last":
		f = Last
	case "ema":
		f, want = Ema, 2
	default:
		return 0, false
	}
	if nargs != want {
		return 0, false
	}
	return f, true
}

// Spec describes one aggregate call.
type Spec struct {
	Fn     Func
	Period int64 // ema's n (≥ 1); unused by the others
}

// Check reports whether New(s) computes s; New never fails, so that a bad
// spec cannot crash the server, but its accumulator would give null.
func (s Spec) Check() error {
	if !s.Fn.Valid() {
		return errors.Newf("agg: invalid function %d", errors.Safe(s.Fn))
	}
	if s.Fn == Ema && s.Period < 1 {
		return errors.Newf("agg: ema period %d is not a positive integer", errors.Safe(s.Period))
	}
	return nil
}

// Column is a read-only view of an argument column, indexed by row number.
//
// A typed view has Kind event.KindInt with I64, or event.KindFloat with F64
// (finite values), and optionally Valid; every other column is read through
// Value. Rows a typed slice does not cover are skipped. IsConst overrides
// everything: every row holds Const.
type Column struct {
	Kind  event.Kind
	I64   []int64
	F64   []float64
	Valid []byte                      // validity bitmap, bit set = non-null; nil = no nulls
	Value func(row int32) event.Value // always set; a nil Value reads as null
	// IsConst: every row holds Const.
	IsConst bool
	Const   event.Value
}

// Acc holds one aggregate's accumulators for many groups, indexed by dense
// group ids. Groups outside [0, n) after Resize(n) are ignored by Update
// and read as empty. An Acc is not safe for concurrent use.
type Acc interface {
	// Resize makes room for at least n groups; new groups are empty.
	Resize(n int)
	// Update folds row rows[i] of col into group groups[i], in slice order
	// (which is event order). Extra elements of the longer slice are
	// ignored. col may be nil for CountStar (and reads as all null
	// otherwise).
	Update(groups []int32, rows []int32, col *Column)
	// UpdateOne is Update with every row in group g: the fast path for a
	// batch of one key.
	UpdateOne(g int32, rows []int32, col *Column)
	// UpdateSpans folds, span after span (event order), row s.Row of col
	// into each group of s: the same as Update with the spans' (group,
	// row) pairs listed in order.
	UpdateSpans(spans []Span, col *Column)
	// Result returns group g's aggregate (VPL.md §4.4).
	Result(g int32) event.Value
	// AppendResults appends the Result of each group to out.
	AppendResults(out []event.Value, groups []int32) []event.Value
	// Reset empties group g for reuse.
	Reset(g int32)
	// Move gives group dst the state of group src, replacing its own, and
	// empties src (the window operator keeps a key's windows in adjacent
	// groups and shifts them now and then).
	Move(dst, src int32)
	// AppendState appends a snapshot of group g's state to b.
	AppendState(b []byte, g int32) []byte
	// LoadState replaces group g's state by the snapshot at the start of b
	// and returns the rest of b. On error (an error marked
	// ErrCorruptState, or g out of range) group g is left unchanged.
	LoadState(b []byte, g int32) ([]byte, error)
}

// ErrCorruptState marks errors of LoadState on bytes that AppendState of
// the same function did not produce.
var ErrCorruptState = errors.New("agg: corrupt aggregate state")

// New returns an empty accumulator (no groups) for s. An invalid spec (see
// Spec.Check) gives an accumulator whose results are null.
func New(s Spec) Acc {
	switch s.Fn {
	case CountStar:
		return &countStarAcc{}
	case Count:
		return &countAcc{}
	case CountDistinct:
		return &distinctAcc{}
	case Sum:
		return &sumAcc{}
	case Avg:
		return &avgAcc{}
	case Min:
		return &minMaxAcc{}
	case Max:
		return &minMaxAcc{max: true}
	case Stddev:
		return &stddevAcc{}
	case First:
		return &firstAcc{}
	case Last:
		return &lastAcc{}
	case Ema:
		if s.Period >= 1 {
			alpha := 2 / (float64(s.Period) + 1)
			return &emaAcc{alpha: alpha, beta: 1 - alpha}
		}
	}
	return &nullAcc{fn: s.Fn}
}
