//go:build !amd64 || purego

package agg

// addAvgCells folds x into every cell: the fold of avg over a span of
// windows.
func addAvgCells(cells []avgCell, x float64) { addAvgCellsGo(cells, x) }
