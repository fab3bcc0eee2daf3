package planner

import (
	"fmt"

	"github.com/cockroachdb/errors"
	"github.com/varpulis/varpulis-go/event"
	"github.com/varpulis/varpulis-go/event/scalar"
	"github.com/varpulis/varpulis-go/vpl"
)

// LowerError is a lowering failure at a source position: a construct the
// checker accepts but this build cannot run yet.
type LowerError struct {
	Pos vpl.Pos
	Msg string
}

func (e *LowerError) Error() string { return fmt.Sprintf("%d:%d: %s", e.Pos.Line, e.Pos.Col, e.Msg) }

// LowerVPL lowers a checked VPL program to a Plan. The program must have
// passed vpl.Check without errors; LowerVPL reports only what the engine
// cannot run.
func LowerVPL(prog *vpl.Program) (*Plan, error) {
	l := &lowerer{
		plan: &Plan{
			EventTime:  map[string]string{},
			Connectors: map[string]string{},
		},
		globals:  map[string]int{},
		funcs:    map[string]*Function{},
		fnDecls:  map[string]*vpl.FnDecl{},
		contexts: map[string]bool{},
	}
	if err := l.lower(prog); err != nil {
		return nil, err
	}
	return l.plan, nil
}

type lowerer struct {
	plan     *Plan
	globals  map[string]int
	funcs    map[string]*Function
	fnDecls  map[string]*vpl.FnDecl
	contexts map[string]bool
	events   map[string]*vpl.EventDecl
	patterns map[string]*vpl.PatternDecl
}

// scope resolves names inside an expression.
type scope struct {
	// alias of a plain stream: the current event.
	alias string
	// kinds of the input's fields, from its event declaration (advisory:
	// events are never validated, so kernels still check the data).
	kinds map[string]event.Kind
	// locals of a function body, innermost last; nil outside functions.
	locals map[string]int
	fn     *Function
	inFn   bool
	// aliases in scope (join members; pattern steps), by the name written:
	// an identifier or X.f naming one reads the bound event (VPL.md §5).
	aliases map[string]aliasRef
	// join: a join stream, whose .on and .window lowerJoin takes.
	join bool
	// union lists, in a join stream until an operator reshapes the record,
	// the member aliases whose fields .emit() writes (VPL.md §11.8).
	union []string
}

// aliasRef is an alias in scope: its canonical name (a join member may be
// named by its label or its type) and the declared kinds of its event's
// fields.
type aliasRef struct {
	name  string
	kinds map[string]event.Kind
}

func (a aliasRef) kind(field string) event.Kind {
	if k, ok := a.kinds[field]; ok {
		return k
	}
	return KindAny
}

func (l *lowerer) errorf(pos vpl.Pos, format string, args ...any) error {
	return &LowerError{Pos: pos, Msg: fmt.Sprintf(format, args...)}
}

func (l *lowerer) lower(prog *vpl.Program) error {
	l.events = map[string]*vpl.EventDecl{}
	l.patterns = map[string]*vpl.PatternDecl{}
	// Declarations first: forward references are allowed (VPL.md §11.11).
	for _, s := range prog.Stmts {
		switch s := s.(type) {
		case *vpl.EventDecl:
			l.events[s.Name] = s
		case *vpl.FnDecl:
			f := &Function{Name: s.Name}
			for _, p := range s.Params {
				f.Params = append(f.Params, p.Name)
			}
			l.funcs[s.Name] = f
			l.fnDecls[s.Name] = s
			l.plan.Functions = append(l.plan.Functions, f)
		case *vpl.VarDecl:
			if _, ok := l.globals[s.Name]; !ok {
				l.globals[s.Name] = len(l.plan.Globals)
				l.plan.Globals = append(l.plan.Globals, s.Name)
			}
		case *vpl.ContextDecl:
			l.contexts[s.Name] = true
		case *vpl.PatternDecl:
			l.patterns[s.Name] = s
		case *vpl.ConnectorDecl:
			l.plan.Connectors[s.Name] = s.Kind
		}
	}
	for name, d := range l.events {
		if f := l.eventTimeField(d, 0); f != "" {
			l.plan.EventTime[name] = f
		}
	}
	for _, s := range prog.Stmts {
		fd, ok := s.(*vpl.FnDecl)
		if !ok {
			continue
		}
		if err := l.lowerFunc(l.funcs[fd.Name], fd); err != nil {
			return err
		}
	}
	top := &scope{}
	for _, s := range prog.Stmts {
		switch s := s.(type) {
		case *vpl.StreamDecl:
			st, err := l.lowerStream(s, len(l.plan.Streams))
			if err != nil {
				return err
			}
			l.plan.Streams = append(l.plan.Streams, st)
		case *vpl.PatternDecl:
			// Named patterns are lowered where a stream uses them.
		case *vpl.VarDecl, *vpl.AssignStmt, *vpl.ExprStmt, *vpl.IfStmt, *vpl.ForStmt, *vpl.WhileStmt:
			st, err := l.lowerStmt(s, top)
			if err != nil {
				return err
			}
			l.plan.Init = append(l.plan.Init, st)
		}
	}
	return nil
}

