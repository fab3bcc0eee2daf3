package workload

import (
	"bufio"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/varpulis/varpulis-go/event"
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
	bb := event.NewBatchBuilder(memory.DefaultAllocator)
	bb.MixTypes = true
	fields := make([]event.Field, 1)
	W3(n, k, seed, func(typ string, ts, id int64) {
		fields[0] = event.Field{Name: "id", Value: event.Int(id)}
		bb.AppendFields(typ, ts, fields, 0)
	})
	return bb.Flush()
}

// WriteW3 writes W3 as .evt.
func WriteW3(w io.Writer, n, k int, seed uint64) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	var buf []byte
	var err error
	W3(n, k, seed, func(typ string, ts, id int64) {
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
