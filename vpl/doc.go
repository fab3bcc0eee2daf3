// Package vpl is the front end of VPL, the Varpulis pipeline language
// (spec: VPL.md). It turns source text into an AST with positions, reports
// diagnostics with the codes and layout of VPL.md §8, expands compile-time
// for loops and resolves imports. Lowering to the planner IR lives in the
// planner package, which imports this one.
package vpl
