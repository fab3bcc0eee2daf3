package agg

import (
	"math"

	"github.com/varpulis/varpulis-go/event"
)

// AppendResults is Result over many groups: one call per release round
// instead of one per group, and a loop in which the groups' cells, often
// far apart, are loaded in parallel.

func (a *countStarAcc) AppendResults(out []event.Value, groups []int32) []event.Value {
	for _, g := range groups {
		out = append(out, a.Result(g))
	}
	return out
}

func (a *countAcc) AppendResults(out []event.Value, groups []int32) []event.Value {
	for _, g := range groups {
		out = append(out, a.Result(g))
	}
	return out
}

func (a *sumAcc) AppendResults(out []event.Value, groups []int32) []event.Value {
	for _, g := range groups {
		out = append(out, a.Result(g))
	}
	return out
}

// TypedResults is implemented by the accumulators whose results all have
// one kind, or are null: avg (float), count() and count(x) (int). The
// window operator writes their results straight into a typed column.
type TypedResults interface {
	// ResultKind is the kind of every non-null result.
	ResultKind() event.Kind
	// PutResults writes the result of groups[i] to x[i] as
	// event.Value.AsInt gives it (a float's IEEE bits; 0 for null) and sets
	// bit i of valid (cleared by the caller, at least len(groups) bits) when
	// it is not null. It returns the number of nulls. The results are those
	// of Result, bit for bit. With take, each group is also emptied (as by
	// Reset) once read: a group listed twice then reads as empty.
	PutResults(x []int64, valid []byte, groups []int32, take bool) (nulls int)
}

func (a *avgAcc) ResultKind() event.Kind { return event.KindFloat }

func (a *avgAcc) PutResults(x []int64, valid []byte, groups []int32, take bool) (nulls int) {
	c := a.c
	x = x[:len(groups)]
	for i, g := range groups {
		var p avgCell
		if uint(g) < uint(len(c)) {
			p = c[g]
			if take {
				c[g] = avgCell{}
			}
		}
		f := p.f / float64(p.n)
		// As event.Float: no result (n = 0), NaN and infinities are null.
		if p.n == 0 || math.IsNaN(f) || math.IsInf(f, 0) {
			x[i] = 0
			nulls++
			continue
		}
		x[i] = int64(math.Float64bits(f))
		valid[i>>3] |= 1 << (i & 7)
	}
	return nulls
}

func (a *countStarAcc) ResultKind() event.Kind { return event.KindInt }

func (a *countStarAcc) PutResults(x []int64, valid []byte, groups []int32, take bool) int {
	return putCounts(a.n, x, valid, groups, take)
}

func (a *countAcc) ResultKind() event.Kind { return event.KindInt }

func (a *countAcc) PutResults(x []int64, valid []byte, groups []int32, take bool) int {
	return putCounts(a.n, x, valid, groups, take)
}

// putCounts writes counts, never null.
func putCounts(n, x []int64, valid []byte, groups []int32, take bool) int {
	x = x[:len(groups)]
	for i, g := range groups {
		if uint(g) < uint(len(n)) {
			x[i] = n[g]
			if take {
				n[g] = 0
			}
		} else {
			x[i] = 0
		}
		valid[i>>3] |= 1 << (i & 7)
	}
	return 0
}

func (a *avgAcc) AppendResults(out []event.Value, groups []int32) []event.Value {
	// Gather the cells first: a loop of independent loads keeps many cache
	// misses in flight (released windows are rarely in cache).
	cells := grow(a.tmp[:0], len(groups))
	a.tmp = cells
	c := a.c
	for i, g := range groups {
		if uint(g) < uint(len(c)) {
			cells[i] = c[g]
		} else {
			cells[i] = avgCell{}
		}
	}
	for _, p := range cells {
		if p.n == 0 {
			out = append(out, event.Null)
		} else {
			out = append(out, event.Float(p.f/float64(p.n)))
		}
	}
	return out
}

func (a *stddevAcc) AppendResults(out []event.Value, groups []int32) []event.Value {
	for _, g := range groups {
		out = append(out, a.Result(g))
	}
	return out
}

func (a *emaAcc) AppendResults(out []event.Value, groups []int32) []event.Value {
	for _, g := range groups {
		out = append(out, a.Result(g))
	}
	return out
}

func (a *minMaxAcc) AppendResults(out []event.Value, groups []int32) []event.Value {
	for _, g := range groups {
		out = append(out, a.Result(g))
	}
	return out
}

func (a *firstAcc) AppendResults(out []event.Value, groups []int32) []event.Value {
	for _, g := range groups {
		out = append(out, a.Result(g))
	}
	return out
}

func (a *lastAcc) AppendResults(out []event.Value, groups []int32) []event.Value {
	for _, g := range groups {
		out = append(out, a.Result(g))
	}
	return out
}

func (a *distinctAcc) AppendResults(out []event.Value, groups []int32) []event.Value {
	for _, g := range groups {
		out = append(out, a.Result(g))
	}
	return out
}

func (a *nullAcc) AppendResults(out []event.Value, groups []int32) []event.Value {
	for _, g := range groups {
		out = append(out, a.Result(g))
	}
	return out
}
