package event

import "slices"

// Dict is the dictionary encoding of one string column of a Batch: each
// row's code, a small integer that stands for its value. Rows with equal
// codes hold equal strings and rows with different codes different ones,
// among all the batches whose Dict has the same Space: a BatchBuilder
// numbers a column's distinct values once and keeps the numbers from batch
// to batch. Operators that group rows by a string key (partitions,
// distinct, joins) then look a value up once per code, not once per row,
// and remember the codes they have seen across batches.
//
// A Dict is side data (see Batch.Dicts): the column itself stays a plain
// utf8 column, so everything that reads strings reads it as before, and a
// batch without dictionaries means exactly the same. The values are not
// copied: the value of code c is the column's value at any row whose code
// is c.
type Dict struct {
	// Codes holds each row's code, in [0, Space.Len at the batch's close);
	// -1 for a null row.
	Codes []int32
	// Space identifies the numbering: the same value has the same code in
	// every batch with the same Space.
	Space *DictSpace
	// N bounds the codes: every code is below N.
	N int32
}

// DictSpace identifies one numbering of string values (see Dict). It
// holds nothing a reader needs: compare pointers.
type DictSpace struct{ _ byte }

// Dict returns the dictionary of column col (0 is ts), or nil when the
// column has none.
func (b Batch) Dict(col int) *Dict {
	if col < 0 || col >= len(b.Dicts) {
		return nil
	}
	return b.Dicts[col]
}

// Limits of the builder's dictionaries. A column that brings more than
// dictGiveUpNew new values in one batch, and for more than three quarters
// of its rows (a column of identifiers, say), is not worth numbering: the
// builder drops its dictionary and leaves the column alone for the next
// dictSkipBatches batches, so that such a column costs a lookup per row in
// few batches. The rule applies once the numbering has learnt from
// dictLearnRows rows: a key of some thousands of values (users, devices)
// brings mostly new values in its first batches and few after that. A
// dictionary that grows past dictMaxValues values or dictMaxBytes bytes
// starts over with a new numbering (a new Space).
const (
	dictGiveUpNew   = 1024
	dictSkipBatches = 16
	dictLearnRows   = 4 * MaxBatchRows
	dictMaxValues   = 1 << 16
	dictMaxBytes    = 4 << 20
)

// dictBuilder numbers the values of one string column of a builder.
type dictBuilder struct {
	space  *DictSpace // nil: no numbering yet
	name   string     // the column the numbering belongs to
	on     bool       // numbering the open batch
	skip   int        // batches to leave alone after giving up
	codes  []int32    // scratch: the batch's codes
	learnt int        // rows numbered by earlier batches of this numbering
	tab    StrTable   // value -> code
	peeked int32      // what finish read ahead: so that the reads are not dropped
}

// open starts a batch of the column name.
func (d *dictBuilder) open(name string) {
	if d.name != name || d.tab.Len() >= dictMaxValues || d.tab.ArenaLen() >= dictMaxBytes {
		d.reset()
		d.name = name
	}
	d.on = d.skip == 0
	if d.skip > 0 {
		d.skip--
	}
}

// reset forgets the values: the next ones get a new numbering.
func (d *dictBuilder) reset() {
	d.space, d.learnt = nil, 0
	d.tab.Reset()
	if cap(d.tab.arena) > dictMaxBytes {
		d.tab.arena = nil
	}
}

// stop gives up on the open batch; with giveUp, on the column for a while.
func (d *dictBuilder) stop(giveUp bool) {
	d.on = false
	if giveUp {
		d.reset()
		d.skip = dictSkipBatches
	}
}

// finish numbers the batch's n rows of column c and returns their
// dictionary, nil when the batch is not numbered. The rows are numbered
// here rather than as they are added, a run of rows at a time, each run
// after a pass that reads the table slots of its values: among thousands
// of values those reads miss the cache, and this way the misses of a run
// overlap instead of coming one after another.
func (d *dictBuilder) finish(c *column, n int) *Dict {
	if !d.on || c.kind != KindString || len(c.offs) != n+1 {
		return nil
	}
	const ahead = 256
	codes := d.codes[:0]
	added := 0
	for start := 0; start < n; start += ahead {
		end := min(start+ahead, n)
		if d.tab.Len() > 1<<10 {
			var sum int32
			for r := start; r < end; r++ {
				sum += d.tab.peek(c.str(r))
			}
			d.peeked = sum
		}
		for r := start; r < end; r++ {
			if c.valid[r>>3]&(1<<(r&7)) == 0 {
				codes = append(codes, -1)
				continue
			}
			s := c.str(r)
			code, ok := d.tab.Find(s)
			if !ok {
				if added++; added > dictGiveUpNew && 4*added > 3*(r+1) && d.learnt >= dictLearnRows {
					d.codes = codes[:0]
					d.stop(true)
					return nil
				}
				code = int32(d.tab.Len())
				d.tab.Add(s, code)
			}
			codes = append(codes, code)
		}
	}
	d.codes = codes
	if d.space == nil {
		d.space = &DictSpace{}
	}
	d.learnt += n
	return &Dict{Codes: slices.Clone(codes), Space: d.space, N: int32(d.tab.Len())}
}
