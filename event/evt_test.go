package event

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/cockroachdb/errors"
)

func readEvt(t testing.TB, in string) readResult {
	t.Helper()
	return readAll(t, func(o ReaderOptions) BatchReader { return NewEvtReader(strings.NewReader(in), "in.evt", o) }, ReaderOptions{})
}

// TestEvtLines checks one line at a time: the event it gives, in text form.
func TestEvtLines(t *testing.T) {
	tests := []struct{ in, want string }{
		// the forms of an event
		{`Door { id: "D4", open: true, tags: ["lobby", 'night'], meta: {floor: 2} }`, `1970-01-01T00:00:00Z Door {id: "D4", open: true, tags: ["lobby","night"], meta: {"floor":2}}`},
		{`Door("D5", false)                       # field_0 = "D5", field_1 = false`, `1970-01-01T00:00:00Z Door {field_0: "D5", field_1: false}`},
		{`@2m Badge { door: "D4", card: 8812, at: @1970-01-01T00:02:00Z }`, `1970-01-01T00:02:00Z Badge {door: "D4", card: 8812, at: @1970-01-01T00:02:00Z}`},
		{`Motion { zone: lobby, level: -0.5 }     # zone is the string "lobby"`, `1970-01-01T00:00:00Z Motion {zone: "lobby", level: -0.5}`},
		{`{"event_type": "Heartbeat", "data": {"seq": 41}}`, `1970-01-01T00:00:00Z Heartbeat {seq: 41}`},
		{`{"event_type": "H", "timestamp": "2026-01-01T00:00:00Z", "data": {}}`, `1970-01-01T00:00:00Z H {}`},
		{`@1s {"stream":"Hot","ts":"1970-01-01T00:00:09Z","fields":{"sensor":"s2","temp":31}}`, `1970-01-01T00:00:01Z Hot {sensor: "s2", temp: 31}`},
		{`A {}`, `1970-01-01T00:00:00Z A {}`},
		{`A{}`, `1970-01-01T00:00:00Z A {}`},
		{`A()`, `1970-01-01T00:00:00Z A {}`},
		{`A ( 1 , two , "3" )`, `1970-01-01T00:00:00Z A {field_0: 1, field_1: "two", field_2: "3"}`},
		{`_x9 {a:1,b:2}`, `1970-01-01T00:00:00Z _x9 {a: 1, b: 2}`},
		{`BATCH {}`, `1970-01-01T00:00:00Z BATCH {}`},
		{`BATCH(1)`, `1970-01-01T00:00:00Z BATCH {field_0: 1}`},
		{`T { "my field": 1, 'x y': 2, "a\"b": 3 }`, `1970-01-01T00:00:00Z T {"my field": 1, "x y": 2, "a\"b": 3}`},
		// trailers
		{`A { x: 1 };`, `1970-01-01T00:00:00Z A {x: 1}`},
		{`A { x: 1 } ;  # done`, `1970-01-01T00:00:00Z A {x: 1}`},
		{`A { x: 1 }#c`, `1970-01-01T00:00:00Z A {x: 1}`},
		{"\tA { x: 1 }\t ", `1970-01-01T00:00:00Z A {x: 1}`},
		// offsets
		{`@5 A {}`, `1970-01-01T00:00:00.005Z A {}`},
		{`@5ms A {}`, `1970-01-01T00:00:00.005Z A {}`},
		{`@2s A {}`, `1970-01-01T00:00:02Z A {}`},
		{`@3m A {}`, `1970-01-01T00:03:00Z A {}`},
		{`@1h A {}`, `1970-01-01T01:00:00Z A {}`},
		{"@0\tA {}", `1970-01-01T00:00:00Z A {}`},
		{`@2562047h A {}`, `2262-04-11T23:00:00Z A {}`},
		// scalars
		{`T { a: null, b: nil, c: true, d: false }`, `1970-01-01T00:00:00Z T {a: null, b: null, c: true, d: false}`},
		{`T { a: 0, b: -0, c: 007, d: 9223372036854775807, e: -9223372036854775808 }`, `1970-01-01T00:00:00Z T {a: 0, b: 0, c: 7, d: 9223372036854775807, e: -9223372036854775808}`},
		{`T { a: 9223372036854775808, b: -9223372036854775809, c: 123456789012345678901234567890 }`, `1970-01-01T00:00:00Z T {a: 9223372036854776000.0, b: -9223372036854776000.0, c: 1.2345678901234568e+29}`},
		{`T { a: 1.5, b: -2.0, c: 1e3, d: 1E-2, e: 2.5e+3, f: 0.000001, g: 1e-7, h: 12.50 }`, `1970-01-01T00:00:00Z T {a: 1.5, b: -2.0, c: 1000.0, d: 0.01, e: 2500.0, f: 0.000001, g: 1e-7, h: 12.5}`},
		{`T { a: 0.1, b: 3.14159265358979323846, c: 1.7976931348623157e308, d: 4.9e-324, e: 100000000000000000000000.0 }`, `1970-01-01T00:00:00Z T {a: 0.1, b: 3.141592653589793, c: 1.7976931348623157e+308, d: 5e-324, e: 1e+23}`},
		{`T { a: -0.0, b: 0.30000000000000004, c: 9007199254740993.0 }`, `1970-01-01T00:00:00Z T {a: -0.0, b: 0.30000000000000004, c: 9007199254740992.0}`},
		// unquoted text is a string
		{`T { a: 1., b: .5, c: +1, d: 1_000, e: NaN, f: inf, g: 0x10, h: 1.5h, i: 5s }`, `1970-01-01T00:00:00Z T {a: "1.", b: ".5", c: "+1", d: "1_000", e: "NaN", f: "inf", g: "0x10", h: "1.5h", i: "5s"}`},
		{`T { a: hello world , b: http://x.io/a?b=c, c: it's, d: -, e: Null, f: TRUE }`, `1970-01-01T00:00:00Z T {a: "hello world", b: "http://x.io/a?b=c", c: "it's", d: "-", e: "Null", f: "TRUE"}`},
		{`T { a: x#y, b: @foo, c: @2026-02-30, d: 1e, e: 1e+ }`, `1970-01-01T00:00:00Z T {a: "x#y", b: "@foo", c: "@2026-02-30", d: "1e", e: "1e+"}`},
		{`T { a: 日本, b: "é" }`, `1970-01-01T00:00:00Z T {a: "日本", b: "é"}`},
		// timestamps
		{`T { a: @2026-03-01, b: @2026-03-01T08:30:00+01:00, c: @2026-03-01T08:00:00.123456789Z, d: @1970-01-01T00:00:00.5 }`, `1970-01-01T00:00:00Z T {a: @2026-03-01T00:00:00Z, b: @2026-03-01T07:30:00Z, c: @2026-03-01T08:00:00.123456789Z, d: @1970-01-01T00:00:00.5Z}`},
		// strings and escapes
		{`T { a: "a\tb\n\"q\"\\", b: 'it\'s', c: "it's", d: 'say "hi"', e: "", f: '' }`, `1970-01-01T00:00:00Z T {a: "a\tb\n\"q\"\\", b: "it's", c: "it's", d: "say \"hi\"", e: "", f: ""}`},
		{`T { a: 1 b: 2, c: [1 2] }`, `1970-01-01T00:00:00Z T {a: "1 b: 2", c: ["1 2"]}`},
		{`T { a: "x, y}", b: 'r\r' }`, `1970-01-01T00:00:00Z T {a: "x, y}", b: "r\r"}`},
		{"T { a: \"tab\there\" }", `1970-01-01T00:00:00Z T {a: "tab\there"}`},
		{`T { a: "# not a comment" } # a comment`, `1970-01-01T00:00:00Z T {a: "# not a comment"}`},
		// arrays and maps
		{`T { a: [], b: {}, c: [ ], d: { } }`, `1970-01-01T00:00:00Z T {a: [], b: {}, c: [], d: {}}`},
		{`T { a: [[1, [2]], {a: {b: [true, null]}}], b: {"b c": 2, 'd': [x, y z]} }`, `1970-01-01T00:00:00Z T {a: [[1,[2]],{"a":{"b":[true,null]}}], b: {"b c":2,"d":["x","y z"]}}`},
		{`T { a: [@2026-03-01, 1.0, "s"] }`, `1970-01-01T00:00:00Z T {a: [@2026-03-01T00:00:00Z,1.0,"s"]}`},
		{`T(x, [1, 2], {k: v})`, `1970-01-01T00:00:00Z T {field_0: "x", field_1: [1,2], field_2: {"k":"v"}}`},
	}
	for _, tt := range tests {
		res := readEvt(t, tt.in+"\n")
		if res.err != nil || len(res.rejects) > 0 || len(res.events) != 1 {
			t.Errorf("%s: err %v, rejects %v, %d events", tt.in, res.err, res.rejects, len(res.events))
			continue
		}
		if got := eventString(res.events[0]); got != tt.want {
			t.Errorf("%s\n got: %s\nwant: %s", tt.in, got, tt.want)
		}
	}
}

