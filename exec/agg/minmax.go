package agg

import (
	"math"
	"strings"

	"github.com/varpulis/varpulis-go/event"
)

// order is the total order of min and max: < where < is defined (numbers
// by value across int and float, strings bytewise, timestamps, durations,
// bools), else by kind (see kindRank), arrays and maps among themselves by
// event.CompareKeys. Both values are non-null.
func order(a, b event.Value) int {
	ra, rb := kindRank(a.Kind()), kindRank(b.Kind())
	if ra != rb {
		if ra < rb {
			return -1
		}
		return 1
	}
	switch a.Kind() {
	case event.KindInt, event.KindFloat:
		return event.CompareNumbers(a, b)
	case event.KindString:
		return strings.Compare(a.AsString(), b.AsString())
	case event.KindBool, event.KindTimestamp, event.KindDuration:
		x, y := a.AsInt(), b.AsInt()
		switch {
		case x < y:
			return -1
		case x > y:
			return 1
		}
		return 0
	}
	return event.CompareKeys(a, b)
}

// kindRank ranks kinds for order: event.CompareKeys' classes (bool,
// numbers, strings, others) with the "others" split by kind so that
// timestamps and durations keep their own value order.
func kindRank(k event.Kind) int {
	switch k {
	case event.KindBool:
		return 1
	case event.KindInt, event.KindFloat:
		return 2
	case event.KindString:
		return 3
	case event.KindTimestamp:
		return 4
	case event.KindDuration:
		return 5
	case event.KindArray:
		return 6
	case event.KindMap:
		return 7
	}
	return 0
}

// minMaxAcc is min(x) (max false) or max(x) (max true). Ties keep the
// earliest value.
type minMaxAcc struct {
	max bool
	store
	s  scratch
	sp spanBuf
}

func (a *minMaxAcc) fn() Func {
	if a.max {
		return Max
	}
	return Min
}

func (a *minMaxAcc) Resize(n int) { a.resize(n) }

// better reports whether v replaces cur (strictly less for min, strictly
// greater for max).
func (a *minMaxAcc) better(v, cur event.Value) bool {
	c := order(v, cur)
	if a.max {
		return c > 0
	}
	return c < 0
}

// addValue folds v into group g (in range); the general path, also taken
// by typed rows when the group holds a different kind.
func (a *minMaxAcc) addValue(g int32, v event.Value) {
	if v.IsNull() {
		return
	}
	if a.c[g].kind == event.KindNull {
		a.set(g, own(v))
		return
	}
	if a.better(v, a.get(g)) {
		a.set(g, own(v))
	}
}

func (a *minMaxAcc) Update(groups, rows []int32, col *Column) {
	groups, rows = trim(groups, rows)
	if g, ok := oneGroup(groups); ok {
		a.UpdateOne(g, rows[:len(groups)], col)
		return
	}
	c := a.c
	switch v := classify(col); v {
	case viewInt:
		groups, rows = a.s.compact(groups, rows, col.Valid)
		x := col.I64
		if a.max {
			groups = groups[:len(rows)]
			for i, r32 := range rows {
				g, r := int(groups[i]), int(r32)
				if uint(g) >= uint(len(c)) || uint(r) >= uint(len(x)) {
					continue
				}
				p := &c[g]
				if xi := x[r]; p.kind == event.KindInt {
					if xi > int64(p.bits) {
						p.bits = uint64(xi)
					}
				} else {
					a.addValue(int32(g), event.Int(xi))
				}
			}
			return
		}
		groups = groups[:len(rows)]
		for i, r32 := range rows {
			g, r := int(groups[i]), int(r32)
			if uint(g) >= uint(len(c)) || uint(r) >= uint(len(x)) {
				continue
			}
			p := &c[g]
			if xi := x[r]; p.kind == event.KindInt {
				if xi < int64(p.bits) {
					p.bits = uint64(xi)
				}
			} else {
				a.addValue(int32(g), event.Int(xi))
			}
		}
	case viewFloat:
		groups, rows = a.s.compact(groups, rows, col.Valid)
		x := col.F64
		if a.max {
			groups = groups[:len(rows)]
			for i, r32 := range rows {
				g, r := int(groups[i]), int(r32)
				if uint(g) >= uint(len(c)) || uint(r) >= uint(len(x)) {
					continue
				}
				p := &c[g]
				if xf := x[r]; p.kind == event.KindFloat {
					if xf > math.Float64frombits(p.bits) {
						p.bits = math.Float64bits(xf)
					}
				} else {
					a.addValue(int32(g), event.Float(xf))
				}
			}
			return
		}
		groups = groups[:len(rows)]
		for i, r32 := range rows {
			g, r := int(groups[i]), int(r32)
			if uint(g) >= uint(len(c)) || uint(r) >= uint(len(x)) {
				continue
			}
			p := &c[g]
			if xf := x[r]; p.kind == event.KindFloat {
				if xf < math.Float64frombits(p.bits) {
					p.bits = math.Float64bits(xf)
				}
			} else {
				a.addValue(int32(g), event.Float(xf))
			}
		}
	case viewConst, viewValue:
		for i, r := range rows {
			if g := groups[i]; uint(g) < uint(len(c)) {
				a.addValue(g, valueAt(col, v, r))
			}
		}
	}
}

