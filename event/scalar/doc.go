// Package scalar is the single definition of VPL's row-at-a-time value
// semantics (VPL.md §5 and §11): arithmetic, comparison, three-valued logic,
// membership, indexing and slicing, ranges, and the built-in scalar
// functions, all over event.Value.
//
// The planner folds constants with it, the vectorized kernels fall back to
// it and the function interpreter calls it, so the three agree by
// construction. Keep every rule here and nowhere else.
//
// Every function is total: whatever the kinds and values of its operands it
// returns a Value and never panics. Failures (a null operand, wrong kinds,
// int overflow, division by zero, an out-of-range index, a failed
// conversion) yield null, as §5 requires; a float result is never NaN or
// infinite (event.Float maps those to null). Operators and functions whose
// result is a scalar do not allocate; only results that are new strings,
// arrays or maps do.
//
// The short-circuit of and/or is the caller's business (it decides whether
// the right operand is evaluated at all); ShortCircuit tells whether the
// left operand alone decides. Event-dependent functions (event_type,
// event_time, now) and aggregates belong to the engine; IsEventFunc,
// IsAggregate and IsTrendAggregate name them so that the checker can tell
// an unknown function (E050) from one that is merely not scalar.
package scalar
