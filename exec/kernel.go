package exec

import (
	"cmp"
	"math"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/varpulis/varpulis-go/event"
	"github.com/varpulis/varpulis-go/event/scalar"
	"github.com/varpulis/varpulis-go/planner"
)

// A kernel evaluates one expression over the selected rows of a chunk. The
// result is indexed by domain row; rows outside sel are undefined. Each
// kernel owns its output buffers and reuses them batch after batch, so
// steady-state evaluation allocates nothing for typed results.
type kernel interface {
	eval(c *chunk, sel []int32) *vec
}

// compile builds the kernel tree of e.
func (rt *Runtime) compile(e planner.Expr) kernel {
	switch e := e.(type) {
	case *planner.Const:
		return &constK{out: vec{isConst: true, c: e.Val, kind: e.Val.Kind()}}
	case *planner.FieldRef:
		return &fieldK{name: e.Name, null: vec{isConst: true, kind: event.KindNull}}
	case *planner.EventTimeOf:
		return &tsK{}
	case *planner.EventTypeOf:
		return &typeK{}
	case *planner.Binary:
		k := &binaryK{op: e.Op, x: rt.compile(e.X), y: rt.compile(e.Y)}
		return k
	case *planner.Unary:
		return &unaryK{op: e.Op, x: rt.compile(e.X)}
	case *planner.IsNull:
		return &isNullK{not: e.Not, x: rt.compile(e.X)}
	case *planner.Cond:
		return &condK{c: rt.compilePred(e.If), t: rt.compile(e.Then), f: rt.compile(e.Else)}
	case *planner.AliasField:
		return &aliasFieldK{alias: e.Alias, field: e.Field}
	case *planner.AliasAgg:
		return &aliasAggK{alias: e.Alias, agg: newAliasAggregator(e)}
	}
	// Everything else is evaluated row by row by the reference evaluator.
	return &rowK{rt: rt, e: e}
}

// constK broadcasts a constant.
type constK struct{ out vec }

func (k *constK) eval(*chunk, []int32) *vec { return &k.out }

// fieldK reads a field column of the chunk (zero copy).
type fieldK struct {
	name string
	null vec
}

func (k *fieldK) eval(c *chunk, _ []int32) *vec {
	if i := c.col(k.name); i >= 0 {
		return c.cols[i]
	}
	return &k.null
}

// tsK reads the event time.
type tsK struct{ out vec }

func (k *tsK) eval(c *chunk, _ []int32) *vec {
	k.out = vec{kind: event.KindTimestamp, i64: c.ts}
	return &k.out
}

// typeK yields the chunk's event type.
type typeK struct{ out vec }

func (k *typeK) eval(c *chunk, sel []int32) *vec {
	if c.types != nil {
		k.out = vec{kind: planner.KindAny, vals: grow(k.out.vals, c.n)}
		for _, r := range sel {
			k.out.vals[r] = event.String(c.types[r])
		}
		return &k.out
	}
	if k.out.c.AsString() != c.typ || !k.out.isConst {
		k.out = vec{isConst: true, kind: event.KindString, c: event.String(c.typ)}
	}
	return &k.out
}

// aliasFieldK reads a field of the event bound to an alias at each row (a
// Kleene alias: its last event; unbound: null), VPL.md §4.5.8. The events
// of one alias mostly share their layout, so the field's position in the
// last event read is tried first.
type aliasFieldK struct {
	alias, field string
	hint         int
	out          vec
}

func (k *aliasFieldK) eval(c *chunk, sel []int32) *vec {
	k.out = vec{kind: planner.KindAny, vals: grow(k.out.vals, c.n)}
	a := c.alias(k.alias)
	for _, r := range sel {
		v := event.Null
		if a != nil {
			if ev := a.last(int(r)); ev != nil {
				v = k.get(ev)
			}
		}
		k.out.vals[r] = v
	}
	return &k.out
}

func (k *aliasFieldK) get(ev *event.Event) event.Value {
	if k.hint < len(ev.Fields) && ev.Fields[k.hint].Name == k.field {
		return ev.Fields[k.hint].Value
	}
	for i := range ev.Fields {
		if ev.Fields[i].Name == k.field {
			k.hint = i
			return ev.Fields[i].Value
		}
	}
	return event.Null
}

