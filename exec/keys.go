package exec

import (
	"math"
	"slices"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/varpulis/varpulis-go/event"
)

// keyIndex numbers partition keys densely in order of first appearance.
// Keys compare as == does (VPL.md §11.7): 1 and 1.0 are one key, null is
// one key. Single string and integral keys, the common case, take a Go map
// lookup that allocates nothing; everything else goes through valueMap.
type keyIndex struct {
	fields []string
	strs   map[string]int32
	ints   map[int64]int32
	other  valueMap[int32]
	vals   []event.Value // per key id: the first value seen (an array for several fields)
	order  []int32       // key ids in key order (see sorted)
	rank   []int32       // per key id: its position in order
}

func newKeyIndex(fields []string) *keyIndex {
	return &keyIndex{fields: fields, strs: map[string]int32{}, ints: map[int64]int32{}}
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
					out = append(out, k.str(s.Value(int(r))))
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
	if id, ok := k.strs[s]; ok {
		return id
	}
	v := event.String(string([]byte(s)))
	id := int32(len(k.vals))
	k.strs[v.AsString()] = id
	k.vals = append(k.vals, v)
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
	return len(k.fields) == 1 && len(k.strs) == len(k.vals)
}

// stringColumn builds the column of the keys ids, all strings.
func (k *keyIndex) stringColumn(ids []int32) *vec {
	size := 0
	for _, id := range ids {
		size += len(k.vals[id].AsString())
	}
	offs := make([]int32, 1, len(ids)+1)
	data := make([]byte, 0, size)
	for _, id := range ids {
		data = append(data, k.vals[id].AsString()...)
		offs = append(offs, int32(len(data)))
	}
	return stringVec(len(ids), 0, nil, offs, data)
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
