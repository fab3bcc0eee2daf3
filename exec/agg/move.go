package agg

// moveCell gives c[dst] the value of c[src] and empties c[src]; nothing
// when either is out of range or they are the same.
func moveCell[T any](c []T, dst, src int32) {
	if uint(dst) < uint(len(c)) && uint(src) < uint(len(c)) && dst != src {
		c[dst] = c[src]
		var zero T
		c[src] = zero
	}
}

func (s *store) move(dst, src int32) {
	moveCell(s.c, dst, src)
	if s.o != nil {
		moveCell(s.o, dst, src)
	}
}

func (a *countStarAcc) Move(dst, src int32) { moveCell(a.n, dst, src) }
func (a *countAcc) Move(dst, src int32)     { moveCell(a.n, dst, src) }
func (a *sumAcc) Move(dst, src int32)       { moveCell(a.c, dst, src) }
func (a *avgAcc) Move(dst, src int32)       { moveCell(a.c, dst, src) }
func (a *stddevAcc) Move(dst, src int32)    { moveCell(a.c, dst, src) }
func (a *emaAcc) Move(dst, src int32)       { moveCell(a.c, dst, src) }
func (a *minMaxAcc) Move(dst, src int32)    { a.store.move(dst, src) }
func (a *lastAcc) Move(dst, src int32)      { a.store.move(dst, src) } // stamp marks only within one Update
func (a *distinctAcc) Move(dst, src int32)  { moveCell(a.c, dst, src) }
func (a *nullAcc) Move(int32, int32)        {}

func (a *firstAcc) Move(dst, src int32) {
	if uint(dst) < uint(len(a.c)) && uint(src) < uint(len(a.c)) && dst != src {
		a.store.move(dst, src)
		moveCell(a.has, dst, src)
	}
}