// eventTimeField finds the event_time field of a declaration, inherited
// fields included.
func (l *lowerer) eventTimeField(d *vpl.EventDecl, depth int) string {
	for _, f := range d.Fields {
		if f.EventTime {
			return f.Name
		}
	}
	if d.Extends != "" && depth < 32 {
		if base, ok := l.events[d.Extends]; ok {
			return l.eventTimeField(base, depth+1)
		}
	}
	return ""
}

func (l *lowerer) lowerStream(s *vpl.StreamDecl, index int) (*Stream, error) {
	st := &Stream{Name: s.Name, Index: index, OutType: s.Name}
	sc := &scope{}
	if l.isPatternStream(s) {
		rest, err := l.lowerPatternHead(st, s, sc)
		if err != nil {
			return nil, err
		}
		return st, l.lowerOps(st, rest, sc)
	}
	switch src := s.Source.(type) {
	case *vpl.NameSource:
		if src.All {
			return nil, l.errorf(src.Pos, "pattern streams are not supported yet")
		}
		if src.From != nil {
			// In simulate, events of the type come from the input file.
			st.Inputs = []Input{{Name: src.Name}}
		} else {
			st.Inputs = []Input{{Name: src.Name}}
		}
		sc.alias = src.Alias
		sc.kinds = l.declKinds(src.Name, 0)
	case *vpl.JoinSource:
		j, err := l.lowerJoin(s, src, sc)
		if err != nil {
			return nil, err
		}
		for _, m := range j.Members {
			st.Inputs = append(st.Inputs, Input{Name: m.Name})
		}
		st.Ops = append(st.Ops, j)
	case *vpl.MergeSource:
		st.Merge = true
		for _, m := range src.Members {
			in := Input{Name: m.Name, Label: m.Label}
			if m.Where != nil {
				p, err := l.lowerExpr(m.Where, sc)
				if err != nil {
					return nil, err
				}
				in.Pred = p
			}
			st.Inputs = append(st.Inputs, in)
		}
	case *vpl.TimerSource:
		t := &Timer{}
		for i, a := range src.Args {
			d, err := l.constDuration(a.Value, sc)
			if err != nil {
				return nil, err
			}
			switch {
			case a.Name == "initial_delay" || a.Name == "" && i == 1:
				t.Delay = d
			case a.Name == "every" || a.Name == "" && i == 0:
				t.Every = d
			default:
				return nil, l.errorf(a.Pos, "unknown timer parameter %s", a.Name)
			}
		}
		if t.Every <= 0 {
			return nil, l.errorf(src.Pos, "timer(every) needs a positive duration")
		}
		st.Timer = t
	default:
		return nil, l.errorf(s.Source.Position(), "this stream source is not supported yet")
	}
	return st, l.lowerOps(st, s.Ops, sc)
}

// lowerOps lowers a stream's operators after its source (and matcher).
func (l *lowerer) lowerOps(st *Stream, ops []vpl.Op, sc *scope) error {
	for _, op := range ops {
		switch op := op.(type) {
		case *vpl.StepOp:
			return l.errorf(op.Pos, "a -> step must belong to the matcher at the head of the stream")
		case *vpl.NotOp:
			return l.errorf(op.Pos, ".not() must belong to the matcher at the head of the stream")
		case *vpl.CallOp:
			if sc.join && (op.Name == "on" || op.Name == "window") {
				continue // the join's keys and horizon, taken by lowerJoin
			}
			lowered, err := l.lowerCallOp(st, op, sc)
			if err != nil {
				return err
			}
			switch lowered.(type) {
			case *Project, *Process, *Aggregate:
				sc.union = nil // the record is no longer the joined event
			}
			if lowered != nil {
				st.Ops = append(st.Ops, lowered)
			}
		}
	}
	return nil
}

