package agg

import (
	"math/rand/v2"

	"github.com/varpulis/varpulis-go/event"
)

// layout places batch values at arbitrary physical rows of a column: row
// rows[i] holds vals[i]; other rows hold garbage that must never be read.
func layout(rng *rand.Rand, n int) (rows []int32, size int) {
	size = n + rng.IntN(4)
	perm := rng.Perm(size)
	rows = make([]int32, n)
	for i := range rows {
		rows[i] = int32(perm[i])
	}
	return rows, size
}

// columnKinds reports whether every non-null value is an int (ints) or a
// float (floats).
func columnKinds(vals []event.Value) (ints, floats bool) {
	ints, floats = true, true
	for _, v := range vals {
		switch v.Kind() {
		case event.KindNull:
		case event.KindInt:
			floats = false
		case event.KindFloat:
			ints = false
		default:
			ints, floats = false, false
		}
	}
	return ints, floats
}

// makeColumn builds a view of vals at physical rows rows of a column of
// size rows: typed when the values allow it and typed is true, else read
// through Value; constant when const is true and all values are identical.
func makeColumn(vals []event.Value, rows []int32, size int, typed, constant bool) *Column {
	if constant && len(vals) > 0 {
		all := true
		for _, v := range vals[1:] {
			if !identical(v, vals[0]) {
				all = false
			}
		}
		if all {
			return &Column{IsConst: true, Const: vals[0], Kind: event.KindFloat, F64: []float64{}, Value: func(int32) event.Value { panic("const column read per row") }}
		}
	}
	cells := make([]event.Value, size)
	for i := range cells {
		cells[i] = event.String("garbage")
	}
	for i, r := range rows {
		cells[r] = vals[i]
	}
	col := &Column{Value: func(r int32) event.Value { return cells[r] }}
	ints, floats := columnKinds(vals)
	if !typed || !ints && !floats {
		return col
	}
	var valid []byte
	for i, r := range rows {
		if vals[i].IsNull() {
			if valid == nil {
				valid = make([]byte, (size+7)/8)
				for j := range valid {
					valid[j] = 0xff
				}
			}
			valid[r/8] &^= 1 << (r % 8)
		}
	}
	col.Valid = valid
	if ints {
		col.Kind = event.KindInt
		col.I64 = make([]int64, size)
		for i, r := range rows {
			col.I64[r] = vals[i].AsInt()
		}
		for r := range col.I64 { // garbage in unused and null rows
			if cells[r].Kind() != event.KindInt {
				col.I64[r] = 1 << 62
			}
		}
	} else {
		col.Kind = event.KindFloat
		col.F64 = make([]float64, size)
		for r := range col.F64 {
			col.F64[r] = 1e300
		}
		for i, r := range rows {
			if !vals[i].IsNull() {
				col.F64[r] = vals[i].AsFloat()
			}
		}
	}
	return col
}

// updateAll folds vals into group 0 of a fresh accumulator in one call.
func updateAll(s Spec, vals []event.Value, typed bool) Acc {
	a := New(s)
	a.Resize(1)
	rows := make([]int32, len(vals))
	for i := range rows {
		rows[i] = int32(i)
	}
	a.UpdateOne(0, rows, makeColumn(vals, rows, len(vals), typed, false))
	return a
}
