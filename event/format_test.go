package event

import (
	"math"
	"slices"
	"testing"
	"time"
)

func TestAppendFloat(t *testing.T) {
	tenth := 0.1 // a variable: constant arithmetic would be exact
	tests := []struct {
		in   float64
		want string
	}{
		{1, "1.0"},
		{2.5, "2.5"},
		{-0.5, "-0.5"},
		{0, "0.0"},
		{math.Copysign(0, -1), "-0.0"},
		{12.5, "12.5"},
		{100, "100.0"},
		{tenth + 0.2, "0.30000000000000004"},
		{1e20, "100000000000000000000.0"},
		{9.999999999999999e20, "999999999999999900000.0"},
		{1e21, "1e+21"},
		{1.5e21, "1.5e+21"},
		{-1.5e21, "-1.5e+21"},
		{1e100, "1e+100"},
		{0.000001, "0.000001"},
		{1e-7, "1e-7"},
		{9.99e-7, "9.99e-7"},
		{-1e-7, "-1e-7"},
		{1.25e-10, "1.25e-10"},
		{5e-324, "5e-324"},
		{math.MaxFloat64, "1.7976931348623157e+308"},
	}
	for _, tt := range tests {
		if got := string(AppendFloat(nil, tt.in)); got != tt.want {
			t.Errorf("AppendFloat(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestAppendJSONString(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"", `""`},
		{"plain", `"plain"`},
		{`a"b`, `"a\"b"`},
		{`a\b`, `"a\\b"`},
		{"\n\r\t\b\f", `"\n\r\t\b\f"`},
		{"\x00\x01\x1f", `"\u0000\u0001\u001f"`},
		{"\x1b[0m", `"\u001b[0m"`},
		{"\x7f", "\"\x7f\""},
		{"<a href='x'>&</a>", `"<a href='x'>&</a>"`},
		{"é日本🙂", `"é日本🙂"`},
		{"\u2028", "\"\u2028\""},
		{"\xff", "\"\uFFFD\""},
		{"a\xc3b", "\"a\uFFFDb\""},
		{"tab\there", `"tab\there"`},
	}
	for _, tt := range tests {
		if got := string(AppendJSONString(nil, tt.in)); got != tt.want {
			t.Errorf("AppendJSONString(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestAppendDuration(t *testing.T) {
	tests := []struct {
		in   time.Duration
		want string
	}{
		{time.Second, "1s"},
		{90 * time.Second, "1m30s"},
		{250 * time.Millisecond, "250ms"},
		{0, "0s"},
		{time.Hour, "1h0m0s"},
		{-time.Second, "-1s"},
		{1500, "1.5µs"},
		{3 * time.Second, "3s"},
	}
	for _, tt := range tests {
		if got := string(AppendDuration(nil, int64(tt.in))); got != tt.want {
			t.Errorf("AppendDuration(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestAppendTimestamp(t *testing.T) {
	tests := []struct {
		ns   int64
		want string
	}{
		{0, "1970-01-01T00:00:00Z"},
		{2e9, "1970-01-01T00:00:02Z"},
		{1500 * 1e6, "1970-01-01T00:00:01.5Z"},
		{250 * 1e6, "1970-01-01T00:00:00.25Z"},
		{1, "1970-01-01T00:00:00.000000001Z"},
		{123456789, "1970-01-01T00:00:00.123456789Z"},
		{-1, "1969-12-31T23:59:59.999999999Z"},
		{time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC).UnixNano(), "2026-03-01T08:00:00Z"},
		{math.MinInt64, "1677-09-21T00:12:43.145224192Z"},
		{math.MaxInt64, "2262-04-11T23:47:16.854775807Z"},
	}
	for _, tt := range tests {
		if got := string(AppendTimestamp(nil, tt.ns)); got != tt.want {
			t.Errorf("AppendTimestamp(%d) = %q, want %q", tt.ns, got, tt.want)
		}
	}
}

func TestAppendJSONAndText(t *testing.T) {
	ts := Timestamp(2e9)
	tests := []struct {
		v          Value
		json, text string
	}{
		{Null, "null", "null"},
		{Bool(true), "true", "true"},
		{Bool(false), "false", "false"},
		{Int(-42), "-42", "-42"},
		{Int(math.MinInt64), "-9223372036854775808", "-9223372036854775808"},
		{Float(31), "31.0", "31.0"},
		{String("s2"), `"s2"`, `"s2"`},
		{ts, `"1970-01-01T00:00:02Z"`, "@1970-01-01T00:00:02Z"},
		{Duration(int64(time.Second)), `"1s"`, "1s"},
		{Array(nil), "[]", "[]"},
		{Map(nil, nil), "{}", "{}"},
		{Array([]Value{Int(1), Float(2), String("x"), Null, ts}), `[1,2.0,"x",null,"1970-01-01T00:00:02Z"]`, `[1,2.0,"x",null,@1970-01-01T00:00:02Z]`},
		{Map([]string{"b", "a"}, []Value{Duration(int64(90 * time.Second)), Array([]Value{Bool(true)})}), `{"b":"1m30s","a":[true]}`, `{"b":1m30s,"a":[true]}`},
		{Map([]string{"k\"ey"}, []Value{Map([]string{"n"}, []Value{Null})}), `{"k\"ey":{"n":null}}`, `{"k\"ey":{"n":null}}`},
	}
	for _, tt := range tests {
		if got := string(AppendJSON(nil, tt.v)); got != tt.json {
			t.Errorf("AppendJSON(%v) = %s, want %s", tt.v.Kind(), got, tt.json)
		}
		if got := string(AppendText(nil, tt.v)); got != tt.text {
			t.Errorf("AppendText(%v) = %s, want %s", tt.v.Kind(), got, tt.text)
		}
	}
	if got := String("a\"b").TextString(); got != "a\"b" {
		t.Errorf("TextString of a string = %q, want it unchanged", got)
	}
	if got := Float(2.5).TextString(); got != "2.5" {
		t.Errorf("TextString(2.5) = %q", got)
	}
	if got := Timestamp(0).TextString(); got != "@1970-01-01T00:00:00Z" {
		t.Errorf("TextString(ts) = %q", got)
	}
}

func TestValueConstructorsAndAccessors(t *testing.T) {
	if !Float(math.NaN()).IsNull() || !Float(math.Inf(1)).IsNull() || !Float(math.Inf(-1)).IsNull() {
		t.Error("NaN and infinities must become null")
	}
	if a := Array(nil); a.Kind() != KindArray || a.Len() != 0 || a.Elems() == nil {
		t.Errorf("Array(nil) = %v len %d", a.Kind(), a.Len())
	}
	if m := Map(nil, nil); m.Kind() != KindMap || m.Len() != 0 || m.Keys() == nil {
		t.Errorf("Map(nil, nil) = %v", m.Kind())
	}
	m := Map([]string{"x", "y"}, []Value{Int(1), String("s")})
	if v, ok := m.Get("y"); !ok || v.AsString() != "s" {
		t.Errorf("Get(y) = %v %v", v, ok)
	}
	if _, ok := m.Get("z"); ok {
		t.Error("Get(z) found a missing key")
	}
	if _, ok := Int(1).Get("x"); ok {
		t.Error("Get on an int found a key")
	}
	if !Bool(true).AsBool() || !Bool(true).IsTrue() || Bool(false).IsTrue() || Int(1).IsTrue() || Null.IsTrue() {
		t.Error("IsTrue/AsBool")
	}
	if Int(7).AsFloat() != 7 || Float(2.5).AsFloat() != 2.5 || String("x").AsFloat() != 0 {
		t.Error("AsFloat")
	}
	if Timestamp(5).AsInt() != 5 || Duration(6).AsInt() != 6 || Bool(true).AsInt() != 1 {
		t.Error("AsInt")
	}
	if Int(1).AsString() != "" || Int(1).Elems() != nil || Int(1).Keys() != nil || Int(1).Len() != 0 {
		t.Error("accessors on a scalar")
	}
	for k := KindNull; k <= KindMap; k++ {
		if k.String() == "invalid" {
			t.Errorf("kind %d has no name", k)
		}
	}
	if Kind(200).String() != "invalid" || KindMap.String() != "map" || KindTimestamp.String() != "timestamp" {
		t.Error("Kind.String")
	}
	if !KindInt.IsNumber() || !KindFloat.IsNumber() || KindString.IsNumber() {
		t.Error("IsNumber")
	}
}

func TestEqual(t *testing.T) {
	arr := func(v ...Value) Value { return Array(v) }
	tests := []struct {
		a, b Value
		want bool
	}{
		{Null, Null, true},
		{Int(1), Float(1), true},
		{Float(1), Int(1), true},
		{Int(1), Float(1.5), false},
		{Int(1<<53 + 1), Float(1 << 53), false},
		{Int(1 << 53), Float(1 << 53), true},
		{Int(math.MaxInt64), Float(9.223372036854775807e18), false},
		{Int(math.MinInt64), Float(-9.223372036854775808e18), true},
		{String("1"), Int(1), false},
		{String("a"), String("a"), true},
		{String("a"), String("b"), false},
		{Bool(true), Bool(true), true},
		{Bool(true), Int(1), false},
		{Null, Int(0), false},
		{Timestamp(5), Duration(5), false},
		{Timestamp(5), Timestamp(5), true},
		{Duration(5), Duration(6), false},
		{arr(Int(1), Float(2)), arr(Float(1), Int(2)), true},
		{arr(Int(1)), arr(Int(1), Int(2)), false},
		{arr(), Map(nil, nil), false},
		{Map([]string{"a", "b"}, []Value{Int(1), Int(2)}), Map([]string{"b", "a"}, []Value{Int(2), Float(1)}), true},
		{Map([]string{"a"}, []Value{Int(1)}), Map([]string{"b"}, []Value{Int(1)}), false},
		{Map([]string{"a"}, []Value{Int(1)}), Map([]string{"a", "b"}, []Value{Int(1), Null}), false},
	}
	for i, tt := range tests {
		if got := Equal(tt.a, tt.b); got != tt.want {
			t.Errorf("%d: Equal(%s, %s) = %v, want %v", i, AppendJSON(nil, tt.a), AppendJSON(nil, tt.b), got, tt.want)
		}
		if got := Equal(tt.b, tt.a); got != tt.want {
			t.Errorf("%d: Equal is not symmetric", i)
		}
	}
}

func TestCompareNumbers(t *testing.T) {
	tests := []struct {
		a, b Value
		want int
	}{
		{Int(1), Int(2), -1},
		{Float(1.5), Int(1), 1},
		{Int(1), Float(1.5), -1},
		{Float(-0.5), Int(0), -1},
		{Float(-1.5), Int(-1), -1},
		{Float(1e19), Int(math.MaxInt64), 1},
		{Float(-1e19), Int(math.MinInt64), -1},
		{Int(1<<53 + 1), Float(1 << 53), 1},
		{Float(2.5), Float(2.5), 0},
		{Int(3), Float(3), 0},
	}
	for _, tt := range tests {
		if got := CompareNumbers(tt.a, tt.b); got != tt.want {
			t.Errorf("CompareNumbers(%s, %s) = %d, want %d", AppendJSON(nil, tt.a), AppendJSON(nil, tt.b), got, tt.want)
		}
	}
}

func TestCompareKeysOrder(t *testing.T) {
	// null < false < true < numbers (by value) < strings (bytewise) < others (by JSON text)
	want := []Value{
		Null,
		Bool(false),
		Bool(true),
		Float(-1.5),
		Int(0),
		Float(0.5),
		Int(1),
		Float(2.5),
		Int(10),
		String(""),
		String("B"),
		String("a"),
		String("é"),
		Timestamp(0), // "\"1970…\""
		Duration(int64(time.Second)),
		Array([]Value{Int(1)}), // [1]
		Map([]string{"a"}, []Value{Int(1)}),
	}
	// JSON texts of the others: "1970-01-01T00:00:00Z" < "1s" (both quoted), then [1], then {"a":1}
	got := slices.Clone(want)
	slices.Reverse(got)
	slices.SortStableFunc(got, CompareKeys)
	for i := range want {
		if string(AppendJSON(nil, got[i])) != string(AppendJSON(nil, want[i])) || got[i].Kind() != want[i].Kind() {
			t.Errorf("position %d: got %s, want %s", i, AppendJSON(nil, got[i]), AppendJSON(nil, want[i]))
		}
	}
	if CompareKeys(Int(1), Float(1)) != 0 {
		t.Error("1 and 1.0 must be one key")
	}
	if CompareKeys(Int(1<<53+1), Float(1<<53)) != 1 {
		t.Error("int/float key comparison must be exact")
	}
	if CompareKeys(Null, Null) != 0 || CompareKeys(Bool(true), Bool(true)) != 0 {
		t.Error("equal keys")
	}
}

// AppendTimestamp formats by hand; it must write what time.Time does.
func TestAppendTimestampMatchesTime(t *testing.T) {
	values := []int64{0, 1, -1, 999999999, 1e9, -1e9, 86399999999999, 86400e9, -86400e9, -86400e9 - 1,
		951782400e9, 951868800e9 - 1, 4107542400e9, -2208988800e9, math.MaxInt64, math.MinInt64, math.MinInt64 + 1, math.MaxInt64 - 1}
	x := uint64(0x9E3779B97F4A7C15)
	for range 20000 {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		v := int64(x)
		values = append(values, v, v/1000*1000, v/1e9*1e9, v/86400e9*86400e9)
	}
	for _, ns := range values {
		want := time.Unix(0, ns).UTC().AppendFormat(nil, TimestampLayout)
		if got := AppendTimestamp(nil, ns); string(got) != string(want) {
			t.Fatalf("AppendTimestamp(%d) = %s, want %s", ns, got, want)
		}
	}
}

func BenchmarkAppendTimestamp(b *testing.B) {
	buf := make([]byte, 0, 64)
	for i := 0; b.Loop(); i++ {
		buf = AppendTimestamp(buf[:0], int64(i)*1_234_567)
	}
}
