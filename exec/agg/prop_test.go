package agg

import (
	"math"
	"math/rand/v2"
	"testing"
	"unsafe"

	"github.com/varpulis/varpulis-go/event"
)

// genValue draws a value of the given profile: 0 small ints, 1 ints near
// the int64 limits, 2 floats, 3 ints and floats, 4 anything; with nulls.
func genValue(rng *rand.Rand, profile int) event.Value {
	if rng.IntN(6) == 0 {
		return event.Null
	}
	switch profile {
	case 0:
		return event.Int(int64(rng.IntN(11) - 5))
	case 1:
		if rng.IntN(2) == 0 {
			return event.Int(math.MaxInt64 - int64(rng.IntN(3)))
		}
		return event.Int(math.MinInt64 + int64(rng.IntN(3)))
	case 2:
		return genFloat(rng)
	case 3:
		if rng.IntN(2) == 0 {
			return event.Int(int64(rng.IntN(11) - 5))
		}
		return genFloat(rng)
	}
	switch rng.IntN(10) {
	case 0:
		return event.Int(int64(rng.IntN(5)))
	case 1:
		return genFloat(rng)
	case 2:
		return event.String([]string{"", "a", "ab", "b", "é"}[rng.IntN(5)])
	case 3:
		return event.Bool(rng.IntN(2) == 0)
	case 4:
		return event.Timestamp(int64(rng.IntN(5)))
	case 5:
		return event.Duration(int64(rng.IntN(5)))
	case 6:
		return event.Array([]event.Value{event.Int(int64(rng.IntN(2))), event.Float(float64(rng.IntN(2)))})
	case 7:
		if rng.IntN(2) == 0 {
			return event.Map([]string{"a", "b"}, []event.Value{event.Int(1), event.Float(float64(rng.IntN(2)))})
		}
		return event.Map([]string{"b", "a"}, []event.Value{event.Int(int64(rng.IntN(2))), event.Int(1)})
	case 8:
		return event.Int(math.MaxInt64)
	}
	return event.Float(math.Copysign(0, -1))
}

func genFloat(rng *rand.Rand) event.Value {
	switch rng.IntN(6) {
	case 0:
		return event.Float(float64(rng.IntN(5) - 2)) // integral: == some int
	case 1:
		return event.Float(math.Copysign(0, -1))
	case 2:
		return event.Float(1e308 * float64(rng.IntN(3)-1)) // float sum overflow
	case 3:
		return event.Float(0x1p53 + float64(rng.IntN(3)))
	}
	return event.Float(rng.NormFloat64() * 1e3)
}

// driver feeds a random event stream to an accumulator in random batches
// through random views, snapshotting into a fresh accumulator now and then,
// and compares every group with the reference fold.
type driver struct {
	rng    *rand.Rand
	spec   Spec
	acc    Acc
	ngroup int
	seen   [][]event.Value // per group, the values folded so far
}

func (d *driver) batch(vals []event.Value, groups []int32) {
	rows, size := layout(d.rng, len(vals))
	col := makeColumn(vals, rows, size, d.rng.IntN(3) > 0, d.rng.IntN(4) == 0)
	if d.spec.Fn == CountStar && d.rng.IntN(2) == 0 {
		col = nil
	}
	one := true
	for _, g := range groups {
		if g != groups[0] {
			one = false
		}
	}
	if one && len(groups) > 0 && d.rng.IntN(2) == 0 {
		d.acc.UpdateOne(groups[0], rows, col)
	} else {
		d.acc.Update(groups, rows, col)
	}
	for i, g := range groups {
		d.seen[g] = append(d.seen[g], vals[i])
	}
}

// restore moves every group's state into a fresh accumulator, in a
// shuffled group order (the state of one group must not depend on others).
func (d *driver) restore(t *testing.T) {
	fresh := New(d.spec)
	fresh.Resize(d.ngroup)
	for _, g := range d.rng.Perm(d.ngroup) {
		b := d.acc.AppendState([]byte{0xAB}, int32(g))
		b = append(b, 0xCD)
		rest, err := fresh.LoadState(b[1:], int32(g))
		if err != nil || len(rest) != 1 || rest[0] != 0xCD {
			t.Fatalf("%v: LoadState: rest %x, err %v", d.spec.Fn, rest, err)
		}
		if again := fresh.AppendState(nil, int32(g)); string(again) != string(b[1:len(b)-1]) {
			t.Fatalf("%v: snapshot changed on reload: %x then %x", d.spec.Fn, b[1:len(b)-1], again)
		}
	}
	d.acc = fresh
}

func (d *driver) check(t *testing.T, where string) {
	t.Helper()
	groups := d.rng.Perm(d.ngroup)
	g32 := make([]int32, len(groups))
	for i, g := range groups {
		g32[i] = int32(g)
	}
	all := d.acc.AppendResults([]event.Value{event.Int(-1)}, g32)
	for i, g := range groups {
		want := refFold(d.spec, d.seen[g])
		if got := d.acc.Result(int32(g)); !identical(got, want) {
			t.Fatalf("%v %s group %d: got %s, want %s\ninput %d values", d.spec.Fn, where, g, show(got), show(want), len(d.seen[g]))
		}
		if got := all[1+i]; !identical(got, want) {
			t.Fatalf("%v %s group %d: AppendResults gives %s, want %s", d.spec.Fn, where, g, show(got), show(want))
		}
	}
}

