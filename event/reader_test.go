package event

import (
	"bytes"
	"cmp"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/apache/arrow-go/v18/arrow/memory"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// readResult is everything a reader produced.
type readResult struct {
	events  []Event
	lines   []int
	rejects []Rejection
	err     error // the error that ended reading (nil at io.EOF)
	batches int
}

// readAll drains r, checking the batch invariants on the way.
func readAll(t testing.TB, newReader func(ReaderOptions) BatchReader, opts ReaderOptions) readResult {
	t.Helper()
	var res readResult
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	opts.Mem = mem
	opts.Reject = func(r Rejection) { res.rejects = append(res.rejects, r) }
	r := newReader(opts)
	for {
		bt, err := r.Next()
		if err != nil {
			if err != io.EOF {
				res.err = err
			}
			break
		}
		res.batches++
		if bt.Len() == 0 || bt.Len() > MaxBatchRows || len(bt.Lines) != bt.Len() {
			t.Fatalf("batch of %d rows with %d lines", bt.Len(), len(bt.Lines))
		}
		for row := 0; row < bt.Len(); row++ {
			res.events = append(res.events, bt.Event(row))
		}
		res.lines = append(res.lines, bt.Lines...)
		bt.Rec.Release()
	}
	if _, err := r.Next(); res.err != nil && (err == nil || err.Error() != res.err.Error()) {
		t.Fatalf("Next after the error returned %v, want the same error", err)
	}
	r.Close()
	if r.Rejected() != len(res.rejects) {
		t.Fatalf("Rejected() = %d, callback saw %d", r.Rejected(), len(res.rejects))
	}
	mem.AssertSize(t, 0)
	return res
}

// transcript renders a result for golden files: rows and rejections in
// line order, then the error.
func (res readResult) transcript() string {
	type entry struct {
		line int
		text string
	}
	var es []entry
	for i, e := range res.events {
		es = append(es, entry{res.lines[i], fmt.Sprintf("%d: %s", res.lines[i], AppendEvent(nil, &e, FormatJSON))})
	}
	for _, r := range res.rejects {
		es = append(es, entry{r.Line, r.String()})
	}
	slices.SortStableFunc(es, func(a, b entry) int { return cmp.Compare(a.line, b.line) })
	var b strings.Builder
	for _, e := range es {
		b.WriteString(e.text)
		b.WriteByte('\n')
	}
	if res.err != nil {
		fmt.Fprintf(&b, "%v\n", res.err)
	}
	return b.String()
}

// TestGolden reads every input under testdata/golden with the reader its
// extension selects and compares the transcript with the .golden file.
func TestGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/golden/*")
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range files {
		if strings.HasSuffix(path, ".golden") {
			continue
		}
		t.Run(filepath.Base(path), func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			name := filepath.Base(path)
			opts := ReaderOptions{Type: "Row", EventTime: map[string]string{"Timed": "at"}}
			res := readAll(t, func(o ReaderOptions) BatchReader { return NewReader(bytes.NewReader(data), name, o) }, opts)
			got := res.transcript()
			golden := path + ".golden"
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("transcript differs from %s:\n--- got\n%s--- want\n%s", golden, got, want)
			}
		})
	}
}

func TestNewReaderPicksByExtension(t *testing.T) {
	tests := map[string]string{
		"a.evt": "*event.EvtReader", "a.jsonl": "*event.JSONLReader", "A.NDJSON": "*event.JSONLReader",
		"x.csv": "*event.CSVReader", "noext": "*event.EvtReader", "-": "*event.EvtReader",
	}
	for name, want := range tests {
		r := NewReader(strings.NewReader(""), name, ReaderOptions{})
		if got := fmt.Sprintf("%T", r); got != want {
			t.Errorf("%s: %s, want %s", name, got, want)
		}
		r.Close()
	}
}

func TestReaderClose(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	for _, name := range []string{"a.evt", "a.jsonl", "a.csv"} {
		in := map[string]string{"a.evt": "A {x: 1}\nB {}\n", "a.jsonl": `{"event_type":"A"}` + "\n" + `{"event_type":"B"}` + "\n", "a.csv": "event_type\nA\nB\n"}[name]
		r := NewReader(strings.NewReader(in), name, ReaderOptions{Mem: mem})
		bt, err := r.Next()
		if err != nil {
			t.Fatal(err)
		}
		bt.Rec.Release()
		r.Close() // B is built but not returned: Close releases it
		if _, err := r.Next(); err == nil || err == io.EOF {
			t.Errorf("%s: Next after Close = %v", name, err)
		}
		r.Close()
	}
}

func TestRejectionString(t *testing.T) {
	r := Rejection{Source: "in.evt", Line: 7, Reason: `duplicate field "a"`}
	if got := r.String(); got != `in.evt:7: rejected: duplicate field "a"` {
		t.Errorf("got %q", got)
	}
}

func TestLineReaderShortReads(t *testing.T) {
	in := "A { x: 1 }\r\n\nB { y: \"two\" }\n   \nC {}" // CRLF, blank lines, no final newline
	want := []string{
		`1970-01-01T00:00:00Z A {x: 1}`,
		`1970-01-01T00:00:00Z B {y: "two"}`,
		`1970-01-01T00:00:00Z C {}`,
	}
	wrappers := map[string]func(io.Reader) io.Reader{
		"plain":    func(r io.Reader) io.Reader { return r },
		"one byte": iotest.OneByteReader,
		"half":     iotest.HalfReader,
		"data+EOF": iotest.DataErrReader,
	}
	for name, wrap := range wrappers {
		t.Run(name, func(t *testing.T) {
			res := readAll(t, func(o ReaderOptions) BatchReader {
				return NewEvtReader(wrap(strings.NewReader(in)), "x.evt", o)
			}, ReaderOptions{})
			if res.err != nil {
				t.Fatal(res.err)
			}
			var got []string
			for _, e := range res.events {
				got = append(got, eventString(e))
			}
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("got\n%s", strings.Join(got, "\n"))
			}
			if fmt.Sprint(res.lines) != "[1 3 5]" {
				t.Errorf("lines %v", res.lines)
			}
		})
	}
}

func TestReaderIOError(t *testing.T) {
	boom := errors.New("disk on fire")
	r := io.MultiReader(strings.NewReader("A {}\nB {}\n"), iotest.ErrReader(boom))
	res := readAll(t, func(o ReaderOptions) BatchReader { return NewEvtReader(r, "in.evt", o) }, ReaderOptions{})
	if len(res.events) != 2 {
		t.Errorf("%d events before the error", len(res.events))
	}
	if !errors.Is(res.err, boom) || !strings.Contains(res.err.Error(), "in.evt") {
		t.Errorf("error %v", res.err)
	}
}

type badReader struct{}

func (badReader) Read(p []byte) (int, error) { return len(p) + 1, nil }

func TestReaderInvalidCount(t *testing.T) {
	res := readAll(t, func(o ReaderOptions) BatchReader { return NewEvtReader(badReader{}, "bad.evt", o) }, ReaderOptions{})
	if res.err == nil || !strings.Contains(res.err.Error(), "bad.evt: reader returned an invalid count") {
		t.Errorf("error %v", res.err)
	}
}

// A live producer must not wait for a full batch: Next returns what it has
// when no further line is buffered.
func TestReaderLiveInput(t *testing.T) {
	for _, kind := range []string{"x.evt", "x.jsonl", "x.csv"} {
		t.Run(kind, func(t *testing.T) {
			pr, pw := io.Pipe()
			r := NewReader(pr, kind, ReaderOptions{Type: "T"})
			defer r.Close()
			lines := map[string][2]string{
				"x.evt":   {"T { n: 1 }\n", "T { n: 2 }\n"},
				"x.jsonl": {`{"event_type":"T","data":{"n":1}}` + "\n", `{"event_type":"T","data":{"n":2}}` + "\n"},
				"x.csv":   {"n\n1\n", "2\n"},
			}[kind]
			for i, line := range lines {
				go func() { _, _ = pw.Write([]byte(line)) }()
				done := make(chan Batch, 1)
				go func() {
					bt, err := r.Next()
					if err != nil {
						t.Error(err)
					}
					done <- bt
				}()
				select {
				case bt := <-done:
					if bt.Len() != 1 || !identical(bt.Value(1, 0), Int(int64(i+1))) {
						t.Errorf("batch %d: %d rows", i, bt.Len())
					}
					if bt.Rec != nil {
						bt.Rec.Release()
					}
				case <-time.After(5 * time.Second):
					t.Fatal("Next waited for more input")
				}
			}
			pw.Close()
			if _, err := r.Next(); err != io.EOF {
				t.Errorf("at the end: %v", err)
			}
		})
	}
}

func TestParseTimestamp(t *testing.T) {
	date := func(y int, mo time.Month, d, h, mi, s, ns int) int64 {
		return time.Date(y, mo, d, h, mi, s, ns, time.UTC).UnixNano()
	}
	tests := []struct {
		in  string
		vpl bool
		ok  bool
		ns  int64
	}{
		{"2026-03-01T08:00:00Z", false, true, date(2026, 3, 1, 8, 0, 0, 0)},
		{"2026-03-01t08:00:00z", false, true, date(2026, 3, 1, 8, 0, 0, 0)},
		{"2026-03-01T08:30:00+01:00", false, true, date(2026, 3, 1, 7, 30, 0, 0)},
		{"2026-03-01T08:30:00-02:30", false, true, date(2026, 3, 1, 11, 0, 0, 0)},
		{"1970-01-01T00:00:00.5Z", false, true, 5e8},
		{"1970-01-01T00:00:00.123456789123Z", false, true, 123456789},
		{"1969-12-31T23:59:59.999999999Z", false, true, -1},
		{"2024-02-29T00:00:00Z", false, true, date(2024, 2, 29, 0, 0, 0, 0)},
		{"2000-02-29T00:00:00Z", false, true, date(2000, 2, 29, 0, 0, 0, 0)},
		{"1677-09-21T00:12:43.145224192Z", false, true, -9223372036854775808},
		{"2262-04-11T23:47:16.854775807Z", false, true, 9223372036854775807},
		{"2262-04-11T23:47:16.854775808Z", false, false, 0},
		{"1677-09-21T00:12:43Z", false, false, 0},
		{"2023-02-29T00:00:00Z", false, false, 0},
		{"1900-02-29T00:00:00Z", false, false, 0},
		{"2026-04-31T00:00:00Z", false, false, 0},
		{"2026-13-01T00:00:00Z", false, false, 0},
		{"2026-00-01T00:00:00Z", false, false, 0},
		{"2026-01-01T24:00:00Z", false, false, 0},
		{"2026-01-01T23:60:00Z", false, false, 0},
		{"2026-01-01T23:59:60Z", false, false, 0},
		{"2026-01-01T00:00:00", false, false, 0},
		{"2026-01-01", false, false, 0},
		{"2026-01-01T00:00:00.Z", false, false, 0},
		{"2026-01-01T00:00:00+1:00", false, false, 0},
		{"2026-01-01T00:00:00+24:00", false, false, 0},
		{"2026-01-01 00:00:00Z", false, false, 0},
		{"26-01-01T00:00:00Z", false, false, 0},
		{"2026-1-01T00:00:00Z", false, false, 0},
		{"+026-01-01T00:00:00Z", false, false, 0},
		{"", false, false, 0},
		{"2026-03-01", true, true, date(2026, 3, 1, 0, 0, 0, 0)},
		{"2026-03-01T08:00:00", true, true, date(2026, 3, 1, 8, 0, 0, 0)},
		{"2026-03-01T08:00:00.25", true, true, date(2026, 3, 1, 8, 0, 0, 25e7)},
		{"2026-03-01T08:30:00+01:00", true, true, date(2026, 3, 1, 7, 30, 0, 0)},
		{"2026-03-01T08:00:00.1234567891Z", true, false, 0},
		{"2026-03-01T08:00", true, false, 0},
		{"2026-03-01T", true, false, 0},
	}
	for _, tt := range tests {
		ns, ok := parseTimestamp(tt.in, tt.vpl)
		if ok != tt.ok || ok && ns != tt.ns {
			t.Errorf("parseTimestamp(%q, %v) = %d, %v; want %d, %v", tt.in, tt.vpl, ns, ok, tt.ns, tt.ok)
		}
		if !tt.vpl && ok {
			if want, err := time.Parse(time.RFC3339Nano, tt.in); err == nil && want.UnixNano() != ns && len(tt.in) < 31 {
				t.Errorf("%q: %d, time.Parse says %d", tt.in, ns, want.UnixNano())
			}
		}
	}
}

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestCheckLimits(t *testing.T) {
	nested := Null
	for range MaxDepth {
		nested = Array([]Value{nested})
	}
	many := make([]Field, MaxFields+1)
	for i := range many {
		many[i] = Field{Name: fmt.Sprint("f", i), Value: Int(1)}
	}
	tests := []struct {
		e    Event
		want string
	}{
		{ev("T", 0, "a", Int(1), "b", String("x")), ""},
		{Event{Type: "T", Fields: many[:MaxFields]}, ""},
		{Event{Type: "T", Fields: many}, "more than 1024 fields"},
		{ev("T", 0, "a", Int(1), "a", Int(2)), `duplicate field "a"`},
		{ev("T", 0, "a", nested), "nesting deeper than 32"},
		{ev("T", 0, "a", Array([]Value{Int(1)}), "b", nested.Elems()[0]), ""},
		{ev("T", 0, "a", Array(make([]Value, MaxArrayLen+1))), "array with more than 10000 elements"},
		{ev("T", 0, "a", String(strings.Repeat("x", MaxStringBytes+1))), "string longer than 262144 bytes"},
		{ev("T", 0, strings.Repeat("n", MaxStringBytes+1), Null), "name longer than 262144 bytes"},
		{ev(strings.Repeat("T", MaxStringBytes+1), 0), "type name longer than 262144 bytes"},
		{ev("T", 0, "m", Map([]string{"\xff"}, []Value{Null})), "invalid UTF-8"},
		{ev("T", 0, "m", Map([]string{"k"}, []Value{String("\xff")})), "invalid UTF-8"},
	}
	for i, tt := range tests {
		if got := CheckLimits(&tt.e); got != tt.want {
			t.Errorf("%d: %q, want %q", i, got, tt.want)
		}
	}
}