// UpdateOne finds the batch's extreme first (the earliest on ties), then
// folds it into the group: the same result as folding row by row, because
// order is a total preorder and both steps keep the earliest of equals.
func (a *minMaxAcc) UpdateOne(g int32, rows []int32, col *Column) {
	if uint(g) >= uint(len(a.c)) {
		return
	}
	switch v := classify(col); v {
	case viewInt:
		_, rows = a.s.compact(nil, rows, col.Valid)
		x := col.I64
		i := 0
		for i < len(rows) && uint(rows[i]) >= uint(len(x)) {
			i++
		}
		if i == len(rows) {
			return
		}
		best := x[int(rows[i])]
		if a.max {
			for _, r32 := range rows[i+1:] {
				if r := int(r32); uint(r) < uint(len(x)) && x[r] > best {
					best = x[r]
				}
			}
		} else {
			for _, r32 := range rows[i+1:] {
				if r := int(r32); uint(r) < uint(len(x)) && x[r] < best {
					best = x[r]
				}
			}
		}
		a.addValue(g, event.Int(best))
	case viewFloat:
		_, rows = a.s.compact(nil, rows, col.Valid)
		x := col.F64
		i := 0
		for i < len(rows) && uint(rows[i]) >= uint(len(x)) {
			i++
		}
		if i == len(rows) {
			return
		}
		best := x[int(rows[i])]
		if a.max {
			for _, r32 := range rows[i+1:] {
				if r := int(r32); uint(r) < uint(len(x)) && x[r] > best {
					best = x[r]
				}
			}
		} else {
			for _, r32 := range rows[i+1:] {
				if r := int(r32); uint(r) < uint(len(x)) && x[r] < best {
					best = x[r]
				}
			}
		}
		a.addValue(g, event.Float(best))
	case viewConst:
		if len(rows) > 0 {
			a.addValue(g, col.Const)
		}
	case viewValue:
		for _, r := range rows {
			a.addValue(g, col.Value(r))
		}
	}
}

func (a *minMaxAcc) Result(g int32) event.Value { return a.get(g) }

func (a *minMaxAcc) Reset(g int32) { a.reset(g) }

// State: tag, the extreme (event.AppendBinary; null when empty).
func (a *minMaxAcc) AppendState(b []byte, g int32) []byte {
	return event.AppendBinary(append(b, byte(a.fn())), a.get(g))
}

func (a *minMaxAcc) LoadState(b []byte, g int32) ([]byte, error) {
	if uint(g) >= uint(len(a.c)) {
		return b, errGroup(g, len(a.c))
	}
	r := newReader(b, a.fn())
	v := r.value()
	rest, err := r.done(b)
	if err == nil {
		a.set(g, v)
	}
	return rest, err
}