func (l *lowerer) lowerCallOp(st *Stream, op *vpl.CallOp, sc *scope) (Op, error) {
	switch op.Name {
	case "where", "filter":
		if len(op.Args) != 1 {
			return nil, l.errorf(op.Pos, ".%s takes one predicate", op.Name)
		}
		p, err := l.lowerExpr(op.Args[0].Value, sc)
		if err != nil {
			return nil, err
		}
		return &Filter{Pred: p}, nil
	case "select", "emit":
		pr := &Project{Emit: op.Name == "emit", As: op.As}
		if pr.Emit {
			st.Visible = true
			if op.As != "" {
				st.OutType = op.As
			} else {
				st.OutType = st.Name
			}
		}
		if pr.Emit && len(op.Args) == 0 {
			if sc.union != nil {
				pr.Union = sc.union
				return pr, nil
			}
			pr.KeepAll = true
			return pr, nil
		}
		for _, a := range op.Args {
			name := a.Name
			if name == "context" && pr.Emit {
				if id, ok := a.Value.(*vpl.Ident); ok && l.contexts[id.Name] {
					continue
				}
			}
			if name == "" {
				switch v := a.Value.(type) {
				case *vpl.Ident:
					name = v.Name
				case *vpl.MemberExpr:
					name = v.Name
				default:
					return nil, l.errorf(a.Pos, "an output field needs a name: write name: expression")
				}
			}
			x, err := l.lowerExpr(a.Value, sc)
			if err != nil {
				return nil, err
			}
			pr.Items = append(pr.Items, Item{Name: name, X: x})
		}
		return pr, nil
	case "print":
		pr := &Print{}
		for _, a := range op.Args {
			x, err := l.lowerExpr(a.Value, sc)
			if err != nil {
				return nil, err
			}
			pr.Args = append(pr.Args, x)
		}
		return pr, nil
	case "log":
		lg := &Log{Level: "info"}
		for i, a := range op.Args {
			name := a.Name
			if name == "" {
				name = [...]string{"level", "message", "data"}[min(i, 2)]
			}
			switch name {
			case "level":
				if id, ok := a.Value.(*vpl.Ident); ok {
					lg.Level = id.Name
					continue
				}
				if lit, ok := a.Value.(*vpl.Literal); ok && lit.Value.Kind() == event.KindString {
					lg.Level = lit.Value.AsString()
					continue
				}
				return nil, l.errorf(a.Pos, "log level must be debug, info, warn or error")
			case "message":
				x, err := l.lowerExpr(a.Value, sc)
				if err != nil {
					return nil, err
				}
				lg.Message = x
			case "data":
				x, err := l.lowerExpr(a.Value, sc)
				if err != nil {
					return nil, err
				}
				lg.Data = x
			}
		}
		return lg, nil
	case "distinct":
		d := &Distinct{}
		if len(op.Args) > 0 {
			x, err := l.lowerExpr(op.Args[0].Value, sc)
			if err != nil {
				return nil, err
			}
			d.Key = x
		}
		return d, nil
	case "limit", "first":
		n := int64(1)
		if op.Name == "limit" {
			if len(op.Args) != 1 {
				return nil, l.errorf(op.Pos, ".limit takes one count")
			}
			lit, ok := op.Args[0].Value.(*vpl.Literal)
			if !ok || lit.Value.Kind() != event.KindInt || lit.Value.AsInt() < 0 {
				return nil, l.errorf(op.Args[0].Pos, ".limit needs a non-negative integer literal")
			}
			n = lit.Value.AsInt()
		}
		return &Limit{N: n}, nil
	case "process":
		if len(op.Args) != 1 {
			return nil, l.errorf(op.Pos, ".process takes one function call")
		}
		call, ok := op.Args[0].Value.(*vpl.CallExpr)
		var fn *Function
		if ok {
			if id, isIdent := call.Fun.(*vpl.Ident); isIdent {
				fn = l.funcs[id.Name]
			}
		}
		if fn == nil {
			return nil, l.errorf(op.Args[0].Pos, ".process needs a call of a user function")
		}
		uc := &UserCall{Fn: fn}
		for _, a := range call.Args {
			x, err := l.lowerExpr(a.Value, sc)
			if err != nil {
				return nil, err
			}
			uc.Args = append(uc.Args, x)
		}
		st.Visible = true
		return &Process{Call: uc}, nil
	case "to":
		if len(op.Args) == 0 {
			return nil, l.errorf(op.Pos, ".to needs a connector")
		}
		id, ok := op.Args[0].Value.(*vpl.Ident)
		if !ok {
			return nil, l.errorf(op.Args[0].Pos, ".to needs a connector name")
		}
		return &To{Connector: id.Name}, nil
	case "partition_by":
		st.PartitionBy = st.PartitionBy[:0]
		for _, a := range op.Args {
			id, ok := a.Value.(*vpl.Ident)
			if !ok {
				return nil, l.errorf(a.Pos, ".partition_by takes field names")
			}
			st.PartitionBy = append(st.PartitionBy, id.Name)
		}
		return nil, nil
	case "context":
		// simulate runs every stream in one thread (VPL.md §4.2).
		return nil, nil
	case "window":
		return l.lowerWindow(op, sc)
	case "aggregate":
		agg, err := l.lowerAggregate(op, sc)
		if err != nil {
			return nil, err
		}
		if n := len(st.Ops); n > 0 {
			if w, ok := st.Ops[n-1].(*Window); ok && w.Agg == nil && w.Keep == nil {
				w.Agg = agg
				return nil, nil
			}
		}
		return agg, nil
	case "having":
		if len(op.Args) != 1 {
			return nil, l.errorf(op.Pos, ".having takes one predicate")
		}
		p, err := l.lowerExpr(op.Args[0].Value, sc)
		if err != nil {
			return nil, err
		}
		return &Filter{Pred: p}, nil
	case "watermark":
		for _, a := range op.Args {
			if a.Name == "out_of_order" || a.Name == "" {
				d, err := l.constDuration(a.Value, sc)
				if err != nil {
					return nil, err
				}
				st.OutOfOrder = d
			}
			if a.Name == "idle" {
				// Applies to live sources under run only (VPL.md §4.1).
				d, err := l.constDuration(a.Value, sc)
				if err != nil {
					return nil, err
				}
				st.Idle = d
			}
		}
		return nil, nil
	case "allowed_lateness":
		if len(op.Args) != 1 {
			return nil, l.errorf(op.Pos, ".allowed_lateness takes one duration")
		}
		d, err := l.constDuration(op.Args[0].Value, sc)
		if err != nil {
			return nil, err
		}
		st.AllowedLateness = d
		return nil, nil
	case "pattern":
		n := len(st.Ops)
		w, ok := (*Window)(nil), false
		if n > 0 {
			w, ok = st.Ops[n-1].(*Window)
		}
		if !ok || len(op.Args) != 1 {
			return nil, l.errorf(op.Pos, ".pattern(name: events => p) must follow .window(...)")
		}
		lam, isLam := op.Args[0].Value.(*vpl.LambdaExpr)
		if !isLam || len(lam.Params) != 1 {
			return nil, l.errorf(op.Args[0].Pos, ".pattern takes a lambda of one parameter: events => predicate")
		}
		fn := &Function{Name: "pattern", Params: lam.Params, NSlots: 1}
		lsc := &scope{locals: map[string]int{lam.Params[0]: 0}, fn: fn, inFn: true}
		body, err := l.lowerExpr(lam.Body, lsc)
		if err != nil {
			return nil, err
		}
		w.Keep = &Lambda{Param: lam.Params[0], Body: body}
		return nil, nil
	}
	return nil, l.errorf(op.Pos, ".%s is not supported yet", op.Name)
}

