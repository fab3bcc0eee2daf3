package reference

import (
	"errors"
	"io"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/varpulis/varpulis-go/event"
	"github.com/varpulis/varpulis-go/vpl"
)

// TestRandom runs generated cases: the reference must not panic and must be
// deterministic, the rendered program must parse and check without errors,
// and the rendered .evt input must read back as the same events.
func TestRandom(t *testing.T) {
	kinds := map[string]int{}
	fns := map[string]int{}
	lates, outputs := 0, 0
	n := uint64(2000)
	if testing.Short() {
		n = 200
	}
	for seed := range n {
		r := rand.New(rand.NewPCG(seed, 0))
		cfg, input := Random(r)
		kinds[cfg.Window.Kind]++
		for _, a := range cfg.Aggs {
			fns[a.Fn]++
		}
		lines, late := Run(cfg, input)
		lates += late
		outputs += len(lines)
		again, lateAgain := Run(cfg, input)
		if !slices.Equal(lines, again) || late != lateAgain {
			t.Fatalf("seed %d: not deterministic", seed)
		}

		src := cfg.VPL("S")
		prog, diags := vpl.ParseFile("random.vpl", []byte(src), nil)
		if !vpl.HasErrors(diags) {
			diags = append(diags, vpl.Check(prog)...)
		}
		if vpl.HasErrors(diags) {
			t.Fatalf("seed %d: %s\n%s", seed, src, vpl.Format(diags, prog.Files))
		}

		if got := readEvt(t, Evt(input)); !sameInputs(got, input) {
			t.Fatalf("seed %d: .evt round trip\n%s", seed, Evt(input))
		}
	}
	for _, k := range WindowKinds {
		if kinds[k] == 0 {
			t.Errorf("window kind %q never generated", k)
		}
	}
	for _, f := range AggFns {
		if fns[f] == 0 {
			t.Errorf("aggregate %s never generated", f)
		}
	}
	if lates == 0 || outputs == 0 {
		t.Errorf("generated cases produce late=%d outputs=%d in total", lates, outputs)
	}
}

// readEvt reads .evt text back into inputs.
func readEvt(t *testing.T, text string) []Input {
	t.Helper()
	rd := event.NewEvtReader(strings.NewReader(text), "random.evt", event.ReaderOptions{})
	defer rd.Close()
	var out []Input
	for {
		b, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		for row := range b.Len() {
			e := b.Event(row)
			out = append(out, Input{TS: e.TS, Fields: e.Fields})
		}
		b.Rec.Release()
	}
	if rd.Rejected() != 0 {
		t.Fatalf("%d events rejected", rd.Rejected())
	}
	return out
}

// sameInputs compares inputs exactly: ts, field names in order, kinds and
// values.
func sameInputs(a, b []Input) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].TS != b[i].TS || len(a[i].Fields) != len(b[i].Fields) {
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
