package agg

import (
	"bytes"
	"encoding/binary"
	"math"
	"slices"
	"strings"

	"github.com/varpulis/varpulis-go/event"
)

// numKey is a distinct key of an inline kind, normalized so that keys are
// equal iff the values are == (event.Equal): an integral float within the
// int64 range is keyed as that int (so 1.0 is 1 and -0.0 is 0); other
// floats by their bits (finite, never -0.0, so bit equality is value
// equality).
type numKey struct {
	bits uint64
	tag  uint8
}

const (
	nkInt uint8 = iota
	nkFloat
	nkBool
	nkTimestamp
	nkDuration
)

func intKey(x int64) numKey { return numKey{bits: uint64(x), tag: nkInt} }

func floatKey(f float64) numKey {
	if f >= -0x1p63 && f < 0x1p63 && f == math.Trunc(f) {
		return numKey{bits: uint64(int64(f)), tag: nkInt}
	}
	return numKey{bits: math.Float64bits(f), tag: nkFloat}
}

func (k numKey) value() event.Value {
	switch k.tag {
	case nkInt:
		return event.Int(int64(k.bits))
	case nkFloat:
		return event.Float(math.Float64frombits(k.bits))
	case nkBool:
		return event.Bool(k.bits != 0)
	case nkTimestamp:
		return event.Timestamp(int64(k.bits))
	}
	return event.Duration(int64(k.bits))
}

// Tag bytes of event.AppendBinary for the composite headers that canon
// writes itself.
var (
	tagArray = event.AppendBinary(nil, event.Array(nil))[0]
	tagMap   = event.AppendBinary(nil, event.Map(nil, nil))[0]
)

// canon appends the canonical encoding of a string, array or map: the
// event.AppendBinary form of the value with every number normalized as
// numKey does and map entries sorted by key, so that two values are ==
// iff their canonical encodings are equal.
func canon(b []byte, v event.Value) []byte {
	switch v.Kind() {
	case event.KindFloat:
		if k := floatKey(v.AsFloat()); k.tag == nkInt {
			return event.AppendBinary(b, k.value())
		}
	case event.KindArray:
		elems := v.Elems()
		b = binary.AppendUvarint(append(b, tagArray), uint64(len(elems)))
		for _, e := range elems {
			b = canon(b, e)
		}
		return b
	case event.KindMap:
		keys, vals := v.Keys(), v.Elems()
		idx := make([]int, len(keys))
		for i := range idx {
			idx[i] = i
		}
		slices.SortStableFunc(idx, func(i, j int) int { return strings.Compare(keys[i], keys[j]) })
		b = binary.AppendUvarint(append(b, tagMap), uint64(len(keys)))
		for _, i := range idx {
			b = binary.AppendUvarint(b, uint64(len(keys[i])))
			b = append(b, keys[i]...)
			b = canon(b, vals[i])
		}
		return b
	}
	return event.AppendBinary(b, v)
}

// distinctSet is one group's set of keys: inline kinds in nums, strings,
// arrays and maps by canonical encoding in other. Both are made on first
// use.
type distinctSet struct {
	nums  map[numKey]struct{}
	other map[string]struct{}
}

func (s *distinctSet) len() int { return len(s.nums) + len(s.other) }

func (s *distinctSet) addNum(k numKey) bool {
	if s.nums == nil {
		s.nums = make(map[numKey]struct{})
	}
	n := len(s.nums)
	s.nums[k] = struct{}{}
	return len(s.nums) > n
}

// add inserts v and reports whether it was new; buf is scratch space for
// the canonical encoding and is returned for reuse.
func (s *distinctSet) add(v event.Value, buf []byte) (bool, []byte) {
	switch v.Kind() {
	case event.KindNull:
		return false, buf
	case event.KindInt:
		return s.addNum(intKey(v.AsInt())), buf
	case event.KindFloat:
		return s.addNum(floatKey(v.AsFloat())), buf
	case event.KindBool:
		return s.addNum(numKey{bits: uint64(v.AsInt()), tag: nkBool}), buf
	case event.KindTimestamp:
		return s.addNum(numKey{bits: uint64(v.AsInt()), tag: nkTimestamp}), buf
	case event.KindDuration:
		return s.addNum(numKey{bits: uint64(v.AsInt()), tag: nkDuration}), buf
	}
	buf = canon(buf[:0], v)
	if _, ok := s.other[string(buf)]; ok { // no allocation for a lookup
		return false, buf
	}
	if s.other == nil {
		s.other = make(map[string]struct{})
	}
	s.other[string(buf)] = struct{}{} // copies: the key owns its bytes
	return true, buf
}

