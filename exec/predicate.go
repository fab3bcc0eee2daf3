package exec

import (
	"cmp"
	"slices"

	"github.com/varpulis/varpulis-go/event"
	"github.com/varpulis/varpulis-go/event/scalar"
	"github.com/varpulis/varpulis-go/planner"
)

// A predicate narrows a selection to the rows where an expression is
// exactly true (VPL.md §5): the bitmap of a where clause, kept as a list of
// row numbers because the next operator loops over it.
type predicate interface {
	filter(c *chunk, sel []int32, out []int32) []int32
}

// compilePred builds the predicate of e.
func (rt *Runtime) compilePred(e planner.Expr) predicate {
	switch e := e.(type) {
	case *planner.Const:
		return constP(e.Val.IsTrue())
	case *planner.Binary:
		switch e.Op {
		case scalar.OpAnd:
			return &andP{x: rt.compilePred(e.X), y: rt.compilePred(e.Y)}
		case scalar.OpOr:
			return &orP{x: rt.compilePred(e.X), y: rt.compilePred(e.Y)}
		case scalar.OpEq, scalar.OpNe, scalar.OpLt, scalar.OpLe, scalar.OpGt, scalar.OpGe:
			if x, ok := e.X.(*planner.FieldRef); ok && e.Op == scalar.OpEq {
				if y, ok := e.Y.(*planner.FieldRef); ok && x.Name == y.Name {
					return &selfEqP{x: rt.compile(x)}
				}
			}
			return &cmpP{op: e.Op, x: rt.compile(e.X), y: rt.compile(e.Y), k: &binaryK{op: e.Op}}
		}
	}
	return &valueP{k: rt.compile(e)}
}

// selfEqP is `f == f`, which a pattern adds for a partition it infers
// (the key must not be null): where f has a column of one kind, exactly its
// non-null rows, since no value of such a kind differs from itself (a float
// is never NaN); elsewhere the comparison row by row.
type selfEqP struct{ x kernel }

func (p *selfEqP) filter(c *chunk, sel []int32, out []int32) []int32 {
	v := p.x.eval(c, sel)
	switch {
	case v.isConst:
		if scalar.Binary(scalar.OpEq, v.c, v.c).IsTrue() {
			return append(out, sel...)
		}
		return out
	case v.kind != planner.KindAny:
		if v.valid == nil {
			return append(out, sel...)
		}
		for _, r := range sel {
			if v.isValid(int(r)) {
				out = append(out, r)
			}
		}
		return out
	}
	for _, r := range sel {
		if x := v.value(int(r)); scalar.Binary(scalar.OpEq, x, x).IsTrue() {
			out = append(out, r)
		}
	}
	return out
}

type constP bool

func (p constP) filter(_ *chunk, sel []int32, out []int32) []int32 {
	if p {
		return append(out, sel...)
	}
	return out
}

// andP keeps the rows where both sides are true; the right side sees only
// the rows the left side kept.
type andP struct {
	x, y predicate
	tmp  []int32
}

func (p *andP) filter(c *chunk, sel []int32, out []int32) []int32 {
	p.tmp = p.x.filter(c, sel, p.tmp[:0])
	return p.y.filter(c, p.tmp, out)
}

// orP keeps the rows where either side is true; the right side sees only
// the rows the left side did not keep.
type orP struct {
	x, y       predicate
	l, rest, r []int32
}

func (p *orP) filter(c *chunk, sel []int32, out []int32) []int32 {
	p.l = p.x.filter(c, sel, p.l[:0])
	p.rest = minus(sel, p.l, p.rest[:0])
	p.r = p.y.filter(c, p.rest, p.r[:0])
	// merge the two ascending lists
	i, j := 0, 0
	for i < len(p.l) || j < len(p.r) {
		if j >= len(p.r) || (i < len(p.l) && p.l[i] < p.r[j]) {
			out = append(out, p.l[i])
			i++
		} else {
			out = append(out, p.r[j])
			j++
		}
	}
	return out
}

// valueP evaluates an expression and keeps the rows holding true.
type valueP struct{ k kernel }

func (p *valueP) filter(c *chunk, sel []int32, out []int32) []int32 {
	v := p.k.eval(c, sel)
	if v.isConst {
		if v.c.IsTrue() {
			return append(out, sel...)
		}
		return out
	}
	if v.kind == event.KindBool && v.arr == nil {
		for _, r := range sel {
			if v.i64[r] != 0 && v.isValid(int(r)) {
				out = append(out, r)
			}
		}
		return out
	}
	for _, r := range sel {
		if v.value(int(r)).IsTrue() {
			out = append(out, r)
		}
	}
	return out
}

