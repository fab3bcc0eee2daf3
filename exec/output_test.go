package exec

import (
	"math/rand/v2"
	"testing"

	"github.com/varpulis/varpulis-go/event"
)

// TestOutputTimestamps holds the output's cached timestamp text to
// event.AppendTimestamp.
func TestOutputTimestamps(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 9))
	var o Output
	base := r.Int64N(1 << 61)
	for i := 0; i < 100000; i++ {
		ts := base + r.Int64N(3e9)
		switch i % 7 {
		case 0:
			ts = ts / 1e9 * 1e9
		case 1:
			ts = -r.Int64N(1 << 61)
		case 2:
			ts = ts / 1e6 * 1e6
		}
		got := string(o.appendTS(nil, ts))
		want := string(event.AppendTimestamp(nil, ts))
		if got != want {
			t.Fatalf("%d: %s, want %s", ts, got, want)
		}
	}
}
