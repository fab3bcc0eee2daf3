//go:build !purego

package agg

// addAvgCells folds x into every cell: the fold of avg over a span of
// windows (see fold_amd64.s).
func addAvgCells(cells []avgCell, x float64) { addAvgCellsSSE2(cells, x) }

//go:noescape
func addAvgCellsSSE2(cells []avgCell, x float64)
