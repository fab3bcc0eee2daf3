package workload

import (
	"bufio"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/varpulis/varpulis-go/event"
)

// W2aProgram is workload W2 (a): a count window of 100 trades per symbol
// and its volume-weighted average price.
const W2aProgram = `stream Vwap = Trade
    .partition_by(symbol)
    .window(100)
    .aggregate(vwap: sum(price * volume) / sum(volume))
    .emit()
`

// W2bProgram is workload W2 (b): a one-minute window sliding every second,
// average price per symbol.
const W2bProgram = `stream AvgPrice = Trade
    .partition_by(symbol)
    .window(1m, sliding: 1s)
    .aggregate(avg_price: avg(price))
    .emit()
`

// Trade is one W2 event.
type Trade struct {
	TS     int64
	Symbol int
	Price  float64
	Volume int64
}

// W2 yields n trades 1 ms apart: symbol uniform over 1,000, price a random
// walk per symbol around 100 with cent steps, volume uniform in [1, 500].
func W2(n int, seed uint64, yield func(Trade)) {
	r := rand.New(rand.NewPCG(seed, 0x7d2))
	prices := make([]int64, W1Symbols)
	for i := range prices {
		prices[i] = 10000
	}
	for i := 0; i < n; i++ {
		s := r.IntN(W1Symbols)
		prices[s] += int64(r.IntN(21)) - 10
		if prices[s] < 100 {
			prices[s] = 100
		}
		yield(Trade{TS: int64(i) * 1e6, Symbol: s, Price: float64(prices[s]) / 100, Volume: int64(1 + r.IntN(500))})
	}
}

// WriteW2 writes W2 in the .evt format.
func WriteW2(w io.Writer, n int, seed uint64) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	var buf []byte
	var err error
	W2(n, seed, func(t Trade) {
		if err != nil {
			return
		}
		buf = append(buf[:0], '@')
		buf = strconv.AppendInt(buf, t.TS/1e6, 10)
		buf = append(buf, ` Trade { symbol: "S`...)
		buf = strconv.AppendInt(buf, int64(t.Symbol), 10)
		buf = append(buf, `", price: `...)
		buf = event.AppendFloat(buf, t.Price)
		buf = append(buf, ", volume: "...)
		buf = strconv.AppendInt(buf, t.Volume, 10)
		buf = append(buf, " }\n"...)
		_, err = bw.Write(buf)
	})
	if err != nil {
		return err
	}
	return bw.Flush()
}

// W2Batches builds n W2 trades as Arrow batches.
func W2Batches(n int, seed uint64) []event.Batch {
	bb := event.NewBatchBuilder(memory.DefaultAllocator)
	syms := make([]string, W1Symbols)
	for i := range syms {
		syms[i] = fmt.Sprintf("S%d", i)
	}
	fields := make([]event.Field, 3)
	W2(n, seed, func(t Trade) {
		fields[0] = event.Field{Name: "symbol", Value: event.String(syms[t.Symbol])}
		fields[1] = event.Field{Name: "price", Value: event.Float(t.Price)}
		fields[2] = event.Field{Name: "volume", Value: event.Int(t.Volume)}
		bb.AppendFields("Trade", t.TS, fields, 0)
	})
	return bb.Flush()
}
