package exec

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestIntTableAgainstMap checks intTable against a Go map over keys
// drawn from small and wide ranges, the extremes included, as it grows
// and after it is emptied.
func TestIntTableAgainstMap(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 5))
	for round := range 20 {
		var tab intTable
		want := map[int64]int32{}
		for i := range 20000 {
			if round%2 == 1 && i == 10000 {
				tab.reset()
				want = map[int64]int32{}
			}
			var key int64
			switch r.IntN(4) {
			case 0:
				key = int64(r.IntN(100)) - 50
			case 1:
				key = int64(r.Uint64())
			case 2:
				key = []int64{0, -1, math.MinInt64, math.MaxInt64}[r.IntN(4)]
			default:
				key = int64(i) << 20 // keys that differ only in high bits
			}
			got, ok := tab.find(key)
			w, wok := want[key]
			if ok != wok || got != w {
				t.Fatalf("round %d: find(%d) = %d, %v; want %d, %v", round, key, got, ok, w, wok)
			}
			if !ok {
				v := int32(len(want))
				tab.add(key, v)
				want[key] = v
			}
		}
		if tab.len() != len(want) || 2*tab.len() > len(tab.slots) {
			t.Fatalf("round %d: %d keys in %d slots, want %d keys", round, tab.len(), len(tab.slots), len(want))
		}
		for key, w := range want {
			if got, ok := tab.find(key); !ok || got != w {
				t.Fatalf("round %d: find(%d) = %d, %v after growing; want %d", round, key, got, ok, w)
			}
		}
	}
}
