package workload

import (
	"bytes"
	"errors"
	"io"
	"testing"

	"github.com/varpulis/varpulis-go/event"
)

// TestPatternGenerators checks that each pattern workload's .evt writer and
// Arrow batches describe the same events (the query finds the same number
// of matches in both), that a seed gives the same input every time, and
// that the query finds some matches.
func TestPatternGenerators(t *testing.T) {
	cases := []struct {
		name, program string
		batches       func(n int, seed uint64) []event.Batch
		write         func(w io.Writer, n int, seed uint64) error
	}{
		{"W3", W3Program(3, ""), func(n int, s uint64) []event.Batch { return W3Batches(n, 3, s) },
			func(w io.Writer, n int, s uint64) error { return WriteW3(w, n, 3, s) }},
		{"W4", W4Program, func(n int, s uint64) []event.Batch { return W3Batches(n, 3, s) },
			func(w io.Writer, n int, s uint64) error { return WriteW3(w, n, 3, s) }},
		{"W4walk", W4RisingProgram, W4WalkBatches, WriteW4Walk},
		{"W5", W5Program, func(n int, s uint64) []event.Batch { return W5Batches(n, 0.1, s) },
			func(w io.Writer, n int, s uint64) error { return WriteW5(w, n, 0.1, s) }},
		{"W5orders", W5AbsenceProgram, W5OrdersBatches, WriteW5Orders},
	}
	const n = 30_000
	for _, c := range cases {
		plan, err := Plan(c.program)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		direct, err := RunCore(plan, c.batches(n, 3))
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		var a, b bytes.Buffer
		if err := c.write(&a, n, 3); err != nil {
			t.Fatal(err)
		}
		if err := c.write(&b, n, 3); err != nil || !bytes.Equal(a.Bytes(), b.Bytes()) {
			t.Fatalf("%s: the same seed gave different input (%v)", c.name, err)
		}
		rd := event.NewReader(&a, c.name+".evt", event.ReaderOptions{MixTypes: true})
		var parsed []event.Batch
		for {
			bt, err := rd.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			parsed = append(parsed, bt)
		}
		plan2, _ := Plan(c.program)
		fromFile, err := RunCore(plan2, parsed)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if direct.Events != n || fromFile.Events != n || direct.Outputs != fromFile.Outputs {
			t.Fatalf("%s: batches %+v, file %+v", c.name, direct, fromFile)
		}
		if direct.Outputs == 0 {
			t.Fatalf("%s: no matches", c.name)
		}
	}
}
