package event

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// TestStrTable checks the table against a Go map over random strings of
// every length from 0 to 40, drawn from a small alphabet so that short
// strings share their first and last bytes, with resets in between.
func TestStrTable(t *testing.T) {
	r := rand.New(rand.NewPCG(4, 5))
	var tab StrTable
	want := map[string]int32{}
	for i := range 200000 {
		if r.IntN(30000) == 0 {
			tab.Reset()
			clear(want)
		}
		var sb strings.Builder
		for range r.IntN(41) {
			sb.WriteByte("ab\x00\xff"[r.IntN(4)])
		}
		s := sb.String()
		got, ok := tab.Find(s)
		w, wok := want[s]
		if ok != wok || got != w {
			t.Fatalf("step %d: Find(%q) = %d, %v; want %d, %v", i, s, got, ok, w, wok)
		}
		if !ok {
			v := int32(r.IntN(1 << 20))
			tab.Add(s, v)
			want[s] = v
		}
		if tab.Len() != len(want) {
			t.Fatalf("step %d: %d strings, want %d", i, tab.Len(), len(want))
		}
	}
}