// --- expressions ---

var binaryOps = map[vpl.Token]scalar.Op{
	vpl.PLUS: scalar.OpAdd, vpl.MINUS: scalar.OpSub, vpl.STAR: scalar.OpMul,
	vpl.SLASH: scalar.OpDiv, vpl.PERCENT: scalar.OpMod, vpl.POW: scalar.OpPow,
	vpl.EQ: scalar.OpEq, vpl.NE: scalar.OpNe, vpl.LT: scalar.OpLt, vpl.LE: scalar.OpLe,
	vpl.GT: scalar.OpGt, vpl.GE: scalar.OpGe, vpl.AMP: scalar.OpBitAnd,
	vpl.PIPE: scalar.OpBitOr, vpl.CARET: scalar.OpBitXor, vpl.SHL: scalar.OpShl,
	vpl.SHR: scalar.OpShr, vpl.IN: scalar.OpIn, vpl.NOTIN: scalar.OpNotIn,
	vpl.AND: scalar.OpAnd, vpl.OR: scalar.OpOr,
}

var unaryOps = map[vpl.Token]scalar.Op{
	vpl.MINUS: scalar.OpNeg, vpl.TILDE: scalar.OpBitNot, vpl.NOT: scalar.OpNot,
}

func (l *lowerer) lowerExprs(args []vpl.Arg, sc *scope) ([]Expr, error) {
	out := make([]Expr, len(args))
	for i, a := range args {
		x, err := l.lowerExpr(a.Value, sc)
		if err != nil {
			return nil, err
		}
		out[i] = x
	}
	return out, nil
}

func (l *lowerer) lowerExpr(e vpl.Expr, sc *scope) (Expr, error) {
	x, err := l.lowerExpr1(e, sc)
	if err != nil {
		return nil, err
	}
	return Fold(x), nil
}

