package exec

import "math/rand/v2"

// intTable maps int64 keys to int32 values by open addressing with
// linear probing, for partition keys that are integers (an order id, a
// device number). A Go map spends two cache misses on a lookup among
// many keys (its control word, then the slot); here a key and its value
// share one 16-byte slot, and slotOf lets a caller read the slots of a
// whole batch of keys first, so that their misses overlap (see
// keyIndex.ids). The zero intTable is empty; its first add seeds the
// hash, so that no fixed set of keys collides.
type intTable struct {
	slots []intSlot // a power of two long, at most half full
	n     int
	mul   uint64 // odd: the hash is the high bits of key * mul
	shift uint8  // 64 - log2(len(slots))
}

type intSlot struct {
	key int64
	v   int32 // value + 1; 0: empty
}

// len returns the number of keys.
func (t *intTable) len() int { return t.n }

// slotOf returns the index of the slot where the search for key starts.
func (t *intTable) slotOf(key int64) int {
	return int((uint64(key) * t.mul) >> t.shift)
}

// find returns the value of key.
func (t *intTable) find(key int64) (int32, bool) {
	if t.n == 0 {
		return 0, false
	}
	mask := len(t.slots) - 1
	for i := t.slotOf(key); ; i = (i + 1) & mask {
		switch s := &t.slots[i]; {
		case s.v == 0:
			return 0, false
		case s.key == key:
			return s.v - 1, true
		}
	}
}

// add records key, which is not in the table, with value v ≥ 0.
func (t *intTable) add(key int64, v int32) {
	if 2*(t.n+1) > len(t.slots) {
		t.resize(2 * (t.n + 1))
	}
	t.put(key, v+1)
	t.n++
}

// reset empties the table, keeping its memory and its hash.
func (t *intTable) reset() {
	clear(t.slots)
	t.n = 0
}

func (t *intTable) put(key int64, v1 int32) {
	mask := len(t.slots) - 1
	i := t.slotOf(key)
	for t.slots[i].v != 0 {
		i = (i + 1) & mask
	}
	t.slots[i] = intSlot{key: key, v: v1}
}

// resize makes the table at least twice n slots long.
func (t *intTable) resize(n int) {
	size, shift := 64, uint8(58)
	for size < 2*n {
		size, shift = size*2, shift-1
	}
	if size <= len(t.slots) {
		return
	}
	if t.mul == 0 {
		t.mul = rand.Uint64() | 1
	}
	old := t.slots
	t.slots, t.shift = make([]intSlot, size), shift
	for i := range old {
		if s := &old[i]; s.v != 0 {
			t.put(s.key, s.v)
		}
	}
}