func TestEvtKinds(t *testing.T) {
	res := readEvt(t, `T { i: 1, f: 1.0, s: "1", b: true, t: @2026-01-01, n: null, a: [1], m: {} }`+"\n")
	if res.err != nil || len(res.events) != 1 {
		t.Fatal(res.err, res.rejects)
	}
	want := []Kind{KindInt, KindFloat, KindString, KindBool, KindTimestamp, KindNull, KindArray, KindMap}
	for i, f := range res.events[0].Fields {
		if f.Value.Kind() != want[i] {
			t.Errorf("%s is %v, want %v", f.Name, f.Value.Kind(), want[i])
		}
	}
}

func TestEvtOffsetsAndComments(t *testing.T) {
	in := "\xEF\xBB\xBF# comment\n" +
		"// another comment\n" +
		"\n" +
		"   \t\n" +
		"A {}\n" +
		"BATCH 250\n" +
		"B {}\n" +
		"@1s C {}\n" +
		"D {}\n" +
		"  BATCH 1000   # absolute, not cumulative\n" +
		"E {}\n" +
		"BATCH 0;\n" +
		"F {}\r\n" +
		"   # indented comment\n" +
		"  // indented comment\n" +
		"BATCH\t5\n" +
		"G {}\n" +
		"@0 H {}\n"
	res := readEvt(t, in)
	if res.err != nil || len(res.rejects) > 0 {
		t.Fatal(res.err, res.rejects)
	}
	var got []string
	for i, e := range res.events {
		got = append(got, fmt.Sprintf("%d %s %d", res.lines[i], e.Type, e.TS/1e6))
	}
	want := "5 A 0|7 B 250|8 C 1000|9 D 250|11 E 1000|13 F 0|17 G 5|18 H 0"
	if strings.Join(got, "|") != want {
		t.Errorf("got  %s\nwant %s", strings.Join(got, "|"), want)
	}
	if res.batches != len(res.events) {
		t.Errorf("%d batches for %d events of distinct types", res.batches, len(res.events))
	}
}

