package workload

import (
	"bufio"
	"container/heap"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/varpulis/varpulis-go/event"
	"github.com/varpulis/varpulis-go/event/scalar"
	"github.com/varpulis/varpulis-go/planner"
	"github.com/varpulis/varpulis-go/planner/rowpattern"
)

// W3Program is the sequence query of W3 over k types T1..Tk, with the
// given policy ("" is the default, next).
func W3Program(k int, policy string) string {
	var b strings.Builder
	b.WriteString("stream Seq = T1 as e1")
	for i := 2; i <= k; i++ {
		fmt.Fprintf(&b, " -> T%d as e%d", i, i)
	}
	b.WriteString(" .within(100ms)")
	if policy != "" {
		b.WriteString(" .policy(" + policy + ")")
	}
	fmt.Fprintf(&b, " .emit(first: e1.id, last: e%d.id)\n", k)
	return b.String()
}

// W4Program is the Kleene query of W4 over the W3 generator (k = 3: A is
// T1, B is T2, C is T3).
const W4Program = "stream Kleene = T1 as a -> all T2 as b -> T3 as c .within(100ms) .emit(n: count(b))\n"

// W4RisingProgram is W4's rising-run query over a per-symbol random walk.
const W4RisingProgram = `stream Rising = Tick as a
    -> all Tick where price > a.price as r
    -> Tick where price < r.price as d
    .within(60s)
    .partition_by(symbol)
    .emit(symbol, start: a.price, n: count(r), top: max(r.price))
`

// W4RisingRowsPlan plans W4's rising runs as SQL would write them with
// MATCH_RECOGNIZE's default greedy quantifiers and AFTER MATCH SKIP PAST
// LAST ROW, which have no VPL reading, so the pattern runs as a row
// pattern:
//
//	PARTITION BY symbol PATTERN (a r+ d) WITHIN INTERVAL '60 seconds'
//	DEFINE r AS price > a.price, d AS price < r.price
func W4RisingRowsPlan() (*planner.Plan, error) {
	plan, err := Plan(W4RisingProgram)
	if err != nil {
		return nil, err
	}
	n, err := rowpattern.Parse("a r+ d")
	if err != nil {
		return nil, err
	}
	price := &planner.FieldRef{Name: "price", K: planner.KindAny}
	cmp := func(op scalar.Op, alias string) planner.Expr {
		return &planner.Binary{Op: op, X: price, Y: &planner.AliasField{Alias: alias, Field: "price", K: planner.KindAny}, K: event.KindBool}
	}
	p, err := planner.CompileRowPattern(planner.RowPatternSpec{
		Pattern:     n,
		Define:      map[string]planner.Expr{"r": cmp(scalar.OpGt, "a"), "d": cmp(scalar.OpLt, "r")},
		Within:      60e9,
		Input:       "Tick",
		PartitionBy: []string{"symbol"},
	})
	if err != nil {
		return nil, err
	}
	plan.Streams[0].Ops[0] = p
	return plan, nil
}

// W5Program is W5's negation query; W5AbsenceProgram its absence query.
const (
	W5Program = `stream Session = Login as l
    -> Logout where user == l.user as o
    .not(Error where user == l.user)
    .within(5m)
    .emit(user: l.user)
`
	W5AbsenceProgram = `stream Unpaid = Order as o
    .not(Payment where id == o.id)
    .within(15m)
    .emit(id: o.id)
`
)

// W3 yields n events 1 ms apart, uniform over the k query types T1..Tk and
// six noise types N1..N6, each with a running id.
func W3(n, k int, seed uint64, yield func(typ string, ts int64, id int64)) {
	r := rand.New(rand.NewPCG(seed, 0x3a))
	types := make([]string, 0, k+6)
	for i := 1; i <= k; i++ {
		types = append(types, "T"+strconv.Itoa(i))
	}
	for i := 1; i <= 6; i++ {
		types = append(types, "N"+strconv.Itoa(i))
	}
	for i := 0; i < n; i++ {
		yield(types[r.IntN(len(types))], int64(i)*1e6, int64(i))
	}
}

