package agg

import (
	"encoding/binary"
	"math/bits"

	"github.com/varpulis/varpulis-go/event"
)

// sumCell is one group of sum(x): the exact 128-bit int total (hi:lo, two's
// complement), the event-order float sum of every number converted to
// float, and which kinds were seen. One struct per group keeps a row's
// update within one cache line when group ids are random.
type sumCell struct {
	f  float64
	lo uint64
	hi int64
	st uint8 // sawNumber | sawFloat
}

const (
	sawNumber = 1
	sawFloat  = 2
)

func (p *sumCell) addInt(x int64) {
	p.f += float64(x)
	var c uint64
	p.lo, c = bits.Add64(p.lo, uint64(x), 0)
	p.hi += int64(c) + x>>63 // x>>63 sign-extends x into the high word
	p.st |= sawNumber
}

func (p *sumCell) addFloat(x float64) {
	p.f += x
	p.st |= sawNumber | sawFloat
}

func (p *sumCell) addValue(v event.Value) {
	switch v.Kind() {
	case event.KindInt:
		p.addInt(v.AsInt())
	case event.KindFloat:
		p.addFloat(v.AsFloat())
	}
}

func (p *sumCell) result() event.Value {
	switch {
	case p.st == 0:
		return event.Null
	case p.st&sawFloat != 0:
		return event.Float(p.f)
	case p.hi != int64(p.lo)>>63: // the total does not fit int64
		return event.Null
	}
	return event.Int(int64(p.lo))
}

type sumAcc struct {
	c []sumCell
	s scratch
}

func (a *sumAcc) Resize(n int) { a.c = grow(a.c, n) }

func (a *sumAcc) Update(groups, rows []int32, col *Column) {
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
		groups = groups[:len(rows)]
		for i, r32 := range rows {
			g, r := int(groups[i]), int(r32)
			if uint(g) < uint(len(c)) && uint(r) < uint(len(x)) {
				c[g].addInt(x[r])
			}
		}
	case viewFloat:
		groups, rows = a.s.compact(groups, rows, col.Valid)
		x := col.F64
		groups = groups[:len(rows)]
		for i, r := range rows {
			g, ri := int(groups[i]), int(r)
			if uint(g) < uint(len(c)) && uint(ri) < uint(len(x)) {
				p := &c[g]
				p.f += x[ri]
				p.st |= sawNumber | sawFloat
			}
		}
	case viewConst, viewValue:
		for i, r := range rows {
			if g := groups[i]; uint(g) < uint(len(c)) {
				c[g].addValue(valueAt(col, v, r))
			}
		}
	}
}

func (a *sumAcc) UpdateOne(g int32, rows []int32, col *Column) {
	if uint(g) >= uint(len(a.c)) {
		return
	}
	p := &a.c[g]
	switch v := classify(col); v {
	case viewInt:
		_, rows = a.s.compact(nil, rows, col.Valid)
		x := col.I64
		f, lo, hi, st := p.f, p.lo, p.hi, p.st
		for _, r32 := range rows {
			r := int(r32)
			if uint(r) < uint(len(x)) {
				xi := x[r]
				f += float64(xi)
				var cy uint64
				lo, cy = bits.Add64(lo, uint64(xi), 0)
				hi += int64(cy) + xi>>63
				st |= sawNumber
			}
		}
		p.f, p.lo, p.hi, p.st = f, lo, hi, st
	case viewFloat:
		_, rows = a.s.compact(nil, rows, col.Valid)
		x := col.F64
		f, st := p.f, p.st
		for _, r32 := range rows {
			r := int(r32)
			if uint(r) < uint(len(x)) {
				f += x[r]
				st |= sawNumber | sawFloat
			}
		}
		p.f, p.st = f, st
	case viewConst, viewValue:
		for _, r := range rows {
			p.addValue(valueAt(col, v, r))
		}
	}
}

func (a *sumAcc) Result(g int32) event.Value {
	if uint(g) >= uint(len(a.c)) {
		return event.Null
	}
	return a.c[g].result()
}

func (a *sumAcc) Reset(g int32) {
	if uint(g) < uint(len(a.c)) {
		a.c[g] = sumCell{}
	}
}

// State: tag, st, f (8 bytes), hi (varint), lo (uvarint).
func (a *sumAcc) AppendState(b []byte, g int32) []byte {
	p := at(a.c, g)
	b = append(b, byte(Sum), p.st)
	b = appendF64(b, p.f)
	b = binary.AppendVarint(b, p.hi)
	return binary.AppendUvarint(b, p.lo)
}

