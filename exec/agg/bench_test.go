package agg

import (
	"math/rand/v2"
	"testing"

	"github.com/varpulis/varpulis-go/event"
)

const benchRows = 4096

func benchColumn(kind event.Kind, nulls bool) *Column {
	rng := rand.New(rand.NewPCG(1, 2))
	col := &Column{Kind: kind}
	if kind == event.KindInt {
		col.I64 = make([]int64, benchRows)
		for i := range col.I64 {
			col.I64[i] = rng.Int64N(1_000_000)
		}
	} else {
		col.F64 = make([]float64, benchRows)
		for i := range col.F64 {
			col.F64[i] = rng.Float64() * 100
		}
	}
	if nulls {
		col.Valid = make([]byte, benchRows/8)
		for i := range col.Valid {
			col.Valid[i] = 0xff
		}
		for i := 0; i < benchRows; i += 10 {
			col.Valid[i/8] &^= 1 << (i % 8)
		}
	}
	col.Value = func(r int32) event.Value { return valueAt(col, classify(col), r) }
	return col
}

func benchRowsAndGroups(ngroups int) ([]int32, []int32) {
	rng := rand.New(rand.NewPCG(3, 4))
	rows := make([]int32, benchRows)
	groups := make([]int32, benchRows)
	for i := range rows {
		rows[i] = int32(i)
		groups[i] = int32(rng.IntN(ngroups))
	}
	return rows, groups
}

// BenchmarkUpdate reports ns per row folded, for a batch of 4096 rows:
// one group through UpdateOne, one group through Update (all ids 0), and
// 1,000 groups with random ids through Update.
func BenchmarkUpdate(b *testing.B) {
	type colCase struct {
		name  string
		kind  event.Kind
		nulls bool
	}
	cols := []colCase{{"f64", event.KindFloat, false}, {"f64nulls", event.KindFloat, true}, {"i64", event.KindInt, false}}
	specs := []Spec{{Fn: Sum}, {Fn: Avg}, {Fn: Count}, {Fn: CountStar}, {Fn: Min}, {Fn: Max}, {Fn: Stddev}, {Fn: Ema, Period: 10}, {Fn: First}, {Fn: Last}, {Fn: CountDistinct}}
	for _, spec := range specs {
		for _, cc := range cols {
			if cc.name != "f64" && spec.Fn != Sum && spec.Fn != Min && spec.Fn != Avg {
				continue
			}
			col := benchColumn(cc.kind, cc.nulls)
			for _, mode := range []string{"one", "one-via-Update", "1000groups"} {
				ngroups := 1
				if mode == "1000groups" {
					ngroups = 1000
				}
				rows, groups := benchRowsAndGroups(ngroups)
				name := spec.Fn.String() + "/" + cc.name + "/" + mode
				b.Run(name, func(b *testing.B) {
					a := New(spec)
					a.Resize(ngroups)
					a.Update(groups, rows, col) // warm up: sets and scratch allocated
					b.ReportAllocs()
					b.ResetTimer()
					for b.Loop() {
						if mode == "one" {
							a.UpdateOne(0, rows, col)
						} else {
							a.Update(groups, rows, col)
						}
					}
					b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/benchRows, "ns/row")
				})
			}
		}
	}
}

// BenchmarkResult: reading a result (per group and release).
func BenchmarkResult(b *testing.B) {
	for _, spec := range []Spec{{Fn: Sum}, {Fn: Avg}, {Fn: Min}} {
		a := New(spec)
		a.Resize(1)
		a.UpdateOne(0, []int32{0, 1}, benchColumn(event.KindFloat, false))
		b.Run(spec.Fn.String(), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_ = a.Result(0)
			}
		})
	}
}