// W3Batches builds W3 as Arrow batches.
func W3Batches(n, k int, seed uint64) []event.Batch {
	return idBatches(func(yield func(typ string, ts, id int64)) { W3(n, k, seed, yield) })
}

// WriteW3 writes W3 as .evt.
func WriteW3(w io.Writer, n, k int, seed uint64) error {
	return writeIDEvents(w, func(yield func(typ string, ts, id int64)) { W3(n, k, seed, yield) })
}

// writeIDEvents writes the events gen yields, each with one int field
// id, as .evt.
func writeIDEvents(w io.Writer, gen func(yield func(typ string, ts, id int64))) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	var buf []byte
	var err error
	gen(func(typ string, ts, id int64) {
		if err != nil {
			return
		}
		buf = append(buf[:0], '@')
		buf = strconv.AppendInt(buf, ts/1e6, 10)
		buf = append(buf, ' ')
		buf = append(buf, typ...)
		buf = append(buf, " { id: "...)
		buf = strconv.AppendInt(buf, id, 10)
		buf = append(buf, " }\n"...)
		_, err = bw.Write(buf)
	})
	if err != nil {
		return err
	}
	return bw.Flush()
}

// idBatches builds the events gen yields, each with one int field id, as
// Arrow batches of mixed types.
func idBatches(gen func(yield func(typ string, ts, id int64))) []event.Batch {
	bb := event.NewBatchBuilder(memory.DefaultAllocator)
	bb.MixTypes = true
	fields := make([]event.Field, 1)
	gen(func(typ string, ts, id int64) {
		fields[0] = event.Field{Name: "id", Value: event.Int(id)}
		bb.AppendFields(typ, ts, fields, 0)
	})
	return bb.Flush()
}

// W5 yields n events over 10,000 users 1 ms apart: logins, actions,
// logouts, and errors with the given share (0.01 or 0.1).
func W5(n int, errShare float64, seed uint64, yield func(typ string, ts int64, user int64)) {
	r := rand.New(rand.NewPCG(seed, 0x55))
	for i := 0; i < n; i++ {
		u := int64(r.IntN(10000))
		x := r.Float64()
		typ := "Action"
		switch {
		case x < errShare:
			typ = "Error"
		case x < errShare+(1-errShare)/4:
			typ = "Login"
		case x < errShare+(1-errShare)/2:
			typ = "Logout"
		}
		yield(typ, int64(i)*1e6, u)
	}
}

// W5Batches builds W5 as Arrow batches (field user, as "u<n>").
func W5Batches(n int, errShare float64, seed uint64) []event.Batch {
	bb := event.NewBatchBuilder(memory.DefaultAllocator)
	bb.MixTypes = true
	users := make([]string, 10000)
	for i := range users {
		users[i] = "u" + strconv.Itoa(i)
	}
	fields := make([]event.Field, 1)
	W5(n, errShare, seed, func(typ string, ts, u int64) {
		fields[0] = event.Field{Name: "user", Value: event.String(users[u])}
		bb.AppendFields(typ, ts, fields, 0)
	})
	return bb.Flush()
}

// WriteW5 writes W5 as .evt.
func WriteW5(w io.Writer, n int, errShare float64, seed uint64) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	var buf []byte
	var err error
	W5(n, errShare, seed, func(typ string, ts, u int64) {
		if err != nil {
			return
		}
		buf = append(buf[:0], '@')
		buf = strconv.AppendInt(buf, ts/1e6, 10)
		buf = append(buf, ' ')
		buf = append(buf, typ...)
		buf = append(buf, ` { user: "u`...)
		buf = strconv.AppendInt(buf, u, 10)
		buf = append(buf, "\" }\n"...)
		_, err = bw.Write(buf)
	})
	if err != nil {
		return err
	}
	return bw.Flush()
}

// W4Walk yields n ticks 1 ms apart over the given number of symbols, each
// symbol's price a random walk from 100 in steps of ±0.5, ±1 (W4's rising
// runs).
func W4Walk(n, symbols int, seed uint64, yield func(ts int64, symbol int, price float64)) {
	r := rand.New(rand.NewPCG(seed, 0x44))
	prices := make([]float64, symbols)
	for i := range prices {
		prices[i] = 100
	}
	steps := [4]float64{-1, -0.5, 0.5, 1}
	for i := 0; i < n; i++ {
		s := r.IntN(symbols)
		prices[s] += steps[r.IntN(4)]
		yield(int64(i)*1e6, s, prices[s])
	}
}

