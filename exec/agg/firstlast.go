package agg

import (
	"github.com/varpulis/varpulis-go/event"
)

// firstAcc is first(x): x of the group's first event, null included.
type firstAcc struct {
	store
	has []bool // the group saw an event (its first x may be null)
	sp  spanBuf
}

func (a *firstAcc) Resize(n int) {
	a.resize(n)
	a.has = grow(a.has, n)
}

func (a *firstAcc) Update(groups, rows []int32, col *Column) {
	groups, rows = trim(groups, rows)
	if g, ok := oneGroup(groups); ok {
		a.UpdateOne(g, rows, col)
		return
	}
	v := classify(col)
	has := a.has[:len(a.c)]
	for i, r := range rows {
		if g := groups[i]; uint(g) < uint(len(has)) && !has[g] {
			has[g] = true
			a.set(g, own(valueAt(col, v, r)))
		}
	}
}

func (a *firstAcc) UpdateOne(g int32, rows []int32, col *Column) {
	if uint(g) >= uint(len(a.c)) || a.has[g] || len(rows) == 0 {
		return
	}
	a.has[g] = true
	a.set(g, own(valueAt(col, classify(col), rows[0])))
}

func (a *firstAcc) Result(g int32) event.Value { return a.get(g) }

func (a *firstAcc) Reset(g int32) {
	a.reset(g)
	if uint(g) < uint(len(a.has)) {
		a.has[g] = false
	}
}

// State: tag, has (0/1), the value (event.AppendBinary).
func (a *firstAcc) AppendState(b []byte, g int32) []byte {
	return event.AppendBinary(append(b, byte(First), b2u(at(a.has, g))), a.get(g))
}

func (a *firstAcc) LoadState(b []byte, g int32) ([]byte, error) {
	if uint(g) >= uint(len(a.c)) {
		return b, errGroup(g, len(a.c))
	}
	r := newReader(b, First)
	has := r.flag()
	v := r.value()
	if !has && !v.IsNull() {
		r.fail("bad first state")
	}
	rest, err := r.done(b)
	if err == nil {
		a.set(g, v)
		a.has[g] = has
	}
	return rest, err
}

// lastAcc is last(x): x of the group's last event, null included. A group
// that saw no event is null too, so no flag is needed.
type lastAcc struct {
	store
	// For columns read through Value, Update walks the rows backwards and
	// reads only the last row of each group (so its value is copied
	// once); stamp[g] == gen marks the groups already set in this walk.
	stamp []uint32
	gen   uint32
	sp    spanBuf
}

func (a *lastAcc) Resize(n int) {
	a.resize(n)
	a.stamp = grow(a.stamp, n)
}

func (a *lastAcc) Update(groups, rows []int32, col *Column) {
	groups, rows = trim(groups, rows)
	if g, ok := oneGroup(groups); ok {
		a.UpdateOne(g, rows, col)
		return
	}
	c := a.c
	groups = groups[:len(rows)]
	switch v := classify(col); v {
	case viewInt:
		x, valid := col.I64, col.Valid
		for i, r32 := range rows {
			if g, r := int(groups[i]), int(r32); uint(g) < uint(len(c)) {
				if uint(r) < uint(len(x)) && bitSet(valid, r) {
					c[g] = intSlot(x[r])
				} else {
					c[g] = slot{}
				}
			}
		}
	case viewFloat:
		x, valid := col.F64, col.Valid
		for i, r32 := range rows {
			if g, r := int(groups[i]), int(r32); uint(g) < uint(len(c)) {
				if uint(r) < uint(len(x)) && bitSet(valid, r) {
					c[g] = floatSlot(x[r])
				} else {
					c[g] = slot{}
				}
			}
		}
	default:
		a.gen++
		if a.gen == 0 { // wrapped: forget all marks
			clear(a.stamp)
			a.gen = 1
		}
		stamp := a.stamp[:len(c)]
		for i := len(rows) - 1; i >= 0; i-- {
			if g := groups[i]; uint(g) < uint(len(stamp)) && stamp[g] != a.gen {
				stamp[g] = a.gen
				a.set(g, own(valueAt(col, v, rows[i])))
			}
		}
	}
	// A typed slot leaves a replaced string in o until the group is reset
	// or set again; get never reads it.
}

func (a *lastAcc) UpdateOne(g int32, rows []int32, col *Column) {
	if uint(g) >= uint(len(a.c)) || len(rows) == 0 {
		return
	}
	a.set(g, own(valueAt(col, classify(col), rows[len(rows)-1])))
}

func (a *lastAcc) Result(g int32) event.Value { return a.get(g) }

func (a *lastAcc) Reset(g int32) { a.reset(g) }

// State: tag, the value (event.AppendBinary).
func (a *lastAcc) AppendState(b []byte, g int32) []byte {
	return event.AppendBinary(append(b, byte(Last)), a.get(g))
}

func (a *lastAcc) LoadState(b []byte, g int32) ([]byte, error) {
	if uint(g) >= uint(len(a.c)) {
		return b, errGroup(g, len(a.c))
	}
	r := newReader(b, Last)
	v := r.value()
	rest, err := r.done(b)
	if err == nil {
		a.set(g, v)
	}
	return rest, err
}
