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
	for _, g := range groups {
		out = append(out, a.Result(g))
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
