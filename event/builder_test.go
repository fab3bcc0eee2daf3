package event

import (
	"fmt"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

func ev(typ string, ts int64, kv ...any) Event {
	e := Event{Type: typ, TS: ts}
	for i := 0; i < len(kv); i += 2 {
		e.Fields = append(e.Fields, Field{Name: kv[i].(string), Value: kv[i+1].(Value)})
	}
	return e
}

// sameEvent compares two events exactly (kinds included).
func sameEvent(a, b Event) bool {
	if a.Type != b.Type || a.TS != b.TS || len(a.Fields) != len(b.Fields) {
		return false
	}
	for i := range a.Fields {
		if a.Fields[i].Name != b.Fields[i].Name || !identical(a.Fields[i].Value, b.Fields[i].Value) {
			return false
		}
	}
	return true
}

func eventString(e Event) string { return string(AppendEvent(nil, &e, FormatText)) }

func TestBuilderBatching(t *testing.T) {
	x := func(typ string, names ...string) Event {
		e := Event{Type: typ}
		for _, n := range names {
			e.Fields = append(e.Fields, Field{Name: n, Value: Int(1)})
		}
		return e
	}
	tests := []struct {
		name   string
		events []Event
		sizes  []int
	}{
		{"one shape", []Event{x("A", "a"), x("A", "a"), x("A", "a")}, []int{3}},
		{"new type", []Event{x("A", "a"), x("B", "a"), x("A", "a")}, []int{1, 1, 1}},
		{"new field", []Event{x("A", "a"), x("A", "a", "b"), x("A", "a", "b")}, []int{1, 2}},
		{"missing field", []Event{x("A", "a", "b"), x("A", "a")}, []int{1, 1}},
		{"field order", []Event{x("A", "a", "b"), x("A", "b", "a")}, []int{1, 1}},
		{"no fields", []Event{x("A"), x("A"), x("A", "a")}, []int{2, 1}},
		{"empty", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			b := NewBatchBuilder(mem)
			for i := range tt.events {
				b.Append(&tt.events[i])
			}
			batches := b.Flush()
			var sizes []int
			row := 0
			for _, bt := range batches {
				sizes = append(sizes, bt.Len())
				for r := 0; r < bt.Len(); r++ {
					if got := bt.Event(r); !sameEvent(got, tt.events[row]) {
						t.Errorf("row %d: got %s, want %s", row, eventString(got), eventString(tt.events[row]))
					}
					row++
				}
				bt.Rec.Release()
			}
			if fmt.Sprint(sizes) != fmt.Sprint(tt.sizes) {
				t.Errorf("batch sizes %v, want %v", sizes, tt.sizes)
			}
		})
	}
}

func TestBuilderMaxRows(t *testing.T) {
	b := NewBatchBuilder(nil)
	e := ev("T", 0, "v", Int(1))
	for i := 0; i < 2*MaxBatchRows+1; i++ {
		e.TS = int64(i)
		b.AppendFields(e.Type, e.TS, e.Fields, i+1)
	}
	var sizes []int
	for {
		bt, ok := b.Take()
		if !ok {
			break
		}
		sizes = append(sizes, bt.Len())
		if bt.Lines[0] != len(sizes)*MaxBatchRows-MaxBatchRows+1 {
			t.Errorf("batch %d starts at line %d", len(sizes), bt.Lines[0])
		}
		bt.Rec.Release()
	}
	if b.Len() != 1 {
		t.Errorf("open batch has %d rows, want 1", b.Len())
	}
	rest := b.Flush()
	if len(rest) != 1 || rest[0].Len() != 1 || rest[0].TS(0) != 2*MaxBatchRows {
		t.Fatalf("flush returned %v", rest)
	}
	rest[0].Rec.Release()
	if fmt.Sprint(sizes) != fmt.Sprint([]int{MaxBatchRows, MaxBatchRows}) {
		t.Errorf("sizes %v", sizes)
	}
	if b.Flush() != nil {
		t.Error("second flush returned batches")
	}
}

