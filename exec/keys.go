package exec

import (
	"hash/maphash"
	"math"
	"math/bits"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/varpulis/varpulis-go/event"
)

// keyIndex numbers partition keys densely in order of first appearance.
// Keys compare as == does (VPL.md §11.7): 1 and 1.0 are one key, null is
// one key. Single string and integral keys, the common case, take a lookup
// that allocates nothing; everything else goes through valueMap.
type keyIndex struct {
	fields   []string
	strs     strIndex
	short    [][16]byte // per key id: a string key of up to 16 bytes, zero-padded
	longStrs bool       // some string key is longer
	ints     map[int64]int32
	other    valueMap[int32]
	vals     []event.Value // per key id: the first value seen (an array for several fields)
	order    []int32       // key ids in key order (see sorted)
	rank     []int32       // per key id: its position in order
}

func newKeyIndex(fields []string) *keyIndex {
	return &keyIndex{fields: fields, strs: newStrIndex(), ints: map[int64]int32{}}
}

// Len returns the number of keys seen.
func (k *keyIndex) Len() int { return len(k.vals) }

// ids appends the key id of every selected row of c to out, in order.
func (k *keyIndex) ids(c *chunk, sel []int32, out []int32) []int32 {
	if len(k.fields) == 0 {
		if len(k.vals) == 0 {
			k.vals = append(k.vals, event.Null)
		}
		for range sel {
			out = append(out, 0)
		}
		return out
	}
	if len(k.fields) == 1 {
		if i := c.col(k.fields[0]); i >= 0 {
			v := c.cols[i]
			if s, ok := v.arr.(*array.String); ok && v.valid == nil {
				for _, r := range sel {
					str := s.Value(int(r))
					id, ok := k.strs.find(str, k.vals)
					if !ok {
						id = k.newStr(str)
					}
					out = append(out, id)
				}
				return out
			}
			if v.kind == event.KindInt && v.i64 != nil && v.valid == nil {
				for _, r := range sel {
					out = append(out, k.int(v.i64[r]))
				}
				return out
			}
		}
	}
	for _, r := range sel {
		out = append(out, k.id(k.rowKey(c, r)))
	}
	return out
}

// rowKey returns the key value of row r (strings copied).
func (k *keyIndex) rowKey(c *chunk, r int32) event.Value {
	if len(k.fields) == 1 {
		return cloneValue(fieldValue(c, k.fields[0], int(r)))
	}
	vals := make([]event.Value, len(k.fields))
	for i, f := range k.fields {
		vals[i] = cloneValue(fieldValue(c, f, int(r)))
	}
	return event.Array(vals)
}

func (k *keyIndex) str(s string) int32 {
	if id, ok := k.strs.find(s, k.vals); ok {
		return id
	}
	return k.newStr(s)
}

func (k *keyIndex) newStr(s string) int32 {
	id := int32(len(k.vals))
	k.vals = append(k.vals, event.String(strings.Clone(s)))
	k.strs.add(id, k.vals)
	if len(s) > 16 {
		k.longStrs = true
	}
	for len(k.short) < len(k.vals) {
		k.short = append(k.short, [16]byte{})
	}
	copy(k.short[id][:], s)
	return id
}

func (k *keyIndex) int(i int64) int32 {
	if id, ok := k.ints[i]; ok {
		return id
	}
	id := int32(len(k.vals))
	k.ints[i] = id
	k.vals = append(k.vals, event.Int(i))
	return id
}

// id returns the id of any key value.
func (k *keyIndex) id(v event.Value) int32 {
	switch v.Kind() {
	case event.KindString:
		if len(k.fields) == 1 {
			return k.str(v.AsString())
		}
	case event.KindInt:
		if len(k.fields) == 1 {
			return k.int(v.AsInt())
		}
	case event.KindFloat:
		// An integral float is the same key as the int of that value.
		if f := v.AsFloat(); len(k.fields) == 1 && f == math.Trunc(f) && f >= -9.2e18 && f <= 9.2e18 {
			if id, ok := k.ints[int64(f)]; ok {
				return id
			}
			id := int32(len(k.vals))
			k.ints[int64(f)] = id
			k.vals = append(k.vals, v)
			return id
		}
	}
	if id, ok := k.other.lookup(v); ok {
		return id
	}
	id := int32(len(k.vals))
	k.other.put(v, id)
	k.vals = append(k.vals, v)
	return id
}

// onlyStrings reports whether every key is a string (one key field).
func (k *keyIndex) onlyStrings() bool {
	return len(k.fields) == 1 && k.strs.n == len(k.vals)
}

