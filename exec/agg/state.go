package agg

import (
	"encoding/binary"
	"math"

	"github.com/cockroachdb/errors"
	"github.com/varpulis/varpulis-go/event"
)

// Snapshot encoding helpers. Every state starts with the tag byte of its
// function; decoders never panic and never allocate more than the input
// justifies.

func appendF64(b []byte, f float64) []byte {
	return binary.LittleEndian.AppendUint64(b, math.Float64bits(f))
}

// stateReader decodes a snapshot; the first error sticks and every later
// read returns zero values.
type stateReader struct {
	b   []byte
	err error
}

func newReader(b []byte, fn Func) *stateReader {
	r := &stateReader{b: b}
	if len(b) == 0 {
		r.fail("empty state")
	} else if b[0] != byte(fn) {
		r.failf("state of function %d, want %d (%s)", b[0], byte(fn), fn)
	} else {
		r.b = b[1:]
	}
	return r
}

func (r *stateReader) fail(msg string) {
	if r.err == nil {
		r.err = errors.Mark(errors.Newf("agg: %s", errors.Safe(msg)), ErrCorruptState)
	}
}

func (r *stateReader) failf(format string, args ...any) {
	if r.err == nil {
		r.err = errors.Mark(errors.Newf("agg: "+format, args...), ErrCorruptState)
	}
}

func (r *stateReader) byte() byte {
	if r.err != nil {
		return 0
	}
	if len(r.b) == 0 {
		r.fail("truncated state")
		return 0
	}
	c := r.b[0]
	r.b = r.b[1:]
	return c
}

// flag reads a byte that must be 0 or 1.
func (r *stateReader) flag() bool {
	c := r.byte()
	if c > 1 {
		r.fail("bad flag byte")
	}
	return c == 1
}

func (r *stateReader) uvarint() uint64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.fail("bad varint")
		return 0
	}
	r.b = r.b[n:]
	return v
}

// count reads a non-negative int64 count.
func (r *stateReader) count() int64 {
	v := r.uvarint()
	if v > math.MaxInt64 {
		r.fail("count out of range")
		return 0
	}
	return int64(v)
}

func (r *stateReader) varint() int64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Varint(r.b)
	if n <= 0 {
		r.fail("bad varint")
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *stateReader) f64() float64 {
	if r.err != nil {
		return 0
	}
	if len(r.b) < 8 {
		r.fail("truncated float")
		return 0
	}
	f := math.Float64frombits(binary.LittleEndian.Uint64(r.b))
	r.b = r.b[8:]
	return f
}

func (r *stateReader) value() event.Value {
	if r.err != nil {
		return event.Null
	}
	v, n, err := event.DecodeBinary(r.b)
	if err != nil {
		r.err = errors.Mark(errors.Wrap(err, "agg: value"), ErrCorruptState)
		return event.Null
	}
	r.b = r.b[n:]
	return v
}

// done returns the rest of the input, or the original input and the error.
func (r *stateReader) done(orig []byte) ([]byte, error) {
	if r.err != nil {
		return orig, r.err
	}
	return r.b, nil
}

// errGroup is LoadState's answer for a group id outside the accumulator.
func errGroup(g int32, n int) error {
	return errors.Newf("agg: group %d out of range [0, %d)", errors.Safe(g), errors.Safe(n))
}
