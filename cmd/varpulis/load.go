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
	if !vpl.HasErrors(diags) {
		diags = append(diags, vpl.Check(prog)...)
	}
	if len(diags) > 0 {
		fmt.Fprint(w, vpl.Format(diags, programFiles(path, prog)))
	}
	if vpl.HasErrors(diags) {
		return nil, false
	}
	plan, err := planner.LowerVPL(prog)
	if err != nil {
		if le, ok := err.(*planner.LowerError); ok {
			fmt.Fprintf(w, "%s:%d:%d: error: [E090] %s\n", programFiles(path, prog)[max(le.Pos.File, 0)], le.Pos.Line, le.Pos.Col, le.Msg)
		} else {
			fmt.Fprintf(w, "%s: error: %v\n", path, err)
		}
		return nil, false
	}
	return &loaded{prog: prog, plan: plan}, true
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
