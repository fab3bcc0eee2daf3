package event

import (
	"bytes"
	"strings"
	"testing"

	"github.com/cockroachdb/errors"
)

func readJSONL(t testing.TB, in string, opts ReaderOptions) readResult {
	t.Helper()
	return readAll(t, func(o ReaderOptions) BatchReader { return NewJSONLReader(strings.NewReader(in), "in.jsonl", o) }, opts)
}

func TestJSONLLines(t *testing.T) {
	tests := []struct{ in, want string }{
		{`{"event_type": "A", "data": {"x": 1}}`, `1970-01-01T00:00:00Z A {x: 1}`},
		{`{"event_type":"A","data":{"x":1},"timestamp":"2026-03-01T08:00:00.5Z"}`, `2026-03-01T08:00:00.5Z A {x: 1}`},
		{`{"event_type":"A","timestamp":1500}`, `1970-01-01T00:00:01.5Z A {}`},
		{`{"event_type":"A","timestamp":-1500}`, `1969-12-31T23:59:58.5Z A {}`},
		{`{"event_type":"A","timestamp":null}`, `1970-01-01T00:00:00Z A {}`},
		{`{"data":{"x":true},"event_type":"A"}`, `1970-01-01T00:00:00Z A {x: true}`},
		{`{"event_type":"A","data":null}`, `1970-01-01T00:00:00Z A {}`},
		{`{"event_type":"A","other":{"deep":[1,{"x":[null]}]},"n":1}`, `1970-01-01T00:00:00Z A {}`},
		{`{"stream":"Hot","ts":"1970-01-01T00:00:02Z","fields":{"sensor":"s2","temp":31}}`, `1970-01-01T00:00:02Z Hot {sensor: "s2", temp: 31}`},
		{`{"stream":"Hot","fields":{"a":1},"data":{"b":2}}`, `1970-01-01T00:00:00Z Hot {a: 1}`},
		{`{"event_type":"E","stream":"S","data":{"a":1},"fields":{"b":2},"timestamp":1000,"ts":"1970-01-01T00:00:09Z"}`, `1970-01-01T00:00:01Z E {a: 1}`},
		{`{"event_type":"E","ts":"not used by the envelope","timestamp":2000}`, `1970-01-01T00:00:02Z E {}`},
		{`{"stream":"S","timestamp":"not used by the output shape","ts":"1970-01-01T00:00:03Z"}`, `1970-01-01T00:00:03Z S {}`},
		// numbers: int when no fraction or exponent and in range
		{`{"event_type":"N","data":{"a":1,"b":1.0,"c":1e2,"d":-0,"e":-0.0,"f":1.5E+3,"g":9223372036854775807,"h":9223372036854775808,"i":0.1}}`, `1970-01-01T00:00:00Z N {a: 1, b: 1.0, c: 100.0, d: 0, e: -0.0, f: 1500.0, g: 9223372036854775807, h: 9223372036854776000.0, i: 0.1}`},
		// objects keep key order, nested values of every kind
		{`{"event_type":"M","data":{"m":{"z":1,"a":[true,false,null,"s",{"k":[]}],"b":{}}}}`, `1970-01-01T00:00:00Z M {m: {"z":1,"a":[true,false,null,"s",{"k":[]}],"b":{}}}`},
		// strings
		{`{"event_type":"S","data":{"a":"\"\\\/\b\f\n\r\t","b":"\u00e9\u65E5","c":"\ud83d\ude00","d":"\ud800","e":"\udc00\ud800x","f":"<&>","g":"日本"}}`, "1970-01-01T00:00:00Z S {a: \"\\\"\\\\/\\b\\f\\n\\r\\t\", b: \"é日\", c: \"😀\", d: \"\uFFFD\", e: \"\uFFFD\uFFFDx\", f: \"<&>\", g: \"日本\"}"},
		{`{"event_type":"S","data":{"key with space":1,"":2}}`, `1970-01-01T00:00:00Z S {"key with space": 1, "": 2}`},
		{" \t{\"event_type\" : \"W\" , \"data\" : { \"a\" : [ 1 , 2 ] } } \t", `1970-01-01T00:00:00Z W {a: [1,2]}`},
	}
	for _, tt := range tests {
		res := readJSONL(t, tt.in+"\n", ReaderOptions{})
		if res.err != nil || len(res.rejects) > 0 || len(res.events) != 1 {
			t.Errorf("%s: err %v, rejects %v, %d events", tt.in, res.err, res.rejects, len(res.events))
			continue
		}
		if got := eventString(res.events[0]); got != tt.want {
			t.Errorf("%s\n got: %s\nwant: %s", tt.in, got, tt.want)
		}
	}
}

