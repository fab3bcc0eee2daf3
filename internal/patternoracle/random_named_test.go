package patternoracle

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// TestRandomNamed runs generated named-pattern cases: the rendered program
// must parse and check without errors, the oracle must be deterministic,
// and the generator must cover every construct.
func TestRandomNamed(t *testing.T) {
	cover := map[string]int{}
	outputs := 0
	for seed := range seeds() {
		r := rand.New(rand.NewPCG(seed, 11))
		p, input := RandomNamed(r)
		checkVPL(t, p.VPL())
		lines := Matches(p, input)
		if again := Matches(p, input); !slices.Equal(lines, again) {
			t.Fatalf("seed %d: not deterministic", seed)
		}
		outputs += len(lines)
		cover["policy "+p.policy()]++
		if len(lines) > 0 {
			cover["output, policy "+p.policy()]++
		}
		if len(p.Or) > 0 {
			cover["or"]++
		}
		for _, s := range p.sides() {
			if s.And {
				cover["and"]++
			}
			if s.absence() {
				cover["absence"]++
			}
			for j, st := range s.Steps {
				where := "middle"
				switch j {
				case 0:
					where = "first"
				case len(s.Steps) - 1:
					where = "last"
				}
				switch {
				case st.Optional && st.Kleene:
					cover["* "+where]++
				case st.Optional:
					cover["? "+where]++
				}
			}
			for _, n := range s.Nots {
				if n.Item && n.After > 0 && s.Steps[n.After-1].Optional {
					cover["NOT after an optional item"]++
				}
			}
		}
	}
	for _, k := range []string{"policy next", "policy any", "policy strict", "output, policy next", "output, policy any",
		"output, policy strict", "or", "and", "absence", "? first", "? middle", "? last", "* first", "* middle", "* last",
		"NOT after an optional item"} {
		if cover[k] == 0 {
			t.Errorf("never generated: %s", k)
		}
	}
	t.Logf("coverage %v, %d output lines", cover, outputs)
}

// TestNamedAnyByDefinitionAgreesWithBranchingRuns compares, for policy
// any, the enumeration by definition with branching runs (§4.5.6) on
// generated named-pattern cases: N2–N6 and N9 as runs see them agree with
// their definition by combinations.
func TestNamedAnyByDefinitionAgreesWithBranchingRuns(t *testing.T) {
	compared := 0
	for seed := range seeds() {
		r := rand.New(rand.NewPCG(seed, 12))
		p, input := RandomNamed(r)
		p.Policy = Any
		if len(input) > 9 {
			input = input[:9]
		}
		want := Matches(p, input)
		got := render(p, input, limitMatches(sorted(simulate(p, input)), p.maxMatches()))
		if !slices.Equal(got, want) {
			t.Fatalf("seed %d: %s\n%s\nbranching runs:\n%s\nenumeration:\n%s", seed, p.VPL(), Evt(input),
				strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		compared += len(want)
	}
	t.Logf("%d matches compared", compared)
}

// TestNamedStrictIsContiguousNext checks policy strict against its
// definition on top of next (§4.5.6), as TestStrictIsContiguousNext does,
// on generated named patterns other than OR and absences.
func TestNamedStrictIsContiguousNext(t *testing.T) {
	for seed := range seeds() {
		r := rand.New(rand.NewPCG(seed, 13))
		p, input := RandomNamed(r)
		if len(p.Or) > 0 || p.absence() {
			continue
		}
		checkStrictIsContiguousNext(t, seed, p, input)
	}
}
