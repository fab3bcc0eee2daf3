package agg

import (
	"bytes"
	"math"
	"testing"

	"github.com/cockroachdb/errors"
	"github.com/varpulis/varpulis-go/event"
)

// TestSnapshotMidStream: snapshot after part of a stream, restore into a
// fresh accumulator, feed the rest: the same result as without the
// snapshot, and the snapshot is deterministic.
func TestSnapshotMidStream(t *testing.T) {
	stream := vs(I(3), F(0.1), N, S("x"), I(-7), F(2.5), arr(I(1)), I(3), F(3), TS(9), I(1<<60), F(-0.25))
	for _, spec := range allSpecs {
		for cut := 0; cut <= len(stream); cut++ {
			want := refFold(spec, stream)
			a := updateAll(spec, stream[:cut], true)
			snap := a.AppendState(nil, 0)
			if again := a.AppendState(nil, 0); !bytes.Equal(snap, again) {
				t.Fatalf("%v: snapshot not deterministic", spec.Fn)
			}
			b := New(spec)
			b.Resize(1)
			rest, err := b.LoadState(snap, 0)
			if err != nil || len(rest) != 0 {
				t.Fatalf("%v cut %d: LoadState: %v, rest %x", spec.Fn, cut, err, rest)
			}
			rows := make([]int32, len(stream)-cut)
			for i := range rows {
				rows[i] = int32(i)
			}
			b.UpdateOne(0, rows, makeColumn(stream[cut:], rows, len(rows), false, false))
			if got := b.Result(0); !identical(got, want) {
				t.Errorf("%v cut %d: got %s, want %s", spec.Fn, cut, show(got), show(want))
			}
		}
	}
}

// TestDistinctSnapshotCanonical: sets holding the same keys, inserted in
// different orders and forms (1 or 1.0, map key orders), give the same
// bytes.
func TestDistinctSnapshotCanonical(t *testing.T) {
	m1 := event.Map([]string{"a", "b"}, vs(I(1), F(2)))
	m2 := event.Map([]string{"b", "a"}, vs(I(2), F(1)))
	x := updateAll(Spec{Fn: CountDistinct}, vs(I(1), S("s"), m1, F(0.5), TS(3), B(true), arr(F(1))), false)
	y := updateAll(Spec{Fn: CountDistinct}, vs(arr(I(1)), B(true), TS(3), F(0.5), m2, S("s"), F(1)), false)
	if sx, sy := x.AppendState(nil, 0), y.AppendState(nil, 0); !bytes.Equal(sx, sy) {
		t.Errorf("equal sets, different snapshots:\n%x\n%x", sx, sy)
	}
}

func TestLoadStateErrors(t *testing.T) {
	for _, spec := range allSpecs {
		a := updateAll(spec, vs(I(1), F(2), S("a")), false)
		snap := a.AppendState(nil, 0)
		b := New(spec)
		b.Resize(1)
		before := b.AppendState(nil, 0)
		// Every strict prefix is an error and leaves the group unchanged.
		for n := range len(snap) {
			rest, err := b.LoadState(snap[:n], 0)
			if err == nil {
				t.Errorf("%v: prefix %x of %x accepted", spec.Fn, snap[:n], snap)
				continue
			}
			if !errors.Is(err, ErrCorruptState) || !bytes.Equal(rest, snap[:n]) {
				t.Errorf("%v: prefix: err %v, rest %x", spec.Fn, err, rest)
			}
			if now := b.AppendState(nil, 0); !bytes.Equal(now, before) {
				t.Errorf("%v: failed LoadState changed the group", spec.Fn)
			}
		}
		// Another function's state is refused.
		other := New(Spec{Fn: spec.Fn%(numFuncs-1) + 1, Period: 2})
		other.Resize(1)
		if _, err := b.LoadState(other.AppendState(nil, 0), 0); err == nil {
			t.Errorf("%v accepted a %v state", spec.Fn, spec.Fn%(numFuncs-1)+1)
		}
		// Groups out of range are refused, not a panic.
		if _, err := b.LoadState(snap, 1); err == nil {
			t.Errorf("%v: group out of range accepted", spec.Fn)
		}
		if _, err := b.LoadState(snap, -1); err == nil {
			t.Errorf("%v: group -1 accepted", spec.Fn)
		}
	}
	// Inconsistent states.
	bad := map[Spec][]byte{
		{Fn: Sum}:            append([]byte{byte(Sum), 4}, make([]byte, 10)...),
		{Fn: Ema, Period: 2}: {byte(Ema), 2, 0, 0, 0, 0, 0, 0, 0, 0},
		{Fn: First}:          {byte(First), 0, 3, 2},
		{Fn: CountDistinct}:  {byte(CountDistinct), 2, 3, 2, 3, 2}, // 1 twice
		{Fn: Stddev}:         append([]byte{byte(Stddev), 0}, appendF64(appendF64(nil, 1), 0)...),
	}
	for spec, b := range bad {
		a := New(spec)
		a.Resize(1)
		if _, err := a.LoadState(b, 0); !errors.Is(err, ErrCorruptState) {
			t.Errorf("%v: %x: err %v", spec.Fn, b, err)
		}
	}
	// A huge count in few bytes does not allocate what it claims.
	a := New(Spec{Fn: CountDistinct})
	a.Resize(1)
	if _, err := a.LoadState([]byte{byte(CountDistinct), 0xff, 0xff, 0xff, 0xff, 0x0f, 2}, 0); err == nil {
		t.Error("forged distinct count accepted")
	}
}

