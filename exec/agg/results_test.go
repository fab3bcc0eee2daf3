package agg

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/varpulis/varpulis-go/event"
)

// TestPutResults checks the typed results of avg, count() and count(x)
// against Result, bit for bit, over random groups (empty ones, ones whose
// float sum overflows, ids out of range), and that take empties exactly
// the groups it reads.
func TestPutResults(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 9))
	for _, spec := range []Spec{{Fn: Avg}, {Fn: CountStar}, {Fn: Count}} {
		for range 300 {
			ngroups := 1 + r.IntN(20)
			a := New(spec)
			a.Resize(ngroups)
			n := r.IntN(200)
			vals := make([]event.Value, n)
			groups := make([]int32, n)
			for i := range vals {
				groups[i] = int32(r.IntN(ngroups))
				switch r.IntN(6) {
				case 0:
					vals[i] = event.Null
				case 1:
					vals[i] = event.Int(r.Int64N(1000) - 500)
				case 2:
					vals[i] = event.Float(1.5e308) // sums overflow: avg is null
				case 3:
					vals[i] = event.String("s") // counted by count(x) only
				default:
					vals[i] = event.Float(r.NormFloat64())
				}
			}
			rows, size := layout(r, n)
			a.Update(groups, rows, makeColumn(vals, rows, size, r.IntN(2) == 0, false))
			// Groups to read: any order, some out of range, each once.
			read := []int32{-1, int32(ngroups) + 3}
			for _, g := range r.Perm(ngroups) {
				if r.IntN(4) > 0 {
					read = append(read, int32(g))
				}
			}
			r.Shuffle(len(read), func(i, j int) { read[i], read[j] = read[j], read[i] })
			all := make([]int32, ngroups)
			for g := range all {
				all[g] = int32(g)
			}
			before := a.AppendResults(nil, all)
			want := a.AppendResults(nil, read)
			tr := a.(TypedResults)
			take := r.IntN(2) == 0
			x := make([]int64, len(read))
			valid := make([]byte, (len(read)+7)/8)
			nulls := tr.PutResults(x, valid, read, take)
			gotNulls := 0
			for i, w := range want {
				got := event.Null
				if valid[i>>3]>>(i&7)&1 != 0 {
					if tr.ResultKind() == event.KindFloat {
						got = event.Float(math.Float64frombits(uint64(x[i])))
					} else {
						got = event.Int(x[i])
					}
				} else {
					gotNulls++
					if x[i] != 0 {
						t.Fatalf("%v: null result %d has payload %d", spec.Fn, i, x[i])
					}
				}
				if !identical(got, w) {
					t.Fatalf("%v: group %d: %v, Result gives %v", spec.Fn, read[i], got, w)
				}
			}
			if nulls != gotNulls {
				t.Fatalf("%v: %d nulls reported, %d found", spec.Fn, nulls, gotNulls)
			}
			empty := New(spec)
			empty.Resize(1)
			for g := range int32(ngroups) {
				readIt := false
				for _, x := range read {
					readIt = readIt || x == g
				}
				want := before[g]
				if take && readIt {
					want = empty.Result(0)
				}
				if got := a.Result(g); !identical(got, want) {
					t.Fatalf("%v: group %d (read %v, take %v) holds %v, want %v", spec.Fn, g, readIt, take, got, want)
				}
			}
		}
	}
}
