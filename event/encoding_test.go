package event

import (
	"bytes"
	"math"
	"strings"
	"testing"

	"github.com/cockroachdb/errors"
)

// identical reports whether a and b are the same value, kinds included
// (Equal treats 1 and 1.0 as equal; an encoding must not).
func identical(a, b Value) bool {
	if a.Kind() != b.Kind() {
		return false
	}
	switch a.Kind() {
	case KindArray:
		if a.Len() != b.Len() {
			return false
		}
		for i := range a.Elems() {
			if !identical(a.Elems()[i], b.Elems()[i]) {
				return false
			}
		}
		return true
	case KindMap:
		if a.Len() != b.Len() {
			return false
		}
		for i, k := range a.Keys() {
			if b.Keys()[i] != k || !identical(a.Elems()[i], b.Elems()[i]) {
				return false
			}
		}
		return true
	case KindFloat:
		return math.Float64bits(a.AsFloat()) == math.Float64bits(b.AsFloat())
	}
	return Equal(a, b)
}

func sampleValues() []Value {
	nested := Null
	for range MaxDepth {
		nested = Array([]Value{nested})
	}
	return []Value{
		Null,
		Bool(false),
		Bool(true),
		Int(0),
		Int(-1),
		Int(math.MaxInt64),
		Int(math.MinInt64),
		Float(0),
		Float(math.Copysign(0, -1)),
		Float(2.5),
		Float(-1e300),
		Float(math.SmallestNonzeroFloat64),
		String(""),
		String("héllo \x00 \"world\""),
		String(strings.Repeat("x", 300)),
		String("\xff invalid utf-8 kept as is"),
		Timestamp(0),
		Timestamp(-1),
		Timestamp(math.MaxInt64),
		Duration(1500),
		Duration(-90e9),
		Array(nil),
		Array([]Value{Int(1), Float(1), String("1"), Null, Array([]Value{Bool(true)})}),
		Map(nil, nil),
		Map([]string{"z", "a", ""}, []Value{Int(1), Map([]string{"in"}, []Value{Timestamp(7)}), Null}),
		nested,
	}
}

func TestBinaryRoundTrip(t *testing.T) {
	for i, v := range sampleValues() {
		enc := AppendBinary([]byte{0xAA}, v)[1:]
		got, n, err := DecodeBinary(append(enc, 0xBB)) // trailing bytes are left alone
		if err != nil {
			t.Fatalf("%d: decode %s: %v", i, AppendJSON(nil, v), err)
		}
		if n != len(enc) {
			t.Errorf("%d: used %d bytes, want %d", i, n, len(enc))
		}
		if !identical(got, v) {
			t.Errorf("%d: round trip of %s gave %s", i, AppendJSON(nil, v), AppendJSON(nil, got))
		}
		// The writer transcodes encodings without decoding; both must agree.
		if a, b := appendEncoded(nil, enc, false), AppendJSON(nil, v); !bytes.Equal(a, b) {
			t.Errorf("%d: transcoded JSON %s, want %s", i, a, b)
		}
		if a, b := appendEncoded(nil, enc, true), AppendText(nil, v); !bytes.Equal(a, b) {
			t.Errorf("%d: transcoded text %s, want %s", i, a, b)
		}
	}
}

func TestBinaryCompact(t *testing.T) {
	tests := []struct {
		v    Value
		size int
	}{
		{Null, 1},
		{Bool(true), 1},
		{Int(5), 2},
		{Int(-64), 2},
		{Float(1.5), 9},
		{String("abc"), 5},
		{Array([]Value{Int(1), Int(2)}), 6},
	}
	for _, tt := range tests {
		if got := len(AppendBinary(nil, tt.v)); got != tt.size {
			t.Errorf("%s encodes in %d bytes, want %d", AppendJSON(nil, tt.v), got, tt.size)
		}
	}
}

func TestDecodeBinaryCorrupt(t *testing.T) {
	deep := bytes.Repeat([]byte{tagArray, 1}, maxDecodeDepth+1)
	deep = append(deep, tagNull)
	tests := []struct {
		name string
		in   []byte
	}{
		{"empty", nil},
		{"unknown tag", []byte{0x7f}},
		{"truncated int", []byte{tagInt}},
		{"overlong varint", append([]byte{tagInt}, bytes.Repeat([]byte{0xff}, 11)...)},
		{"truncated float", []byte{tagFloat, 1, 2, 3}},
		{"string past end", []byte{tagString, 5, 'a'}},
		{"huge string length", []byte{tagString, 0xff, 0xff, 0xff, 0xff, 0x0f}},
		{"array past end", []byte{tagArray, 3, tagNull}},
		{"huge array count", []byte{tagArray, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f}},
		{"map key past end", []byte{tagMap, 1, 4, 'a', tagNull}},
		{"map without value", []byte{tagMap, 1, 1, 'a'}},
		{"too deep", deep},
	}
	for _, tt := range tests {
		v, n, err := DecodeBinary(tt.in)
		if err == nil {
			t.Errorf("%s: decoded %s (%d bytes), want an error", tt.name, AppendJSON(nil, v), n)
			continue
		}
		if !errors.Is(err, ErrCorrupt) {
			t.Errorf("%s: error %v is not ErrCorrupt", tt.name, err)
		}
		if got := string(appendEncoded(nil, tt.in, false)); got != "null" {
			t.Errorf("%s: transcoded to %s, want null", tt.name, got)
		}
	}
}

func TestDecodeBinaryNaNIsNull(t *testing.T) {
	enc := []byte{tagFloat, 0, 0, 0, 0, 0, 0, 0xf8, 0x7f} // a NaN bit pattern
	v, n, err := DecodeBinary(enc)
	if err != nil || n != 9 || !v.IsNull() {
		t.Errorf("NaN decoded to %v, %d, %v; want null", v.Kind(), n, err)
	}
}

func FuzzDecodeBinary(f *testing.F) {
	for _, v := range sampleValues() {
		f.Add(AppendBinary(nil, v))
	}
	f.Add([]byte{tagMap, 2, 1, 'a', tagInt, 2, 1, 'a', tagTrue})
	f.Fuzz(func(t *testing.T, data []byte) {
		v, n, err := DecodeBinary(data)
		if err != nil {
			return
		}
		if n <= 0 || n > len(data) {
			t.Fatalf("used %d of %d bytes", n, len(data))
		}
		enc := AppendBinary(nil, v)
		v2, n2, err := DecodeBinary(enc)
		if err != nil || n2 != len(enc) || !identical(v, v2) {
			t.Fatalf("re-encoding does not round-trip: %v", err)
		}
		if a, b := appendEncoded(nil, data[:n], false), AppendJSON(nil, v); !bytes.Equal(a, b) {
			t.Fatalf("transcoded %s, decoded %s", a, b)
		}
	})
}
