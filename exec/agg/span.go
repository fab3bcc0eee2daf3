package agg

import "math/bits"

// Span is one row folded into N consecutive groups from First. A sliding
// window's event goes into every window containing it, and the window
// operator gives those windows consecutive group ids, so one span replaces
// N (group, row) pairs and the fold becomes a loop over adjacent cells.
type Span struct {
	First, N, Row int32
}

// groups returns the part of the span's groups inside [0, n).
func (s Span) groups(n int) (lo, hi int) {
	lo = max(int(s.First), 0)
	hi = min(int(s.First)+int(max(s.N, 0)), n)
	return lo, max(lo, hi)
}

// spanBuf expands spans into (group, row) pairs for the accumulators whose
// per-row work dwarfs the expansion; they then fold through Update.
type spanBuf struct {
	groups, rows []int32
}

func (b *spanBuf) expand(spans []Span, n int) (groups, rows []int32) {
	gs, rs := b.groups[:0], b.rows[:0]
	for _, s := range spans {
		lo, hi := s.groups(n)
		for g := lo; g < hi; g++ {
			gs = append(gs, int32(g))
			rs = append(rs, s.Row)
		}
	}
	b.groups, b.rows = gs, rs
	return gs, rs
}

// typedRow reads row r of a typed column: ok is false for a null row or a
// row the slice does not cover.
func typedRow[T int64 | float64](x []T, valid []byte, r int32) (T, bool) {
	if uint(r) >= uint(len(x)) || !bitSet(valid, int(r)) {
		var zero T
		return zero, false
	}
	return x[r], true
}

func (a *countStarAcc) UpdateSpans(spans []Span, _ *Column) {
	for _, s := range spans {
		lo, hi := s.groups(len(a.n))
		for i := range a.n[lo:hi] {
			a.n[lo+i]++
		}
	}
}

func (a *countAcc) UpdateSpans(spans []Span, col *Column) {
	v := classify(col)
	for _, s := range spans {
		var ok bool
		switch v {
		case viewConst:
			ok = true
		case viewInt:
			_, ok = typedRow(col.I64, col.Valid, s.Row)
		case viewFloat:
			_, ok = typedRow(col.F64, col.Valid, s.Row)
		case viewValue:
			ok = !col.Value(s.Row).IsNull()
		}
		if ok {
			lo, hi := s.groups(len(a.n))
			for i := range a.n[lo:hi] {
				a.n[lo+i]++
			}
		}
	}
}

func (a *sumAcc) UpdateSpans(spans []Span, col *Column) {
	v := classify(col)
	for _, s := range spans {
		lo, hi := s.groups(len(a.c))
		cells := a.c[lo:hi]
		switch v {
		case viewInt:
			if x, ok := typedRow(col.I64, col.Valid, s.Row); ok {
				xf, xu, xs := float64(x), uint64(x), x>>63
				for i := range cells {
					p := &cells[i]
					var c uint64
					p.f += xf
					p.lo, c = bits.Add64(p.lo, xu, 0)
					p.hi += int64(c) + xs
					p.st |= sawNumber
				}
			}
		case viewFloat:
			if x, ok := typedRow(col.F64, col.Valid, s.Row); ok {
				addFloatCells(cells, x)
			}
		case viewConst, viewValue:
			x := valueAt(col, v, s.Row)
			for i := range cells {
				cells[i].addValue(x)
			}
		}
	}
}

func (a *avgAcc) UpdateSpans(spans []Span, col *Column) {
	v := classify(col)
	for _, s := range spans {
		var x float64
		var ok bool
		switch v {
		case viewInt:
			var xi int64
			xi, ok = typedRow(col.I64, col.Valid, s.Row)
			x = float64(xi)
		case viewFloat:
			x, ok = typedRow(col.F64, col.Valid, s.Row)
		case viewConst, viewValue:
			xv := valueAt(col, v, s.Row)
			x, ok = xv.AsFloat(), xv.Kind().IsNumber()
		}
		if !ok {
			continue
		}
		lo, hi := s.groups(len(a.c))
		addAvgCells(a.c[lo:hi], x)
	}
}

// The span folds below are unrolled by four: a plain loop over adjacent
// cells runs at about a third of the speed (measured for 60 cells, the
// windows of one W2 (b) event), the loop's own bookkeeping and bounds
// checks outweighing the adds. Every cell still gets one add per event, in
// event order. On amd64, avg's fold is in assembly (fold_amd64.s), which
// loads and stores each cell once instead of twice; addAvgCellsGo is the
// reference it is tested against.

func addAvgCellsGo(cells []avgCell, x float64) {
	i := 0
	for ; i+4 <= len(cells); i += 4 {
		q := cells[i : i+4 : i+4]
		q[0].f += x
		q[0].n++
		q[1].f += x
		q[1].n++
		q[2].f += x
		q[2].n++
		q[3].f += x
		q[3].n++
	}
	for ; i < len(cells); i++ {
		cells[i].f += x
		cells[i].n++
	}
}

func addFloatCells(cells []sumCell, x float64) {
	i := 0
	for ; i+4 <= len(cells); i += 4 {
		q := cells[i : i+4 : i+4]
		q[0].f += x
		q[0].st |= sawNumber | sawFloat
		q[1].f += x
		q[1].st |= sawNumber | sawFloat
		q[2].f += x
		q[2].st |= sawNumber | sawFloat
		q[3].f += x
		q[3].st |= sawNumber | sawFloat
	}
	for ; i < len(cells); i++ {
		cells[i].f += x
		cells[i].st |= sawNumber | sawFloat
	}
}

func (a *stddevAcc) UpdateSpans(spans []Span, col *Column) {
	g, r := a.sp.expand(spans, len(a.c))
	a.Update(g, r, col)
}

func (a *emaAcc) UpdateSpans(spans []Span, col *Column) {
	g, r := a.sp.expand(spans, len(a.c))
	a.Update(g, r, col)
}

func (a *minMaxAcc) UpdateSpans(spans []Span, col *Column) {
	g, r := a.sp.expand(spans, len(a.c))
	a.Update(g, r, col)
}

func (a *firstAcc) UpdateSpans(spans []Span, col *Column) {
	g, r := a.sp.expand(spans, len(a.c))
	a.Update(g, r, col)
}

func (a *lastAcc) UpdateSpans(spans []Span, col *Column) {
	g, r := a.sp.expand(spans, len(a.c))
	a.Update(g, r, col)
}

func (a *distinctAcc) UpdateSpans(spans []Span, col *Column) {
	g, r := a.sp.expand(spans, len(a.c))
	a.Update(g, r, col)
}

func (a *nullAcc) UpdateSpans([]Span, *Column) {}
