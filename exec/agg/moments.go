package agg

import (
	"encoding/binary"
	"math"

	"github.com/varpulis/varpulis-go/event"
)

// welford is one group of stddev(x): Welford's running count, mean and sum
// of squared deviations (VPL.md §11.5).
type welford struct {
	n    int64
	mean float64
	m2   float64
}

func (p *welford) add(x float64) {
	p.n++
	d := x - p.mean
	p.mean += d / float64(p.n)
	p.m2 += float64(d * (x - p.mean)) // rounded product: never fused into an FMA
}

func (p *welford) addValue(v event.Value) {
	if v.Kind().IsNumber() {
		p.add(v.AsFloat())
	}
}

type stddevAcc struct {
	c  []welford
	s  scratch
	sp spanBuf
}

func (a *stddevAcc) Resize(n int) { a.c = grow(a.c, n) }

func (a *stddevAcc) Update(groups, rows []int32, col *Column) {
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
				c[g].add(float64(x[r]))
			}
		}
	case viewFloat:
		groups, rows = a.s.compact(groups, rows, col.Valid)
		x := col.F64
		groups = groups[:len(rows)]
		for i, r32 := range rows {
			g, r := int(groups[i]), int(r32)
			if uint(g) < uint(len(c)) && uint(r) < uint(len(x)) {
				c[g].add(x[r])
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

func (a *stddevAcc) UpdateOne(g int32, rows []int32, col *Column) {
	if uint(g) >= uint(len(a.c)) {
		return
	}
	switch v := classify(col); v {
	case viewInt:
		_, rows = a.s.compact(nil, rows, col.Valid)
		x := col.I64
		n, mean, m2 := a.c[g].n, a.c[g].mean, a.c[g].m2 // in registers
		for _, r32 := range rows {
			if r := int(r32); uint(r) < uint(len(x)) {
				xf := float64(x[r])
				n++
				d := xf - mean
				mean += d / float64(n)
				m2 += float64(d * (xf - mean))
			}
		}
		a.c[g] = welford{n: n, mean: mean, m2: m2}
	case viewFloat:
		_, rows = a.s.compact(nil, rows, col.Valid)
		x := col.F64
		n, mean, m2 := a.c[g].n, a.c[g].mean, a.c[g].m2
		for _, r32 := range rows {
			if r := int(r32); uint(r) < uint(len(x)) {
				xf := x[r]
				n++
				d := xf - mean
				mean += d / float64(n)
				m2 += float64(d * (xf - mean))
			}
		}
		a.c[g] = welford{n: n, mean: mean, m2: m2}
	case viewConst, viewValue:
		p := &a.c[g]
		for _, r := range rows {
			p.addValue(valueAt(col, v, r))
		}
	}
}

func (a *stddevAcc) Result(g int32) event.Value {
	p := at(a.c, g)
	if p.n < 2 {
		return event.Null
	}
	return event.Float(math.Sqrt(p.m2 / float64(p.n-1)))
}

func (a *stddevAcc) Reset(g int32) {
	if uint(g) < uint(len(a.c)) {
		a.c[g] = welford{}
	}
}

// State: tag, n (uvarint), mean, m2 (8 bytes each).
func (a *stddevAcc) AppendState(b []byte, g int32) []byte {
	p := at(a.c, g)
	b = binary.AppendUvarint(append(b, byte(Stddev)), uint64(p.n))
	return appendF64(appendF64(b, p.mean), p.m2)
}

func (a *stddevAcc) LoadState(b []byte, g int32) ([]byte, error) {
	if uint(g) >= uint(len(a.c)) {
		return b, errGroup(g, len(a.c))
	}
	r := newReader(b, Stddev)
	var p welford
	p.n = r.count()
	p.mean = r.f64()
	p.m2 = r.f64()
	if p.n == 0 && (p.mean != 0 || p.m2 != 0) {
		r.fail("bad stddev state")
	}
	rest, err := r.done(b)
	if err == nil {
		a.c[g] = p
	}
	return rest, err
}

// emaCell is one group of ema(x, n).
type emaCell struct {
	e   float64
	has bool
}

// emaAcc is ema(x, n): seeded with the first number, then
// e = α·x + (1−α)·e, each product rounded (no FMA), in event order.
type emaAcc struct {
	alpha, beta float64 // α = 2/(n+1), β = 1 − α
	c           []emaCell
	s           scratch
	sp          spanBuf
}

func (a *emaAcc) add(p *emaCell, x float64) {
	if p.has {
		p.e = float64(a.alpha*x) + float64(a.beta*p.e)
	} else {
		p.e, p.has = x, true
	}
}

func (a *emaAcc) addValue(p *emaCell, v event.Value) {
	if v.Kind().IsNumber() {
		a.add(p, v.AsFloat())
	}
}

func (a *emaAcc) Resize(n int) { a.c = grow(a.c, n) }

func (a *emaAcc) Update(groups, rows []int32, col *Column) {
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
				a.add(&c[g], float64(x[r]))
			}
		}
	case viewFloat:
		groups, rows = a.s.compact(groups, rows, col.Valid)
		x := col.F64
		groups = groups[:len(rows)]
		for i, r32 := range rows {
			g, r := int(groups[i]), int(r32)
			if uint(g) < uint(len(c)) && uint(r) < uint(len(x)) {
				a.add(&c[g], x[r])
			}
		}
	case viewConst, viewValue:
		for i, r := range rows {
			if g := groups[i]; uint(g) < uint(len(c)) {
				a.addValue(&c[g], valueAt(col, v, r))
			}
		}
	}
}

