package event

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/cockroachdb/errors"
)

func readCSV(t testing.TB, in string, opts ReaderOptions) readResult {
	t.Helper()
	return readAll(t, func(o ReaderOptions) BatchReader { return NewCSVReader(strings.NewReader(in), "in.csv", o) }, opts)
}

func TestCSVRows(t *testing.T) {
	tests := []struct {
		name string
		in   string
		opts ReaderOptions
		want []string
	}{
		{
			name: "type and ts columns",
			in:   "event_type,ts,sym,px\nTrade,2026-03-01T08:00:00Z,A,10.5\nQuote,1500,B,11\n",
			want: []string{`2026-03-01T08:00:00Z Trade {sym: "A", px: 10.5}`, `1970-01-01T00:00:01.5Z Quote {sym: "B", px: 11}`},
		},
		{
			name: "columns in any order",
			in:   "px,ts,sym,event_type\n1,2000,A,T\n",
			want: []string{`1970-01-01T00:00:02Z T {px: 1, sym: "A"}`},
		},
		{
			name: "fixed type, previous ts",
			in:   "a,b\n1,2\n",
			opts: ReaderOptions{Type: "Row"},
			want: []string{`1970-01-01T00:00:00Z Row {a: 1, b: 2}`},
		},
		{
			name: "the event_type column wins over the option",
			in:   "event_type,a\nX,1\n",
			opts: ReaderOptions{Type: "Row"},
			want: []string{`1970-01-01T00:00:00Z X {a: 1}`},
		},
		{
			name: "typed like bare .evt values",
			in:   "event_type,a,b,c,d,e,f,g,h,i,j,k\nT,1,-2.5,true,false,,null,nil,hello world,@2026-03-01,1e3,007\n",
			want: []string{`1970-01-01T00:00:00Z T {a: 1, b: -2.5, c: true, d: false, e: null, f: null, g: null, h: "hello world", i: @2026-03-01T00:00:00Z, j: 1000.0, k: 7}`},
		},
		{
			name: "quoted cells are strings",
			in:   "event_type,a,b,c,d,e\nT,\"42\",\"\",\"true\",\"a,b\",\"say \"\"hi\"\"\"\n",
			want: []string{`1970-01-01T00:00:00Z T {a: "42", b: "", c: "true", d: "a,b", e: "say \"hi\""}`},
		},
		{
			name: "blanks around cells are trimmed",
			in:   " event_type , a , b \n T ,  x y  ,  \"q\"  \n",
			want: []string{`1970-01-01T00:00:00Z T {a: "x y", b: "q"}`},
		},
		{
			name: "multi-line quoted cell",
			in:   "event_type,note,n\nT,\"one\ntwo\r\nthree\",1\nT,x,2\n",
			want: []string{`1970-01-01T00:00:00Z T {note: "one\ntwo\nthree", n: 1}`, `1970-01-01T00:00:00Z T {note: "x", n: 2}`},
		},
		{
			name: "CRLF, blank lines, BOM, no final newline",
			in:   "\xEF\xBB\xBFevent_type,a\r\n\r\nT,1\r\n   \r\nT,2",
			want: []string{`1970-01-01T00:00:00Z T {a: 1}`, `1970-01-01T00:00:00Z T {a: 2}`},
		},
		{
			name: "only a type column",
			in:   "event_type\nPing\nPong\n",
			want: []string{`1970-01-01T00:00:00Z Ping {}`, `1970-01-01T00:00:00Z Pong {}`},
		},
		{
			name: "quoted header names",
			in:   "\"event_type\",\"my field\",\"a,b\"\nT,1,2\n",
			want: []string{`1970-01-01T00:00:00Z T {"my field": 1, "a,b": 2}`},
		},
		{
			name: "event time field",
			in:   "event_type,id,at\nOrder,1,2026-03-01T08:00:00Z\nOrder,2,\n",
			opts: ReaderOptions{EventTime: map[string]string{"Order": "at"}},
			want: []string{`2026-03-01T08:00:00Z Order {id: 1, at: @2026-03-01T08:00:00Z}`},
		},
		{
			name: "ingest clock",
			in:   "event_type,ts\nA,\nA,5\n",
			opts: ReaderOptions{Clock: func() int64 { return 42 }},
			want: []string{`1970-01-01T00:00:00.000000042Z A {}`, `1970-01-01T00:00:00.005Z A {}`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := readCSV(t, tt.in, tt.opts)
			if res.err != nil {
				t.Fatal(res.err)
			}
			var got []string
			for _, e := range res.events {
				got = append(got, eventString(e))
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("got\n%s\nwant\n%s\nrejects %v", strings.Join(got, "\n"), strings.Join(tt.want, "\n"), res.rejects)
			}
		})
	}
}

func TestCSVLineNumbers(t *testing.T) {
	res := readCSV(t, "event_type,a\n\nT,\"x\ny\"\nT,2\n\nT,3\n", ReaderOptions{})
	if res.err != nil || len(res.events) != 3 {
		t.Fatal(res.err, res.rejects)
	}
	if got := res.lines; len(got) != 3 || got[0] != 3 || got[1] != 5 || got[2] != 7 {
		t.Errorf("lines %v, want [3 5 7]", got)
	}
}

