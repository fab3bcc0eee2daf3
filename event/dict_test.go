package event

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// TestDictCodes builds batches of random shapes, types and values and
// checks every dictionary against its column: within one Space, rows with
// equal codes hold equal strings and equal strings have equal codes; null
// rows have code -1; every code is below N.
func TestDictCodes(t *testing.T) {
	plainString := 0 // string columns left without a dictionary
	for seed := range uint64(120) {
		r := rand.New(rand.NewPCG(seed, 7))
		bb := NewBatchBuilder(memory.DefaultAllocator)
		bb.MixTypes = r.IntN(2) == 0
		if r.IntN(3) == 0 {
			bb.maxRows = 1 + r.IntN(8)
		}
		card, events, long := 1+r.IntN(20), 600, seed%10 == 0
		if long {
			// Mostly new values in full batches of one shape: the
			// builder gives up.
			card, events, bb.maxRows, bb.MixTypes = 1<<20, dictLearnRows+2*MaxBatchRows, MaxBatchRows, true
		}
		names := []string{"k", "v", "w"}
		var dicts, checked int
		spaces := map[*DictSpace]map[int32]string{}
		values := map[*DictSpace]map[string]int32{}
		check := func(b Batch) {
			for col := 1; col < int(b.Rec.NumCols()); col++ {
				d := b.Dict(col)
				if d == nil {
					if _, ok := b.Rec.Column(col).(*array.String); ok {
						plainString++
					}
					continue
				}
				dicts++
				arr, ok := b.Rec.Column(col).(*array.String)
				if !ok || col == 0 || len(d.Codes) != b.Len() {
					t.Fatalf("seed %d: dictionary on column %d (%T), %d codes for %d rows", seed, col, b.Rec.Column(col), len(d.Codes), b.Len())
				}
				if spaces[d.Space] == nil {
					spaces[d.Space], values[d.Space] = map[int32]string{}, map[string]int32{}
				}
				byCode, byValue := spaces[d.Space], values[d.Space]
				for row, c := range d.Codes {
					checked++
					if arr.IsNull(row) {
						if c != -1 {
							t.Fatalf("seed %d: null row %d has code %d", seed, row, c)
						}
						continue
					}
					s := arr.Value(row)
					if c < 0 || c >= d.N {
						t.Fatalf("seed %d: row %d code %d out of [0, %d)", seed, row, c, d.N)
					}
					if v, ok := byCode[c]; ok && v != s {
						t.Fatalf("seed %d: code %d is %q and %q", seed, c, v, s)
					}
					if x, ok := byValue[s]; ok && x != c {
						t.Fatalf("seed %d: %q has codes %d and %d", seed, s, x, c)
					}
					byCode[c], byValue[s] = s, c
				}
			}
		}
		for i := range events {
			n := 1 + r.IntN(3)
			perm := r.Perm(len(names))[:n]
			if long {
				n, perm = 1, []int{0}
			}
			fields := make([]Field, n)
			for j, p := range perm {
				var v Value
				switch x := r.IntN(20); {
				case x == 0:
					v = Null
				case x == 1 && r.IntN(10) == 0 && !long:
					v = Int(int64(r.IntN(3)))
				default:
					v = String(fmt.Sprintf("s%d", r.IntN(card)))
				}
				fields[j] = Field{Name: names[p], Value: v}
			}
			bb.AppendFields([]string{"A", "B"}[r.IntN(2)], int64(i), fields, 0)
			if !long && r.IntN(50) == 0 {
				bb.CloseBatch()
			}
			for {
				b, ok := bb.Take()
				if !ok {
					break
				}
				check(b)
				b.Rec.Release()
			}
		}
		for _, b := range bb.Flush() {
			check(b)
			b.Rec.Release()
		}
		if !long && (dicts == 0 || checked == 0) {
			t.Fatalf("seed %d: no dictionary built", seed)
		}
	}
	if plainString == 0 {
		t.Fatal("the builder never gave up on a column")
	}
}