// cmpP is a comparison used as a predicate: numeric columns against
// numbers are compared in tight loops straight into the selection.
type cmpP struct {
	op   scalar.Op
	x, y kernel
	k    *binaryK
}

func (p *cmpP) filter(c *chunk, sel []int32, out []int32) []int32 {
	x := p.x.eval(c, sel)
	y := p.y.eval(c, sel)
	if o, ok := cmpColConst(p.op, x, y, sel, out); ok {
		return o
	}
	if o, ok := cmpColConst(flip(p.op), y, x, sel, out); ok {
		return o
	}
	// General case: compute the comparison as a value.
	if x.isConst && y.isConst {
		if scalar.Binary(p.op, x.c, y.c).IsTrue() {
			return append(out, sel...)
		}
		return out
	}
	v := &p.k.out
	if !typedBinary(v, p.op, x, y, c.n, sel) {
		for _, r := range sel {
			if scalar.Binary(p.op, x.value(int(r)), y.value(int(r))).IsTrue() {
				out = append(out, r)
			}
		}
		return out
	}
	for _, r := range sel {
		if v.i64[r] != 0 && v.isValid(int(r)) {
			out = append(out, r)
		}
	}
	return out
}

// flip mirrors a comparison so that `c < x` can be run as `x > c`.
func flip(op scalar.Op) scalar.Op {
	switch op {
	case scalar.OpLt:
		return scalar.OpGt
	case scalar.OpLe:
		return scalar.OpGe
	case scalar.OpGt:
		return scalar.OpLt
	case scalar.OpGe:
		return scalar.OpLe
	}
	return op
}

// cmpColConst compares a float or int column with a numeric constant.
func cmpColConst(op scalar.Op, col, k *vec, sel []int32, out []int32) ([]int32, bool) {
	if col.isConst || !k.isConst || !k.c.Kind().IsNumber() {
		return out, false
	}
	switch col.kind {
	case event.KindFloat:
		const lim = 1 << 53
		if k.c.Kind() == event.KindInt && (k.c.AsInt() <= -lim || k.c.AsInt() >= lim) {
			return out, false
		}
		return cmpFloats(op, col.f64, col.valid, k.c.AsFloat(), sel, out), true
	case event.KindInt:
		if k.c.Kind() != event.KindInt {
			return out, false
		}
		return cmpInts(op, col.i64, col.valid, k.c.AsInt(), sel, out), true
	}
	return out, false
}

func cmpFloats(op scalar.Op, xs []float64, valid []byte, c float64, sel []int32, out []int32) []int32 {
	if valid != nil {
		for _, r := range sel {
			if valid[r>>3]&(1<<(r&7)) != 0 && cmpHolds(op, cmp.Compare(xs[r], c)) {
				out = append(out, r)
			}
		}
		return out
	}
	// Branch-free: write every row, advance only past the kept ones.
	out = slices.Grow(out, len(sel))
	buf := out[len(out) : len(out)+len(sel)]
	k := 0
	switch op {
	case scalar.OpGt:
		for _, r := range sel {
			buf[k] = r
			k += b2int(xs[r] > c)
		}
	case scalar.OpGe:
		for _, r := range sel {
			buf[k] = r
			k += b2int(xs[r] >= c)
		}
	case scalar.OpLt:
		for _, r := range sel {
			buf[k] = r
			k += b2int(xs[r] < c)
		}
	case scalar.OpLe:
		for _, r := range sel {
			buf[k] = r
			k += b2int(xs[r] <= c)
		}
	case scalar.OpEq:
		for _, r := range sel {
			buf[k] = r
			k += b2int(xs[r] == c)
		}
	default:
		for _, r := range sel {
			buf[k] = r
			k += b2int(xs[r] != c)
		}
	}
	return out[:len(out)+k]
}

// b2int compiles to a flag move, keeping the filter loops branch-free.
func b2int(b bool) int {
	if b {
		return 1
	}
	return 0
}

func cmpInts(op scalar.Op, xs []int64, valid []byte, c int64, sel []int32, out []int32) []int32 {
	for _, r := range sel {
		if (valid == nil || valid[r>>3]&(1<<(r&7)) != 0) && cmpHolds(op, cmp.Compare(xs[r], c)) {
			out = append(out, r)
		}
	}
	return out
}
