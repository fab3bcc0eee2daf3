package exec

import (
	"math"
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
	strs     event.StrTable // string keys (one key field)
	short    [][16]byte     // per key id: a string key of up to 16 bytes, zero-padded
	slen     []int32        // per key id: a string key's length
	longStrs bool           // some string key is longer
	ints     intTable
	other    valueMap[int32]
	vals     []event.Value // per key id: the first value seen (an array for several fields)
	order    []int32       // key ids in key order (see sorted)
	rank     []int32       // per key id: its position in order
	// The key ids of the codes of the last dictionary numberings seen
	// (batches from a few sources may alternate), most recent first.
	dicts [4]dictIDs
	// touched is what intIDs read ahead: so that the reads are not dropped.
	touched int32
}

// dictIDs holds the key ids of one dictionary numbering's codes (-1: not
// looked up yet).
type dictIDs struct {
	space *event.DictSpace
	ids   []int32
}

func newKeyIndex(fields []string) *keyIndex {
	return &keyIndex{fields: fields}
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
			if s, ok := v.arr.(*array.String); ok && v.dict != nil {
				return k.dictIds(c, s, v.dict, sel, out)
			}
			if s, ok := v.arr.(*array.String); ok && v.valid == nil {
				for _, r := range sel {
					str := s.Value(int(r))
					id, ok := k.strs.Find(str)
					if !ok {
						id = k.newStr(str)
					}
					out = append(out, id)
				}
				return out
			}
			if v.kind == event.KindInt && v.i64 != nil && v.valid == nil {
				return k.intIDs(v.i64, sel, out)
			}
		}
	}
	for _, r := range sel {
		out = append(out, k.id(k.rowKey(c, r)))
	}
	return out
}

// intIDs is ids over an integer key column. Among many keys a lookup
// misses the cache: the slots of a run of rows are read first, in a pass
// of independent loads, so that their misses overlap.
func (k *keyIndex) intIDs(col []int64, sel []int32, out []int32) []int32 {
	const ahead = 256
	for i := 0; i < len(sel); i += ahead {
		rows := sel[i:min(i+ahead, len(sel))]
		if slots := k.ints.slots; len(slots) > 1<<12 {
			var sum int32
			for _, r := range rows {
				sum += slots[k.ints.slotOf(col[r])].v
			}
			k.touched = sum
		}
		for _, r := range rows {
			out = append(out, k.int(col[r]))
		}
	}
	return out
}

// dictIds is ids over a dictionary-encoded string key column: a key is
// looked up once per code of the dictionary's numbering, which spans the
// batches of one builder, then each row costs one load.
func (k *keyIndex) dictIds(c *chunk, s *array.String, d *event.Dict, sel []int32, out []int32) []int32 {
	if k.dicts[0].space != d.Space {
		i := 1
		for i < len(k.dicts)-1 && k.dicts[i].space != d.Space {
			i++
		}
		x := k.dicts[i]
		if x.space != d.Space {
			x = dictIDs{space: d.Space, ids: x.ids[:0]} // the least recent goes
		}
		copy(k.dicts[1:i+1], k.dicts[:i])
		k.dicts[0] = x
	}
	x := &k.dicts[0]
	for len(x.ids) < int(d.N) {
		x.ids = append(x.ids, -1)
	}
	m, codes := x.ids, d.Codes
	for _, r := range sel {
		code := codes[r]
		if uint32(code) >= uint32(len(m)) {
			out = append(out, k.id(k.rowKey(c, r))) // null
			continue
		}
		id := m[code]
		if id < 0 {
			if s.IsValid(int(r)) {
				id = k.str(s.Value(int(r)))
				m[code] = id
			} else {
				id = k.id(event.Null) // not this column's dictionary
			}
		}
		out = append(out, id)
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
	if id, ok := k.strs.Find(s); ok {
		return id
	}
	return k.newStr(s)
}

func (k *keyIndex) newStr(s string) int32 {
	id := int32(len(k.vals))
	k.vals = append(k.vals, event.String(strings.Clone(s)))
	k.strs.Add(s, id)
	if len(s) > 16 {
		k.longStrs = true
	}
	for len(k.short) < len(k.vals) {
		k.short = append(k.short, [16]byte{})
		k.slen = append(k.slen, 0)
	}
	copy(k.short[id][:], s)
	k.slen[id] = int32(len(s))
	return id
}

func (k *keyIndex) int(i int64) int32 {
	if id, ok := k.ints.find(i); ok {
		return id
	}
	id := int32(len(k.vals))
	k.ints.add(i, id)
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
			if id, ok := k.ints.find(int64(f)); ok {
				return id
			}
			id := int32(len(k.vals))
			k.ints.add(int64(f), id)
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

// compact keeps the keys keep accepts, numbered again densely in the
// order of their ids, in the memory the index already has (a pattern
// partitioned by an ever new key forgets most of its keys again and
// again). It returns, per old id, the new one or -1, in remap's memory.
func (k *keyIndex) compact(keep func(id int32) bool, remap []int32) []int32 {
	remap = grow(remap, len(k.vals))
	n := int32(0)
	for id := range k.vals {
		if !keep(int32(id)) {
			remap[id] = -1
			continue
		}
		remap[id] = n
		k.vals[n] = k.vals[id]
		if id < len(k.short) {
			k.short[n], k.slen[n] = k.short[id], k.slen[id]
		}
		n++
	}
	clear(k.vals[n:])
	k.vals = k.vals[:n]
	if len(k.short) > int(n) {
		k.short, k.slen = k.short[:n], k.slen[:n]
	}
	k.strs.Reset()
	k.ints.reset()
	k.other = valueMap[int32]{}
	for id, v := range k.vals {
		k.reindex(v, int32(id))
	}
	k.order, k.rank = k.order[:0], k.rank[:0]
	for i := range k.dicts {
		k.dicts[i] = dictIDs{}
	}
	return remap
}

// reindex files key v under id in the lookup that id uses for it.
func (k *keyIndex) reindex(v event.Value, id int32) {
	one := len(k.fields) == 1
	switch f := v.AsFloat(); {
	case one && v.Kind() == event.KindString:
		k.strs.Add(v.AsString(), id)
	case one && v.Kind() == event.KindInt:
		k.ints.add(v.AsInt(), id)
	case one && v.Kind() == event.KindFloat && f == math.Trunc(f) && f >= -9.2e18 && f <= 9.2e18:
		k.ints.add(int64(f), id)
	default:
		k.other.put(v, id)
	}
}

// onlyStrings reports whether every key is a string (one key field).
func (k *keyIndex) onlyStrings() bool {
	return len(k.fields) == 1 && k.strs.Len() == len(k.vals)
}

// stringColumn builds the column of the keys ids, all strings.
func (k *keyIndex) stringColumn(ids []int32, bufs *colBufs) *vec {
	offs := bufs.int32s(len(ids) + 1)
	offs[0] = 0
	size := int32(0)
	for i, id := range ids {
		size += k.slen[id]
		offs[i+1] = size
	}
	if k.longStrs {
		data := bufs.bytes(int(size))[:0]
		for _, id := range ids {
			data = append(data, k.vals[id].AsString()...)
		}
		return stringVec(len(ids), 0, nil, offs, data)
	}
	// Short keys: a fixed 16-byte copy each, overwritten past the key's
	// end by the next (a memmove call per key costs more).
	data := bufs.bytes(int(size) + 16)
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
