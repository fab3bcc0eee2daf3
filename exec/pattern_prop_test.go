package exec

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/varpulis/varpulis-go/event"
	"github.com/varpulis/varpulis-go/internal/patternoracle"
)

// TestPatternsAgainstOracle compares the pattern operator with the
// brute-force oracle on small random cases under each policy, including
// within, negations, absences, Kleene steps and partitions, with random
// batch sizes.
func TestPatternsAgainstOracle(t *testing.T) {
	// At least 10,000 cases per policy. The generator draws policy any
	// less often and keeps its inputs small; cases drawn for a policy that
	// has its share are moved to strict, which costs no more to check.
	quota := 10000
	if testing.Short() {
		quota = 300
	}
	r := rand.New(rand.NewPCG(17, 29))
	policies := map[string]int{}
	for i := 0; policies["next"] < quota || policies["any"] < quota || policies["strict"] < quota; i++ {
		p, evs := patternoracle.Random(r)
		pol := p.Policy
		if pol == "" {
			pol = "next" // the default
		}
		if policies[pol] >= quota {
			pol, p.Policy = "strict", "strict"
		}
		policies[pol]++
		src := p.VPL()
		want := patternoracle.Matches(p, evs)
		got := runPatternCase(t, src, evs, r, 6, i%2 == 1) // odd cases: chunks of several types
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Fatalf("case %d differs\nprogram:\n%s\ninput:\n%s\n got:\n%s\nwant:\n%s", i, src,
				patternoracle.Evt(evs), strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	}
	t.Logf("cases per policy: %v", policies)
}

// runPatternCase runs evs through a runtime of src in random batches of up
// to max events (of several types per batch when mixed) and returns the
// output lines.
func runPatternCase(t *testing.T, src string, evs []event.Event, r *rand.Rand, max int, mixed bool) []string {
	t.Helper()
	sink := &jsonSink{}
	rt, err := New(planOf(t, src), Options{Sink: sink})
	if err != nil {
		t.Fatalf("%s: %v", src, err)
	}
	feed(t, rt, evs, func() int { return 1 + r.IntN(max) }, mixed)
	return sink.lines
}

// feed processes evs in batches of size() events (of several types per
// batch when mixed), then finishes the input.
func feed(t *testing.T, rt *Runtime, evs []event.Event, size func() int, mixed bool) {
	t.Helper()
	var base int64
	for start := 0; start < len(evs); {
		end := min(len(evs), start+size())
		base = process(t, rt, evs[start:end], base, mixed)
		start = end
	}
	if err := rt.Finish(); err != nil {
		t.Fatal(err)
	}
}

// process hands evs to rt as batches whose first input position is base
// and returns the position after them.
func process(t *testing.T, rt *Runtime, evs []event.Event, base int64, mixed bool) int64 {
	t.Helper()
	for _, b := range buildBatches(t, evs, mixed) {
		if err := rt.Process(b, base); err != nil {
			t.Fatal(err)
		}
		base += int64(b.Len())
		b.Rec.Release()
	}
	return base
}

// TestPatternsSweepingAgainstOracle runs oracle cases with a sweep after
// every few events and keys forgotten as soon as their partitions are
// empty, so that forgetting and renumbering keys is checked against the
// definition; the runs are read ahead (touch) at every row, which must
// change nothing.
func TestPatternsSweepingAgainstOracle(t *testing.T) {
	defer func(e, f, p int) { sweepEvery, forgetAfter, touchParts = e, f, p }(sweepEvery, forgetAfter, touchParts)
	sweepEvery, forgetAfter, touchParts = 2, 0, -1
	n := 3000
	if testing.Short() {
		n = 300
	}
	r := rand.New(rand.NewPCG(19, 37))
	for i := range n {
		var src string
		var want []string
		var evs []event.Event
		if i%2 == 0 {
			p, e := patternoracle.Random(r)
			src, want, evs = p.VPL(), patternoracle.Matches(p, e), e
		} else {
			p, e := patternoracle.RandomNamed(r)
			src, want, evs = p.VPL(), patternoracle.Matches(p, e), e
		}
		if got := strings.Join(runPatternCase(t, src, evs, r, 4, true), "\n"); got != strings.Join(want, "\n") {
			t.Fatalf("case %d differs\nprogram:\n%s\ninput:\n%s\n got:\n%s\nwant:\n%s", i, src,
				patternoracle.Evt(evs), got, strings.Join(want, "\n"))
		}
	}
}
