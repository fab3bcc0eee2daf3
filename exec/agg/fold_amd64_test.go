//go:build !purego

package agg

// avgFolds lists the avg folds this CPU runs.
func avgFolds() []namedFold {
	folds := []namedFold{{"dispatch", addAvgCells}, {"sse2", addAvgCellsSSE2}}
	if hasAVX2 {
		folds = append(folds, namedFold{"avx2", addAvgCellsAVX2})
	}
	return folds
}
