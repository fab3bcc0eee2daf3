package event

import (
	"math/rand/v2"
	"testing"
	"time"
)

func TestAppendTimestampMatchesLayout(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 200000; i++ {
		ns := r.Int64N(1<<62) - (1 << 61)
		if i%3 == 0 {
			ns = ns / 1e9 * 1e9
		}
		if i%5 == 0 {
			ns = ns / 1e6 * 1e6
		}
		want := time.Unix(0, ns).UTC().AppendFormat(nil, TimestampLayout)
		got := AppendTimestamp(nil, ns)
		if string(got) != string(want) {
			t.Fatalf("%d: %s vs %s", ns, got, want)
		}
	}
}
