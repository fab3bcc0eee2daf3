package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestExamples runs every program of examples/ over its event file and
// compares the output with its expected.jsonl; check must accept each
// program without warnings.
func TestExamples(t *testing.T) {
	dirs, err := filepath.Glob("../../examples/*")
	if err != nil || len(dirs) < 5 {
		t.Fatalf("want at least five examples, found %d (%v)", len(dirs), err)
	}
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			prog := filepath.Join(dir, "program.vpl")
			out, _, code := runCLI(t, "check", prog)
			if code != 0 || !containsLine(out, prog+": ok, ", "0 warning(s)") {
				t.Fatalf("check: exit %d\n%s", code, out)
			}
			want, err := os.ReadFile(filepath.Join(dir, "expected.jsonl"))
			if err != nil {
				t.Fatal(err)
			}
			got, stderr, code := runCLI(t, "simulate", "-p", prog, "-e", filepath.Join(dir, "events.evt"), "--output", "json", "-q")
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			if got != string(want) {
				t.Errorf("output differs\n got:\n%s\nwant:\n%s", got, want)
			}
		})
	}
}

func containsLine(s, prefix, suffix string) bool {
	for line := range strings.Lines(s) {
		line = strings.TrimSuffix(line, "\n")
		if strings.HasPrefix(line, prefix) && strings.HasSuffix(line, suffix) {
			return true
		}
	}
	return false
}