func (a *sumAcc) LoadState(b []byte, g int32) ([]byte, error) {
	if uint(g) >= uint(len(a.c)) {
		return b, errGroup(g, len(a.c))
	}
	r := newReader(b, Sum)
	var p sumCell
	p.st = r.byte()
	p.f = r.f64()
	p.hi = r.varint()
	p.lo = r.uvarint()
	if p.st&^(sawNumber|sawFloat) != 0 || p.st == sawFloat || p.st == 0 && (p.f != 0 || p.hi != 0 || p.lo != 0) {
		r.fail("bad sum state")
	}
	rest, err := r.done(b)
	if err == nil {
		a.c[g] = p
	}
	return rest, err
}

// avgCell is one group of avg(x): the event-order float sum and the count
// of numbers.
type avgCell struct {
	f float64
	n int64
}

func (p *avgCell) addValue(v event.Value) {
	if v.Kind().IsNumber() {
		p.f += v.AsFloat()
		p.n++
	}
}

type avgAcc struct {
	c   []avgCell
	tmp []avgCell // scratch of AppendResults
	s   scratch
}

func (a *avgAcc) Resize(n int) { a.c = grow(a.c, n) }

func (a *avgAcc) Update(groups, rows []int32, col *Column) {
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
		groups = groups[:len(rows)]
		for i, r32 := range rows {
			g, r := int(groups[i]), int(r32)
			if uint(g) < uint(len(c)) && uint(r) < uint(len(x)) {
				p := &c[g]
				p.f += float64(x[r])
				p.n++
			}
		}
	case viewFloat:
		groups, rows = a.s.compact(groups, rows, col.Valid)
		x := col.F64
		groups = groups[:len(rows)]
		for i, r32 := range rows {
			g, r := int(groups[i]), int(r32)
			if uint(g) < uint(len(c)) && uint(r) < uint(len(x)) {
				p := &c[g]
				p.f += x[r]
				p.n++
			}
		}
	case viewConst, viewValue:
		for i, r := range rows {
			if g := groups[i]; uint(g) < uint(len(c)) {
				c[g].addValue(valueAt(col, v, r))
			}
		}
	}
}

func (a *avgAcc) UpdateOne(g int32, rows []int32, col *Column) {
	if uint(g) >= uint(len(a.c)) {
		return
	}
	p := &a.c[g]
	switch v := classify(col); v {
	case viewInt:
		_, rows = a.s.compact(nil, rows, col.Valid)
		x := col.I64
		f, n := p.f, p.n
		for _, r32 := range rows {
			r := int(r32)
			if uint(r) < uint(len(x)) {
				f += float64(x[r])
				n++
			}
		}
		p.f, p.n = f, n
	case viewFloat:
		_, rows = a.s.compact(nil, rows, col.Valid)
		x := col.F64
		f, n := p.f, p.n
		for _, r32 := range rows {
			r := int(r32)
			if uint(r) < uint(len(x)) {
				f += x[r]
				n++
			}
		}
		p.f, p.n = f, n
	case viewConst, viewValue:
		for _, r := range rows {
			p.addValue(valueAt(col, v, r))
		}
	}
}

func (a *avgAcc) Result(g int32) event.Value {
	p := at(a.c, g)
	if p.n == 0 {
		return event.Null
	}
	return event.Float(p.f / float64(p.n))
}

func (a *avgAcc) Reset(g int32) {
	if uint(g) < uint(len(a.c)) {
		a.c[g] = avgCell{}
	}
}

// State: tag, f (8 bytes), n (uvarint).
func (a *avgAcc) AppendState(b []byte, g int32) []byte {
	p := at(a.c, g)
	b = appendF64(append(b, byte(Avg)), p.f)
	return binary.AppendUvarint(b, uint64(p.n))
}

func (a *avgAcc) LoadState(b []byte, g int32) ([]byte, error) {
	if uint(g) >= uint(len(a.c)) {
		return b, errGroup(g, len(a.c))
	}
	r := newReader(b, Avg)
	var p avgCell
	p.f = r.f64()
	p.n = r.count()
	if p.n == 0 && p.f != 0 {
		r.fail("bad avg state")
	}
	rest, err := r.done(b)
	if err == nil {
		a.c[g] = p
	}
	return rest, err
}
