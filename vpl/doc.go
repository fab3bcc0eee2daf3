// Package vpl is the front end of VPL, the Varpulis pipeline language
// (spec: VPL.md). It turns source text into an AST with positions, reports
// diagnostics with the codes and layout of VPL.md §8, expands compile-time
// for loops and resolves imports. Lowering to the planner IR lives in the
// planner package, which imports this one.
//
// The entry points follow `varpulis check`:
//
//	prog, diags := vpl.ParseFile(path, src, os.ReadFile) // at most one E000
//	if !vpl.HasErrors(diags) {
//		diags = vpl.Check(prog) // every semantic finding
//	}
//	fmt.Print(vpl.Format(diags, prog.Files))
//	fmt.Println(vpl.Summary(path, prog, diags))
//
// DumpJSON renders a program for `varpulis parse`. docs/vpl-diagnostics.md
// lists the codes and the decisions taken where the spec is silent.
package vpl
