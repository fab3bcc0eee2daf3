package event

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
	codes  []int32    // the open batch's rows
	added  int        // values first seen in the open batch
	learnt int        // rows numbered by earlier batches of this numbering
	tab    StrTable   // value -> code
}

// open starts a batch of the column name.
func (d *dictBuilder) open(name string) {
	d.codes, d.added = d.codes[:0], 0
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

// null records a null row.
func (d *dictBuilder) null() { d.codes = append(d.codes, -1) }

// add records a row holding s.
func (d *dictBuilder) add(s string) {
	c, ok := d.tab.Find(s)
	if !ok {
		if d.added++; d.added > dictGiveUpNew && 4*d.added > 3*(len(d.codes)+1) && d.learnt >= dictLearnRows {
			d.stop(true)
			return
		}
		c = int32(d.tab.Len())
		d.tab.Add(s, c)
	}
	d.codes = append(d.codes, c)
}

// finish returns the dictionary of the batch's n rows, nil when the batch
// was not numbered. The codes are copied: the batch keeps them.
func (d *dictBuilder) finish(n int) *Dict {
	if !d.on || len(d.codes) != n {
		return nil
	}
	if d.space == nil {
		d.space = &DictSpace{}
	}
	d.learnt += n
	codes := make([]int32, n)
	copy(codes, d.codes)
	return &Dict{Codes: codes, Space: d.space, N: int32(d.tab.Len())}
}