// aliasAggK evaluates an alias aggregate (count(a), max(a.f), …) at each
// row over the events bound to the alias there (VPL.md §4.5.8).
type aliasAggK struct {
	alias string
	agg   *aliasAggregator
	out   vec
}

func (k *aliasAggK) eval(c *chunk, sel []int32) *vec {
	k.out = vec{kind: planner.KindAny, vals: grow(k.out.vals, c.n)}
	a := c.alias(k.alias)
	for _, r := range sel {
		var evs []event.Event
		if a != nil {
			evs = a.bound(int(r))
		}
		k.out.vals[r] = k.agg.eval(evs)
	}
	return &k.out
}

// rowK evaluates an expression row by row with the reference evaluator.
type rowK struct {
	rt  *Runtime
	e   planner.Expr
	out vec
}

func (k *rowK) eval(c *chunk, sel []int32) *vec {
	k.out.kind = planner.KindAny
	k.out.vals = grow(k.out.vals, c.n)
	env := rowEnv{view: &batchView{c: c, typ: c.typ}, rt: k.rt}
	for _, r := range sel {
		env.row = int(r)
		env.steps, env.depth, env.abandon = 0, 0, false
		k.out.vals[r] = evalRow(k.e, &env)
	}
	return &k.out
}

func grow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}

// unaryK applies a unary operator.
type unaryK struct {
	op  scalar.Op
	x   kernel
	out vec
}

func (k *unaryK) eval(c *chunk, sel []int32) *vec {
	x := k.x.eval(c, sel)
	if x.isConst {
		k.out = vec{isConst: true, c: scalar.Unary(k.op, x.c)}
		k.out.kind = k.out.c.Kind()
		return &k.out
	}
	genericUnary(&k.out, k.op, x, c.n, sel)
	return &k.out
}

func genericUnary(out *vec, op scalar.Op, x *vec, n int, sel []int32) {
	*out = vec{kind: planner.KindAny, vals: grow(out.vals, n)}
	for _, r := range sel {
		out.vals[r] = scalar.Unary(op, x.value(int(r)))
	}
}

// isNullK is `x is [not] null`.
type isNullK struct {
	not bool
	x   kernel
	out vec
}

func (k *isNullK) eval(c *chunk, sel []int32) *vec {
	x := k.x.eval(c, sel)
	k.out.kind = event.KindBool
	k.out.isConst, k.out.valid, k.out.arr = false, nil, nil
	k.out.i64 = grow(k.out.i64, c.n)
	for _, r := range sel {
		null := x.isConst && x.c.IsNull() || !x.isConst && x.value(int(r)).IsNull()
		k.out.i64[r] = b2i(null != k.not)
	}
	return &k.out
}

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// condK is `if c then a else b`: each branch is evaluated only on its own
// rows.
type condK struct {
	c    predicate
	t, f kernel
	selT []int32
	selF []int32
	out  vec
}

func (k *condK) eval(c *chunk, sel []int32) *vec {
	k.selT = k.c.filter(c, sel, k.selT[:0])
	k.selF = minus(sel, k.selT, k.selF[:0])
	k.out = vec{kind: planner.KindAny, vals: grow(k.out.vals, c.n)}
	if len(k.selT) > 0 {
		t := k.t.eval(c, k.selT)
		for _, r := range k.selT {
			k.out.vals[r] = t.value(int(r))
		}
	}
	if len(k.selF) > 0 {
		f := k.f.eval(c, k.selF)
		for _, r := range k.selF {
			k.out.vals[r] = f.value(int(r))
		}
	}
	return &k.out
}

// minus returns the rows of a that are not in b (both ascending).
func minus(a, b, out []int32) []int32 {
	j := 0
	for _, r := range a {
		for j < len(b) && b[j] < r {
			j++
		}
		if j < len(b) && b[j] == r {
			continue
		}
		out = append(out, r)
	}
	return out
}

// binaryK applies a binary operator, with typed loops for numbers and a
// per-row path through the scalar package for everything else. And and or
// evaluate their right side only where the left side does not decide.
type binaryK struct {
	op   scalar.Op
	x, y kernel
	out  vec
	sub  []int32
}