func TestEvtMalformed(t *testing.T) {
	tests := []struct{ in, msg string }{
		{`Foo`, `expected '{' or '(' after the type Foo (column 4)`},
		{`Foo bar`, `expected '{' or '(' after the type Foo (column 5)`},
		{`Foo { a 1 }`, `expected ':' after the name (column 9)`},
		{`Foo { a: 1`, `expected ',' or '}' after a field (column 11)`},
		{`Foo { a: "x }`, `unterminated string (column 14)`},
		{`Foo { a: "x\`, `unterminated string (column 13)`},
		{`Foo { a: 'x" }`, `unterminated string (column 15)`},
		{`Foo { a: "\x" }`, `unknown escape \x (column 11)`},
		{`Foo { a: "\u{41}" }`, `unknown escape \u (column 11)`},
		{`Foo { a: "x" y }`, `expected ',' or '}' after a field (column 14)`},
		{`Foo { a: 1 } extra`, `unexpected text after the event (column 14)`},
		{`Foo { a: 1 } // c`, `unexpected text after the event (column 14)`},
		{`Foo { a: 1 };;`, `unexpected text after the event (column 14)`},
		{`Foo { a: 1 }}`, `unexpected text after the event (column 13)`},
		{`Foo { a: , b: 1 }`, `expected a value (column 10)`},
		{`Foo { a: }`, `expected a value (column 10)`},
		{`Foo { , }`, `expected a field name (column 7)`},
		{`Foo { a: 1, }`, `expected a field name (column 13)`},
		{`Foo { 1: 1 }`, `expected a field name (column 7)`},
		{`Foo(1, )`, `expected a value (column 8)`},
		{`Foo(1`, `expected ',' or ')' after a value (column 6)`},
		{`Foo(1]`, `expected ',' or ')' after a value (column 6)`},
		{`Foo { a: [1, 2 }`, `expected ',' or ']' in an array (column 16)`},
		{`Foo { a: [1, }`, `expected a value (column 14)`},
		{`Foo { a: {b 1} }`, `expected ':' after the name (column 13)`},
		{`Foo { a: {b: 1 }`, `expected ',' or '}' after a field (column 17)`},
		{`Foo { a: {b: 1] }`, `expected ',' or '}' in a map (column 15)`},
		{`123 {}`, `expected an event (column 1)`},
		{`"Foo" {}`, `expected an event (column 1)`},
		{`[1]`, `expected an event (column 1)`},
		{`@5x Foo {}`, `unknown offset unit "x" (column 3)`},
		{`@5us Foo {}`, `unknown offset unit "us" (column 3)`},
		{`@5sFoo {}`, `unknown offset unit "sFoo" (column 3)`},
		{`@ Foo {}`, `expected a non-negative integer (column 2)`},
		{`@-5 Foo {}`, `expected a non-negative integer (column 2)`},
		{`@1.5s Foo {}`, `unknown offset unit ".5s" (column 3)`},
		{`@2026-03-01T00:00:00Z Foo {}`, `unknown offset unit "-03-01T00:00:00Z" (column 6)`},
		{`@5s`, `expected an event after the offset (column 4)`},
		{`@5s   `, `expected an event after the offset (column 4)`},
		{`@9999999999999h Foo {}`, `offset out of range (column 15)`},
		{`@99999999999999999999 Foo {}`, `number too large (column 2)`},
		{`BATCH`, `expected a non-negative integer (column 6)`},
		{`BATCH -1`, `expected a non-negative integer (column 7)`},
		{`BATCH 1.5`, `BATCH offset must be a plain number of milliseconds (column 8)`},
		{`BATCH 5s`, `BATCH offset must be a plain number of milliseconds (column 8)`},
		{`BATCH 5 6`, `unexpected text after the event (column 9)`},
		{`BATCH 99999999999999`, `BATCH offset out of range (column 21)`},
		{`{"event_type": 5}`, `event_type must be a string (column 16)`},
		{`{"event_type": ""}`, `event_type must not be empty (column 16)`},
		{`{"data": {}}`, `missing event_type (column 13)`},
		{`{}`, `missing event_type (column 3)`},
		{`{"event_type": "A", "data": [1]}`, `data must be an object (column 29)`},
		{`{"stream": "A", "fields": 1}`, `fields must be an object (column 27)`},
		{`{"event_type": "A"`, `expected ',' or '}' after a member (column 19)`},
		{`{"event_type": "A",}`, `expected a member name (column 20)`},
		{`{event_type: "A"}`, `expected a member name (column 2)`},
		{`{"event_type": "A", "data": {"x": 01}}`, `invalid number (column 35)`},
		{`{"event_type": "A", "data": {"x": 'a'}}`, `expected a JSON value (column 35)`},
		{`{"event_type": "A", "data": {"x": tru}}`, `expected a JSON value (column 35)`},
		{`{"event_type": "A", "data": {"x": "\q"}}`, `invalid escape \q (column 36)`},
		{`{"event_type": "A", "data": {"x": "\u12"}}`, `\u needs four hex digits (column 38)`},
		{"{\"event_type\": \"A\", \"data\": {\"x\": \"a\tb\"}}", `control character in a string (column 37)`},
		{`{"event_type": "A"} x`, `unexpected text after the event (column 21)`},
	}
	for _, tt := range tests {
		in := "A {}\n" + tt.in + "\nB {}\n"
		res := readEvt(t, in)
		want := "in.evt:2: error: " + tt.msg
		if res.err == nil {
			t.Errorf("%s: no error, events %d, rejects %v", tt.in, len(res.events), res.rejects)
			continue
		}
		if res.err.Error() != want {
			t.Errorf("%s\n got: %s\nwant: %s", tt.in, res.err, want)
		}
		if !errors.Is(res.err, ErrMalformed) {
			t.Errorf("%s: error is not ErrMalformed", tt.in)
		}
		if len(res.events) != 1 || res.events[0].Type != "A" {
			t.Errorf("%s: the event before the malformed line was not delivered", tt.in)
		}
	}
}

func TestEvtMalformedHint(t *testing.T) {
	res := readEvt(t, "Foo { a: 1 } trailing\n")
	if hints := errors.GetAllHints(res.err); len(hints) != 1 || !strings.Contains(hints[0], "# comment") {
		t.Errorf("hints %v", hints)
	}
	res = readEvt(t, "@5q Foo {}\n")
	if hints := errors.GetAllHints(res.err); len(hints) != 1 || !strings.Contains(hints[0], "ms, s, m or h") {
		t.Errorf("hints %v", hints)
	}
}

func TestEvtRejections(t *testing.T) {
	nest := func(depth int) string {
		return strings.Repeat("[", depth) + strings.Repeat("]", depth)
	}
	fields := func(n int) string {
		var b strings.Builder
		b.WriteString("T {")
		for i := range n {
			fmt.Fprintf(&b, "f%d: %d,", i, i)
		}
		return strings.TrimSuffix(b.String(), ",") + "}"
	}
	positional := func(n int) string {
		return "T(" + strings.TrimSuffix(strings.Repeat("1,", n), ",") + ")"
	}
	array := func(n int) string {
		return "T { a: [" + strings.TrimSuffix(strings.Repeat("1,", n), ",") + "] }"
	}
	str := func(n int) string { return `T { s: "` + strings.Repeat("x", n) + `" }` }
	long := func(n int) string { // a line of exactly n bytes
		prefix := `T { s: "`
		return prefix + strings.Repeat("y", n-len(prefix)-3) + `" }`
	}
	tests := []struct {
		name, in, reason string // reason "" means accepted
	}{
		{"duplicate field", `T { a: 1, b: 2, a: 3 }`, `duplicate field "a"`},
		{"duplicate quoted field", `T { a: 1, "a": 2 }`, `duplicate field "a"`},
		{"duplicate among many", strings.TrimSuffix(fields(20), "}") + ", f3: 9}", `duplicate field "f3"`},
		{"duplicate key among many", `T { m: {` + strings.Repeat("a: 1, b: 2, c: 3, d: 4, e: 5, f: 6, ", 3) + `z: 0} }`, `duplicate key "a"`},
		{"duplicate key", `T { m: {k: 1, k: 2} }`, `duplicate key "k"`},
		{"duplicate key in array", `T { m: [{k: 1, 'k': 2}] }`, `duplicate key "k"`},
		{"duplicate JSON field", `{"event_type": "T", "data": {"a": 1, "a": 2}}`, `duplicate field "a"`},
		{"duplicate JSON key", `{"event_type": "T", "data": {"m": {"a": 1, "a": 2}}}`, `duplicate key "a"`},
		{"duplicate JSON member", `{"event_type": "T", "data": {}, "data": {}}`, `duplicate member "data"`},
		{"duplicate event_type", `{"event_type": "T", "event_type": "U"}`, `duplicate member "event_type"`},
		{"1024 fields", fields(1024), ``},
		{"1025 fields", fields(1025), `more than 1024 fields`},
		{"1025 positional", positional(1025), `more than 1024 fields`},
		{"depth 32", `T { a: ` + nest(32) + ` }`, ``},
		{"depth 33", `T { a: ` + nest(33) + ` }`, `nesting deeper than 32`},
		{"scalar at depth 33", `T { a: ` + strings.Repeat("[", 32) + "1" + strings.Repeat("]", 32) + ` }`, `nesting deeper than 32`},
		{"map depth 33", `T { a: ` + strings.Repeat("{a: ", 32) + "1" + strings.Repeat("}", 32) + ` }`, `nesting deeper than 32`},
		{"10000 elements", array(10000), ``},
		{"10001 elements", array(10001), `array with more than 10000 elements`},
		{"string 256 KiB", str(MaxStringBytes), ``},
		{"string over 256 KiB", str(MaxStringBytes + 1), `string longer than 262144 bytes`},
		{"bare string over 256 KiB", `T { s: ` + strings.Repeat("x", MaxStringBytes+1) + ` }`, `string longer than 262144 bytes`},
		{"escaped string 256 KiB", `T { s: "` + strings.Repeat(`\n`, MaxStringBytes) + `" }`, ``},
		{"name over 256 KiB", `T { ` + strings.Repeat("n", MaxStringBytes+1) + `: 1 }`, `name longer than 262144 bytes`},
		{"key over 256 KiB", `T { m: {` + strings.Repeat("n", MaxStringBytes+1) + `: 1} }`, `name longer than 262144 bytes`},
		{"type over 256 KiB", strings.Repeat("T", MaxStringBytes+1) + ` {}`, `type name longer than 262144 bytes`},
		{"line of 1 MiB", long(MaxLineBytes), `string longer than 262144 bytes`},
		{"line over 1 MiB", long(MaxLineBytes + 1), `line longer than 1048576 bytes`},
		{"huge line", long(3*MaxLineBytes + 12345), `line longer than 1048576 bytes`},
		{"invalid UTF-8", "T { s: \"\xff\" }", `invalid UTF-8`},
		{"overlong UTF-8", "T { s: \xc0\xaf }", `invalid UTF-8`},
		{"surrogate in UTF-8", "T { s: \xed\xa0\x80 }", `invalid UTF-8`},
		{"float out of range", `T { f: 1e400 }`, `number 1e400 out of range`},
		{"negative float out of range", `T { f: -1.5e999 }`, `number -1.5e999 out of range`},
		{"tiny float", `T { f: 1e-400 }`, ``},
		{"JSON float out of range", `{"event_type": "T", "data": {"f": 1e400}}`, `number 1e400 out of range`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := "A {}\n" + tt.in + "\nB {}\n"
			res := readEvt(t, in)
			if res.err != nil {
				t.Fatalf("error %v", res.err)
			}
			if tt.reason == "" {
				if len(res.rejects) != 0 || len(res.events) != 3 {
					t.Fatalf("rejected: %v", res.rejects)
				}
				return
			}
			if len(res.rejects) != 1 {
				t.Fatalf("%d rejections, %d events", len(res.rejects), len(res.events))
			}
			want := Rejection{Source: "in.evt", Line: 2, Reason: tt.reason}
			if res.rejects[0] != want {
				t.Errorf("got  %s\nwant %s", res.rejects[0], want)
			}
			if len(res.events) != 2 || res.events[0].Type != "A" || res.events[1].Type != "B" || fmt.Sprint(res.lines) != "[1 3]" {
				t.Errorf("events around the rejection: %d, lines %v", len(res.events), res.lines)
			}
		})
	}
}

func TestEvtJSONFieldLimit(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"event_type": "T", "data": {`)
	for i := range MaxFields + 1 {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `"f%d": %d`, i, i)
	}
	b.WriteString("}}\n")
	res := readEvt(t, b.String())
	if len(res.rejects) != 1 || res.rejects[0].Reason != "more than 1024 fields" {
		t.Errorf("rejects %v", res.rejects)
	}
}

func TestEvtFloatsMatchStrconv(t *testing.T) {
	// The fast path of number must agree with strconv to the last bit.
	inputs := []string{"0.1", "0.2", "0.3", "1.25", "51.25", "123456789012345.6", "9007199254740991.0",
		"1e22", "1e23", "1.5e-22", "9.999999999999999e22", "0.000000000000000000001", "3.0e-5",
		"123.456e7", "4.35", "2.675", "1.0000000000000002", "-7.89e-3", "5e-324", "2.2250738585072014e-308"}
	for i := range 2000 {
		inputs = append(inputs, fmt.Sprintf("%d.%03d", i*7919%100000, i%1000), fmt.Sprintf("%de-%d", i*31, i%25))
	}
	var p parser
	for _, s := range inputs {
		var v Value
		isNum, ok := p.number([]byte(s), false, &v)
		want, err := strconv.ParseFloat(s, 64)
		if !isNum || !ok || err != nil {
			t.Fatalf("%s: isNum %v ok %v err %v", s, isNum, ok, err)
		}
		if v.Kind() != KindFloat || math.Float64bits(v.AsFloat()) != math.Float64bits(want) {
			t.Errorf("%s: %v (%v), strconv %v", s, v.AsFloat(), v.Kind(), want)
		}
	}
}

func TestEvtLinesAcrossBatches(t *testing.T) {
	var b strings.Builder
	for i := range MaxBatchRows + 10 {
		fmt.Fprintf(&b, "@%d T { i: %d }\n", i, i)
		if i%1000 == 0 {
			b.WriteString("# comment\n")
		}
	}
	res := readEvt(t, b.String())
	if res.err != nil || len(res.events) != MaxBatchRows+10 || res.batches != 2 {
		t.Fatalf("err %v, %d events in %d batches", res.err, len(res.events), res.batches)
	}
	for i, e := range res.events {
		wantLine := i + 1 + (i+999)/1000
		if res.lines[i] != wantLine || e.TS != int64(i)*1e6 || e.Fields[0].Value.AsInt() != int64(i) {
			t.Fatalf("event %d at line %d (want %d), ts %d", i, res.lines[i], wantLine, e.TS)
		}
	}
}

// The strings of an event alias the line buffer until the builder copies
// them: events must stay intact however the buffer is reused.
func TestEvtStringsSurviveBufferReuse(t *testing.T) {
	var b strings.Builder
	var want []string
	for i := range 3000 {
		s := strings.Repeat(string(rune('a'+i%26)), 1+i%200)
		fmt.Fprintf(&b, "T { s: %q, e: \"x\\n%d\", bare: w%d, m: {k: %q} }\n", s, i, i, s)
		want = append(want, fmt.Sprintf(`1970-01-01T00:00:00Z T {s: %q, e: "x\n%d", bare: "w%d", m: {"k":%q}}`, s, i, i, s))
	}
	res := readAll(t, func(o ReaderOptions) BatchReader {
		return NewEvtReader(io.MultiReader(strings.NewReader(b.String())), "in.evt", o)
	}, ReaderOptions{})
	if res.err != nil || len(res.events) != len(want) {
		t.Fatal(res.err, len(res.events))
	}
	for i, e := range res.events {
		if got := eventString(e); got != want[i] {
			t.Fatalf("event %d:\n got %s\nwant %s", i, got, want[i])
		}
	}
}

func TestEvtSteadyStateAllocs(t *testing.T) {
	line := []byte(`@5ms StockTick { symbol: "S17", price: 51.25, volume: 300 }`)
	r := NewEvtReader(bytes.NewReader(nil), "in.evt", ReaderOptions{})
	defer r.Close()
	for i := range 2 * MaxBatchRows {
		if err := r.parseLine(line, i+1); err != nil {
			t.Fatal(err)
		}
	}
	drain := func() {
		for {
			bt, ok := r.bb.Take()
			if !ok {
				return
			}
			bt.Rec.Release()
		}
	}
	drain()
	allocs := testing.AllocsPerRun(MaxBatchRows-1, func() {
		if err := r.parseLine(line, 7); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Errorf("%v allocations per event", allocs)
	}
	drain()
}

func stockTicks(n int) []byte {
	var b bytes.Buffer
	for i := range n {
		fmt.Fprintf(&b, "@%dms StockTick { symbol: \"S%d\", price: %d.25, volume: %d }\n", i*5, i%50, 50+i%7, 100*(1+i%9))
	}
	return b.Bytes()
}

// BenchmarkEvtReader reads simple events end to end: lines, parsing,
// batches.
func BenchmarkEvtReader(b *testing.B) {
	const n = 100000
	data := stockTicks(n)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		r := NewEvtReader(bytes.NewReader(data), "bench.evt", ReaderOptions{})
		rows := 0
		for {
			bt, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			rows += bt.Len()
			bt.Rec.Release()
		}
		if rows != n {
			b.Fatalf("%d rows", rows)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/event")
	b.ReportMetric(float64(b.N)*n/b.Elapsed().Seconds()/1e6, "Mevents/s")
}

func FuzzEvtReader(f *testing.F) {
	f.Add([]byte("@5ms StockTick { symbol: \"S17\", price: 51.25, volume: 300 }\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		res := readAll(t, func(o ReaderOptions) BatchReader { return NewEvtReader(bytes.NewReader(data), "f.evt", o) }, ReaderOptions{})
		if res.err != nil && !errors.Is(res.err, ErrMalformed) {
			t.Fatalf("unexpected error %v", res.err)
		}
		checkJSONReplay(t, res.events)
	})
}

// checkJSONReplay checks that the JSON form of events reads back as the
// same events: what the writers write, the JSON reader reads.
func checkJSONReplay(t *testing.T, events []Event) {
	t.Helper()
	var out []byte
	for i := range events {
		out = AppendEvent(out, &events[i], FormatJSON)
		out = append(out, '\n')
	}
	back := readAll(t, func(o ReaderOptions) BatchReader { return NewJSONLReader(bytes.NewReader(out), "replay.jsonl", o) }, ReaderOptions{})
	if back.err != nil {
		t.Fatalf("replay: %v\n%s", back.err, out)
	}
	if len(back.rejects) > 0 {
		for _, r := range back.rejects {
			if !strings.HasPrefix(r.Reason, "line longer") {
				t.Fatalf("replay rejected %s", r)
			}
		}
		return
	}
	var again []byte
	for i := range back.events {
		again = AppendEvent(again, &back.events[i], FormatJSON)
		again = append(again, '\n')
	}
	if !bytes.Equal(out, again) {
		t.Fatalf("replay differs:\n%s\n%s", out, again)
	}
}