func (l *lowerer) lowerExpr1(e vpl.Expr, sc *scope) (Expr, error) {
	switch e := e.(type) {
	case *vpl.Literal:
		return &Const{Val: e.Value}, nil
	case *vpl.Ident:
		return l.resolveName(e.Name, sc), nil
	case *vpl.MemberExpr:
		if id, ok := e.X.(*vpl.Ident); ok && sc.locals == nil {
			if a, ok := sc.aliases[id.Name]; ok {
				return &AliasField{Alias: a.name, Field: e.Name, K: a.kind(e.Name)}, nil
			}
		}
		if id, ok := e.X.(*vpl.Ident); ok && sc.alias != "" && id.Name == sc.alias && sc.locals == nil {
			return &FieldRef{Name: e.Name, K: sc.kind(e.Name)}, nil
		}
		x, err := l.lowerExpr1(e.X, sc)
		if err != nil {
			return nil, err
		}
		return &Member{X: x, Name: e.Name}, nil
	case *vpl.IndexExpr:
		x, err := l.lowerExpr1(e.X, sc)
		if err != nil {
			return nil, err
		}
		i, err := l.lowerExpr1(e.Index, sc)
		if err != nil {
			return nil, err
		}
		return &Index{X: x, I: i}, nil
	case *vpl.SliceExpr:
		x, err := l.lowerExpr1(e.X, sc)
		if err != nil {
			return nil, err
		}
		s := &Slice{X: x}
		if e.Lo != nil {
			if s.Lo, err = l.lowerExpr1(e.Lo, sc); err != nil {
				return nil, err
			}
		}
		if e.Hi != nil {
			if s.Hi, err = l.lowerExpr1(e.Hi, sc); err != nil {
				return nil, err
			}
		}
		return s, nil
	case *vpl.UnaryExpr:
		x, err := l.lowerExpr1(e.X, sc)
		if err != nil {
			return nil, err
		}
		op, ok := unaryOps[e.Op]
		if !ok {
			return nil, l.errorf(e.Pos, "unknown unary operator")
		}
		return &Unary{Op: op, X: x}, nil
	case *vpl.BinaryExpr:
		x, err := l.lowerExpr1(e.X, sc)
		if err != nil {
			return nil, err
		}
		y, err := l.lowerExpr1(e.Y, sc)
		if err != nil {
			return nil, err
		}
		if e.Op == vpl.RANGE || e.Op == vpl.RANGEINCL {
			return &Call{Fn: rangeFunc(e.Op == vpl.RANGEINCL), Args: []Expr{x, y}}, nil
		}
		op, ok := binaryOps[e.Op]
		if !ok {
			return nil, l.errorf(e.OpPos, "unknown binary operator")
		}
		return &Binary{Op: op, X: x, Y: y, K: binaryKind(op, x.Kind(), y.Kind())}, nil
	case *vpl.IsNullExpr:
		x, err := l.lowerExpr1(e.X, sc)
		if err != nil {
			return nil, err
		}
		return &IsNull{X: x, Not: e.Not}, nil
	case *vpl.IfExpr:
		c, err := l.lowerExpr1(e.Cond, sc)
		if err != nil {
			return nil, err
		}
		t, err := l.lowerExpr1(e.Then, sc)
		if err != nil {
			return nil, err
		}
		f, err := l.lowerExpr1(e.Else, sc)
		if err != nil {
			return nil, err
		}
		return &Cond{If: c, Then: t, Else: f}, nil
	case *vpl.ArrayLit:
		m := &MakeArray{}
		for _, el := range e.Elems {
			x, err := l.lowerExpr1(el, sc)
			if err != nil {
				return nil, err
			}
			m.Elems = append(m.Elems, x)
		}
		return m, nil
	case *vpl.MapLit:
		m := &MakeMap{Keys: e.Keys}
		for _, v := range e.Values {
			x, err := l.lowerExpr1(v, sc)
			if err != nil {
				return nil, err
			}
			m.Vals = append(m.Vals, x)
		}
		return m, nil
	case *vpl.CallExpr:
		return l.lowerCall(e, sc)
	case *vpl.LambdaExpr:
		return nil, l.errorf(e.Pos, "a lambda is only allowed as a .pattern argument")
	}
	return nil, errors.AssertionFailedf("unexpected expression %T", e)
}

// resolveName applies VPL.md §5 name resolution: an alias in scope, a
// local (in a function), a field of the current event, a global, else
// null. Field-or-global is decided per row, so it is a FieldRef with a
// fallback.
func (l *lowerer) resolveName(name string, sc *scope) Expr {
	if sc.locals != nil {
		if slot, ok := sc.locals[name]; ok {
			return &LocalRef{Name: name, Slot: slot}
		}
		if slot, ok := l.globals[name]; ok {
			return &GlobalRef{Name: name, Slot: slot}
		}
		return &Const{Val: event.Null}
	}
	if a, ok := sc.aliases[name]; ok {
		return &AliasEvent{Alias: a.name}
	}
	if sc.alias != "" && name == sc.alias {
		return &CurrentEvent{}
	}
	if slot, ok := l.globals[name]; ok {
		return &FieldOrGlobal{Name: name, Slot: slot}
	}
	return &FieldRef{Name: name, K: sc.kind(name)}
}

func (sc *scope) kind(field string) event.Kind {
	if k, ok := sc.kinds[field]; ok {
		return k
	}
	return KindAny
}

var declaredKinds = map[string]event.Kind{
	"int": event.KindInt, "float": event.KindFloat, "bool": event.KindBool, "str": event.KindString,
	"timestamp": event.KindTimestamp, "duration": event.KindDuration,
}

// declKinds returns the kinds of the scalar fields of a declared event
// type, inherited fields included.
func (l *lowerer) declKinds(typ string, depth int) map[string]event.Kind {
	d, ok := l.events[typ]
	if !ok || depth > 32 {
		return nil
	}
	kinds := l.declKinds(d.Extends, depth+1)
	if kinds == nil {
		kinds = map[string]event.Kind{}
	}
	for _, f := range d.Fields {
		if f.Type.Kind == vpl.TypeName {
			if k, ok := declaredKinds[f.Type.Name]; ok {
				kinds[f.Name] = k
				continue
			}
		}
		kinds[f.Name] = KindAny
	}
	return kinds
}

