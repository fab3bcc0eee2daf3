//go:build !purego

package agg

import "golang.org/x/sys/cpu"

// addAvgCells folds x into every cell: the fold of avg over a span of
// windows (see fold_amd64.s), two cells per instruction where the CPU has
// AVX2.
func addAvgCells(cells []avgCell, x float64) {
	if hasAVX2 {
		addAvgCellsAVX2(cells, x)
		return
	}
	addAvgCellsSSE2(cells, x)
}

var hasAVX2 = cpu.X86.HasAVX2

//go:noescape
func addAvgCellsSSE2(cells []avgCell, x float64)

//go:noescape
func addAvgCellsAVX2(cells []avgCell, x float64)