// stringColumn builds the column of the keys ids, all strings.
func (k *keyIndex) stringColumn(ids []int32) *vec {
	offs := make([]int32, len(ids)+1)
	size := 0
	for i, id := range ids {
		size += len(k.vals[id].AsString())
		offs[i+1] = int32(size)
	}
	if k.longStrs {
		data := make([]byte, 0, size)
		for _, id := range ids {
			data = append(data, k.vals[id].AsString()...)
		}
		return stringVec(len(ids), 0, nil, offs, data)
	}
	// Short keys: a fixed 16-byte copy each, overwritten past the key's
	// end by the next (a memmove call per key costs more).
	data := make([]byte, size+16)
	for i, id := range ids {
		*(*[16]byte)(data[offs[i]:]) = k.short[id]
	}
	return stringVec(len(ids), 0, nil, offs, data[:size])
}

// compare orders two keys as VPL.md §7.3 orders partition keys: several
// fields compare field by field.
func (k *keyIndex) compare(a, b int32) int {
	ka, kb := k.vals[a], k.vals[b]
	if len(k.fields) <= 1 {
		return event.CompareKeys(ka, kb)
	}
	for i := range k.fields {
		if c := event.CompareKeys(ka.Elems()[i], kb.Elems()[i]); c != 0 {
			return c
		}
	}
	return 0
}

// appendFields appends the key fields of key id under their own names.
func (k *keyIndex) appendFields(fields []event.Field, id int32) []event.Field {
	kv := k.vals[id]
	switch len(k.fields) {
	case 0:
	case 1:
		fields = append(fields, event.Field{Name: k.fields[0], Value: kv})
	default:
		for i, f := range k.fields {
			fields = append(fields, event.Field{Name: f, Value: kv.Elems()[i]})
		}
	}
	return fields
}

// sorted returns the key ids in key order, re-sorting only when keys were
// added since the last call.
func (k *keyIndex) sorted() []int32 {
	if len(k.order) != len(k.vals) {
		for id := int32(len(k.order)); id < int32(len(k.vals)); id++ {
			k.order = append(k.order, id)
		}
		slices.SortStableFunc(k.order, k.compare)
		k.rank = grow(k.rank, len(k.order))
		for i, id := range k.order {
			k.rank[id] = int32(i)
		}
	}
	return k.order
}

// strIndex maps string keys to ids by open addressing. It costs half of a
// Go map lookup on W2's keys: a key of up to 16 bytes is held in its slot
// as two words (the words and the length determine the string), so a
// lookup hashes them with a multiply and compares them, with no pointer to
// follow; longer keys are compared with the keys' values.
type strIndex struct {
	seed   maphash.Seed // long keys
	k0, k1 uint64       // short keys
	tab    []strSlot    // a power of two long, at most half full
	n      int
}

type strSlot struct {
	a, b uint64
	n    int32 // length
	id   int32 // id + 1; 0: empty
}

func newStrIndex() strIndex {
	return strIndex{seed: maphash.MakeSeed(), k0: rand.Uint64(), k1: rand.Uint64()}
}

// words encodes a key of up to 16 bytes as two words (overlapping loads:
// with the length, they determine the string) and hashes it, seeded so
// that no fixed set of keys collides; a longer key hashes through maphash.
func (x *strIndex) words(s string) (a, b, h uint64) {
	switch n := len(s); {
	case n > 16:
		return 0, 0, maphash.String(x.seed, s)
	case n >= 8:
		a, b = le64(s), le64(s[n-8:])
	case n >= 4:
		a, b = uint64(le32(s)), uint64(le32(s[n-4:]))
	case n > 0:
		a = uint64(s[0])<<16 | uint64(s[n>>1])<<8 | uint64(s[n-1])
	}
	hi, lo := bits.Mul64(a^x.k0, b^x.k1^uint64(len(s)))
	return a, b, hi ^ lo
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

// find returns the id of s.
func (x *strIndex) find(s string, vals []event.Value) (int32, bool) {
	a, b, h := x.words(s)
	mask := uint64(len(x.tab) - 1)
	for i := h & mask; len(x.tab) > 0; i = (i + 1) & mask {
		e := &x.tab[i]
		switch {
		case e.id == 0:
			return 0, false
		case e.a == a && e.b == b && e.n == int32(len(s)) && (len(s) <= 16 || vals[e.id-1].AsString() == s):
			return e.id - 1, true
		}
	}
	return 0, false
}

// add records id, whose key vals[id] is not in the index.
func (x *strIndex) add(id int32, vals []event.Value) {
	if 2*(x.n+1) > len(x.tab) {
		old := x.tab
		x.tab = make([]strSlot, max(64, 2*len(old)))
		for _, e := range old {
			if e.id != 0 {
				x.put(e.id-1, vals)
			}
		}
	}
	x.put(id, vals)
	x.n++
}

func (x *strIndex) put(id int32, vals []event.Value) {
	s := vals[id].AsString()
	a, b, h := x.words(s)
	mask := uint64(len(x.tab) - 1)
	i := h & mask
	for x.tab[i].id != 0 {
		i = (i + 1) & mask
	}
	x.tab[i] = strSlot{a: a, b: b, n: int32(len(s)), id: id + 1}
}