func TestCSVRejections(t *testing.T) {
	tests := []struct{ row, reason string }{
		{"T,1", "2 fields, but the header has 3 columns"},
		{"T,1,2,3", "4 fields, but the header has 3 columns"},
		{",1,2", "empty event_type"},
		{"T,1,1e999", "number 1e999 out of range"},
		{"T,\"" + strings.Repeat("s", MaxStringBytes+1) + "\",1", "string longer than 262144 bytes"},
		{"T," + strings.Repeat("s", MaxStringBytes+1) + ",1", "string longer than 262144 bytes"},
		{strings.Repeat("T", MaxStringBytes+1) + ",1,1", "type name longer than 262144 bytes"},
		{"T,\xff,1", "invalid UTF-8"},
		{"T," + strings.Repeat("x", MaxLineBytes) + ",1", "line longer than 1048576 bytes"},
		{"T,\"" + strings.Repeat("x\n", MaxLineBytes/2) + "\",1", "record longer than 1048576 bytes"},
	}
	for _, tt := range tests {
		res := readCSV(t, "event_type,a,b\n"+tt.row+"\nNext,1,2\n", ReaderOptions{})
		if res.err != nil {
			t.Errorf("%.40q: %v", tt.row, res.err)
			continue
		}
		if len(res.rejects) != 1 || res.rejects[0].Reason != tt.reason || res.rejects[0].Line != 2 {
			t.Errorf("%.40q: rejections %v, want %q", tt.row, res.rejects, tt.reason)
		}
		if len(res.events) != 1 || res.events[0].Type != "Next" {
			t.Errorf("%.40q: reading did not go on (%d events)", tt.row, len(res.events))
		}
	}
	res := readCSV(t, "event_type,ts\nA,yesterday\nA,1.5\n", ReaderOptions{})
	if len(res.rejects) != 2 || res.rejects[0].Reason != `ts: "yesterday" is not an RFC 3339 timestamp` ||
		res.rejects[1].Reason != "ts: want an RFC 3339 string or integer milliseconds, got float" {
		t.Errorf("ts rejections %v", res.rejects)
	}
}

func TestCSVMalformed(t *testing.T) {
	tests := []struct {
		in, msg string
		opts    ReaderOptions
	}{
		{in: "a,b\n1,2\n", msg: "in.csv:1: error: no event_type column"},
		{in: "event_type,,b\n", msg: "in.csv:1: error: column 2 has no name"},
		{in: "event_type,a,a\n", msg: `in.csv:1: error: duplicate column "a"`},
		{in: "event_type,ts,ts\n", msg: `in.csv:1: error: duplicate column "ts"`},
		{in: "event_type,\xff\n", msg: "in.csv:1: error: column 2: name is not valid UTF-8"},
		{in: "event_type,\"a\"b\n", msg: "in.csv:1: error: unexpected text after a quoted field (column 15)"},
		{in: "event_type,a\nT,\"x\"y\nT,2\n", msg: "in.csv:2: error: unexpected text after a quoted field (column 6)"},
		{in: "event_type,a\nT,1\nT,\"open\n", msg: "in.csv:3: error: unterminated quoted field"},
		{in: "event_type,ts" + manyColumns(MaxFields+1) + "\n", msg: "in.csv:1: error: more than 1024 field columns"},
	}
	for _, tt := range tests {
		res := readCSV(t, tt.in, tt.opts)
		if res.err == nil || res.err.Error() != tt.msg {
			t.Errorf("%.40q\n got: %v\nwant: %s", tt.in, res.err, tt.msg)
			continue
		}
		if !errors.Is(res.err, ErrMalformed) {
			t.Errorf("%.40q: not ErrMalformed", tt.in)
		}
	}
	res := readCSV(t, "a\n1\n", ReaderOptions{})
	if hints := errors.GetAllHints(res.err); len(hints) != 1 || !strings.Contains(hints[0], "event_type") {
		t.Errorf("hints %v", hints)
	}
}

func TestCSVEmptyInput(t *testing.T) {
	for _, in := range []string{"", "\n\n", "event_type,a\n"} {
		res := readCSV(t, in, ReaderOptions{})
		if res.err != nil || len(res.events) != 0 || len(res.rejects) != 0 {
			t.Errorf("%q: %v %d %v", in, res.err, len(res.events), res.rejects)
		}
	}
}

func FuzzCSVReader(f *testing.F) {
	f.Add([]byte(readTestdata(f, "golden/events.csv")))
	f.Add([]byte(readTestdata(f, "golden/rows.csv")))
	f.Add([]byte("event_type,a\nT,\"x\ny\"\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		opts := ReaderOptions{Type: "Row", EventTime: map[string]string{"Row": "at"}}
		res := readAll(t, func(o ReaderOptions) BatchReader { return NewCSVReader(bytes.NewReader(data), "f.csv", o) }, opts)
		if res.err != nil && !errors.Is(res.err, ErrMalformed) {
			t.Fatalf("unexpected error %v", res.err)
		}
		checkJSONReplay(t, res.events)
	})
}

func manyColumns(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, ",c%d", i)
	}
	return b.String()
}

func TestCSVMaxColumns(t *testing.T) {
	res := readCSV(t, "event_type,ts"+manyColumns(MaxFields)+"\nT,5"+strings.Repeat(",1", MaxFields)+"\n", ReaderOptions{})
	if res.err != nil || len(res.events) != 1 || len(res.events[0].Fields) != MaxFields {
		t.Errorf("%v %v", res.err, res.rejects)
	}
}
