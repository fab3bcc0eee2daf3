package agg

import (
	"encoding/binary"

	"github.com/varpulis/varpulis-go/event"
)

// countStarAcc is count(): the number of events, whatever their values.
type countStarAcc struct{ n []int64 }

func (a *countStarAcc) Resize(n int) { a.n = grow(a.n, n) }

func (a *countStarAcc) Update(groups, rows []int32, _ *Column) {
	groups, _ = trim(groups, rows)
	if g, ok := oneGroup(groups); ok {
		a.UpdateOne(g, rows[:len(groups)], nil)
		return
	}
	n := a.n
	for _, g32 := range groups {
		if g := int(g32); uint(g) < uint(len(n)) {
			n[g]++
		}
	}
}

func (a *countStarAcc) UpdateOne(g int32, rows []int32, _ *Column) {
	if uint(g) < uint(len(a.n)) {
		a.n[g] += int64(len(rows))
	}
}

func (a *countStarAcc) Result(g int32) event.Value { return event.Int(at(a.n, g)) }

func (a *countStarAcc) Reset(g int32) {
	if uint(g) < uint(len(a.n)) {
		a.n[g] = 0
	}
}

func (a *countStarAcc) AppendState(b []byte, g int32) []byte {
	return binary.AppendUvarint(append(b, byte(CountStar)), uint64(at(a.n, g)))
}

func (a *countStarAcc) LoadState(b []byte, g int32) ([]byte, error) {
	return loadCount(a.n, CountStar, b, g)
}

// at returns s[g], or the zero value for a group out of range.
func at[T any](s []T, g int32) T {
	if uint(g) < uint(len(s)) {
		return s[g]
	}
	var zero T
	return zero
}

func loadCount(n []int64, fn Func, b []byte, g int32) ([]byte, error) {
	if uint(g) >= uint(len(n)) {
		return b, errGroup(g, len(n))
	}
	r := newReader(b, fn)
	c := r.count()
	rest, err := r.done(b)
	if err == nil {
		n[g] = c
	}
	return rest, err
}

// countAcc is count(x): the number of non-null x.
type countAcc struct{ n []int64 }

func (a *countAcc) Resize(n int) { a.n = grow(a.n, n) }

func (a *countAcc) Update(groups, rows []int32, col *Column) {
	groups, rows = trim(groups, rows)
	if g, ok := oneGroup(groups); ok {
		a.UpdateOne(g, rows[:len(groups)], col)
		return
	}
	n := a.n
	v := classify(col)
	switch v {
	case viewNull:
		return
	case viewConst:
		for _, g := range groups {
			if uint(g) < uint(len(n)) {
				n[g]++
			}
		}
	case viewInt, viewFloat:
		valid, size := col.Valid, len(col.I64)
		if v == viewFloat {
			size = len(col.F64)
		}
		groups = groups[:len(rows)]
		for i, r32 := range rows {
			g, r := int(groups[i]), int(r32)
			if uint(g) < uint(len(n)) && uint(r) < uint(size) && bitSet(valid, r) {
				n[g]++
			}
		}
	default:
		groups = groups[:len(rows)]
		for i, r := range rows {
			if g := int(groups[i]); uint(g) < uint(len(n)) && !col.Value(r).IsNull() {
				n[g]++
			}
		}
	}
}

func (a *countAcc) UpdateOne(g int32, rows []int32, col *Column) {
	if uint(g) >= uint(len(a.n)) {
		return
	}
	v := classify(col)
	var c int64
	switch v {
	case viewNull:
		return
	case viewConst:
		c = int64(len(rows))
	case viewInt, viewFloat:
		valid, size := col.Valid, len(col.I64)
		if v == viewFloat {
			size = len(col.F64)
		}
		for _, r32 := range rows {
			if r := int(r32); uint(r) < uint(size) && bitSet(valid, r) {
				c++
			}
		}
	default:
		for _, r := range rows {
			if !col.Value(r).IsNull() {
				c++
			}
		}
	}
	a.n[g] += c
}

func (a *countAcc) Result(g int32) event.Value { return event.Int(at(a.n, g)) }

func (a *countAcc) Reset(g int32) {
	if uint(g) < uint(len(a.n)) {
		a.n[g] = 0
	}
}

func (a *countAcc) AppendState(b []byte, g int32) []byte {
	return binary.AppendUvarint(append(b, byte(Count)), uint64(at(a.n, g)))
}

func (a *countAcc) LoadState(b []byte, g int32) ([]byte, error) {
	return loadCount(a.n, Count, b, g)
}

// nullAcc stands in for an invalid Spec: every result is null.
type nullAcc struct{ fn Func }

func (a *nullAcc) Resize(int)                           {}
func (a *nullAcc) Update([]int32, []int32, *Column)     {}
func (a *nullAcc) UpdateOne(int32, []int32, *Column)    {}
func (a *nullAcc) Result(int32) event.Value             { return event.Null }
func (a *nullAcc) Reset(int32)                          {}
func (a *nullAcc) AppendState(b []byte, _ int32) []byte { return append(b, byte(a.fn)) }

func (a *nullAcc) LoadState(b []byte, _ int32) ([]byte, error) {
	r := newReader(b, a.fn)
	return r.done(b)
}