func (l *lowerer) lowerCall(e *vpl.CallExpr, sc *scope) (Expr, error) {
	id, ok := e.Fun.(*vpl.Ident)
	if !ok {
		return nil, l.errorf(e.Pos, "only named functions can be called")
	}
	args, err := l.lowerExprs(e.Args, sc)
	if err != nil {
		return nil, err
	}
	if fn, ok := l.funcs[id.Name]; ok {
		return &UserCall{Fn: fn, Args: args}, nil
	}
	if agg := l.aliasAggregate(id.Name, e.Args, sc); agg != nil {
		return agg, nil
	}
	switch id.Name {
	case "event_type":
		return &EventTypeOf{}, nil
	case "event_time", "now":
		if len(args) == 1 && id.Name == "event_time" {
			if ae, ok := args[0].(*AliasEvent); ok {
				return &AliasTime{Alias: ae.Alias}, nil
			}
		}
		if len(args) == 0 || sc.alias != "" {
			return &EventTimeOf{}, nil
		}
		return nil, l.errorf(e.Pos, "event_time(alias) needs a pattern stream")
	}
	if f, ok := scalar.Lookup(id.Name); ok {
		return &Call{Fn: f, Args: args}, nil
	}
	return nil, l.errorf(e.Pos, "unknown function %s", id.Name)
}

func rangeFunc(inclusive bool) *scalar.Func {
	if inclusive {
		return rangeInclFunc
	}
	return rangeExclFunc
}

var (
	rangeExclFunc = &scalar.Func{Name: "..", MinArgs: 2, MaxArgs: 2, Pure: true,
		Call: func(a []event.Value) event.Value { return scalar.Range(a[0], a[1], false) }}
	rangeInclFunc = &scalar.Func{Name: "..=", MinArgs: 2, MaxArgs: 2, Pure: true,
		Call: func(a []event.Value) event.Value { return scalar.Range(a[0], a[1], true) }}
)

// FieldOrGlobal reads a field of the current event, or, when the event has
// no such field, the global variable of that name.
type FieldOrGlobal struct {
	Name string
	Slot int
}

// Kind implements Expr.
func (e *FieldOrGlobal) Kind() event.Kind { return KindAny }
func (e *FieldOrGlobal) String() string   { return e.Name }

// --- function bodies ---

func (l *lowerer) lowerFunc(f *Function, d *vpl.FnDecl) error {
	sc := &scope{locals: map[string]int{}, fn: f, inFn: true}
	for i, p := range d.Params {
		sc.locals[p.Name] = i
	}
	f.NSlots = len(d.Params)
	body, err := l.lowerBody(d.Body, sc)
	if err != nil {
		return err
	}
	f.Body = body
	return nil
}

func (l *lowerer) lowerBody(stmts []vpl.Stmt, sc *scope) ([]Stmt, error) {
	out := make([]Stmt, 0, len(stmts))
	for _, s := range stmts {
		st, err := l.lowerStmt(s, sc)
		if err != nil {
			return nil, err
		}
		if st != nil {
			out = append(out, st)
		}
	}
	return out, nil
}

func (l *lowerer) newLocal(sc *scope, name string) int {
	slot := sc.fn.NSlots
	sc.fn.NSlots++
	sc.locals[name] = slot
	return slot
}

