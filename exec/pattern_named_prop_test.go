package exec

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/varpulis/varpulis-go/internal/patternoracle"
	"github.com/varpulis/varpulis-go/planner"
	"github.com/varpulis/varpulis-go/vpl"
)

// TestNamedPatternsAgainstOracle compares the pattern operator with the
// oracle on generated named patterns (VPL.md §2; docs/patterns.md,
// readings N1–N11): ? and * items in every position, NOT items next to
// them, AND and OR, under each policy, with within, partitions and
// absences.
func TestNamedPatternsAgainstOracle(t *testing.T) {
	n := 6000
	if testing.Short() {
		n = 600
	}
	r := rand.New(rand.NewPCG(23, 31))
	for i := range n {
		p, evs := patternoracle.RandomNamed(r)
		src := p.VPL()
		prog, diags := vpl.ParseFile("named.vpl", []byte(src), nil)
		if vpl.HasErrors(diags) {
			t.Fatalf("case %d: %s", i, vpl.Format(diags, prog.Files))
		}
		if d := vpl.Check(prog); vpl.HasErrors(d) {
			t.Fatalf("case %d: %s", i, vpl.Format(d, prog.Files))
		}
		plan, err := planner.LowerVPL(prog)
		if err != nil {
			t.Fatalf("case %d: %s: %v", i, src, err)
		}
		want := patternoracle.Matches(p, evs)
		sink := &jsonSink{}
		rt, err := New(plan, Options{Sink: sink})
		if err != nil {
			t.Fatalf("case %d: %s: %v", i, src, err)
		}
		var base int64
		for start := 0; start < len(evs); {
			end := min(len(evs), start+1+r.IntN(6))
			build := batches
			if i%2 == 1 {
				build = mixedBatches
			}
			for _, b := range build(t, evs[start:end]) {
				if err := rt.Process(b, base); err != nil {
					t.Fatal(err)
				}
				base += int64(b.Len())
				b.Rec.Release()
			}
			start = end
		}
		if err := rt.Finish(); err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(sink.lines, "\n"); got != strings.Join(want, "\n") {
			t.Fatalf("case %d differs\nprogram:\n%s\ninput:\n%s\n got:\n%s\nwant:\n%s", i, src,
				patternoracle.Evt(evs), got, strings.Join(want, "\n"))
		}
	}
}

// TestNamedPatternSnapshotRestore cuts named-pattern runs anywhere (runs
// with progress, bars, waiting absences, both sides of OR and AND),
// restores into a fresh runtime and requires the oracle's output.
func TestNamedPatternSnapshotRestore(t *testing.T) {
	n := 600
	if testing.Short() {
		n = 100
	}
	r := rand.New(rand.NewPCG(41, 43))
	for i := range n {
		p, evs := patternoracle.RandomNamed(r)
		if len(evs) == 0 {
			continue
		}
		src := p.VPL()
		want := strings.Join(patternoracle.Matches(p, evs), "\n")
		seed := r.Uint64()
		cut := r.IntN(len(evs))
		got, _ := runCut(t, src, evs, rand.New(rand.NewPCG(seed, 1)), cut)
		if strings.Join(got, "\n") != want {
			t.Fatalf("case %d, cut after event %d\nprogram:\n%s\ninput:\n%s\n got:\n%s\nwant:\n%s", i, cut, src,
				patternoracle.Evt(evs), strings.Join(got, "\n"), want)
		}
	}
}
