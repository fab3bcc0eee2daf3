package agg

import (
	"math"

	"github.com/varpulis/varpulis-go/event"
)

// slot holds one group's value when its kind has an inline payload (int,
// float bits, bool, timestamp, duration) and marks it null or out of line
// otherwise. 16 bytes without pointers: writing one per row costs a plain
// store, where a 40-byte event.Value with pointers costs GC write barriers.
type slot struct {
	bits uint64
	kind event.Kind
}

func intSlot(x int64) slot     { return slot{bits: uint64(x), kind: event.KindInt} }
func floatSlot(f float64) slot { return slot{bits: math.Float64bits(f), kind: event.KindFloat} }

// store is one value per group: inline in c, with strings, arrays and maps
// in o (allocated on the first of them).
type store struct {
	c []slot
	o []event.Value
}

func (s *store) resize(n int) {
	s.c = grow(s.c, n)
	if s.o != nil {
		s.o = grow(s.o, n)
	}
}

func (s *store) get(g int32) event.Value {
	if uint(g) >= uint(len(s.c)) {
		return event.Null
	}
	p := s.c[g]
	switch p.kind {
	case event.KindInt:
		return event.Int(int64(p.bits))
	case event.KindFloat:
		return event.Float(math.Float64frombits(p.bits))
	case event.KindBool:
		return event.Bool(p.bits != 0)
	case event.KindTimestamp:
		return event.Timestamp(int64(p.bits))
	case event.KindDuration:
		return event.Duration(int64(p.bits))
	case event.KindString, event.KindArray, event.KindMap:
		return at(s.o, g)
	}
	return event.Null
}

// set stores v, which must be owned (see own), in group g (in range).
func (s *store) set(g int32, v event.Value) {
	p := &s.c[g]
	p.kind = v.Kind()
	switch p.kind {
	case event.KindFloat:
		p.bits = math.Float64bits(v.AsFloat())
	case event.KindString, event.KindArray, event.KindMap:
		if s.o == nil {
			s.o = make([]event.Value, len(s.c))
		}
		s.o[g] = v
		return
	default:
		p.bits = uint64(v.AsInt()) // 0 for null
	}
	if s.o != nil {
		s.o[g] = event.Null // let go of a replaced string
	}
}

func (s *store) reset(g int32) {
	if uint(g) < uint(len(s.c)) {
		s.c[g] = slot{}
		if s.o != nil {
			s.o[g] = event.Null
		}
	}
}
