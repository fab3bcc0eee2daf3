package exec

import (
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/varpulis/varpulis-go/event"
)

// randomKey draws a key value of the kinds keyIndex files apart:
// short and long strings, ints, integral and other floats, and the rest.
func randomKey(r *rand.Rand) event.Value {
	n := r.IntN(300)
	switch r.IntN(6) {
	case 0:
		return event.String("k" + strconv.Itoa(n))
	case 1:
		return event.String(strings.Repeat("long", 5) + strconv.Itoa(n))
	case 2:
		return event.Int(int64(n))
	case 3:
		return event.Float(float64(n) + 0.5)
	case 4:
		return event.Float(float64(n)) // the same key as Int(n)
	}
	return []event.Value{event.Null, event.Bool(true), event.Bool(false)}[n%3]
}

// TestKeyIndexCompact forgets random keys of an index and checks that the
// kept ones are found under their new ids, numbered densely in the order
// of the old, and that forgotten ones come back as new keys, against a
// reference map by key text.
func TestKeyIndexCompact(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for round := range 50 {
		k := newKeyIndex([]string{"f"})
		if round%5 == 4 {
			k = newKeyIndex([]string{"f", "g"})
		}
		key := func() event.Value {
			if len(k.fields) == 2 {
				return event.Array([]event.Value{randomKey(r), randomKey(r)})
			}
			return randomKey(r)
		}
		var remap []int32
		for step := range 4 {
			for range 500 {
				v := key()
				id := k.id(v)
				if !event.Equal(k.vals[id], v) && event.CompareKeys(k.vals[id], v) != 0 {
					t.Fatalf("round %d step %d: id(%v) = %d holding %v", round, step, v, id, k.vals[id])
				}
			}
			before := append([]event.Value(nil), k.vals...)
			keep := func(id int32) bool { return (int(id)+step)%3 != 0 }
			remap = k.compact(keep, remap)
			next := int32(0)
			for old, v := range before {
				if !keep(int32(old)) {
					if remap[old] != -1 {
						t.Fatalf("round %d: forgotten key %d has new id %d", round, old, remap[old])
					}
					continue
				}
				if remap[old] != next {
					t.Fatalf("round %d: key %d renumbered %d, want %d", round, old, remap[old], next)
				}
				if got := k.id(v); got != next {
					t.Fatalf("round %d: kept key %v found as %d, want %d", round, v, got, next)
				}
				next++
			}
			if k.Len() != int(next) {
				t.Fatalf("round %d: %d keys after compaction, want %d", round, k.Len(), next)
			}
			for old, v := range before {
				if !keep(int32(old)) {
					if id := k.id(v); int(id) < int(next) {
						t.Fatalf("round %d: forgotten key %v found as kept id %d", round, v, id)
					}
				}
			}
			for id, v := range k.vals { // the short copies output columns read
				if v.Kind() == event.KindString && len(k.fields) == 1 {
					s := v.AsString()
					if k.slen[id] != int32(len(s)) || !strings.HasPrefix(s, strings.TrimRight(string(k.short[id][:min(16, len(s))]), "\x00")) {
						t.Fatalf("round %d: key %d is %q, its short copy %q (%d)", round, id, s, k.short[id][:], k.slen[id])
					}
				}
			}
			k.sorted() // the order is rebuilt for the new ids
			for i := 1; i < len(k.order); i++ {
				if k.compare(k.order[i-1], k.order[i]) > 0 {
					t.Fatalf("round %d: keys out of order after compaction", round)
				}
			}
		}
	}
}
