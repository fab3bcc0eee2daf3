package main

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/varpulis/varpulis-go/workload"
)

// TestBenchRowPartialMatches checks that a pattern's core row gives its
// active partial matches and their bytes, measured on a real run, and
// that other rows do not.
func TestBenchRowPartialMatches(t *testing.T) {
	plan, err := workload.Plan(workload.W5AbsenceProgram)
	if err != nil {
		t.Fatal(err)
	}
	r, err := workload.RunCore(plan, workload.W5OrdersBatches(20000, 1))
	if err != nil {
		t.Fatal(err)
	}
	if r.Runs <= 0 || r.RunBytes < 100*r.Runs {
		t.Fatalf("%d runs holding %d bytes", r.Runs, r.RunBytes)
	}
	row := benchRow{workload: "W5abs", level: "core", events: r.Events, outputs: r.Outputs, elapsed: time.Second,
		semantics: "orders", runs: r.Runs, runBytes: r.RunBytes}
	if got := row.markdown(); !strings.Contains(got, "active partial matches at the end") {
		t.Fatalf("row %q", got)
	}
	row.runs, row.runBytes = 0, 0
	if got := row.markdown(); strings.Contains(got, "partial") {
		t.Fatalf("row without runs %q", got)
	}
}

// TestBenchRowPatternWorkload checks that a workload planned without VPL
// text (a row pattern) measures at core level and finds its matches.
func TestBenchRowPatternWorkload(t *testing.T) {
	i := slices.IndexFunc(benchWorkloads, func(w benchWorkload) bool { return w.name == "W4riseRows" })
	if i < 0 {
		t.Fatal("no W4riseRows workload")
	}
	wl := benchWorkloads[i]
	if wl.write != nil {
		t.Fatal("W4riseRows has an end-to-end input, but simulate cannot plan it")
	}
	row, err := benchCore(wl, 20000, 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	if row.events != 20000 || row.outputs == 0 {
		t.Fatalf("%d events, %d outputs", row.events, row.outputs)
	}
}
