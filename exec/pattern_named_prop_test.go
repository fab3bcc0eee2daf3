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
