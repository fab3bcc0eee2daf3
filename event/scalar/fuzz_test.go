package scalar

import (
	"encoding/binary"
	"math"
	"testing"

	"github.com/varpulis/varpulis-go/event"
)

// Interesting values: the edges of every rule.
var (
	specialInts = []int64{0, 1, -1, 2, -2, 3, 7, -7, 10, 63, 64, -64, 100, MaxRange, MaxRange + 1,
		3037000499, 3037000500, 1 << 32, 1 << 53, 1<<53 + 1, maxI, minI, maxI - 1, minI + 1}
	specialFloats = []float64{0, math.Copysign(0, -1), 0.5, -0.5, 1, -1, 1.5, 2.5, -2.5, 1.005, 2.675,
		0.1, 1e-7, 1e21, 1e300, -1e300, 1.7976931348623157e308, 5e-324, 9007199254740992,
		9223372036854775807, -9223372036854775808, 1e19, 3.99}
	specialStrings = []string{"", "a", "b", "A", "a,,b", ",", "ß", "ΟΔΟΣ", "İ", "héllo", "日本語", "😀",
		"1", "4.5", "-4.5", " 42 ", "1e3", "1e999999", "-9223372036854775808", "nan", "inf", "0x10",
		"\x00", "\xff\xfe", "a\u0301", "Σ", "\t x \n"}
)

// decoder turns fuzz bytes into values of every kind, nested up to a small
// depth, drawing often from the special values above.
type decoder struct{ b []byte }

func (d *decoder) byte() byte {
	if len(d.b) == 0 {
		return 0
	}
	c := d.b[0]
	d.b = d.b[1:]
	return c
}

func (d *decoder) u64() uint64 {
	var buf [8]byte
	n := copy(buf[:], d.b)
	d.b = d.b[n:]
	return binary.LittleEndian.Uint64(buf[:])
}

func (d *decoder) value(depth int) event.Value {
	tag := d.byte()
	switch tag % 16 {
	case 0:
		return event.Null
	case 1:
		return event.Bool(tag&16 != 0)
	case 2:
		return event.Int(int64(d.u64()))
	case 3:
		return event.Int(int64(int8(d.byte())))
	case 4:
		return event.Int(specialInts[int(d.byte())%len(specialInts)])
	case 5:
		return event.Float(math.Float64frombits(d.u64())) // NaN and Inf become null
	case 6:
		f := specialFloats[int(d.byte())%len(specialFloats)]
		if tag&16 != 0 {
			f = -f
		}
		return event.Float(f)
	case 7:
		n := int(d.byte()) % 16
		if n > len(d.b) {
			n = len(d.b)
		}
		s := string(d.b[:n])
		d.b = d.b[n:]
		return event.String(s)
	case 8:
		return event.String(specialStrings[int(d.byte())%len(specialStrings)])
	case 9:
		return event.Timestamp(int64(d.u64()))
	case 10:
		return event.Duration(int64(d.u64()))
	case 11:
		return event.Duration(specialInts[int(d.byte())%len(specialInts)])
	case 12, 13:
		if depth >= 3 {
			return event.Int(int64(tag))
		}
		n := int(d.byte()) % 6
		elems := make([]event.Value, n)
		for i := range elems {
			elems[i] = d.value(depth + 1)
		}
		return event.Array(elems)
	case 14:
		if depth >= 3 {
			return event.String("deep")
		}
		n := int(d.byte()) % 4
		var keys []string
		var vals []event.Value
		for i := 0; i < n; i++ {
			k := specialStrings[int(d.byte())%8]
			dup := false
			for _, have := range keys {
				dup = dup || have == k
			}
			v := d.value(depth + 1)
			if !dup {
				keys = append(keys, k)
				vals = append(vals, v)
			}
		}
		return event.Map(keys, vals)
	}
	return event.Timestamp(specialInts[int(d.byte())%len(specialInts)])
}

// wellFormed reports whether v holds no NaN or infinite float anywhere.
func wellFormed(v event.Value) bool {
	switch v.Kind() {
	case event.KindFloat:
		f := v.AsFloat()
		return !math.IsNaN(f) && !math.IsInf(f, 0)
	case event.KindArray, event.KindMap:
		for _, e := range v.Elems() {
			if !wellFormed(e) {
				return false
			}
		}
	}
	return true
}

