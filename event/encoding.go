package event

import (
	"encoding/binary"
	"math"

	"github.com/cockroachdb/errors"
)

// Tags of the binary encoding. The numbering is part of the storage format:
// never renumber, only append.
const (
	tagNull byte = iota
	tagFalse
	tagTrue
	tagInt       // zig-zag varint
	tagFloat     // 8 bytes, IEEE 754 bits, little endian
	tagString    // uvarint length, bytes
	tagTimestamp // zig-zag varint ns
	tagDuration  // zig-zag varint ns
	tagArray     // uvarint count, elements
	tagMap       // uvarint count, then (uvarint key length, key bytes, value) per entry
)

// maxDecodeDepth bounds the nesting DecodeBinary accepts. It is above
// MaxDepth so that every valid event decodes, and low enough that hostile
// input cannot exhaust the stack.
const maxDecodeDepth = 64

// ErrCorrupt marks errors of DecodeBinary: the bytes are not an encoding
// produced by AppendBinary.
var ErrCorrupt = errors.New("corrupt value encoding")

// AppendBinary appends the compact binary encoding of v to b: one tag byte,
// then varints (integers, lengths) and raw bytes (floats, strings); arrays
// and maps nest. It is the cell format of "any" columns and of storage, so
// it is self-delimiting and needs no schema.
func AppendBinary(b []byte, v Value) []byte {
	switch v.kind {
	case KindNull:
		return append(b, tagNull)
	case KindBool:
		if v.n != 0 {
			return append(b, tagTrue)
		}
		return append(b, tagFalse)
	case KindInt:
		return binary.AppendVarint(append(b, tagInt), v.n)
	case KindFloat:
		return binary.LittleEndian.AppendUint64(append(b, tagFloat), uint64(v.n))
	case KindString:
		b = binary.AppendUvarint(append(b, tagString), uint64(len(v.s)))
		return append(b, v.s...)
	case KindTimestamp:
		return binary.AppendVarint(append(b, tagTimestamp), v.n)
	case KindDuration:
		return binary.AppendVarint(append(b, tagDuration), v.n)
	case KindArray:
		b = binary.AppendUvarint(append(b, tagArray), uint64(len(v.c.elems)))
		for _, e := range v.c.elems {
			b = AppendBinary(b, e)
		}
		return b
	case KindMap:
		b = binary.AppendUvarint(append(b, tagMap), uint64(len(v.c.keys)))
		for i, k := range v.c.keys {
			b = binary.AppendUvarint(b, uint64(len(k)))
			b = append(b, k...)
			b = AppendBinary(b, v.c.elems[i])
		}
		return b
	}
	return append(b, tagNull)
}

// DecodeBinary decodes one value encoded by AppendBinary from the start of
// b and returns it with the number of bytes it used. Strings are copied, so
// the value does not keep b alive. Any malformed input gives an error
// marked ErrCorrupt, never a panic.
func DecodeBinary(b []byte) (Value, int, error) {
	d := decoder{b: b}
	v := d.value(0)
	if d.err != nil {
		return Null, 0, d.err
	}
	return v, d.i, nil
}

type decoder struct {
	b   []byte
	i   int
	err error
}

func (d *decoder) fail(msg string) {
	if d.err == nil {
		d.err = errors.Mark(errors.Newf("%s at byte %d", errors.Safe(msg), d.i), ErrCorrupt)
	}
}

func (d *decoder) varint() int64 {
	v, n := binary.Varint(d.b[d.i:])
	if n <= 0 {
		d.fail("bad varint")
		return 0
	}
	d.i += n
	return v
}

// count reads a length or element count and checks it against the bytes
// left (each unit needs at least minSize bytes), so that a forged count
// cannot make the decoder allocate more than the input justifies.
func (d *decoder) count(minSize int) int {
	v, n := binary.Uvarint(d.b[d.i:])
	if n <= 0 {
		d.fail("bad length")
		return 0
	}
	d.i += n
	if v > uint64(len(d.b)-d.i)/uint64(minSize) {
		d.fail("length beyond end of input")
		return 0
	}
	return int(v)
}

func (d *decoder) value(depth int) Value {
	if d.err != nil {
		return Null
	}
	if d.i >= len(d.b) {
		d.fail("unexpected end of input")
		return Null
	}
	tag := d.b[d.i]
	d.i++
	switch tag {
	case tagNull:
		return Null
	case tagFalse:
		return Bool(false)
	case tagTrue:
		return Bool(true)
	case tagInt:
		return Int(d.varint())
	case tagFloat:
		if len(d.b)-d.i < 8 {
			d.fail("truncated float")
			return Null
		}
		bits := binary.LittleEndian.Uint64(d.b[d.i:])
		d.i += 8
		return Float(math.Float64frombits(bits))
	case tagString:
		n := d.count(1)
		s := string(d.b[d.i : d.i+n])
		d.i += n
		return String(s)
	case tagTimestamp:
		return Timestamp(d.varint())
	case tagDuration:
		return Duration(d.varint())
	case tagArray, tagMap:
		if depth >= maxDecodeDepth {
			d.fail("nesting too deep")
			return Null
		}
		if tag == tagArray {
			n := d.count(1)
			elems := make([]Value, n)
			for j := range elems {
				elems[j] = d.value(depth + 1)
			}
			if d.err != nil {
				return Null
			}
			return Array(elems)
		}
		n := d.count(2) // key length byte + value tag at least
		keys := make([]string, n)
		vals := make([]Value, n)
		for j := 0; j < n && d.err == nil; j++ {
			kl := d.count(1)
			keys[j] = string(d.b[d.i : d.i+kl])
			d.i += kl
			vals[j] = d.value(depth + 1)
		}
		if d.err != nil {
			return Null
		}
		return Map(keys, vals)
	}
	d.i--
	d.fail("unknown tag")
	return Null
}
