package exec

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/varpulis/varpulis-go/event"
	"github.com/varpulis/varpulis-go/internal/patternoracle"
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
		want := patternoracle.Matches(p, evs)
		got := runPatternCase(t, src, evs, r, 6, i%2 == 1)
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Fatalf("case %d differs\nprogram:\n%s\ninput:\n%s\n got:\n%s\nwant:\n%s", i, src,
				patternoracle.Evt(evs), strings.Join(got, "\n"), strings.Join(want, "\n"))
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

// FuzzPatterns compares the pattern operator with the oracle on the cases
// the generators draw from fuzzed seeds (sequences and named patterns),
// with fuzzed batch boundaries: `make fuzz` searches beyond the fixed
// seeds of the property tests.
func FuzzPatterns(f *testing.F) {
	for _, s := range []uint64{1, 2, 3, 42} {
		f.Add(s, s%2 == 0, uint8(3))
	}
	f.Fuzz(func(t *testing.T, seed uint64, named bool, batch uint8) {
		r := rand.New(rand.NewPCG(seed, 97))
		var src string
		var want []string
		var evs []event.Event
		if named {
			p, e := patternoracle.RandomNamed(r)
			src, want, evs = p.VPL(), patternoracle.Matches(p, e), e
		} else {
			p, e := patternoracle.Random(r)
			src, want, evs = p.VPL(), patternoracle.Matches(p, e), e
		}
		got := runPatternCase(t, src, evs, r, 1+int(batch%8), batch&8 != 0)
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Fatalf("program:\n%s\ninput:\n%s\n got:\n%s\nwant:\n%s", src, patternoracle.Evt(evs),
				strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	})
}
