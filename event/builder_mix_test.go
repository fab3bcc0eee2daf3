package event

import (
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"
)

// TestMixTypes checks that a builder with MixTypes keeps alternating types
// that share their field names in one batch, with each row's type, and
// still splits on a change of field names.
func TestMixTypes(t *testing.T) {
	bb := NewBatchBuilder(memory.DefaultAllocator)
	bb.MixTypes = true
	for i, typ := range []string{"A", "B", "A", "C"} {
		bb.Append(&Event{Type: typ, TS: int64(i), Fields: []Field{{Name: "id", Value: Int(int64(i))}}})
	}
	bb.Append(&Event{Type: "A", TS: 9, Fields: []Field{{Name: "other", Value: Int(1)}}})
	bs := bb.Flush()
	if len(bs) != 2 || bs[0].Len() != 4 || bs[1].Len() != 1 {
		t.Fatalf("batches: %d (%v)", len(bs), bs)
	}
	var got []string
	for r := 0; r < bs[0].Len(); r++ {
		got = append(got, bs[0].TypeAt(r))
	}
	if strings.Join(got, "") != "ABAC" || bs[1].Types != nil {
		t.Fatalf("types %v / %v", got, bs[1].Types)
	}
	out := string(AppendBatch(nil, bs[0], FormatJSON))
	if !strings.Contains(out, `{"stream":"B","ts":"1970-01-01T00:00:00.000000001Z","fields":{"id":1}}`) {
		t.Fatalf("writer ignores row types:\n%s", out)
	}
	if e := bs[0].Event(3); e.Type != "C" {
		t.Fatalf("Event(3).Type = %q", e.Type)
	}
}