func TestBuilderColumnKinds(t *testing.T) {
	arr := Array([]Value{Int(1), String("x")})
	m := Map([]string{"k"}, []Value{Float(0.5)})
	tests := []struct {
		name string
		vals []Value
		typ  arrow.Type
		kind Kind
		any  bool
	}{
		{"ints", []Value{Int(1), Int(2)}, arrow.INT64, KindInt, false},
		{"ints with nulls", []Value{Null, Int(1), Null, Int(2), Null}, arrow.INT64, KindInt, false},
		{"floats", []Value{Float(1), Null, Float(2.5)}, arrow.FLOAT64, KindFloat, false},
		{"bools", []Value{Bool(true), Bool(false), Null, Bool(true)}, arrow.BOOL, KindBool, false},
		{"strings", []Value{Null, String(""), String("é"), Null, String("z")}, arrow.STRING, KindString, false},
		{"timestamps", []Value{Timestamp(1), Timestamp(-5)}, arrow.TIMESTAMP, KindTimestamp, false},
		{"durations", []Value{Null, Duration(1e9)}, arrow.DURATION, KindDuration, false},
		{"all null", []Value{Null, Null, Null}, arrow.NULL, KindNull, false},
		{"int then float", []Value{Int(1), Float(1), Null}, arrow.BINARY, 0, true},
		{"float then int", []Value{Float(2), Int(2)}, arrow.BINARY, 0, true},
		{"string then int", []Value{String("a"), Null, String("bc"), Int(3)}, arrow.BINARY, 0, true},
		{"bool then string", []Value{Bool(true), Bool(false), String("x")}, arrow.BINARY, 0, true},
		{"timestamp then duration", []Value{Timestamp(3), Duration(3)}, arrow.BINARY, 0, true},
		{"array", []Value{arr}, arrow.BINARY, 0, true},
		{"nulls then map", []Value{Null, Null, m, Null}, arrow.BINARY, 0, true},
		{"ints then array", []Value{Int(4), Int(5), arr, Int(6)}, arrow.BINARY, 0, true},
		{"map then string", []Value{m, String("s")}, arrow.BINARY, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			b := NewBatchBuilder(mem)
			for i, v := range tt.vals {
				b.AppendFields("T", int64(i), []Field{{Name: "pre", Value: Int(int64(i))}, {Name: "v", Value: v}}, 0)
			}
			bts := b.Flush()
			if len(bts) != 1 {
				t.Fatalf("%d batches", len(bts))
			}
			bt := bts[0]
			defer bt.Rec.Release()
			if bt.Lines != nil {
				t.Errorf("lines %v without line numbers", bt.Lines)
			}
			f := bt.Rec.Schema().Field(2)
			if f.Type.ID() != tt.typ {
				t.Errorf("column type %s, want %s", f.Type, tt.typ)
			}
			if IsAnyColumn(f) != tt.any {
				t.Errorf("IsAnyColumn = %v", !tt.any)
			}
			k, ok := ColumnKind(f)
			if ok == tt.any || ok && k != tt.kind {
				t.Errorf("ColumnKind = %v %v, want %v %v", k, ok, tt.kind, !tt.any)
			}
			if got := bt.FieldNames(); fmt.Sprint(got) != "[pre v]" {
				t.Errorf("FieldNames = %v", got)
			}
			for i, v := range tt.vals {
				if got := bt.Value(2, i); !identical(got, v) {
					t.Errorf("row %d: %s, want %s", i, AppendJSON(nil, got), AppendJSON(nil, v))
				}
				if got := bt.Value(1, i); !identical(got, Int(int64(i))) {
					t.Errorf("row %d: pre = %s", i, AppendJSON(nil, got))
				}
				if bt.TS(i) != int64(i) || !identical(bt.Value(0, i), Timestamp(int64(i))) {
					t.Errorf("row %d: ts %d", i, bt.TS(i))
				}
			}
		})
	}
}

func TestBatchAccessorsOutOfRange(t *testing.T) {
	b := NewBatchBuilder(nil)
	b.Append(&Event{Type: "T", TS: 9, Fields: []Field{{Name: "a", Value: Int(1)}}})
	bt := b.Flush()[0]
	defer bt.Rec.Release()
	for _, c := range [][2]int{{-1, 0}, {2, 0}, {1, -1}, {1, 1}} {
		if !bt.Value(c[0], c[1]).IsNull() {
			t.Errorf("Value(%d, %d) is not null", c[0], c[1])
		}
	}
	if bt.TS(1) != 0 || bt.TS(-1) != 0 {
		t.Error("TS out of range")
	}
	var zero Batch
	if zero.TS(0) != 0 || !zero.Value(0, 0).IsNull() || zero.FieldNames() != nil || zero.Event(0).Fields != nil {
		t.Error("zero batch accessors")
	}
	if zero.Len() != 0 || string(AppendRow(nil, zero, 0, FormatText)) != "" {
		t.Error("zero batch length or row")
	}
	if got := string(AppendBatch(nil, zero, FormatJSON)); got != "" {
		t.Errorf("zero batch wrote %q", got)
	}
}

