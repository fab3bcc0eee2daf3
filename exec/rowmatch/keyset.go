package rowmatch

// keySet is a set of fixed-length int32 keys that is emptied in O(1) (a
// stamp per slot), so the per-row sets of the closure cost no allocation
// and no clearing once grown.
type keySet struct {
	k     int
	stamp uint32
	slots []kslot
	keys  []int32 // the current generation's keys, k words each
	n     int32
}

type kslot struct {
	stamp uint32
	ent   int32
}

func newKeySet(k int) keySet { return keySet{k: k, stamp: 1, slots: make([]kslot, 16)} }

func (t *keySet) reset() {
	t.stamp++
	if t.stamp == 0 {
		clear(t.slots)
		t.stamp = 1
	}
	t.keys = t.keys[:0]
	t.n = 0
}

func hashKey(key []int32) uint64 {
	h := uint64(len(key))
	for _, w := range key {
		h = (h ^ uint64(uint32(w))) * 0x9E3779B97F4A7C15
	}
	return h ^ h>>31
}

// insert adds key and returns its entry number, and whether it is new.
func (t *keySet) insert(key []int32) (int32, bool) {
	mask := uint64(len(t.slots) - 1)
	i := hashKey(key) & mask
	for {
		s := &t.slots[i]
		if s.stamp != t.stamp {
			s.stamp, s.ent = t.stamp, t.n
			t.keys = append(t.keys, key...)
			t.n++
			if int(t.n)*2 > len(t.slots) {
				t.grow()
			}
			return t.n - 1, true
		}
		if eqKey(t.keys[int(s.ent)*t.k:int(s.ent+1)*t.k], key) {
			return s.ent, false
		}
		i = (i + 1) & mask
	}
}

func eqKey(a, b []int32) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func (t *keySet) grow() {
	t.slots = make([]kslot, 2*len(t.slots))
	t.stamp = 1
	mask := uint64(len(t.slots) - 1)
	for e := int32(0); e < t.n; e++ {
		i := hashKey(t.keys[int(e)*t.k:int(e+1)*t.k]) & mask
		for t.slots[i].stamp == t.stamp {
			i = (i + 1) & mask
		}
		t.slots[i] = kslot{stamp: t.stamp, ent: e}
	}
}

// has reports whether key is in the set.
func (t *keySet) has(key []int32) bool {
	mask := uint64(len(t.slots) - 1)
	for i := hashKey(key) & mask; ; i = (i + 1) & mask {
		s := &t.slots[i]
		if s.stamp != t.stamp {
			return false
		}
		if eqKey(t.keys[int(s.ent)*t.k:int(s.ent+1)*t.k], key) {
			return true
		}
	}
}
