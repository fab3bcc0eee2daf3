package event

import (
	"bufio"
	"bytes"
	"errors"
	"math"
	"strings"
	"testing"
	"time"
)

func TestWriteSpecOutputs(t *testing.T) {
	sec := func(n int64) int64 { return n * int64(time.Second) }
	tests := []struct {
		name       string
		e          Event
		json, text string
	}{
		{
			name: "E1",
			e:    ev("Hot", sec(2), "sensor", String("s2"), "temp", Int(31), "zone", String("north")),
			json: `{"stream":"Hot","ts":"1970-01-01T00:00:02Z","fields":{"sensor":"s2","temp":31,"zone":"north"}}`,
			text: `1970-01-01T00:00:02Z Hot {sensor: "s2", temp: 31, zone: "north"}`,
		},
		{
			name: "E1 null",
			e:    ev("Hot", sec(4), "sensor", String("s4"), "temp", Float(30.5), "zone", Null),
			json: `{"stream":"Hot","ts":"1970-01-01T00:00:04Z","fields":{"sensor":"s4","temp":30.5,"zone":null}}`,
			text: `1970-01-01T00:00:04Z Hot {sensor: "s4", temp: 30.5, zone: null}`,
		},
		{
			name: "E2 floats",
			e:    ev("Picked", 0, "id", Int(5), "half", Float(1), "per_zero", Null, "same", Bool(true)),
			json: `{"stream":"Picked","ts":"1970-01-01T00:00:00Z","fields":{"id":5,"half":1.0,"per_zero":null,"same":true}}`,
			text: `1970-01-01T00:00:00Z Picked {id: 5, half: 1.0, per_zero: null, same: true}`,
		},
		{
			name: "E3 timestamps",
			e: ev("PerMinute", sec(60), "sensor", String("b"), "window_start", Timestamp(0), "window_end", Timestamp(sec(60)),
				"n", Int(1), "total", Int(4), "mean", Float(4)),
			json: `{"stream":"PerMinute","ts":"1970-01-01T00:01:00Z","fields":{"sensor":"b","window_start":"1970-01-01T00:00:00Z","window_end":"1970-01-01T00:01:00Z","n":1,"total":4,"mean":4.0}}`,
			text: `1970-01-01T00:01:00Z PerMinute {sensor: "b", window_start: @1970-01-01T00:00:00Z, window_end: @1970-01-01T00:01:00Z, n: 1, total: 4, mean: 4.0}`,
		},
		{
			name: "E14",
			e:    ev("QuickBuy", sec(900), "user", String("bob"), "amount", Float(12.5)),
			json: `{"stream":"QuickBuy","ts":"1970-01-01T00:15:00Z","fields":{"user":"bob","amount":12.5}}`,
			text: `1970-01-01T00:15:00Z QuickBuy {user: "bob", amount: 12.5}`,
		},
		{
			name: "E15 durations",
			e:    ev("PerUser", sec(3), "user", String("u2"), "took", Duration(sec(1))),
			json: `{"stream":"PerUser","ts":"1970-01-01T00:00:03Z","fields":{"user":"u2","took":"1s"}}`,
			text: `1970-01-01T00:00:03Z PerUser {user: "u2", took: 1s}`,
		},
		{
			name: "E20 no fields",
			e:    ev("A", sec(1)),
			json: `{"stream":"A","ts":"1970-01-01T00:00:01Z","fields":{}}`,
			text: `1970-01-01T00:00:01Z A {}`,
		},
		{
			name: "control characters and quoting",
			e:    ev("Log", 1, "msg", String("a\x01\"\\\n\t<&>é"), "weird name", Int(1), "d", Duration(sec(90))),
			json: `{"stream":"Log","ts":"1970-01-01T00:00:00.000000001Z","fields":{"msg":"a\u0001\"\\\n\t<&>é","weird name":1,"d":"1m30s"}}`,
			text: `1970-01-01T00:00:00.000000001Z Log {msg: "a\u0001\"\\\n\t<&>é", "weird name": 1, d: 1m30s}`,
		},
		{
			name: "a type that is not an identifier",
			e:    ev("my\ntype", 0, "a", Int(1)),
			json: `{"stream":"my\ntype","ts":"1970-01-01T00:00:00Z","fields":{"a":1}}`,
			text: `1970-01-01T00:00:00Z "my\ntype" {a: 1}`,
		},
		{
			name: "nested values",
			e: ev("N", 0, "a", Array([]Value{Float(1e21), Float(1e-7), Timestamp(sec(1)), Duration(250e6)}),
				"m", Map([]string{"z", "a"}, []Value{Null, Map(nil, nil)})),
			json: `{"stream":"N","ts":"1970-01-01T00:00:00Z","fields":{"a":[1e+21,1e-7,"1970-01-01T00:00:01Z","250ms"],"m":{"z":null,"a":{}}}}`,
			text: `1970-01-01T00:00:00Z N {a: [1e+21,1e-7,@1970-01-01T00:00:01Z,250ms], m: {"z":null,"a":{}}}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(AppendEvent(nil, &tt.e, FormatJSON)); got != tt.json {
				t.Errorf("JSON\n got %s\nwant %s", got, tt.json)
			}
			if got := string(AppendEvent(nil, &tt.e, FormatText)); got != tt.text {
				t.Errorf("text\n got %s\nwant %s", got, tt.text)
			}
			// The same event through a batch.
			b := NewBatchBuilder(nil)
			b.Append(&tt.e)
			bt := b.Flush()[0]
			defer bt.Rec.Release()
			if got := string(AppendBatch(nil, bt, FormatJSON)); got != tt.json+"\n" {
				t.Errorf("batch JSON\n got %s\nwant %s", got, tt.json)
			}
			if got := string(AppendBatch(nil, bt, FormatText)); got != tt.text+"\n" {
				t.Errorf("batch text\n got %s\nwant %s", got, tt.text)
			}
		})
	}
}

// mixedBatches builds batches with every column flavour: typed, any,
// all-null, nulls in between.
func mixedBatches(t *testing.T) ([]Batch, []Event) {
	var events []Event
	for i := range 40 {
		var v Value
		switch i % 5 {
		case 0:
			v = Int(int64(i))
		case 1:
			v = Float(float64(i) / 4)
		case 2:
			v = Null
		case 3:
			v = String(strings.Repeat("é", i%4))
		case 4:
			v = Array([]Value{Int(int64(i)), Map([]string{"k"}, []Value{Bool(i%2 == 0)})})
		}
		events = append(events, ev("M", int64(i)*1e8, "id", Int(int64(i)), "v", v, "none", Null, "t", Timestamp(int64(i)*1e9), "d", Duration(int64(i)*1e6), "b", Bool(i%3 == 0)))
		if i%13 == 0 {
			events = append(events, ev("Other", 0, "x", String("y")))
		}
	}
	b := NewBatchBuilder(nil)
	for i := range events {
		b.Append(&events[i])
	}
	return b.Flush(), events
}

func TestAppendRowMatchesAppendEvent(t *testing.T) {
	batches, events := mixedBatches(t)
	i := 0
	for _, bt := range batches {
		for row := 0; row < bt.Len(); row++ {
			for _, f := range []Format{FormatJSON, FormatText} {
				want := string(AppendEvent(nil, &events[i], f))
				if got := string(AppendRow(nil, bt, row, f)); got != want {
					t.Errorf("row %d (%v):\n got %s\nwant %s", i, f, got, want)
				}
			}
			i++
		}
		if got := string(AppendRow([]byte("x"), bt, bt.Len(), FormatJSON)); got != "x" {
			t.Errorf("AppendRow out of range wrote %q", got)
		}
		bt.Rec.Release()
	}
}

func TestWriteBatchAndEvent(t *testing.T) {
	batches, events := mixedBatches(t)
	for _, f := range []Format{FormatJSON, FormatText} {
		var want []byte
		for i := range events {
			want = AppendEvent(want, &events[i], f)
			want = append(want, '\n')
		}
		for _, size := range []int{16, 4096} {
			var viaBatch, viaEvent bytes.Buffer
			w := bufio.NewWriterSize(&viaBatch, size)
			for _, bt := range batches {
				if err := WriteBatch(w, bt, f); err != nil {
					t.Fatal(err)
				}
			}
			w.Flush()
			w = bufio.NewWriterSize(&viaEvent, size)
			for i := range events {
				if err := WriteEvent(w, &events[i], f); err != nil {
					t.Fatal(err)
				}
			}
			w.Flush()
			if viaBatch.String() != string(want) || viaEvent.String() != string(want) {
				t.Errorf("%v, buffer %d: outputs differ", f, size)
			}
		}
	}
	for _, bt := range batches {
		bt.Rec.Release()
	}
	if err := WriteBatch(bufio.NewWriter(&bytes.Buffer{}), Batch{}, FormatJSON); err != nil {
		t.Error(err)
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("closed pipe") }

func TestWriteErrors(t *testing.T) {
	batches, events := mixedBatches(t)
	defer func() {
		for _, bt := range batches {
			bt.Rec.Release()
		}
	}()
	w := bufio.NewWriterSize(failWriter{}, 16)
	if err := WriteBatch(w, batches[0], FormatJSON); err == nil {
		t.Error("WriteBatch hid a write error")
	}
	w = bufio.NewWriterSize(failWriter{}, 16)
	if err := WriteEvent(w, &events[0], FormatJSON); err == nil {
		t.Error("WriteEvent hid a write error")
	}
}

func TestAppendBatchTimestamps(t *testing.T) {
	b := NewBatchBuilder(nil)
	tss := []int64{math.MinInt64, math.MinInt64 + 1, -1e9 - 1, -1e9, -1, 0, 1, 5e8, 1e9, 1e9 + 5e8, 1e9 + 5e8, 2e9 + 1, math.MaxInt64}
	var want []byte
	for _, ts := range tss {
		e := Event{Type: "T", TS: ts}
		b.Append(&e)
		want = AppendEvent(want, &e, FormatJSON)
		want = append(want, '\n')
	}
	bt := b.Flush()[0]
	defer bt.Rec.Release()
	if got := AppendBatch(nil, bt, FormatJSON); !bytes.Equal(got, want) {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestParseFormat(t *testing.T) {
	for _, f := range []Format{FormatText, FormatJSON} {
		if g, err := ParseFormat(f.String()); err != nil || g != f {
			t.Errorf("%v: %v %v", f, g, err)
		}
	}
	if _, err := ParseFormat("yaml"); err == nil || !strings.Contains(err.Error(), `"yaml"`) {
		t.Errorf("ParseFormat(yaml) = %v", err)
	}
}

func stockBatch(tb testing.TB) Batch {
	b := NewBatchBuilder(nil)
	for i := range MaxBatchRows {
		b.AppendFields("StockTick", int64(i)*5e6, []Field{
			{Name: "symbol", Value: String("S17")},
			{Name: "price", Value: Float(51.25 + float64(i%7))},
			{Name: "volume", Value: Int(int64(100 * (1 + i%9)))},
		}, 0)
	}
	bts := b.Flush()
	if len(bts) != 1 {
		tb.Fatalf("%d batches", len(bts))
	}
	return bts[0]
}

func TestAppendBatchAllocatesPerBatch(t *testing.T) {
	bt := stockBatch(t)
	defer bt.Rec.Release()
	buf := make([]byte, 0, 1<<20)
	for _, f := range []Format{FormatJSON, FormatText} {
		allocs := testing.AllocsPerRun(10, func() { buf = AppendBatch(buf[:0], bt, f) })
		if allocs > 12 { // the row writer and its keys; nothing per row
			t.Errorf("%v: %v allocations for a batch of %d rows", f, allocs, bt.Len())
		}
	}
}

func benchmarkWrite(b *testing.B, f Format) {
	bt := stockBatch(b)
	defer bt.Rec.Release()
	buf := make([]byte, 0, 1<<20)
	b.ReportAllocs()
	for b.Loop() {
		buf = AppendBatch(buf[:0], bt, f)
	}
	b.SetBytes(int64(len(buf)))
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(bt.Len()), "ns/event")
}

// BenchmarkWriteJSON writes a batch of simple events in the JSON form.
func BenchmarkWriteJSON(b *testing.B) { benchmarkWrite(b, FormatJSON) }

// BenchmarkWriteText writes a batch of simple events in the text form.
func BenchmarkWriteText(b *testing.B) { benchmarkWrite(b, FormatText) }