func (k *binaryK) eval(c *chunk, sel []int32) *vec {
	if k.op == scalar.OpAnd || k.op == scalar.OpOr {
		return k.evalLogic(c, sel)
	}
	x := k.x.eval(c, sel)
	y := k.y.eval(c, sel)
	if x.isConst && y.isConst {
		k.out = vec{isConst: true, c: scalar.Binary(k.op, x.c, y.c)}
		k.out.kind = k.out.c.Kind()
		return &k.out
	}
	if typedBinary(&k.out, k.op, x, y, c.n, sel) {
		return &k.out
	}
	k.out = vec{kind: planner.KindAny, vals: grow(k.out.vals, c.n)}
	for _, r := range sel {
		k.out.vals[r] = scalar.Binary(k.op, x.value(int(r)), y.value(int(r)))
	}
	return &k.out
}

func (k *binaryK) evalLogic(c *chunk, sel []int32) *vec {
	x := k.x.eval(c, sel)
	vals := grow(k.out.vals, c.n)
	k.sub = k.sub[:0]
	for _, r := range sel {
		xv := x.value(int(r))
		if v, decided := scalar.ShortCircuit(k.op, xv); decided {
			vals[r] = v
		} else {
			vals[r] = xv
			k.sub = append(k.sub, r)
		}
	}
	if len(k.sub) > 0 {
		y := k.y.eval(c, k.sub)
		for _, r := range k.sub {
			vals[r] = scalar.Binary(k.op, vals[r], y.value(int(r)))
		}
	}
	k.out = vec{kind: planner.KindAny, vals: vals}
	return &k.out
}

// numeric views a vector as numbers for the typed loops.
type numeric struct {
	isInt   bool
	i64     []int64
	f64     []float64
	isConst bool
	ci      int64
	cf      float64
	valid   []byte
}

func asNumeric(v *vec) (numeric, bool) {
	if v.isConst {
		switch v.c.Kind() {
		case event.KindInt:
			return numeric{isInt: true, isConst: true, ci: v.c.AsInt()}, true
		case event.KindFloat:
			return numeric{isConst: true, cf: v.c.AsFloat()}, true
		}
		return numeric{}, false
	}
	switch v.kind {
	case event.KindInt:
		return numeric{isInt: true, i64: v.i64, valid: v.valid}, true
	case event.KindFloat:
		return numeric{f64: v.f64, valid: v.valid}, true
	}
	return numeric{}, false
}

func (n *numeric) int(r int32) int64 {
	if n.isConst {
		return n.ci
	}
	return n.i64[r]
}

func (n *numeric) float(r int32) float64 {
	switch {
	case n.isConst && n.isInt:
		return float64(n.ci)
	case n.isConst:
		return n.cf
	case n.isInt:
		return float64(n.i64[r])
	}
	return n.f64[r]
}

func (n *numeric) ok(r int32) bool { return n.valid == nil || bitutil.BitIsSet(n.valid, int(r)) }

// exactFloat reports whether every int the view holds converts to float64
// exactly, so mixed comparisons may compare as floats.
func (n *numeric) exactFloat() bool {
	const lim = 1 << 53
	return !n.isInt || (n.isConst && n.ci > -lim && n.ci < lim)
}

