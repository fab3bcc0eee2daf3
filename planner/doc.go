// Package planner holds the one intermediate representation of Varpulis:
// typed expressions and logical operators that both front ends (VPL and SQL)
// lower to and that exec builds operators from. It also lowers VPL programs,
// folds constants and renders EXPLAIN in text and JSON.
//
// A Plan is a set of streams. Each stream reads one or more inputs (event
// types or other streams' outputs), runs a linear chain of operators and
// may write visible output. Expressions are trees of Expr nodes; their
// static kind is known where the inputs make it known and KindAny
// otherwise, because VPL input is schema-less.
package planner
