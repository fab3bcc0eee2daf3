//go:build !amd64 || purego

package agg

// avgFolds lists the avg folds this CPU runs.
func avgFolds() []namedFold { return []namedFold{{"dispatch", addAvgCells}} }
