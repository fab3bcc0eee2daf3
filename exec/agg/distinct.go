package agg

import (
	"bytes"
	"encoding/binary"
	"math"
	"slices"
	"strings"

	"github.com/varpulis/varpulis-go/event"
)

// Distinct keys of inline kinds are normalized so that keys are equal iff
// the values are == (event.Equal): an integral float within the int64 range
// is keyed as that int (so 1.0 is 1 and -0.0 is 0); other floats by their
// bits (finite and never -0.0, so bit equality is value equality). Numbers
// have uint64-keyed maps of their own, which hash twice as fast as a
// struct key; bools, timestamps and durations share a tagged map.

// intOfFloat returns the int equal to f, if there is one.
func intOfFloat(f float64) (int64, bool) {
	if f >= -0x1p63 && f < 0x1p63 && f == math.Trunc(f) {
		return int64(f), true
	}
	return 0, false
}

// tagKey is a distinct bool, timestamp or duration.
type tagKey struct {
	bits int64
	kind event.Kind
}

// Tag bytes of event.AppendBinary for the composite headers that canon
// writes itself.
var (
	tagArray = event.AppendBinary(nil, event.Array(nil))[0]
	tagMap   = event.AppendBinary(nil, event.Map(nil, nil))[0]
)

// canon appends the canonical encoding of a string, array or map: the
// event.AppendBinary form of the value with every number normalized like
// the numeric keys (integral floats as ints) and map entries sorted by key,
// so that two values are == iff their canonical encodings are equal.
func canon(b []byte, v event.Value) []byte {
	switch v.Kind() {
	case event.KindFloat:
		if i, ok := intOfFloat(v.AsFloat()); ok {
			return event.AppendBinary(b, event.Int(i))
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

// distinctSet is one group's set of keys: ints (and integral floats),
// other floats by bits, bools, timestamps and durations, and strings,
// arrays and maps by canonical encoding. Each map is made on first use.
type distinctSet struct {
	ints   map[uint64]struct{}
	floats map[uint64]struct{}
	tagged map[tagKey]struct{}
	other  map[string]struct{}
}

func (s *distinctSet) len() int { return len(s.ints) + len(s.floats) + len(s.tagged) + len(s.other) }

func (s *distinctSet) addInt(x int64) bool {
	if _, ok := s.ints[uint64(x)]; ok { // a lookup: no hashing twice on a hit
		return false
	}
	if s.ints == nil {
		s.ints = make(map[uint64]struct{})
	}
	s.ints[uint64(x)] = struct{}{}
	return true
}

func (s *distinctSet) addFloat(f float64) bool {
	if i, ok := intOfFloat(f); ok {
		return s.addInt(i)
	}
	k := math.Float64bits(f)
	if _, ok := s.floats[k]; ok {
		return false
	}
	if s.floats == nil {
		s.floats = make(map[uint64]struct{})
	}
	s.floats[k] = struct{}{}
	return true
}

// add inserts v and reports whether it was new; buf is scratch space for
// the canonical encoding and is returned for reuse.
func (s *distinctSet) add(v event.Value, buf []byte) (bool, []byte) {
	switch k := v.Kind(); k {
	case event.KindNull:
		return false, buf
	case event.KindInt:
		return s.addInt(v.AsInt()), buf
	case event.KindFloat:
		return s.addFloat(v.AsFloat()), buf
	case event.KindBool, event.KindTimestamp, event.KindDuration:
		t := tagKey{bits: v.AsInt(), kind: k}
		if _, ok := s.tagged[t]; ok {
			return false, buf
		}
		if s.tagged == nil {
			s.tagged = make(map[tagKey]struct{})
		}
		s.tagged[t] = struct{}{}
		return true, buf
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
	s.ints = resetMap(s.ints)
	s.floats = resetMap(s.floats)
	s.tagged = resetMap(s.tagged)
	s.other = resetMap(s.other)
}

func resetMap[K comparable](m map[K]struct{}) map[K]struct{} {
	if len(m) > 256 {
		return nil
	}
	clear(m)
	return m
}

// appendKeys appends the AppendBinary form of every key (numbers
// normalized), in no particular order.
func (s *distinctSet) appendKeys(keys [][]byte) [][]byte {
	for k := range s.ints {
		keys = append(keys, event.AppendBinary(nil, event.Int(int64(k))))
	}
	for k := range s.floats {
		keys = append(keys, event.AppendBinary(nil, event.Float(math.Float64frombits(k))))
	}
	for k := range s.tagged {
		var v event.Value
		switch k.kind {
		case event.KindBool:
			v = event.Bool(k.bits != 0)
		case event.KindTimestamp:
			v = event.Timestamp(k.bits)
		default:
			v = event.Duration(k.bits)
		}
		keys = append(keys, event.AppendBinary(nil, v))
	}
	for k := range s.other {
		keys = append(keys, []byte(k))
	}
	return keys
}

// distinctAcc is count_distinct(x): the number of distinct non-null x
// under == (VPL.md §11.7).
type distinctAcc struct {
	c   []distinctSet
	buf []byte
	sp  spanBuf
}

func (a *distinctAcc) Resize(n int) { a.c = grow(a.c, n) }

func (a *distinctAcc) Update(groups, rows []int32, col *Column) {
	groups, rows = trim(groups, rows)
	if g, ok := oneGroup(groups); ok {
		a.UpdateOne(g, rows[:len(groups)], col)
		return
	}
	c := a.c
	switch v := classify(col); v {
	case viewInt:
		x, valid := col.I64, col.Valid
		groups = groups[:len(rows)]
		for i, r32 := range rows {
			g, r := int(groups[i]), int(r32)
			if uint(g) < uint(len(c)) && uint(r) < uint(len(x)) && bitSet(valid, r) {
				c[g].addInt(x[r])
			}
		}
	case viewFloat:
		x, valid := col.F64, col.Valid
		groups = groups[:len(rows)]
		for i, r32 := range rows {
			g, r := int(groups[i]), int(r32)
			if uint(g) < uint(len(c)) && uint(r) < uint(len(x)) && bitSet(valid, r) {
				c[g].addFloat(x[r])
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
		for _, r32 := range rows {
			r := int(r32)
			if uint(r) < uint(len(x)) && bitSet(valid, r) {
				s.addInt(x[r])
			}
		}
	case viewFloat:
		x, valid := col.F64, col.Valid
		for _, r32 := range rows {
			r := int(r32)
			if uint(r) < uint(len(x)) && bitSet(valid, r) {
				s.addFloat(x[r])
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
	keys := s.appendKeys(make([][]byte, 0, s.len()))
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
