package main

import (
	"fmt"
	"io"
	"os"

	"github.com/varpulis/varpulis-go/planner"
	"github.com/varpulis/varpulis-go/vpl"
)

// loaded is a program that passed the checks and was lowered.
type loaded struct {
	prog *vpl.Program
	plan *planner.Plan
}

// loadProgram parses, checks and lowers a VPL program, writing diagnostics
// to w in the layout of VPL.md §8. It returns ok = false when the program
// has errors (the caller exits 1).
func loadProgram(path string, src []byte, w io.Writer) (*loaded, bool) {
	prog, diags := vpl.ParseFile(path, src, os.ReadFile)
	var plan *planner.Plan
	if !vpl.HasErrors(diags) {
		diags = append(diags, vpl.Check(prog)...)
	}
	if !vpl.HasErrors(diags) {
		var err error
		if plan, err = planner.LowerVPL(prog); err != nil {
			d, ok := lowerDiagnostic(err)
			if !ok {
				fmt.Fprintf(w, "%s: error: %v\n", path, err)
				return nil, false
			}
			diags = append(diags, d)
		}
	}
	if len(diags) > 0 {
		fmt.Fprint(w, vpl.Format(diags, programFiles(path, prog)))
	}
	if vpl.HasErrors(diags) {
		return nil, false
	}
	return &loaded{prog: prog, plan: plan}, true
}

// lowerDiagnostic turns a planner refusal (a construct the engine does
// not run, at its position) into an E090 diagnostic.
func lowerDiagnostic(err error) (vpl.Diagnostic, bool) {
	le, ok := err.(*planner.LowerError)
	if !ok {
		return vpl.Diagnostic{}, false
	}
	return vpl.Diagnostic{Pos: le.Pos, Severity: vpl.SeverityError, Code: "E090", Message: le.Msg}, true
}

// programFiles returns the files diagnostics positions index.
func programFiles(path string, prog *vpl.Program) []string {
	if prog == nil {
		return []string{path}
	}
	return prog.Files
}

// readSource reads a program from a file, or returns --code text.
func readSource(file, code string) (string, []byte, error) {
	if code != "" {
		return "<code>", []byte(code), nil
	}
	src, err := os.ReadFile(file)
	return file, src, err
}