// Batches made elsewhere may use other Arrow types and coarser units.
func TestBatchForeignColumns(t *testing.T) {
	mem := memory.NewGoAllocator()
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "ts", Type: &arrow.TimestampType{Unit: arrow.Millisecond}},
		{Name: "d", Type: &arrow.DurationType{Unit: arrow.Second}, Nullable: true},
		{Name: "s", Type: arrow.BinaryTypes.LargeString, Nullable: true},
		{Name: "raw", Type: arrow.BinaryTypes.Binary, Nullable: true},
		{Name: "i32", Type: arrow.PrimitiveTypes.Int32, Nullable: true},
	}, nil)
	rb := array.NewRecordBuilder(mem, schema)
	defer rb.Release()
	rb.Field(0).(*array.TimestampBuilder).Append(1500)
	rb.Field(1).(*array.DurationBuilder).Append(90)
	rb.Field(2).(*array.LargeStringBuilder).Append("big")
	rb.Field(3).(*array.BinaryBuilder).Append([]byte("bytes"))
	rb.Field(4).(*array.Int32Builder).Append(7)
	bt := Batch{Type: "F", Rec: rb.NewRecordBatch()}
	defer bt.Rec.Release()
	if bt.TS(0) != 1500*1e6 {
		t.Errorf("TS = %d", bt.TS(0))
	}
	want := `1970-01-01T00:00:01.5Z F {d: 1m30s, s: "big", raw: "bytes", i32: null}`
	if got := string(AppendRow(nil, bt, 0, FormatText)); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if got := eventString(bt.Event(0)); got != want {
		t.Errorf("Event: %s", got)
	}
	for i, f := range schema.Fields() {
		k, ok := ColumnKind(f)
		t.Logf("%s: %v %v", f.Name, k, ok)
		if i == 4 && ok {
			t.Error("int32 is not a batch column type")
		}
	}
}

func TestBuilderReusesBuffersAcrossShapes(t *testing.T) {
	// Alternating shapes reuse column buffers; values must not leak from
	// one batch into the next.
	b := NewBatchBuilder(nil)
	var want []string
	for i := range 50 {
		var e Event
		switch i % 3 {
		case 0:
			e = ev("A", int64(i), "s", String(strings.Repeat("a", i)), "n", Null)
		case 1:
			e = ev("B", int64(i), "x", Int(int64(i)))
		case 2:
			e = ev("A", int64(i), "s", Null, "n", Float(float64(i)/2))
		}
		want = append(want, eventString(e))
		b.Append(&e)
	}
	var got []string
	for _, bt := range b.Flush() {
		for r := 0; r < bt.Len(); r++ {
			got = append(got, string(AppendRow(nil, bt, r, FormatText)))
		}
		bt.Rec.Release()
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestBuilderRelease(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	b := NewBatchBuilder(mem)
	for i := range 10 {
		b.Append(&Event{Type: fmt.Sprint("T", i%2), Fields: []Field{{Name: "s", Value: String("x")}}})
	}
	b.Release()
	if b.Len() != 0 {
		t.Error("rows left after Release")
	}
}

func TestBuilderSteadyStateAllocs(t *testing.T) {
	b := NewBatchBuilder(nil)
	fields := []Field{{Name: "symbol", Value: String("S17")}, {Name: "price", Value: Float(51.25)}, {Name: "volume", Value: Int(300)}}
	for range 3 * MaxBatchRows { // warm up the buffers
		b.AppendFields("StockTick", 5, fields, 1)
	}
	drain := func() {
		for {
			bt, ok := b.Take()
			if !ok {
				return
			}
			bt.Rec.Release()
		}
	}
	drain()
	allocs := testing.AllocsPerRun(MaxBatchRows-1, func() {
		b.AppendFields("StockTick", 5, fields, 1)
	})
	if allocs != 0 {
		t.Errorf("%v allocations per event", allocs)
	}
	drain()
}

func BenchmarkBatchBuilder(b *testing.B) {
	bb := NewBatchBuilder(nil)
	fields := []Field{{Name: "symbol", Value: String("S17")}, {Name: "price", Value: Float(51.25)}, {Name: "volume", Value: Int(300)}}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		fields[2].Value = Int(int64(i))
		bb.AppendFields("StockTick", int64(i), fields, i+1)
		if bt, ok := bb.Take(); ok {
			bt.Rec.Release()
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N), "ns/event")
}

func TestCellValueMatchesValue(t *testing.T) {
	batches, _ := mixedBatches(t)
	for _, bt := range batches {
		schema := bt.Rec.Schema()
		for col := 0; col < int(bt.Rec.NumCols()); col++ {
			for row := 0; row < bt.Len(); row++ {
				got := CellValue(schema.Field(col), bt.Rec.Column(col), row)
				if want := bt.Value(col, row); !identical(got, want) {
					t.Errorf("col %d row %d: %s, want %s", col, row, AppendJSON(nil, got), AppendJSON(nil, want))
				}
			}
		}
		bt.Rec.Release()
	}
}
