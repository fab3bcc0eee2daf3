// Package exec runs plans: vectorized operators over Arrow record batches.
//
// Input batches become chunks: a domain of rows whose columns wrap the
// Arrow arrays without copying, plus the list of selected rows. Predicates
// narrow the selection in tight loops over typed columns; expressions
// compile to kernels that compute whole columns, falling back to the
// reference row evaluator (the scalar package's semantics) for what has no
// typed kernel. A Runtime routes chunks between streams in dependency order
// and hands visible outputs to a Sink in the deterministic order of
// VPL.md §7.3, whatever the batch boundaries.
package exec