func TestJSONLMalformed(t *testing.T) {
	tests := []struct{ in, msg string }{
		{`[1]`, `expected a JSON object (column 1)`},
		{`"x"`, `expected a JSON object (column 1)`},
		{`# comment`, `expected a JSON object (column 1)`},
		{`A { x: 1 }`, `expected a JSON object (column 1)`},
		{`{"event_type":"A"};`, `unexpected text after the JSON object (column 19)`},
		{`{"event_type":"A"} {}`, `unexpected text after the JSON object (column 20)`},
		{`{"event_type":"A"`, `expected ',' or '}' after a member (column 18)`},
		{`{"event_type":"A",}`, `expected a member name (column 19)`},
		{`{"data":{"x":1}}`, `missing event_type (column 17)`},
		{`{"event_type":1}`, `event_type must be a string (column 15)`},
		{`{"stream":null}`, `stream must be a string (column 11)`},
		{`{"event_type":"A","data":"x"}`, `data must be an object (column 26)`},
		{`{"event_type":"A","data":{"x":1,}}`, `expected a field name (column 33)`},
		{`{"event_type":"A","data":{"x" 1}}`, `expected ':' after a field name (column 31)`},
		{`{"event_type":"A","data":{"x":[1,]}}`, `expected a JSON value (column 34)`},
		{`{"event_type":"A","data":{"x":{"a":1,}}}`, `expected a key (column 38)`},
		{`{"event_type":"A","data":{"x":{"a" 1}}}`, `expected ':' after a key (column 36)`},
		{`{"event_type":"A","data":{"x":[1 2]}}`, `expected ',' or ']' in an array (column 34)`},
		{`{"event_type":"A","data":{"x":{"a":1 "b":2}}}`, `expected ',' or '}' in an object (column 38)`},
		{`{"event_type":"A","data":{"x":1.}}`, `invalid number (column 31)`},
		{`{"event_type":"A","data":{"x":.5}}`, `expected a JSON value (column 31)`},
		{`{"event_type":"A","data":{"x":+1}}`, `expected a JSON value (column 31)`},
		{`{"event_type":"A","data":{"x":-}}`, `invalid number (column 31)`},
		{`{"event_type":"A","data":{"x":NaN}}`, `expected a JSON value (column 31)`},
		{`{"event_type":"A","data":{"x":nul}}`, `expected a JSON value (column 31)`},
		{`{"event_type":"A","data":{"x":"abc}}`, `unterminated string (column 37)`},
		{`{"event_type":"A","data":{"x":"a\`, `unterminated string (column 33)`},
		{`{"event_type":"A","data":{"x":"\x"}}`, `invalid escape \x (column 32)`},
		{`{"event_type":"A","data":{"x":"\uZZZZ"}}`, `\u needs four hex digits (column 34)`},
		{`{"event_type":"A","data":{"x":"\ud800\u12"}}`, `\u needs four hex digits (column 40)`},
	}
	for _, tt := range tests {
		res := readJSONL(t, `{"event_type":"Before"}`+"\n"+tt.in+"\n"+`{"event_type":"After"}`+"\n", ReaderOptions{})
		want := "in.jsonl:2: error: " + tt.msg
		if res.err == nil || res.err.Error() != want {
			t.Errorf("%s\n got: %v\nwant: %s", tt.in, res.err, want)
			continue
		}
		if !errors.Is(res.err, ErrMalformed) || len(res.events) != 1 {
			t.Errorf("%s: not ErrMalformed or %d events before it", tt.in, len(res.events))
		}
	}
}

func TestJSONLEventTime(t *testing.T) {
	opts := ReaderOptions{EventTime: map[string]string{"Order": "placed"}}
	tests := []struct {
		name   string
		lines  []string
		want   []string // text forms, in order
		reject []string // reasons
	}{
		{
			name:  "declared field wins over the envelope",
			lines: []string{`{"event_type":"Order","data":{"id":1,"placed":"2026-03-01T08:00:00Z"},"timestamp":5000}`},
			want:  []string{`2026-03-01T08:00:00Z Order {id: 1, placed: @2026-03-01T08:00:00Z}`},
		},
		{
			name:  "declared field in integer ms",
			lines: []string{`{"event_type":"Order","data":{"placed":1500,"id":2}}`},
			want:  []string{`1970-01-01T00:00:01.5Z Order {placed: @1970-01-01T00:00:01.5Z, id: 2}`},
		},
		{
			name:  "missing declared field falls back to the envelope",
			lines: []string{`{"event_type":"Order","data":{"id":3},"timestamp":"1970-01-01T00:00:07Z"}`},
			want:  []string{`1970-01-01T00:00:07Z Order {id: 3}`},
		},
		{
			name:  "other types ignore the declaration",
			lines: []string{`{"event_type":"Other","data":{"placed":"2026-03-01T08:00:00Z"},"timestamp":1000}`},
			want:  []string{`1970-01-01T00:00:01Z Other {placed: "2026-03-01T08:00:00Z"}`},
		},
		{
			name: "previous event's ts, epoch first; rejections do not count",
			lines: []string{
				`{"event_type":"A"}`,
				`{"event_type":"A","timestamp":3000}`,
				`{"event_type":"Order","data":{"placed":true},"timestamp":9000}`,
				`{"event_type":"B"}`,
				`{"event_type":"Order","data":{"placed":"2026-03-01T08:00:00Z"}}`,
				`{"event_type":"C"}`,
			},
			want: []string{
				`1970-01-01T00:00:00Z A {}`,
				`1970-01-01T00:00:03Z A {}`,
				`1970-01-01T00:00:03Z B {}`,
				`2026-03-01T08:00:00Z Order {placed: @2026-03-01T08:00:00Z}`,
				`2026-03-01T08:00:00Z C {}`,
			},
			reject: []string{`event_time field "placed": want an RFC 3339 string, integer ms or a timestamp, got bool`},
		},
		{
			name: "bad declared values reject",
			lines: []string{
				`{"event_type":"Order","data":{"placed":1.5}}`,
				`{"event_type":"Order","data":{"placed":null}}`,
				`{"event_type":"Order","data":{"placed":"08:00"}}`,
				`{"event_type":"Order","data":{"placed":{"t":1}}}`,
				`{"event_type":"Order","data":{"placed":9223372036854775807}}`,
			},
			reject: []string{
				`event_time field "placed": want an RFC 3339 string, integer ms or a timestamp, got float`,
				`event_time field "placed": want an RFC 3339 string, integer ms or a timestamp, got null`,
				`event_time field "placed": "08:00" is not an RFC 3339 timestamp`,
				`event_time field "placed": want an RFC 3339 string, integer ms or a timestamp, got map`,
				`event_time field "placed": 9223372036854775807 ms is out of range`,
			},
		},
		{
			name: "bad envelope times reject",
			lines: []string{
				`{"event_type":"A","timestamp":"2026-03-01"}`,
				`{"event_type":"A","timestamp":1.5}`,
				`{"event_type":"A","timestamp":true}`,
				`{"event_type":"A","timestamp":99999999999999999}`,
				`{"stream":"A","ts":"soon"}`,
			},
			reject: []string{
				`timestamp: "2026-03-01" is not an RFC 3339 timestamp`,
				`timestamp: want an RFC 3339 string or integer milliseconds, got float`,
				`timestamp: want an RFC 3339 string or integer milliseconds, got bool`,
				`timestamp: 99999999999999999 ms is out of range`,
				`ts: "soon" is not an RFC 3339 timestamp`,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := readJSONL(t, strings.Join(tt.lines, "\n")+"\n", opts)
			if res.err != nil {
				t.Fatal(res.err)
			}
			var got, rej []string
			for _, e := range res.events {
				got = append(got, eventString(e))
			}
			for _, r := range res.rejects {
				rej = append(rej, r.Reason)
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("events\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
			if strings.Join(rej, "\n") != strings.Join(tt.reject, "\n") {
				t.Errorf("rejections\n%s\nwant\n%s", strings.Join(rej, "\n"), strings.Join(tt.reject, "\n"))
			}
		})
	}
}

func TestJSONLClock(t *testing.T) {
	now := int64(1_000_000)
	opts := ReaderOptions{Clock: func() int64 { now += 1e9; return now }, EventTime: map[string]string{"T": "at"}}
	in := `{"event_type":"A"}` + "\n" + `{"event_type":"A","timestamp":0}` + "\n" + `{"event_type":"T","data":{"at":5}}` + "\n" + `{"event_type":"A"}` + "\n"
	res := readJSONL(t, in, opts)
	var ts []int64
	for _, e := range res.events {
		ts = append(ts, e.TS)
	}
	want := []int64{1_001_000_000, 0, 5_000_000, 2_001_000_000}
	if len(ts) != len(want) {
		t.Fatalf("ts %v", ts)
	}
	for i := range ts {
		if ts[i] != want[i] {
			t.Errorf("ts %v, want %v", ts, want)
			break
		}
	}
}

func TestJSONLLimits(t *testing.T) {
	deep := strings.Repeat(`{"a":`, 33) + "1" + strings.Repeat("}", 33)
	tests := []struct{ in, reason string }{
		{`{"event_type":"A","data":{"x":` + deep + `}}`, `nesting deeper than 32`},
		{`{"event_type":"A","ignored":` + deep + `}`, `nesting deeper than 32`},
		{`{"event_type":"A","data":{"x":[` + strings.TrimSuffix(strings.Repeat("0,", MaxArrayLen+1), ",") + `]}}`, `array with more than 10000 elements`},
		{`{"event_type":"A","data":{"x":"` + strings.Repeat("é", MaxStringBytes/2) + `"}}`, ``},
		{`{"event_type":"A","data":{"x":"` + strings.Repeat("é", MaxStringBytes/2) + `e"}}`, `string longer than 262144 bytes`},
		{`{"event_type":"A","data":{"x":"` + strings.Repeat(`\u00e9`, MaxStringBytes/2) + `e"}}`, `string longer than 262144 bytes`},
		{`{"event_type":"A","data":{"` + strings.Repeat("k", MaxStringBytes+1) + `":1}}`, `name longer than 262144 bytes`},
		{`{"event_type":"A","data":{"m":{"` + strings.Repeat("k", MaxStringBytes+1) + `":1}}}`, `key longer than 262144 bytes`},
		{`{"event_type":"` + strings.Repeat("T", MaxStringBytes+1) + `"}`, `type name longer than 262144 bytes`},
		{"{\"event_type\":\"A\",\"data\":{\"x\":\"\xff\"}}", `invalid UTF-8`},
		{`{"event_type":"A","data":{"x":"` + strings.Repeat("y", MaxLineBytes) + `"}}`, `line longer than 1048576 bytes`},
	}
	for i, tt := range tests {
		res := readJSONL(t, tt.in+"\n"+`{"event_type":"Next"}`+"\n", ReaderOptions{})
		if res.err != nil {
			t.Errorf("%d: %v", i, res.err)
			continue
		}
		if tt.reason == "" {
			if len(res.rejects) != 0 || len(res.events) != 2 {
				t.Errorf("%d: rejected %v", i, res.rejects)
			}
			continue
		}
		if len(res.rejects) != 1 || res.rejects[0].Reason != tt.reason || res.rejects[0].Line != 1 {
			t.Errorf("%d: rejections %v, want %q", i, res.rejects, tt.reason)
		}
		if len(res.events) != 1 || res.events[0].Type != "Next" {
			t.Errorf("%d: reading did not go on", i)
		}
	}
}

// Outputs replay: reading the outputs of VPL.md §10 and writing them again
// gives the same bytes.
func TestJSONLReplaysSpecOutputs(t *testing.T) {
	data := readTestdata(t, "golden/spec_outputs.jsonl")
	var out []byte
	r := NewJSONLReader(bytes.NewReader(data), "spec_outputs.jsonl", ReaderOptions{})
	defer r.Close()
	for {
		bt, err := r.Next()
		if err != nil {
			break
		}
		out = AppendBatch(out, bt, FormatJSON)
		bt.Rec.Release()
	}
	if !bytes.Equal(out, data) {
		t.Errorf("replay differs:\n%s", out)
	}
}

func FuzzJSONLReader(f *testing.F) {
	for _, line := range strings.Split(string(readTestdata(f, "golden/envelope.jsonl")), "\n") {
		f.Add([]byte(line))
	}
	for _, line := range strings.Split(string(readTestdata(f, "golden/spec_outputs.jsonl")), "\n")[:8] {
		f.Add([]byte(line))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		opts := ReaderOptions{EventTime: map[string]string{"Timed": "at", "A": "x"}}
		res := readAll(t, func(o ReaderOptions) BatchReader { return NewJSONLReader(bytes.NewReader(data), "f.jsonl", o) }, opts)
		if res.err != nil && !errors.Is(res.err, ErrMalformed) {
			t.Fatalf("unexpected error %v", res.err)
		}
		checkJSONReplay(t, res.events)
	})
}