// TestNoPanics: group ids and rows out of range, short bitmaps, nil
// columns and Value functions, negative sizes: ignored, never a panic.
func TestNoPanics(t *testing.T) {
	cols := []*Column{
		nil,
		{},
		{Kind: event.KindInt, I64: []int64{1, 2}, Valid: []byte{}},
		{Kind: event.KindFloat, F64: []float64{1, 2}, Valid: []byte{1}},
		{Kind: event.KindInt, I64: []int64{1, 2, 3}},
		{Kind: event.KindFloat, F64: []float64{math.NaN(), math.Inf(1)}},
		{Kind: event.KindString, Value: func(r int32) event.Value { return S("a") }},
		{IsConst: true, Const: S("c")},
	}
	for _, spec := range append(allSpecs, Spec{}, Spec{Fn: Ema}) {
		a := New(spec)
		a.Resize(-1)
		a.Resize(3)
		for _, col := range cols {
			a.Update([]int32{0, -1, 5, 1, 2}, []int32{0, 1, -3, 1 << 30, 2, 7}, col)
			a.Update([]int32{2}, nil, col)
			a.UpdateOne(-1, []int32{0}, col)
			a.UpdateOne(9, []int32{0}, col)
			a.UpdateOne(1, []int32{-1, 0, 1, 99}, col)
			a.UpdateOne(2, nil, col)
		}
		for _, g := range []int32{-1, 0, 1, 2, 3, math.MaxInt32} {
			_ = a.Result(g)
			a.AppendState(nil, g)
			a.Reset(g)
		}
	}
}

// TestResetAndResize: Reset empties one group only; Resize keeps states.
func TestResetAndResize(t *testing.T) {
	for _, spec := range allSpecs {
		a := New(spec)
		a.Resize(2)
		col := &Column{Kind: event.KindString, Value: func(r int32) event.Value { return []event.Value{I(4), S("z"), F(1.5)}[r] }}
		a.Update([]int32{0, 1, 0}, []int32{0, 1, 2}, col)
		r0, r1 := a.Result(0), a.Result(1)
		a.Resize(1000)
		if !identical(a.Result(0), r0) || !identical(a.Result(1), r1) {
			t.Errorf("%v: Resize changed results", spec.Fn)
		}
		a.Reset(0)
		if got, want := a.Result(0), refFold(spec, nil); !identical(got, want) {
			t.Errorf("%v: after Reset: %s, want %s", spec.Fn, show(got), show(want))
		}
		if !identical(a.Result(1), r1) {
			t.Errorf("%v: Reset(0) changed group 1", spec.Fn)
		}
		a.UpdateOne(0, []int32{1}, col)
		if got, want := a.Result(0), refFold(spec, vs(S("z"))); !identical(got, want) {
			t.Errorf("%v: reuse after Reset: %s, want %s", spec.Fn, show(got), show(want))
		}
		if got := a.Result(999); !identical(got, refFold(spec, nil)) {
			t.Errorf("%v: new group not empty: %s", spec.Fn, show(got))
		}
	}
}

// FuzzLoadState: LoadState never panics; what it accepts re-encodes to a
// snapshot that loads again to the same bytes, and the restored group can
// be updated and read.
func FuzzLoadState(f *testing.F) {
	for _, spec := range allSpecs {
		a := updateAll(spec, vs(I(1), F(2.5), S("a"), arr(I(1)), N, I(-3)), false)
		f.Add(byte(spec.Fn), a.AppendState(nil, 0))
		f.Add(byte(spec.Fn), New(spec).AppendState(nil, 0))
	}
	f.Add(byte(CountDistinct), []byte{byte(CountDistinct), 0xff, 0xff, 0x03})
	f.Fuzz(func(t *testing.T, fn byte, data []byte) {
		spec := Spec{Fn: Func(fn % (byte(numFuncs) + 1)), Period: 3}
		a := New(spec)
		a.Resize(2)
		rest, err := a.LoadState(data, 1)
		if err != nil {
			if !bytes.Equal(rest, data) {
				t.Fatalf("error %v but rest is not the input", err)
			}
			return
		}
		if len(rest) > len(data) || !bytes.Equal(rest, data[len(data)-len(rest):]) {
			t.Fatalf("rest %x is not a suffix of %x", rest, data)
		}
		enc := a.AppendState(nil, 1)
		b := New(spec)
		b.Resize(1)
		if rest, err := b.LoadState(enc, 0); err != nil || len(rest) != 0 {
			t.Fatalf("re-encoded state %x: %v, rest %x", enc, err, rest)
		}
		if again := b.AppendState(nil, 0); !bytes.Equal(again, enc) {
			t.Fatalf("unstable encoding: %x then %x", enc, again)
		}
		if !identical(a.Result(1), b.Result(0)) {
			t.Fatalf("results differ: %s, %s", show(a.Result(1)), show(b.Result(0)))
		}
		for _, col := range []*Column{
			{Kind: event.KindInt, I64: []int64{math.MaxInt64, math.MinInt64}},
			{Kind: event.KindFloat, F64: []float64{1e308, -1e308}},
			{Value: func(int32) event.Value { return S("q") }},
		} {
			a.Update([]int32{1, 1}, []int32{0, 1}, col)
			a.UpdateOne(1, []int32{1, 0}, col)
		}
		_ = a.Result(1)
	})
}