func (a *emaAcc) UpdateOne(g int32, rows []int32, col *Column) {
	if uint(g) >= uint(len(a.c)) {
		return
	}
	p := &a.c[g]
	switch v := classify(col); v {
	case viewInt:
		_, rows = a.s.compact(nil, rows, col.Valid)
		x := col.I64
		for len(rows) > 0 && !p.has { // seed
			if r := int(rows[0]); uint(r) < uint(len(x)) {
				p.e, p.has = float64(x[r]), true
			}
			rows = rows[1:]
		}
		e, alpha, beta := p.e, a.alpha, a.beta // in registers
		for _, r32 := range rows {
			if r := int(r32); uint(r) < uint(len(x)) {
				e = float64(alpha*float64(x[r])) + float64(beta*e)
			}
		}
		p.e = e
	case viewFloat:
		_, rows = a.s.compact(nil, rows, col.Valid)
		x := col.F64
		for len(rows) > 0 && !p.has {
			if r := int(rows[0]); uint(r) < uint(len(x)) {
				p.e, p.has = x[r], true
			}
			rows = rows[1:]
		}
		e, alpha, beta := p.e, a.alpha, a.beta
		for _, r32 := range rows {
			if r := int(r32); uint(r) < uint(len(x)) {
				e = float64(alpha*x[r]) + float64(beta*e)
			}
		}
		p.e = e
	case viewConst, viewValue:
		for _, r := range rows {
			a.addValue(p, valueAt(col, v, r))
		}
	}
}

func (a *emaAcc) Result(g int32) event.Value {
	p := at(a.c, g)
	if !p.has {
		return event.Null
	}
	return event.Float(p.e)
}

func (a *emaAcc) Reset(g int32) {
	if uint(g) < uint(len(a.c)) {
		a.c[g] = emaCell{}
	}
}

// State: tag, has (0/1), e (8 bytes).
func (a *emaAcc) AppendState(b []byte, g int32) []byte {
	p := at(a.c, g)
	b = append(b, byte(Ema), b2u(p.has))
	return appendF64(b, p.e)
}

func (a *emaAcc) LoadState(b []byte, g int32) ([]byte, error) {
	if uint(g) >= uint(len(a.c)) {
		return b, errGroup(g, len(a.c))
	}
	r := newReader(b, Ema)
	var p emaCell
	p.has = r.flag()
	p.e = r.f64()
	if !p.has && p.e != 0 {
		r.fail("bad ema state")
	}
	rest, err := r.done(b)
	if err == nil {
		a.c[g] = p
	}
	return rest, err
}

func b2u(b bool) byte {
	if b {
		return 1
	}
	return 0
}