// W4WalkSymbols is the number of symbols of W4's random walk.
const W4WalkSymbols = 100

// W4WalkBatches builds W4's random walk as Arrow batches (Tick{symbol,
// price}).
func W4WalkBatches(n int, seed uint64) []event.Batch {
	bb := event.NewBatchBuilder(memory.DefaultAllocator)
	names := symbolNames(W4WalkSymbols)
	fields := make([]event.Field, 2)
	W4Walk(n, W4WalkSymbols, seed, func(ts int64, s int, price float64) {
		fields[0] = event.Field{Name: "symbol", Value: event.String(names[s])}
		fields[1] = event.Field{Name: "price", Value: event.Float(price)}
		bb.AppendFields("Tick", ts, fields, 0)
	})
	return bb.Flush()
}

// WriteW4Walk writes W4's random walk as .evt.
func WriteW4Walk(w io.Writer, n int, seed uint64) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	var buf []byte
	var err error
	W4Walk(n, W4WalkSymbols, seed, func(ts int64, s int, price float64) {
		if err != nil {
			return
		}
		buf = append(buf[:0], '@')
		buf = strconv.AppendInt(buf, ts/1e6, 10)
		buf = append(buf, ` Tick { symbol: "S`...)
		buf = strconv.AppendInt(buf, int64(s), 10)
		buf = append(buf, `", price: `...)
		buf = event.AppendFloat(buf, price)
		buf = append(buf, " }\n"...)
		_, err = bw.Write(buf)
	})
	if err != nil {
		return err
	}
	return bw.Flush()
}

func symbolNames(n int) []string {
	names := make([]string, n)
	for i := range names {
		names[i] = "S" + strconv.Itoa(i)
	}
	return names
}

// W5Orders yields n events 1 ms apart for W5's absence query: an Order
// with a new id, or the Payment of an earlier order when one falls due.
// Nine orders in ten are paid, after a delay uniform over 0 to 20
// minutes, so about a quarter of the paid ones come after the 15 minutes
// the query allows.
func W5Orders(n int, seed uint64, yield func(typ string, ts int64, id int64)) {
	r := rand.New(rand.NewPCG(seed, 0x5a))
	var due paymentQueue
	next := int64(0)
	for i := 0; i < n; i++ {
		ts := int64(i) * 1e6
		if len(due) > 0 && due[0].ts <= ts {
			yield("Payment", ts, heap.Pop(&due).(scheduled).id)
			continue
		}
		yield("Order", ts, next)
		if r.Float64() < 0.9 {
			heap.Push(&due, scheduled{ts: ts + r.Int64N(20*60*1e9), id: next})
		}
		next++
	}
}

type scheduled struct{ ts, id int64 }

// paymentQueue is a min-heap (container/heap) of payments by time.
type paymentQueue []scheduled

func (q paymentQueue) Len() int { return len(q) }
func (q paymentQueue) Less(i, j int) bool {
	return q[i].ts < q[j].ts || q[i].ts == q[j].ts && q[i].id < q[j].id
}
func (q paymentQueue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *paymentQueue) Push(x any)   { *q = append(*q, x.(scheduled)) }
func (q *paymentQueue) Pop() any {
	old := *q
	x := old[len(old)-1]
	*q = old[:len(old)-1]
	return x
}

// W5OrdersBatches builds W5's orders and payments as Arrow batches.
func W5OrdersBatches(n int, seed uint64) []event.Batch {
	return idBatches(func(yield func(typ string, ts, id int64)) { W5Orders(n, seed, yield) })
}

// WriteW5Orders writes W5's orders and payments as .evt.
func WriteW5Orders(w io.Writer, n int, seed uint64) error {
	return writeIDEvents(w, func(yield func(typ string, ts, id int64)) { W5Orders(n, seed, yield) })
}
