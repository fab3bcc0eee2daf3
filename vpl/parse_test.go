package vpl

import (
	"os"
	"path/filepath"
	"testing"
)

// TestSpecExamplesParse parses every program of VPL.md §10.
func TestSpecExamplesParse(t *testing.T) {
	files, err := filepath.Glob("testdata/spec/*.vpl")
	if err != nil || len(files) == 0 {
		t.Fatalf("no spec examples: %v", err)
	}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		prog, diags := ParseFile(f, src, nil)
		if len(diags) > 0 {
			t.Errorf("%s:\n%s", f, Format(diags, prog.Files))
			continue
		}
		if len(prog.Stmts) == 0 {
			t.Errorf("%s: no statements", f)
		}
	}
}
