package agg

import (
	"strings"

	"github.com/varpulis/varpulis-go/event"
)

// view is how an Update reads its column.
type view uint8

const (
	viewNull  view = iota // every row is null
	viewInt               // I64 (and Valid)
	viewFloat             // F64 (and Valid)
	viewValue             // Value per row
	viewConst             // every row holds the non-null Const
)

// classify picks the cheapest correct way to read col.
func classify(col *Column) view {
	switch {
	case col == nil:
		return viewNull
	case col.IsConst:
		if col.Const.IsNull() {
			return viewNull
		}
		return viewConst
	case col.Kind == event.KindInt && col.I64 != nil:
		return viewInt
	case col.Kind == event.KindFloat && col.F64 != nil:
		return viewFloat
	case col.Value == nil:
		return viewNull
	}
	return viewValue
}

// valueAt reads row r of a viewValue, viewConst or viewNull column as a
// Value (typed views are read directly by the callers' loops).
func valueAt(col *Column, v view, r int32) event.Value {
	switch v {
	case viewConst:
		return col.Const
	case viewValue:
		return col.Value(r)
	case viewInt:
		if uint(r) < uint(len(col.I64)) && bitSet(col.Valid, int(r)) {
			return event.Int(col.I64[r])
		}
	case viewFloat:
		if uint(r) < uint(len(col.F64)) && bitSet(col.Valid, int(r)) {
			return event.Float(col.F64[r])
		}
	}
	return event.Null
}

// bitSet reports whether row r is valid in bitmap valid (nil: all valid).
// A row beyond the bitmap is null.
func bitSet(valid []byte, r int) bool {
	if valid == nil {
		return true
	}
	i := uint(r) >> 3
	return i < uint(len(valid)) && valid[i]>>(uint(r)&7)&1 != 0
}

// trim cuts groups and rows to their common length.
func trim(groups, rows []int32) ([]int32, []int32) {
	n := min(len(groups), len(rows))
	return groups[:n], rows[:n]
}

// scratch holds the buffers into which Update compacts the valid rows of a
// typed column, so that the fold loops need no validity test. Reused batch
// after batch: no allocation in steady state.
type scratch struct {
	rows, groups []int32
}

// compact returns the rows (and their groups) whose bit is set in valid;
// with valid nil, its arguments. groups may be nil (UpdateOne).
func (s *scratch) compact(groups, rows []int32, valid []byte) ([]int32, []int32) {
	if valid == nil {
		return groups, rows
	}
	if cap(s.rows) < len(rows) {
		s.rows = make([]int32, len(rows))
	}
	outR := s.rows[:len(rows)]
	k := 0
	if groups == nil {
		for _, r := range rows {
			var bit int
			if i := uint(r) >> 3; i < uint(len(valid)) {
				bit = int(valid[i]>>(uint(r)&7)) & 1
			}
			outR[k] = r // branch-free: kept only if bit advances k
			k += bit
		}
		return nil, outR[:k]
	}
	if cap(s.groups) < len(groups) {
		s.groups = make([]int32, len(groups))
	}
	outG := s.groups[:len(groups)]
	groups = groups[:len(rows)]
	for i, r := range rows {
		var bit int
		if j := uint(r) >> 3; j < uint(len(valid)) {
			bit = int(valid[j]>>(uint(r)&7)) & 1
		}
		outR[k] = r
		outG[k] = groups[i]
		k += bit
	}
	return outG[:k], outR[:k]
}

// grow returns s with length at least n, keeping its contents and zeroing
// new elements; capacity grows geometrically so that adding groups one by
// one stays linear.
func grow[T any](s []T, n int) []T {
	if n <= len(s) {
		return s
	}
	if n <= cap(s) {
		s = s[:n]
		return s
	}
	return append(s[:cap(s)], make([]T, n-cap(s))...)[:n]
}

// own returns v with no string sharing memory with a batch buffer: what an
// accumulator keeps must outlive the batch it came from.
func own(v event.Value) event.Value {
	switch v.Kind() {
	case event.KindString:
		return event.String(strings.Clone(v.AsString()))
	case event.KindArray:
		src := v.Elems()
		elems := make([]event.Value, len(src))
		for i, e := range src {
			elems[i] = own(e)
		}
		return event.Array(elems)
	case event.KindMap:
		ks, vs := v.Keys(), v.Elems()
		keys := make([]string, len(ks))
		vals := make([]event.Value, len(vs))
		for i, k := range ks {
			keys[i] = strings.Clone(k)
		}
		for i, e := range vs {
			vals[i] = own(e)
		}
		return event.Map(keys, vals)
	}
	return v
}

// oneGroup reports whether every element of groups is the same group, and
// which. Update takes UpdateOne's path then: folding a run of rows into one
// group through memory is bound by store-to-load forwarding (about three
// times slower than keeping the running value in a register), while this
// scan costs a fraction of a nanosecond per row and, for mixed groups,
// stops at the first change.
func oneGroup(groups []int32) (int32, bool) {
	if len(groups) == 0 {
		return 0, false
	}
	g := groups[0]
	i := 1
	for ; i+4 <= len(groups); i += 4 {
		q := groups[i : i+4 : i+4]
		if (q[0]^g)|(q[1]^g)|(q[2]^g)|(q[3]^g) != 0 {
			return 0, false
		}
	}
	for ; i < len(groups); i++ {
		if groups[i] != g {
			return 0, false
		}
	}
	return g, true
}