// TestDictSpaceRenews checks that a dictionary that outgrows its bound
// starts over with a new numbering, and that a column of mostly new values
// is left alone for a while, then numbered again.
func TestDictSpaceRenews(t *testing.T) {
	bb := NewBatchBuilder(memory.DefaultAllocator)
	var spaces []*DictSpace
	maxN := int32(0)
	for b := range 180 {
		// 400 new values a batch: below the give-up rule (which also asks
		// for more than dictGiveUpNew), so the dictionary grows.
		d := dictOfBatch(bb, 500, func(row int) string { return fmt.Sprintf("v%d", b*400+row%400) })
		if d == nil {
			t.Fatalf("batch %d has no dictionary", b)
		}
		if len(spaces) == 0 || spaces[len(spaces)-1] != d.Space {
			spaces = append(spaces, d.Space)
		}
		maxN = max(maxN, d.N)
	}
	if len(spaces) != 2 || maxN > dictMaxValues+400 {
		t.Fatalf("%d numberings, up to %d codes", len(spaces), maxN)
	}

	// Every value new: numbered while the dictionary learns, then none
	// for the batch that gives up and the dictSkipBatches after it, then
	// numbered again.
	bb = NewBatchBuilder(memory.DefaultAllocator)
	learn := dictLearnRows / MaxBatchRows
	var got []bool
	for b := range learn + 1 + dictSkipBatches + 2 {
		d := dictOfBatch(bb, MaxBatchRows, func(row int) string { return fmt.Sprintf("u%d-%d", b, row) })
		got = append(got, d != nil)
	}
	for b, has := range got {
		if want := b < learn || b > learn+dictSkipBatches; has != want {
			t.Fatalf("batch %d: dictionary %v, want %v (%v)", b, has, want, got)
		}
	}
}

// TestDictLearnsAKeyOfThousands checks that a key of 10,000 values, which
// brings mostly new values in each of its first full batches, is numbered
// (it was given up at once) in one numbering.
func TestDictLearnsAKeyOfThousands(t *testing.T) {
	bb := NewBatchBuilder(memory.DefaultAllocator)
	r := rand.New(rand.NewPCG(1, 2))
	var space *DictSpace
	for b := range 12 {
		d := dictOfBatch(bb, MaxBatchRows, func(int) string { return fmt.Sprintf("u%d", r.IntN(10000)) })
		if d == nil {
			t.Fatalf("batch %d has no dictionary", b)
		}
		if space != nil && d.Space != space {
			t.Fatalf("batch %d: a new numbering", b)
		}
		space = d.Space
	}
}

// dictOfBatch appends n events of one string field, value(row) in row
// row, closes the batch and returns its dictionary (nil: none).
func dictOfBatch(bb *BatchBuilder, n int, value func(row int) string) *Dict {
	fields := []Field{{Name: "k"}}
	for row := range n {
		fields[0].Value = String(value(row))
		bb.AppendFields("T", int64(row), fields, 0)
	}
	bb.CloseBatch()
	b, _ := bb.Take()
	b.Rec.Release() // the dictionary's codes are its own
	return b.Dict(1)
}

// TestDictKeyFields checks that a reader given key fields numbers those
// string columns and no other.
func TestDictKeyFields(t *testing.T) {
	src := "@0 T { k: \"a\", s: \"x\" }\n@1 T { k: \"b\", s: \"y\" }\n@2 T { k: \"a\", s: \"x\" }\n"
	for _, keys := range []map[string]bool{nil, {"k": true}, {}} {
		rd := NewReader(strings.NewReader(src), "t.evt", ReaderOptions{KeyFields: keys})
		b, err := rd.Next()
		if err != nil {
			t.Fatal(err)
		}
		for col, name := range []string{"", "k", "s"} {
			if col == 0 {
				continue
			}
			want := keys == nil || keys[name]
			if got := b.Dict(col) != nil; got != want {
				t.Errorf("key fields %v: column %s numbered %v, want %v", keys, name, got, want)
			}
		}
		if d := b.Dict(1); d != nil && (d.Codes[0] != d.Codes[2] || d.Codes[0] == d.Codes[1]) {
			t.Errorf("codes %v", d.Codes)
		}
		b.Rec.Release()
		rd.Close()
	}
}