func (l *lowerer) lowerStmt(s vpl.Stmt, sc *scope) (Stmt, error) {
	switch s := s.(type) {
	case *vpl.VarDecl:
		v, err := l.lowerExpr(s.Value, sc)
		if err != nil {
			return nil, err
		}
		if sc.inFn {
			return &SetLocal{Slot: l.newLocal(sc, s.Name), Value: v}, nil
		}
		return &SetGlobal{Slot: l.globals[s.Name], Value: v}, nil
	case *vpl.AssignStmt:
		v, err := l.lowerExpr(s.Value, sc)
		if err != nil {
			return nil, err
		}
		if sc.inFn {
			if slot, ok := sc.locals[s.Name]; ok {
				return &SetLocal{Slot: slot, Value: v}, nil
			}
		}
		if slot, ok := l.globals[s.Name]; ok {
			return &SetGlobal{Slot: slot, Value: v}, nil
		}
		return nil, l.errorf(s.Pos, "assignment to undeclared %s", s.Name)
	case *vpl.ExprStmt:
		x, err := l.lowerExpr(s.X, sc)
		if err != nil {
			return nil, err
		}
		return &Eval{X: x}, nil
	case *vpl.IfStmt:
		st := &If{}
		c, err := l.lowerExpr(s.Cond, sc)
		if err != nil {
			return nil, err
		}
		body, err := l.lowerBody(s.Then, sc)
		if err != nil {
			return nil, err
		}
		st.Conds = append(st.Conds, c)
		st.Bodies = append(st.Bodies, body)
		for _, el := range s.Elifs {
			c, err := l.lowerExpr(el.Cond, sc)
			if err != nil {
				return nil, err
			}
			body, err := l.lowerBody(el.Body, sc)
			if err != nil {
				return nil, err
			}
			st.Conds = append(st.Conds, c)
			st.Bodies = append(st.Bodies, body)
		}
		if s.Else != nil {
			if st.Else, err = l.lowerBody(s.Else, sc); err != nil {
				return nil, err
			}
		}
		return st, nil
	case *vpl.ForStmt:
		if !sc.inFn {
			return nil, l.errorf(s.Pos, "a top-level run-time for loop is not supported yet")
		}
		st := &For{}
		if be, ok := s.Iter.(*vpl.BinaryExpr); ok && (be.Op == vpl.RANGE || be.Op == vpl.RANGEINCL) {
			lo, err := l.lowerExpr(be.X, sc)
			if err != nil {
				return nil, err
			}
			hi, err := l.lowerExpr(be.Y, sc)
			if err != nil {
				return nil, err
			}
			st.IsRangeFor, st.RangeLo, st.RangeHi, st.RangeIncl = true, lo, hi, be.Op == vpl.RANGEINCL
		} else {
			it, err := l.lowerExpr(s.Iter, sc)
			if err != nil {
				return nil, err
			}
			st.Iter = it
		}
		st.Slot = l.newLocal(sc, s.Var)
		body, err := l.lowerBody(s.Body, sc)
		if err != nil {
			return nil, err
		}
		st.Body = body
		return st, nil
	case *vpl.WhileStmt:
		if !sc.inFn {
			return nil, l.errorf(s.Pos, "a top-level while loop is not supported yet")
		}
		c, err := l.lowerExpr(s.Cond, sc)
		if err != nil {
			return nil, err
		}
		body, err := l.lowerBody(s.Body, sc)
		if err != nil {
			return nil, err
		}
		return &While{Cond: c, Body: body}, nil
	case *vpl.BreakStmt:
		return &Break{}, nil
	case *vpl.ContinueStmt:
		return &Continue{}, nil
	case *vpl.ReturnStmt:
		r := &Return{}
		if s.Value != nil {
			v, err := l.lowerExpr(s.Value, sc)
			if err != nil {
				return nil, err
			}
			r.Value = v
		}
		return r, nil
	case *vpl.EmitStmt:
		em := &EmitEvent{Type: s.Type}
		for _, a := range s.Args {
			name := a.Name
			if name == "" {
				if id, ok := a.Value.(*vpl.Ident); ok {
					name = id.Name
				} else {
					return nil, l.errorf(a.Pos, "an emitted field needs a name: write name: expression")
				}
			}
			v, err := l.lowerExpr(a.Value, sc)
			if err != nil {
				return nil, err
			}
			em.Names = append(em.Names, name)
			em.Vals = append(em.Vals, v)
		}
		return em, nil
	}
	return nil, l.errorf(s.Position(), "statement not allowed here")
}

// constValue lowers an operator argument that must be a constant.
func (l *lowerer) constValue(e vpl.Expr, sc *scope) (event.Value, error) {
	x, err := l.lowerExpr(e, sc)
	if err != nil {
		return event.Null, err
	}
	c, ok := x.(*Const)
	if !ok {
		return event.Null, l.errorf(e.Position(), "a constant is required here")
	}
	return c.Val, nil
}

func (l *lowerer) constDuration(e vpl.Expr, sc *scope) (int64, error) {
	v, err := l.constValue(e, sc)
	if err != nil {
		return 0, err
	}
	if v.Kind() != event.KindDuration || v.AsInt() < 0 {
		return 0, l.errorf(e.Position(), "a non-negative duration is required here")
	}
	return v.AsInt(), nil
}

// lowerWindow lowers .window(d), .window(d, sliding: s), .window(n),
// .window(n, sliding: k) and .window(session: g).
func (l *lowerer) lowerWindow(op *vpl.CallOp, sc *scope) (Op, error) {
	w := &Window{}
	var size, slide, session event.Value
	for _, a := range op.Args {
		v, err := l.constValue(a.Value, sc)
		if err != nil {
			return nil, err
		}
		switch a.Name {
		case "":
			size = v
		case "sliding":
			slide = v
		case "session":
			session = v
		case "policy":
		default:
			return nil, l.errorf(a.Pos, "unknown .window parameter %s", a.Name)
		}
	}
	positive := func(v event.Value) bool { return v.AsInt() > 0 }
	switch {
	case session.Kind() == event.KindDuration && size.IsNull() && slide.IsNull() && positive(session):
		w.Kind, w.Size = Session, session.AsInt()
	case size.Kind() == event.KindDuration && positive(size):
		w.Kind, w.Size = Tumbling, size.AsInt()
		if !slide.IsNull() {
			if slide.Kind() != event.KindDuration || !positive(slide) {
				return nil, l.errorf(op.Pos, "sliding: needs a positive duration")
			}
			w.Kind, w.Slide = Sliding, slide.AsInt()
		}
	case size.Kind() == event.KindInt && positive(size):
		w.Kind, w.Size = CountWindow, size.AsInt()
		if !slide.IsNull() {
			if slide.Kind() != event.KindInt || !positive(slide) {
				return nil, l.errorf(op.Pos, "sliding: needs a positive count")
			}
			w.Kind, w.Slide = SlidingCount, slide.AsInt()
		}
	default:
		return nil, l.errorf(op.Pos, "invalid window arguments")
	}
	return w, nil
}

