package patternoracle

import (
	"errors"
	"io"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/varpulis/varpulis-go/event"
)

func seeds() uint64 {
	if testing.Short() {
		return 300
	}
	return 3000
}

// TestRandom runs generated cases: the rendered program must parse and
// check without errors, the .evt rendering must read back as the same
// events, the oracle must be deterministic, and the generator must cover
// every feature.
func TestRandom(t *testing.T) {
	cover := map[string]int{}
	outputs := 0
	for seed := range seeds() {
		r := rand.New(rand.NewPCG(seed, 1))
		p, input := Random(r)
		checkVPL(t, p.VPL())
		if got := readEvt(t, Evt(input)); !sameEvents(got, input) {
			t.Fatalf("seed %d: .evt round trip\n%s", seed, Evt(input))
		}
		lines := Matches(p, input)
		if again := Matches(p, input); !slices.Equal(lines, again) {
			t.Fatalf("seed %d: not deterministic", seed)
		}
		outputs += len(lines)
		cover["policy "+p.policy()]++
		if len(lines) > 0 {
			cover["output, policy "+p.policy()]++
		}
		for j, s := range p.Steps {
			if s.Kleene {
				switch {
				case j == 0:
					cover["kleene first"]++
				case j == len(p.Steps)-1:
					cover["kleene last"]++
				default:
					cover["kleene middle"]++
				}
			}
		}
		if p.absence() {
			cover["absence"]++
			if len(lines) > 0 {
				cover["absence output"]++
			}
		}
		if len(p.Nots) > 0 {
			cover["negation"]++
		}
		if p.Within > 0 {
			cover["within"]++
		}
		if p.PartitionBy != "" {
			cover["partition"]++
		}
		if p.OutOfOrder > 0 {
			cover["out_of_order"]++
		}
		if len(p.Steps) == 1 {
			cover["one step"]++
		}
	}
	for _, k := range []string{"policy next", "policy any", "policy strict", "output, policy next", "output, policy any",
		"output, policy strict", "kleene first", "kleene middle", "kleene last", "absence", "absence output",
		"negation", "within", "partition", "out_of_order", "one step"} {
		if cover[k] == 0 {
			t.Errorf("never generated: %s", k)
		}
	}
	t.Logf("coverage %v, %d output lines", cover, outputs)
}

// TestAnyByDefinitionAgreesWithBranchingRuns compares, for policy any, the
// enumeration by definition with a literal simulation in which runs branch
// (§4.5.6) on every generated case, its policy forced to any.
func TestAnyByDefinitionAgreesWithBranchingRuns(t *testing.T) {
	for seed := range seeds() {
		r := rand.New(rand.NewPCG(seed, 2))
		p, input := Random(r)
		p.Policy = Any
		if len(input) > 10 && slices.ContainsFunc(p.Steps, func(s Step) bool { return s.Kleene }) {
			input = input[:10]
		}
		want := Matches(p, input)
		got := render(p, input, limitMatches(sorted(simulate(p, input)), p.maxMatches()))
		if !slices.Equal(got, want) {
			t.Fatalf("seed %d: %s\n%s\nbranching runs:\n%s\nenumeration:\n%s", seed, p.VPL(), Evt(input),
				strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	}
}

// TestStrictIsContiguousNext checks policy strict against its definition
// on top of next (§4.5.6): a strict run behaves as the next run with the
// same start as long as every later event of its partition whose type
// occurs in some step is bound or collected by it; so the strict matches
// are the next matches with no such event left unbound between their first
// and their last bound event. Absences are left out (a waiting run's
// contiguity also spans its wait).
func TestStrictIsContiguousNext(t *testing.T) {
	for seed := range seeds() {
		r := rand.New(rand.NewPCG(seed, 3))
		p, input := Random(r)
		if p.absence() {
			continue
		}
		checkStrictIsContiguousNext(t, seed, p, input)
	}
}

// checkStrictIsContiguousNext compares p's strict matches over input with
// its next matches that leave no event of a step type of their partition
// unbound between their first and last event.
func checkStrictIsContiguousNext(t *testing.T, seed uint64, p Pattern, input []Event) {
	t.Helper()
	p.Policy = Next
	var want []match
	for _, m := range find(p, input) {
		pos := m.positions()
		ok := true
		for q := m.start + 1; q < m.last(); q++ {
			if p.stepType(input[q].Type) && event.Equal(p.key(&input[q]), m.key) && !slices.Contains(pos, q) {
				ok = false
			}
		}
		if ok {
			want = append(want, m)
		}
	}
	p.Policy = Strict
	got := find(p, input)
	if w, g := render(p, input, want), render(p, input, got); !slices.Equal(w, g) {
		t.Fatalf("seed %d: %s\n%s\nstrict:\n%s\nfiltered next:\n%s", seed, p.VPL(), Evt(input),
			strings.Join(g, "\n"), strings.Join(w, "\n"))
	}
}

// readEvt reads .evt text back into events.
func readEvt(t *testing.T, text string) []Event {
	t.Helper()
	rd := event.NewEvtReader(strings.NewReader(text), "random.evt", event.ReaderOptions{})
	defer rd.Close()
	var out []Event
	for {
		b, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		for row := range b.Len() {
			out = append(out, b.Event(row))
		}
		b.Rec.Release()
	}
	if rd.Rejected() != 0 {
		t.Fatalf("%d events rejected", rd.Rejected())
	}
	return out
}

// sameEvents compares events exactly: type, ts, field names in order,
// kinds and values.
func sameEvents(a, b []Event) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Type != b[i].Type || a[i].TS != b[i].TS || len(a[i].Fields) != len(b[i].Fields) {
			return false
		}
		for j, f := range a[i].Fields {
			g := b[i].Fields[j]
			if f.Name != g.Name || f.Value.Kind() != g.Value.Kind() || !event.Equal(f.Value, g.Value) {
				return false
			}
		}
	}
	return true
}