// reset empties the set, keeping small maps for reuse and dropping big
// ones so that one huge window does not pin its memory forever.
func (s *distinctSet) reset() {
	const keep = 256
	if len(s.nums) > keep {
		s.nums = nil
	} else {
		clear(s.nums)
	}
	if len(s.other) > keep {
		s.other = nil
	} else {
		clear(s.other)
	}
}

// distinctAcc is count_distinct(x): the number of distinct non-null x
// under == (VPL.md §11.7).
type distinctAcc struct {
	c   []distinctSet
	buf []byte
}

func (a *distinctAcc) Resize(n int) { a.c = grow(a.c, n) }

func (a *distinctAcc) Update(groups, rows []int32, col *Column) {
	groups, rows = trim(groups, rows)
	c := a.c
	switch v := classify(col); v {
	case viewInt:
		x, valid := col.I64, col.Valid
		for i, r := range rows {
			g := groups[i]
			if uint(g) < uint(len(c)) && uint(r) < uint(len(x)) && bitSet(valid, r) {
				c[g].addNum(intKey(x[r]))
			}
		}
	case viewFloat:
		x, valid := col.F64, col.Valid
		for i, r := range rows {
			g := groups[i]
			if uint(g) < uint(len(c)) && uint(r) < uint(len(x)) && bitSet(valid, r) {
				c[g].addNum(floatKey(x[r]))
			}
		}
	case viewConst, viewValue:
		for i, r := range rows {
			if g := groups[i]; uint(g) < uint(len(c)) {
				_, a.buf = c[g].add(valueAt(col, v, r), a.buf)
			}
		}
	}
}

func (a *distinctAcc) UpdateOne(g int32, rows []int32, col *Column) {
	if uint(g) >= uint(len(a.c)) {
		return
	}
	s := &a.c[g]
	switch v := classify(col); v {
	case viewInt:
		x, valid := col.I64, col.Valid
		for _, r := range rows {
			if uint(r) < uint(len(x)) && bitSet(valid, r) {
				s.addNum(intKey(x[r]))
			}
		}
	case viewFloat:
		x, valid := col.F64, col.Valid
		for _, r := range rows {
			if uint(r) < uint(len(x)) && bitSet(valid, r) {
				s.addNum(floatKey(x[r]))
			}
		}
	case viewConst:
		if len(rows) > 0 {
			_, a.buf = s.add(col.Const, a.buf)
		}
	case viewValue:
		for _, r := range rows {
			_, a.buf = s.add(col.Value(r), a.buf)
		}
	}
}

func (a *distinctAcc) Result(g int32) event.Value {
	if uint(g) >= uint(len(a.c)) {
		return event.Int(0)
	}
	return event.Int(int64(a.c[g].len()))
}

func (a *distinctAcc) Reset(g int32) {
	if uint(g) < uint(len(a.c)) {
		a.c[g].reset()
	}
}

// State: tag, the number of keys (uvarint), then each key in
// event.AppendBinary form (numbers normalized, maps with sorted keys),
// sorted bytewise so that equal sets give equal bytes.
func (a *distinctAcc) AppendState(b []byte, g int32) []byte {
	b = append(b, byte(CountDistinct))
	if uint(g) >= uint(len(a.c)) {
		return append(b, 0)
	}
	s := &a.c[g]
	keys := make([][]byte, 0, s.len())
	for k := range s.nums {
		keys = append(keys, event.AppendBinary(nil, k.value()))
	}
	for k := range s.other {
		keys = append(keys, []byte(k))
	}
	slices.SortFunc(keys, bytes.Compare)
	b = binary.AppendUvarint(b, uint64(len(keys)))
	for _, k := range keys {
		b = append(b, k...)
	}
	return b
}

func (a *distinctAcc) LoadState(b []byte, g int32) ([]byte, error) {
	if uint(g) >= uint(len(a.c)) {
		return b, errGroup(g, len(a.c))
	}
	r := newReader(b, CountDistinct)
	n := r.uvarint()
	if n > uint64(len(r.b)) { // every key takes at least one byte
		r.fail("key count beyond end of state")
	}
	var s distinctSet
	var buf []byte
	for i := uint64(0); i < n && r.err == nil; i++ {
		v := r.value()
		if r.err != nil {
			break
		}
		var added bool
		added, buf = s.add(v, buf)
		if !added {
			r.fail("null or repeated distinct key")
		}
	}
	rest, err := r.done(b)
	if err == nil {
		a.c[g] = s
	}
	return rest, err
}