// aggregateNames are the aggregate functions of VPL.md §4.4 taking one
// argument (count also takes none, ema two).
var aggregateNames = map[string]bool{
	"count": true, "count_distinct": true, "sum": true, "avg": true, "min": true, "max": true,
	"stddev": true, "first": true, "last": true, "ema": true,
}

// lowerAggregate lowers .aggregate(alias: aexpr, ...): aggregate calls
// become slots of the Aggregate; the items combine their results.
func (l *lowerer) lowerAggregate(op *vpl.CallOp, sc *scope) (*Aggregate, error) {
	agg := &Aggregate{}
	seen := map[string]int{}
	var rewrite func(e vpl.Expr) (Expr, error)
	rewrite = func(e vpl.Expr) (Expr, error) {
		if call, ok := e.(*vpl.CallExpr); ok {
			if id, ok := call.Fun.(*vpl.Ident); ok && aggregateNames[id.Name] && (len(call.Args) == 1 || id.Name == "count" && len(call.Args) == 0 || id.Name == "ema" && len(call.Args) == 2) {
				ac := &AggCall{Fn: id.Name}
				args := call.Args
				if id.Name == "count" && len(args) == 1 {
					// count(distinct(x)) is count_distinct(x).
					if inner, ok := args[0].Value.(*vpl.CallExpr); ok {
						if iid, ok := inner.Fun.(*vpl.Ident); ok && iid.Name == "distinct" && len(inner.Args) == 1 {
							ac.Fn = "count_distinct"
							args = inner.Args
						}
					}
				}
				if len(args) > 0 {
					x, err := l.lowerExpr(args[0].Value, sc)
					if err != nil {
						return nil, err
					}
					ac.Arg = x
				}
				if ac.Fn == "ema" {
					v, err := l.constValue(args[1].Value, sc)
					if err != nil {
						return nil, err
					}
					if v.Kind() != event.KindInt || v.AsInt() < 1 {
						return nil, l.errorf(args[1].Pos, "ema's period must be a positive integer")
					}
					ac.Period = v.AsInt()
				}
				ref := &AggRef{Call: ac}
				key := ref.String()
				if slot, ok := seen[key]; ok {
					return &AggRef{Slot: slot, Call: agg.Calls[slot]}, nil
				}
				ref.Slot = len(agg.Calls)
				seen[key] = ref.Slot
				agg.Calls = append(agg.Calls, ac)
				return ref, nil
			}
		}
		return l.lowerAggExpr(e, sc, rewrite)
	}
	for _, a := range op.Args {
		x, err := rewrite(a.Value)
		if err != nil {
			return nil, err
		}
		name := a.Name
		if name == "" {
			return nil, l.errorf(a.Pos, "an aggregate needs a name: write alias: expression")
		}
		agg.Items = append(agg.Items, Item{Name: name, X: Fold(x)})
	}
	return agg, nil
}

// lowerAggExpr lowers the operators and constants around aggregate calls.
func (l *lowerer) lowerAggExpr(e vpl.Expr, sc *scope, sub func(vpl.Expr) (Expr, error)) (Expr, error) {
	switch e := e.(type) {
	case *vpl.BinaryExpr:
		x, err := sub(e.X)
		if err != nil {
			return nil, err
		}
		y, err := sub(e.Y)
		if err != nil {
			return nil, err
		}
		op, ok := binaryOps[e.Op]
		if !ok {
			return nil, l.errorf(e.OpPos, "operator not allowed in an aggregate")
		}
		return &Binary{Op: op, X: x, Y: y, K: binaryKind(op, x.Kind(), y.Kind())}, nil
	case *vpl.UnaryExpr:
		x, err := sub(e.X)
		if err != nil {
			return nil, err
		}
		return &Unary{Op: unaryOps[e.Op], X: x}, nil
	case *vpl.CallExpr:
		id, ok := e.Fun.(*vpl.Ident)
		if !ok {
			return nil, l.errorf(e.Pos, "only named functions can be called")
		}
		f, ok := scalar.Lookup(id.Name)
		if !ok {
			return nil, l.errorf(e.Pos, "unknown function %s", id.Name)
		}
		c := &Call{Fn: f}
		for _, a := range e.Args {
			x, err := sub(a.Value)
			if err != nil {
				return nil, err
			}
			c.Args = append(c.Args, x)
		}
		return c, nil
	case *vpl.IfExpr:
		c, err := sub(e.Cond)
		if err != nil {
			return nil, err
		}
		t, err := sub(e.Then)
		if err != nil {
			return nil, err
		}
		f, err := sub(e.Else)
		if err != nil {
			return nil, err
		}
		return &Cond{If: c, Then: t, Else: f}, nil
	case *vpl.IsNullExpr:
		x, err := sub(e.X)
		if err != nil {
			return nil, err
		}
		return &IsNull{X: x, Not: e.Not}, nil
	}
	// Constants and globals are allowed; a bare field is E073 (checked).
	return l.lowerExpr(e, sc)
}
