package workload

import (
	"bufio"
	"io"
	"math/rand/v2"
	"strconv"

	"github.com/varpulis/varpulis-go/event"
)

// W1Program is the query of workload W1 (filter and project).
const W1Program = `stream Mid = StockTick.where(price > 50).emit(symbol, price)
stream High = StockTick.where(price > 99).emit(symbol, price)
`

// W1Symbols is the number of distinct symbols of W1.
const W1Symbols = 1000

// StockTick is one W1 event.
type StockTick struct {
	TS     int64 // ns
	Symbol int   // 0 .. W1Symbols-1, written "S<n>"
	Price  float64
	Volume int64
}

// W1 yields n StockTick events 1 ms apart: symbol uniform over 1,000,
// price uniform in [0, 100) with two decimals, volume uniform in [1, 1000].
func W1(n int, seed uint64, yield func(StockTick)) {
	r := rand.New(rand.NewPCG(seed, 0x5717))
	for i := 0; i < n; i++ {
		yield(StockTick{
			TS:     int64(i) * 1e6,
			Symbol: r.IntN(W1Symbols),
			Price:  float64(r.IntN(10000)) / 100,
			Volume: int64(1 + r.IntN(1000)),
		})
	}
}

// WriteW1 writes W1 in the given format: "evt" or "jsonl".
func WriteW1(w io.Writer, n int, seed uint64, format string) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	var buf []byte
	var err error
	W1(n, seed, func(t StockTick) {
		if err != nil {
			return
		}
		buf = buf[:0]
		ms := t.TS / 1e6
		switch format {
		case "jsonl":
			buf = append(buf, `{"event_type":"StockTick","timestamp":`...)
			buf = strconv.AppendInt(buf, ms, 10)
			buf = append(buf, `,"data":{"symbol":"S`...)
			buf = strconv.AppendInt(buf, int64(t.Symbol), 10)
			buf = append(buf, `","price":`...)
			buf = event.AppendFloat(buf, t.Price)
			buf = append(buf, `,"volume":`...)
			buf = strconv.AppendInt(buf, t.Volume, 10)
			buf = append(buf, "}}\n"...)
		default:
			buf = append(buf, '@')
			buf = strconv.AppendInt(buf, ms, 10)
			buf = append(buf, ` StockTick { symbol: "S`...)
			buf = strconv.AppendInt(buf, int64(t.Symbol), 10)
			buf = append(buf, `", price: `...)
			buf = event.AppendFloat(buf, t.Price)
			buf = append(buf, ", volume: "...)
			buf = strconv.AppendInt(buf, t.Volume, 10)
			buf = append(buf, " }\n"...)
		}
		_, err = bw.Write(buf)
	})
	if err != nil {
		return err
	}
	return bw.Flush()
}
