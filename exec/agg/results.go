package agg

import "github.com/varpulis/varpulis-go/event"

// AppendResults is Result over many groups: one call per release round
// instead of one per group, and a loop in which the groups' cells, often
// far apart, are loaded in parallel.

func (a *countStarAcc) AppendResults(out []event.Value, groups []int32) []event.Value {
	for _, g := range groups {
		out = append(out, a.Result(g))
	}
	return out
}

func (a *countAcc) AppendResults(out []event.Value, groups []int32) []event.Value {
	for _, g := range groups {
		out = append(out, a.Result(g))
	}
	return out
}

func (a *sumAcc) AppendResults(out []event.Value, groups []int32) []event.Value {
	for _, g := range groups {
		out = append(out, a.Result(g))
	}
	return out
}

func (a *avgAcc) AppendResults(out []event.Value, groups []int32) []event.Value {
	// Gather the cells first: a loop of independent loads keeps many cache
	// misses in flight (released windows are rarely in cache).
	cells := grow(a.tmp[:0], len(groups))
	a.tmp = cells
	c := a.c
	for i, g := range groups {
		if uint(g) < uint(len(c)) {
			cells[i] = c[g]
		} else {
			cells[i] = avgCell{}
		}
	}
	for _, p := range cells {
		if p.n == 0 {
			out = append(out, event.Null)
		} else {
			out = append(out, event.Float(p.f/float64(p.n)))
		}
	}
	return out
}

func (a *stddevAcc) AppendResults(out []event.Value, groups []int32) []event.Value {
	for _, g := range groups {
		out = append(out, a.Result(g))
	}
	return out
}

func (a *emaAcc) AppendResults(out []event.Value, groups []int32) []event.Value {
	for _, g := range groups {
		out = append(out, a.Result(g))
	}
	return out
}

func (a *minMaxAcc) AppendResults(out []event.Value, groups []int32) []event.Value {
	for _, g := range groups {
		out = append(out, a.Result(g))
	}
	return out
}

func (a *firstAcc) AppendResults(out []event.Value, groups []int32) []event.Value {
	for _, g := range groups {
		out = append(out, a.Result(g))
	}
	return out
}

func (a *lastAcc) AppendResults(out []event.Value, groups []int32) []event.Value {
	for _, g := range groups {
		out = append(out, a.Result(g))
	}
	return out
}

func (a *distinctAcc) AppendResults(out []event.Value, groups []int32) []event.Value {
	for _, g := range groups {
		out = append(out, a.Result(g))
	}
	return out
}

func (a *nullAcc) AppendResults(out []event.Value, groups []int32) []event.Value {
	for _, g := range groups {
		out = append(out, a.Result(g))
	}
	return out
}