// exercise runs every operator and function on a, b and c and checks the
// package's invariants; the fuzz target and TestCrossProduct share it.
func exercise(t *testing.T, a, b, c event.Value) {
	vals := []event.Value{a, b, c}
	before := [3]string{show(a), show(b), show(c)}
	bad := func(what string, r event.Value) {
		t.Helper()
		if !wellFormed(r) {
			t.Fatalf("%s = %s: NaN or infinite float", what, show(r))
		}
	}
	for _, op := range Ops() {
		if op.Arity() == 1 {
			r := Unary(op, a)
			bad(op.String(), r)
			if k, ok := UnaryKind(op, a.Kind()); ok && !r.IsNull() && r.Kind() != k {
				t.Fatalf("%s %s = %s, UnaryKind says %s", op, show(a), show(r), k)
			}
			continue
		}
		for _, p := range [][2]event.Value{{a, b}, {b, a}, {a, a}} {
			r := Binary(op, p[0], p[1])
			what := show(p[0]) + " " + op.Symbol() + " " + show(p[1])
			bad(what, r)
			if k, ok := BinaryKind(op, p[0].Kind(), p[1].Kind()); ok && !r.IsNull() && r.Kind() != k {
				t.Fatalf("%s = %s, BinaryKind says %s", what, show(r), k)
			}
			if res, done := ShortCircuit(op, p[0]); done && show(res) != show(r) {
				t.Fatalf("%s: ShortCircuit gives %s", what, show(res))
			}
		}
	}

	// Algebraic invariants.
	eqAB, eqBA := Eq(a, b), Eq(b, a)
	if show(eqAB) != show(eqBA) {
		t.Fatalf("== not symmetric on %s, %s", show(a), show(b))
	}
	if show(Ne(a, b)) != show(Not(eqAB)) {
		t.Fatalf("!= is not not == on %s, %s", show(a), show(b))
	}
	if !a.IsNull() && !Eq(a, a).IsTrue() {
		t.Fatalf("%s != itself", show(a))
	}
	if c1, ok1 := Compare(a, b); ok1 {
		c2, ok2 := Compare(b, a)
		if !ok2 || c1 != -c2 {
			t.Fatalf("Compare not antisymmetric on %s, %s", show(a), show(b))
		}
		if (c1 == 0) != eqAB.IsTrue() {
			t.Fatalf("Compare and == disagree on %s, %s", show(a), show(b))
		}
		if show(Lt(a, b)) != show(Gt(b, a)) || show(Le(a, b)) != show(Ge(b, a)) {
			t.Fatalf("< and > disagree on %s, %s", show(a), show(b))
		}
	}
	if show(And(a, b)) != show(And(b, a)) || show(Or(a, b)) != show(Or(b, a)) {
		t.Fatalf("and/or not commutative on %s, %s", show(a), show(b))
	}
	if show(NotIn(a, b)) != show(Not(In(a, b))) {
		t.Fatalf("not in is not not in on %s, %s", show(a), show(b))
	}
	if r := Add(a, b); kinds(a, b) == pII || kinds(a, b) == pDD {
		if show(r) != show(Add(b, a)) {
			t.Fatalf("+ not commutative on %s, %s", show(a), show(b))
		}
	}

	bad("slice", Slice(a, b, c))
	bad("member", Member(a, b.AsString()))

	for _, f := range Funcs() {
		for n := 0; n <= 3; n++ {
			args := vals[:n:n]
			r := f.Call(args)
			what := f.Name + showAll(args)
			bad(what, r)
			ks := make([]event.Kind, n)
			for i, v := range args {
				ks[i] = v.Kind()
			}
			if k, ok := f.ResultKind(ks); ok && !r.IsNull() && r.Kind() != k {
				t.Fatalf("%s = %s, ResultKind says %s", what, show(r), k)
			}
			if !f.Accepts(n) && !r.IsNull() {
				t.Fatalf("%s accepted %d arguments", f.Name, n)
			}
		}
	}
	if [3]string{show(a), show(b), show(c)} != before {
		t.Fatalf("inputs modified: %v", before)
	}
}

func FuzzBinary(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{4, 21, 4, 22, 3, 255})                   // MaxInt, MinInt, -1
	f.Add([]byte{6, 3, 6, 0, 8, 4})                       // floats, a string
	f.Add([]byte{12, 3, 4, 0, 3, 5, 0, 12, 1, 0, 8, 13})  // arrays
	f.Add([]byte{14, 2, 1, 4, 1, 2, 3, 0, 8, 1, 8, 7, 1}) // a map
	f.Add([]byte{9, 1, 2, 3, 4, 5, 6, 7, 8, 11, 5, 4, 3}) // timestamp, duration
	f.Add([]byte{8, 8, 8, 4, 8, 2})                       // "ΟΔΟΣ"…
	f.Fuzz(func(t *testing.T, data []byte) {
		d := &decoder{data}
		a, b, c := d.value(0), d.value(0), d.value(0)
		exercise(t, a, b, c)
	})
}

// TestCrossProduct runs the fuzz invariants over every pair of a set of
// edge values (and a third drawn from the set), so that a plain go test
// covers what the fuzzer would find first.
func TestCrossProduct(t *testing.T) {
	vals := []event.Value{N, B(true), B(false), S(""), S("a,,b"), S("héllo"), S("4.5"), S(","),
		A(), A(I(1), N, F(2.5)), A(S("b"), S("a")), M(), M("a", I(1), "b", S("x")),
		T(sec), D(sec), D(0), T(minI), D(maxI)}
	for _, n := range specialInts {
		vals = append(vals, I(n))
	}
	for _, f := range specialFloats[:12] {
		vals = append(vals, F(f))
	}
	if testing.Short() {
		vals = vals[:20]
	}
	for i, a := range vals {
		for j, b := range vals {
			exercise(t, a, b, vals[(i*7+j*3)%len(vals)])
		}
	}
}