// typedBinary runs arithmetic and comparisons over numeric vectors. It
// reports false when the operand kinds need the per-row path.
func typedBinary(out *vec, op scalar.Op, x, y *vec, n int, sel []int32) bool {
	a, ok1 := asNumeric(x)
	b, ok2 := asNumeric(y)
	if !ok1 || !ok2 {
		return false
	}
	bothInt := a.isInt && b.isInt
	switch op {
	case scalar.OpEq, scalar.OpNe, scalar.OpLt, scalar.OpLe, scalar.OpGt, scalar.OpGe:
		if !bothInt && !(a.exactFloat() && b.exactFloat()) {
			return false
		}
		*out = vec{kind: event.KindBool, i64: grow(out.i64, n), valid: nil}
		var valid []byte
		for _, r := range sel {
			if !a.ok(r) || !b.ok(r) {
				if valid == nil {
					valid = allValid(n)
				}
				bitutil.ClearBit(valid, int(r))
				continue
			}
			var c int
			if bothInt {
				c = cmp.Compare(a.int(r), b.int(r))
			} else {
				c = cmp.Compare(a.float(r), b.float(r))
			}
			out.i64[r] = b2i(cmpHolds(op, c))
		}
		out.valid = valid
		return true
	case scalar.OpAdd, scalar.OpSub, scalar.OpMul:
	case scalar.OpDiv:
		if bothInt {
			return false // truncation, zero and overflow rules: per row
		}
	default:
		return false
	}
	var valid []byte
	if bothInt {
		*out = vec{kind: event.KindInt, i64: grow(out.i64, n)}
		for _, r := range sel {
			if !a.ok(r) || !b.ok(r) {
				valid = clearValid(valid, n, r)
				continue
			}
			var v int64
			var ok bool
			switch op {
			case scalar.OpAdd:
				v, ok = scalar.AddInt(a.int(r), b.int(r))
			case scalar.OpSub:
				v, ok = scalar.SubInt(a.int(r), b.int(r))
			default:
				v, ok = scalar.MulInt(a.int(r), b.int(r))
			}
			if !ok {
				valid = clearValid(valid, n, r)
				continue
			}
			out.i64[r] = v
		}
		out.valid = valid
		return true
	}
	*out = vec{kind: event.KindFloat, f64: grow(out.f64, n)}
	if op != scalar.OpDiv && !a.isConst && !b.isConst && a.valid == nil && b.valid == nil {
		switch {
		case a.isInt:
			out.valid = floatArith(out.f64, op, a.i64, b.f64, n, sel)
		case b.isInt:
			out.valid = floatArith(out.f64, op, a.f64, b.i64, n, sel)
		default:
			out.valid = floatArith(out.f64, op, a.f64, b.f64, n, sel)
		}
		return true
	}
	for _, r := range sel {
		if !a.ok(r) || !b.ok(r) {
			valid = clearValid(valid, n, r)
			continue
		}
		var v float64
		fa, fb := a.float(r), b.float(r)
		switch op {
		case scalar.OpAdd:
			v = fa + fb
		case scalar.OpSub:
			v = fa - fb
		case scalar.OpMul:
			v = fa * fb
		default:
			if fb == 0 {
				valid = clearValid(valid, n, r)
				continue
			}
			v = fa / fb
		}
		if math.IsNaN(v) || math.IsInf(v, 0) {
			valid = clearValid(valid, n, r)
			continue
		}
		out.f64[r] = v
	}
	out.valid = valid
	return true
}

// floatArith is +, - or * over two columns without nulls, at least one of
// floats, as a loop without the per-row view dispatch. It returns the
// validity of the result: a NaN or infinite result is null.
func floatArith[X, Y int64 | float64](dst []float64, op scalar.Op, x []X, y []Y, n int, sel []int32) (valid []byte) {
	for _, r := range sel {
		fx, fy := float64(x[r]), float64(y[r])
		var v float64
		switch op {
		case scalar.OpAdd:
			v = fx + fy
		case scalar.OpSub:
			v = fx - fy
		default:
			v = fx * fy
		}
		if v-v != 0 { // NaN or ±Inf
			valid = clearValid(valid, n, r)
			continue
		}
		dst[r] = v
	}
	return valid
}

func clearValid(valid []byte, n int, r int32) []byte {
	if valid == nil {
		valid = allValid(n)
	}
	bitutil.ClearBit(valid, int(r))
	return valid
}

func allValid(n int) []byte {
	b := make([]byte, bitutil.BytesForBits(int64(n)))
	for i := range b {
		b[i] = 0xff
	}
	return b
}

func cmpHolds(op scalar.Op, c int) bool {
	switch op {
	case scalar.OpEq:
		return c == 0
	case scalar.OpNe:
		return c != 0
	case scalar.OpLt:
		return c < 0
	case scalar.OpLe:
		return c <= 0
	case scalar.OpGt:
		return c > 0
	}
	return c >= 0
}

// timestampsAsInt64 views Arrow timestamps (ns) as int64 without copying.
func timestampsAsInt64(a *array.Timestamp) []int64 {
	ts := a.TimestampValues()
	if len(ts) == 0 {
		return nil
	}
	return unsafe.Slice((*int64)(unsafe.Pointer(&ts[0])), len(ts))
}

// durationsAsInt64 views Arrow durations (ns) as int64 without copying.
func durationsAsInt64(a *array.Duration) []int64 {
	ds := a.DurationValues()
	if len(ds) == 0 {
		return nil
	}
	return unsafe.Slice((*int64)(unsafe.Pointer(&ds[0])), len(ds))
}
