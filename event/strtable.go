package event

import (
	"hash/maphash"
	"math/bits"
	"math/rand/v2"
)

// StrTable maps strings to int32 values by open addressing: the batch
// builder numbers a column's values with it (see Dict) and the engine's
// operators number partition keys. It costs about half of a Go map lookup
// on short keys: a string of up to 16 bytes is held in its slot as two
// words (with the length, they determine the string), so a lookup hashes
// them with a multiply and compares them, with no pointer to follow and no
// byte comparison. A longer string is hashed with maphash and kept in the
// table's own arena. The zero StrTable is an empty table; its first Add
// seeds it, so that no fixed set of strings collides.
type StrTable struct {
	seed   maphash.Seed // long strings
	k0, k1 uint64       // short strings
	slots  []strSlot    // a power of two long, at most half full
	n      int
	arena  []byte // the bytes of long strings
}

// strSlot is a string of up to 16 bytes as its words a and b, or a longer
// one as its offset a in the arena and its hash b.
type strSlot struct {
	a, b uint64
	n    int32 // length
	v    int32 // value + 1; 0: empty
}

// Len returns the number of strings.
func (t *StrTable) Len() int { return t.n }

// Reset empties the table, keeping its memory.
func (t *StrTable) Reset() {
	clear(t.slots)
	t.n, t.arena = 0, t.arena[:0]
}

// ArenaLen returns the bytes held for strings longer than 16 bytes.
func (t *StrTable) ArenaLen() int { return len(t.arena) }

// key returns s's slot words (a is 0 for a long string, whose offset is
// not known yet) and its hash.
func (t *StrTable) key(s string) (a, b, h uint64) {
	switch n := len(s); {
	case n > 16:
		h = maphash.String(t.seed, s)
		return 0, h, h
	case n >= 8:
		a, b = le64(s), le64(s[n-8:])
	case n >= 4:
		a, b = uint64(le32(s)), uint64(le32(s[n-4:]))
	case n > 0:
		a = uint64(s[0])<<16 | uint64(s[n>>1])<<8 | uint64(s[n-1])
	}
	return a, b, t.mix(a, b, len(s))
}

func (t *StrTable) mix(a, b uint64, n int) uint64 {
	hi, lo := bits.Mul64(a^t.k0, b^t.k1^uint64(n))
	return hi ^ lo
}

// hash returns the hash of the string in slot e.
func (t *StrTable) hash(e *strSlot) uint64 {
	if e.n > 16 {
		return e.b
	}
	return t.mix(e.a, e.b, int(e.n))
}

func le64(s string) uint64 {
	s = s[:8]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

func le32(s string) uint32 {
	s = s[:4]
	return uint32(s[0]) | uint32(s[1])<<8 | uint32(s[2])<<16 | uint32(s[3])<<24
}

// Find returns the value of s.
func (t *StrTable) Find(s string) (int32, bool) {
	if len(t.slots) == 0 {
		return 0, false
	}
	a, b, h := t.key(s)
	mask := uint64(len(t.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		e := &t.slots[i]
		switch {
		case e.v == 0:
			return 0, false
		case e.n != int32(len(s)) || e.b != b:
		case len(s) <= 16:
			if e.a == a {
				return e.v - 1, true
			}
		case view(t.arena[e.a:e.a+uint64(e.n)]) == s:
			return e.v - 1, true
		}
	}
}

// peek reads the slot where the search for s starts and returns its
// value field, so that a caller can bring the slots of many strings into
// the cache before it looks them up.
func (t *StrTable) peek(s string) int32 {
	if len(t.slots) == 0 {
		return 0
	}
	_, _, h := t.key(s)
	return t.slots[h&uint64(len(t.slots)-1)].v
}

// Add records s, which is not in the table, with value v ≥ 0.
func (t *StrTable) Add(s string, v int32) {
	if t.slots == nil {
		t.seed, t.k0, t.k1 = maphash.MakeSeed(), rand.Uint64(), rand.Uint64()
	}
	if 2*(t.n+1) > len(t.slots) {
		t.grow()
	}
	a, b, h := t.key(s)
	if len(s) > 16 {
		a = uint64(len(t.arena))
		t.arena = append(t.arena, s...)
	}
	t.put(strSlot{a: a, b: b, n: int32(len(s)), v: v + 1}, h)
	t.n++
}

func (t *StrTable) put(e strSlot, h uint64) {
	mask := uint64(len(t.slots) - 1)
	i := h & mask
	for t.slots[i].v != 0 {
		i = (i + 1) & mask
	}
	t.slots[i] = e
}

func (t *StrTable) grow() {
	old := t.slots
	t.slots = make([]strSlot, max(64, 2*len(old)))
	for i := range old {
		if e := &old[i]; e.v != 0 {
			t.put(*e, t.hash(e))
		}
	}
}
