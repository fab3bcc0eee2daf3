package agg

import (
	"github.com/varpulis/varpulis-go/event"
)

// firstAcc is first(x): x of the group's first event, null included.
type firstAcc struct {
	v   []event.Value
	has []bool
}

func (a *firstAcc) Resize(n int) {
	a.v = grow(a.v, n)
	a.has = grow(a.has, n)
}

func (a *firstAcc) Update(groups, rows []int32, col *Column) {
	groups, rows = trim(groups, rows)
	if g, ok := oneGroup(groups); ok {
		a.UpdateOne(g, rows[:len(groups)], col)
		return
	}
	v := classify(col)
	has := a.has[:len(a.v)]
	for i, r := range rows {
		if g := groups[i]; uint(g) < uint(len(has)) && !has[g] {
			has[g] = true
			a.v[g] = own(valueAt(col, v, r))
		}
	}
}

func (a *firstAcc) UpdateOne(g int32, rows []int32, col *Column) {
	if uint(g) >= uint(len(a.v)) || uint(g) >= uint(len(a.has)) || a.has[g] || len(rows) == 0 {
		return
	}
	a.has[g] = true
	a.v[g] = own(valueAt(col, classify(col), rows[0]))
}

func (a *firstAcc) Result(g int32) event.Value { return at(a.v, g) }

func (a *firstAcc) Reset(g int32) {
	if uint(g) < uint(len(a.v)) && uint(g) < uint(len(a.has)) {
		a.v[g], a.has[g] = event.Null, false
	}
}

// State: tag, has (0/1), the value (event.AppendBinary).
func (a *firstAcc) AppendState(b []byte, g int32) []byte {
	return event.AppendBinary(append(b, byte(First), b2u(at(a.has, g))), at(a.v, g))
}

func (a *firstAcc) LoadState(b []byte, g int32) ([]byte, error) {
	if uint(g) >= uint(len(a.v)) || uint(g) >= uint(len(a.has)) {
		return b, errGroup(g, len(a.v))
	}
	r := newReader(b, First)
	has := r.flag()
	v := r.value()
	if !has && !v.IsNull() {
		r.fail("bad first state")
	}
	rest, err := r.done(b)
	if err == nil {
		a.v[g], a.has[g] = v, has
	}
	return rest, err
}

// lastAcc is last(x): x of the group's last event, null included. A group
// that saw no event is null too, so no flag is needed.
type lastAcc struct {
	v []event.Value
	// stamp[g] == gen marks groups already set by the current Update, which
	// walks the rows backwards so that only the last row of each group is
	// read (and its value copied once).
	stamp []uint32
	gen   uint32
}

func (a *lastAcc) Resize(n int) {
	a.v = grow(a.v, n)
	a.stamp = grow(a.stamp, n)
}

func (a *lastAcc) Update(groups, rows []int32, col *Column) {
	groups, rows = trim(groups, rows)
	if g, ok := oneGroup(groups); ok {
		a.UpdateOne(g, rows[:len(groups)], col)
		return
	}
	v := classify(col)
	vals := a.v
	switch v {
	case viewInt:
		x, valid := col.I64, col.Valid
		groups = groups[:len(rows)]
		for i, r32 := range rows {
			if g, r := int(groups[i]), int(r32); uint(g) < uint(len(vals)) {
				if uint(r) < uint(len(x)) && bitSet(valid, r) {
					vals[g] = event.Int(x[r])
				} else {
					vals[g] = event.Null
				}
			}
		}
		return
	case viewFloat:
		x, valid := col.F64, col.Valid
		groups = groups[:len(rows)]
		for i, r32 := range rows {
			if g, r := int(groups[i]), int(r32); uint(g) < uint(len(vals)) {
				if uint(r) < uint(len(x)) && bitSet(valid, r) {
					vals[g] = event.Float(x[r])
				} else {
					vals[g] = event.Null
				}
			}
		}
		return
	}
	a.gen++
	if a.gen == 0 { // wrapped: forget all marks
		clear(a.stamp)
		a.gen = 1
	}
	stamp := a.stamp[:len(vals)]
	for i := len(rows) - 1; i >= 0; i-- {
		if g := groups[i]; uint(g) < uint(len(stamp)) && stamp[g] != a.gen {
			stamp[g] = a.gen
			vals[g] = own(valueAt(col, v, rows[i]))
		}
	}
}

func (a *lastAcc) UpdateOne(g int32, rows []int32, col *Column) {
	if uint(g) >= uint(len(a.v)) || len(rows) == 0 {
		return
	}
	a.v[g] = own(valueAt(col, classify(col), rows[len(rows)-1]))
}

func (a *lastAcc) Result(g int32) event.Value { return at(a.v, g) }

func (a *lastAcc) Reset(g int32) {
	if uint(g) < uint(len(a.v)) {
		a.v[g] = event.Null
	}
}

// State: tag, the value (event.AppendBinary).
func (a *lastAcc) AppendState(b []byte, g int32) []byte {
	return event.AppendBinary(append(b, byte(Last)), at(a.v, g))
}

func (a *lastAcc) LoadState(b []byte, g int32) ([]byte, error) {
	if uint(g) >= uint(len(a.v)) {
		return b, errGroup(g, len(a.v))
	}
	r := newReader(b, Last)
	v := r.value()
	rest, err := r.done(b)
	if err == nil {
		a.v[g] = v
	}
	return rest, err
}