var allSpecs = []Spec{
	{Fn: CountStar}, {Fn: Count}, {Fn: CountDistinct}, {Fn: Sum}, {Fn: Avg}, {Fn: Min}, {Fn: Max},
	{Fn: Stddev}, {Fn: First}, {Fn: Last}, {Fn: Ema, Period: 1}, {Fn: Ema, Period: 5},
}

// TestAgainstReference: whatever the batch boundaries, views, group
// interleaving and snapshots, every result equals the reference fold to
// the last bit.
func TestAgainstReference(t *testing.T) {
	iters := 300
	if testing.Short() {
		iters = 50
	}
	for _, spec := range allSpecs {
		for it := range iters {
			rng := rand.New(rand.NewPCG(uint64(it), uint64(spec.Fn)<<8|uint64(spec.Period)))
			profile := rng.IntN(5)
			d := &driver{rng: rng, spec: spec, acc: New(spec), ngroup: 1 + rng.IntN(4)}
			d.seen = make([][]event.Value, d.ngroup)
			d.acc.Resize(d.ngroup)
			n := rng.IntN(60)
			for n > 0 {
				k := min(n, 1+rng.IntN(12))
				n -= k
				vals := make([]event.Value, k)
				groups := make([]int32, k)
				g := int32(rng.IntN(d.ngroup))
				for i := range vals {
					vals[i] = genValue(rng, profile)
					if rng.IntN(3) == 0 {
						g = int32(rng.IntN(d.ngroup))
					}
					groups[i] = g
				}
				d.batch(vals, groups)
				if rng.IntN(5) == 0 {
					d.check(t, "mid-stream")
					d.restore(t)
				}
			}
			d.check(t, "at end")
		}
	}
}

// TestSplitsAgree: one group, the same stream in one call and in random
// splits, gives the same bits.
func TestSplitsAgree(t *testing.T) {
	for _, spec := range allSpecs {
		for it := range 100 {
			rng := rand.New(rand.NewPCG(uint64(it), 7))
			vals := make([]event.Value, 200)
			profile := rng.IntN(5)
			for i := range vals {
				vals[i] = genValue(rng, profile)
			}
			whole := updateAll(spec, vals, true).Result(0)
			a := New(spec)
			a.Resize(1)
			for i := 0; i < len(vals); {
				k := min(len(vals)-i, rng.IntN(20))
				rows, size := layout(rng, k)
				col := makeColumn(vals[i:i+k], rows, size, rng.IntN(2) == 0, false)
				if rng.IntN(2) == 0 {
					a.UpdateOne(0, rows, col)
				} else {
					a.Update(make([]int32, k), rows, col)
				}
				i += k
			}
			if got := a.Result(0); !identical(got, whole) {
				t.Fatalf("%v: split %s, whole %s", spec.Fn, show(got), show(whole))
			}
		}
	}
}

// TestKeepsOwnCopies: values read through Column.Value may alias a batch
// buffer that is reused afterwards; results must not change.
func TestKeepsOwnCopies(t *testing.T) {
	buf := []byte("mmmm")
	alias := unsafe.String(&buf[0], len(buf))
	arrAlias := event.Array([]event.Value{event.String(alias)})
	mapAlias := event.Map([]string{alias}, []event.Value{event.String(alias)})
	for _, v := range []event.Value{event.String(alias), arrAlias, mapAlias} {
		for _, spec := range []Spec{{Fn: Min}, {Fn: Max}, {Fn: First}, {Fn: Last}, {Fn: CountDistinct}} {
			for _, one := range []bool{false, true} {
				copy(buf, "mmmm")
				a := New(spec)
				a.Resize(2)
				col := &Column{Value: func(int32) event.Value { return v }}
				if one {
					a.UpdateOne(1, []int32{0, 1}, col)
				} else {
					a.Update([]int32{1, 1}, []int32{0, 1}, col)
				}
				before := event.AppendBinary(nil, a.Result(1))
				copy(buf, "zzzz")
				if spec.Fn == CountDistinct { // the key must not have changed with the buffer
					a.UpdateOne(1, []int32{0}, &Column{IsConst: true, Const: own(v)})
					copy(buf, "mmmm")
					a.UpdateOne(1, []int32{0}, &Column{IsConst: true, Const: own(v)})
					if got := a.Result(1); !identical(got, event.Int(2)) {
						t.Errorf("%v %s one=%v: %s distinct keys, want 2", spec.Fn, show(v), one, show(got))
					}
					continue
				}
				if after := event.AppendBinary(nil, a.Result(1)); string(before) != string(after) {
					t.Errorf("%v %s one=%v: result changed with the batch buffer", spec.Fn, show(v), one)
				}
			}
		}
	}
}
