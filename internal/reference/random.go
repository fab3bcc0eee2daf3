package reference

import (
	"fmt"
	"math/rand/v2"

	"github.com/varpulis/varpulis-go/event"
)

// AggFns lists the aggregate functions the reference implements.
var AggFns = []string{"count", "count_distinct", "sum", "avg", "min", "max", "stddev", "first", "last", "ema"}

// WindowKinds lists the window kinds the reference implements.
var WindowKinds = []string{Tumbling, Sliding, Count, SlidingCount, Session, NoWindow}

const second = int64(1e9)

// Random generates a small case: a configuration and 1–40 input events.
//
// Partition keys (0–3 of k, g, h) each take 1–3 values of "a", "b", 1,
// 1.0, 2 and null, or are missing, so that keys collide and 1 == 1.0 is
// exercised. Values
// (v, w) are small ints and floats (2 and 2.0 both occur), nulls, missing,
// and rarely ±2^62 so that int sums overflow and come back. Timestamps are
// non-negative, mostly whole seconds, advancing with random out-of-order
// steps: some within the watermark allowance, some within the lateness
// bound and some beyond. Durations are whole seconds. Sliding time windows
// keep slide ≤ size (no gaps between windows; see reading 3).
func Random(r *rand.Rand) (Config, []Input) {
	var cfg Config
	kind := WindowKinds[r.IntN(len(WindowKinds))]
	cfg.Window.Kind = kind
	switch kind {
	case Tumbling:
		cfg.Window.Size = (1 + r.Int64N(10)) * second
	case Sliding:
		size := 1 + r.Int64N(10)
		cfg.Window.Size = size * second
		cfg.Window.Slide = (1 + r.Int64N(size)) * second
	case Count:
		cfg.Window.Size = 1 + r.Int64N(5)
	case SlidingCount:
		cfg.Window.Size = 1 + r.Int64N(5)
		cfg.Window.Slide = 1 + r.Int64N(6)
	case Session:
		cfg.Window.Size = (1 + r.Int64N(8)) * second
	}
	if r.IntN(3) > 0 {
		cfg.OutOfOrder = r.Int64N(6) * second
	}
	if (kind == Tumbling || kind == Sliding) && r.IntN(2) == 0 {
		cfg.AllowedLateness = (1 + r.Int64N(8)) * second
	}
	keyNames := []string{"k", "g", "h"}
	cfg.PartitionBy = keyNames[:r.IntN(4)]

	nAggs := 1 + r.IntN(4)
	for i := range nAggs {
		a := Agg{Fn: AggFns[r.IntN(len(AggFns))], Field: "v"}
		if r.IntN(4) == 0 {
			a.Field = "w"
		}
		if a.Fn == "count" && r.IntN(2) == 0 {
			a.Field = ""
		}
		if a.Fn == "ema" {
			a.Period = 1 + r.Int64N(5)
		}
		a.Alias = fmt.Sprintf("%s_%d", a.Fn, i)
		cfg.Aggs = append(cfg.Aggs, a)
	}
	if r.IntN(4) == 0 {
		ops := []string{"==", "!=", "<", "<=", ">", ">="}
		consts := []event.Value{event.Int(0), event.Int(1), event.Int(2), event.Int(3), event.Float(1.5), event.Float(2.0)}
		cfg.Having = &Having{
			Alias: cfg.Aggs[r.IntN(len(cfg.Aggs))].Alias,
			Op:    ops[r.IntN(len(ops))],
			Value: consts[r.IntN(len(consts))],
		}
	}

	// Each key field draws from 1–3 values of keyPool, so that partitions
	// get several events; 1 and 1.0 are distinct entries.
	keyPool := []event.Value{event.String("a"), event.String("b"), event.Int(1), event.Float(1.0), event.Int(2), event.Null}
	var keyPools [3][]event.Value
	for f := range keyPools {
		for _, j := range r.Perm(len(keyPool))[:1+r.IntN(3)] {
			keyPools[f] = append(keyPools[f], keyPool[j])
		}
	}
	valPool := []event.Value{
		event.Int(-3), event.Int(0), event.Int(1), event.Int(2), event.Int(5), event.Int(9),
		event.Float(0.5), event.Float(1.0), event.Float(2.0), event.Float(2.5), event.Float(-1.5), event.Float(0.1),
		event.Null,
	}
	huge := []event.Value{event.Int(1 << 62), event.Int(-(1 << 62))}

	n := 1 + r.IntN(40)
	events := make([]Input, n)
	t := r.Int64N(20) * second // the "current time" the input advances through
	for i := range events {
		t += r.Int64N(4) * second
		ts := t
		switch r.IntN(6) {
		case 0: // within the watermark allowance
			ts -= r.Int64N(cfg.OutOfOrder/second+1) * second
		case 1: // within allowance + lateness (plus a little)
			ts -= r.Int64N((cfg.OutOfOrder+cfg.AllowedLateness)/second+3) * second
		case 2: // anywhere, possibly far beyond
			ts -= r.Int64N(30) * second
		}
		if r.IntN(10) == 0 {
			ts += r.Int64N(1000) * 1e6 // sub-second, whole milliseconds
		}
		events[i].TS = max(ts, 0)

		var fields []event.Field
		for f, k := range keyNames {
			if r.IntN(8) > 0 { // else the key field is missing: the null key
				pool := keyPools[f]
				fields = append(fields, event.Field{Name: k, Value: pool[r.IntN(len(pool))]})
			}
		}
		for _, name := range []string{"v", "w"} {
			if name == "w" && r.IntN(2) == 0 {
				continue // w is often missing
			}
			val := valPool[r.IntN(len(valPool))]
			if r.IntN(20) == 0 {
				val = huge[r.IntN(2)]
			}
			fields = append(fields, event.Field{Name: name, Value: val})
		}
		r.Shuffle(len(fields), func(a, b int) { fields[a], fields[b] = fields[b], fields[a] })
		events[i].Fields = fields
	}
	return cfg, events
}
