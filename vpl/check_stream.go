package vpl

import (
	"fmt"
	"slices"
	"strings"

	"github.com/varpulis/varpulis-go/event"
	"github.com/varpulis/varpulis-go/event/scalar"
)

// aliasDef is a pattern alias: where it is bound and by which step (the
// source is step 0).
type aliasDef struct {
	name    string
	pos     Pos
	step    int
	pattern bool // bound by a named pattern, checked at its declaration
}

// streamInfo holds what the checks of one stream need to know.
type streamInfo struct {
	decl    *StreamDecl
	pattern bool         // a pattern stream (VPL.md §4 (a))
	named   *PatternDecl // the named pattern it reads, if any
	join    *JoinSource
	noMatch string // "merge", "join" or "timer": sources no matcher can use
	aliases []aliasDef
	cx      *exprCtx

	firstStep, lastStep int // op indexes of the first and last -> step, -1 when none
	window              *CallOp
	windowKind          string // "time", "count", "session"
	aggregate           *CallOp
	trend               bool // .trend_aggregate() seen
	hasOn               bool
	kleene, within      bool
}

// matcherOps may stand before a -> step (VPL.md §4 (a), (b)); where only
// before the first one.
var matcherOps = map[string]bool{
	"within": true, "policy": true, "partition_by": true, "watermark": true,
	"allowed_lateness": true, "context": true,
}

// namedParams lists the named parameters of the operators that have a
// fixed set. Operators not listed take none, except those whose names are
// output fields (emit, select, aggregate, trend_aggregate, pattern) and
// .to(), whose parameters belong to the connector (W080).
var namedParams = map[string][]string{
	"window":    {"sliding", "session", "policy"},
	"watermark": {"out_of_order", "idle"},
	"log":       {"level", "message", "data"},
	"enrich":    {"key", "fields", "cache_ttl", "timeout", "fallback"},
	"score":     {"model", "inputs", "outputs"},
	"forecast":  {"mode", "confidence", "horizon", "warmup", "max_depth", "hawkes", "conformal"},
	"timer":     {"initial_delay"},
}

var freeNamedParams = map[string]bool{
	"emit": true, "select": true, "aggregate": true, "trend_aggregate": true,
	"pattern": true, "to": true, "from": true,
}

// arg0 returns the first positional argument. The parser has checked the
// count for the operators that need one; the zero Arg (with a nil Value)
// stands for a missing one.
func arg0(args []Arg) Expr {
	for _, a := range args {
		if a.Name == "" {
			return a.Value
		}
	}
	return nil
}

// unsupportedOps are recognised but not supported (E090).
var unsupportedOps = map[string]string{
	"map":        "reshape events with .select() or .emit()",
	"tap":        "use .print() or .log() to observe events",
	"collect":    "use .window(...) to group events",
	"on_error":   "errors never abort processing: a failing expression gives null",
	"fork":       "declare one stream per branch, each reading this one",
	"any":        "use a named pattern with OR",
	"all":        "use a named pattern with AND",
	"concurrent": "use .context(c) to place a stream in a context",
	"order_by":   "outputs come in a deterministic order (VPL.md §7.3)",
	"score":      "this build has no ONNX support",
}

func (c *checker) checkStream(s *StreamDecl) {
	st := &streamInfo{decl: s, firstStep: -1, lastStep: -1}
	c.analyzeSource(st)
	for i, op := range s.Ops {
		switch op := op.(type) {
		case *StepOp:
			st.pattern = true
			if st.firstStep < 0 {
				st.firstStep = i
			}
			st.lastStep = i
			st.addAlias(op.Alias, op.AliasPos, i+1)
			if op.All {
				st.kleene = true
			}
		case *NotOp:
			st.pattern = true
		case *CallOp:
			switch op.Name {
			case "within":
				st.within = true
			case "on":
				st.hasOn = true
			}
		}
	}
	if st.pattern {
		c.checkAliasDups(st.aliases)
		st.cx = &exprCtx{aliases: map[string]bool{}}
		for _, a := range st.aliases {
			st.cx.aliases[a.name] = true
		}
	} else {
		st.cx = &exprCtx{}
	}
	c.checkSourceExprs(st)
	for i, op := range s.Ops {
		c.checkOpPlacement(st, i, op)
		switch op := op.(type) {
		case *StepOp:
			c.read[op.Type] = true
			c.checkTypeName(op.Type, op.TypePos)
			if op.Where != nil {
				// Aliases are numbered by operator index (+1, the source
				// being 0). A step's own alias names the candidate (or, in
				// a Kleene step, its previous element): it counts as bound.
				c.checkAliasUse(op.Where, st.aliases, i+2)
				c.checkCond(op.Where, "a -> step", st.cx)
			}
		case *NotOp:
			c.read[op.Type] = true
			c.checkTypeName(op.Type, op.TypePos)
			if st.noMatch != "" {
				c.errorf(op.Pos, "E021", "a negation kills pattern runs: use it with an event type source, -> steps or a named pattern",
					".not() cannot apply to a %s source", st.noMatch)
			}
			if op.Where != nil {
				c.checkAliasUse(op.Where, st.aliases, i+1)
				c.checkCond(op.Where, ".not()", st.cx)
			}
		case *CallOp:
			c.checkOp(st, i, op)
		}
	}
	if st.join != nil && !st.hasOn && !allMembersKeyed(st.join) {
		c.errorf(st.join.Pos, "E026", "write join(A, B).on(A.key == B.key)", "join without .on()")
	}
}

// addAlias records an alias: the source's is step 0, sequence() steps are
// numbered -n..-1, a -> step's is its operator index + 1.
func (st *streamInfo) addAlias(name string, pos Pos, step int) {
	if name != "" {
		st.aliases = append(st.aliases, aliasDef{name: name, pos: pos, step: step})
	}
}

func allMembersKeyed(j *JoinSource) bool {
	for _, m := range j.Members {
		if m.On == nil {
			return false
		}
	}
	return len(j.Members) > 0
}

// analyzeSource records what the source contributes: pattern-ness,
// aliases, names read.
func (c *checker) analyzeSource(st *streamInfo) {
	switch src := st.decl.Source.(type) {
	case *NameSource:
		c.read[src.Name] = true
		if p := c.patterns[src.Name]; p != nil && src.From == nil {
			st.pattern, st.named = true, p
			st.within = p.Within != nil
			for _, it := range patternItems(p.Pattern) {
				c.read[it.Type] = true
				if it.Alias != "" {
					st.aliases = append(st.aliases, aliasDef{name: it.Alias, pos: it.AliasPos, pattern: true})
				}
				if it.Quantifier == '+' || it.Quantifier == '*' {
					st.kleene = true
				}
			}
		} else {
			c.checkTypeName(src.Name, src.NamePos)
		}
		if src.All {
			st.pattern, st.kleene = true, true
		}
		st.addAlias(src.Alias, src.AliasPos, 0)
	case *SequenceSource:
		// The steps are numbered -n..-1, before every operator.
		st.pattern = true
		for i, s := range src.Steps {
			c.read[s.Type] = true
			c.checkTypeName(s.Type, s.TypePos)
			st.addAlias(s.Alias, s.Pos, i-len(src.Steps))
		}
	case *MergeSource:
		st.noMatch = "merge"
		for _, m := range src.Members {
			c.read[m.Name] = true
			c.checkTypeName(m.Name, m.NamePos)
		}
	case *JoinSource:
		st.noMatch, st.join = "join", src
		for _, m := range src.Members {
			c.read[m.Name] = true
			c.checkTypeName(m.Name, m.NamePos)
		}
	case *TimerSource:
		st.noMatch = "timer"
	}
}

// checkSourceExprs checks the expressions inside the source.
func (c *checker) checkSourceExprs(st *streamInfo) {
	switch src := st.decl.Source.(type) {
	case *NameSource:
		if src.From != nil {
			c.checkConnUse(src.From, "from")
		}
	case *SequenceSource:
		for i, s := range src.Steps {
			if s.Where != nil {
				c.checkAliasUse(s.Where, st.aliases, i-len(src.Steps)+1)
				c.checkCond(s.Where, "a sequence() step", st.cx)
			}
			if s.Within != nil {
				c.checkDuration(s.Within, "a sequence() step's .within()")
			}
		}
	case *MergeSource:
		for _, m := range src.Members {
			if m.Where != nil {
				c.checkCond(m.Where, "a merge() member", st.cx)
			}
		}
	case *JoinSource:
		for _, m := range src.Members {
			if m.On != nil {
				c.checkExpr(m.On, st.cx)
			}
		}
	case *TimerSource:
		c.checkNamedParams("timer", "timer()", src.Args)
		for _, a := range src.Args {
			c.checkExpr(a.Value, st.cx)
			switch a.Name {
			case "":
				c.checkDuration(a.Value, "timer()")
			case "initial_delay":
				c.checkDuration(a.Value, "initial_delay")
			}
		}
	}
}

// checkAliasDups reports aliases bound twice (E023).
func (c *checker) checkAliasDups(aliases []aliasDef) {
	first := map[string]Pos{}
	for _, a := range aliases {
		if p, ok := first[a.name]; ok && !a.pattern {
			c.errorNote(a.pos, "E023", "give each step its own alias", Note{Pos: p, Text: "first bound here"},
				"alias '%s' bound twice", a.name)
			continue
		}
		first[a.name] = a.pos
	}
}

// checkAliasUse reports aliases that x uses before they are bound (E022):
// those of steps numbered bound or later.
func (c *checker) checkAliasUse(x Expr, aliases []aliasDef, bound int) {
	early := map[string]bool{}
	later := map[string]aliasDef{}
	for _, a := range aliases {
		if a.step < bound {
			early[a.name] = true
		} else if _, ok := later[a.name]; !ok {
			later[a.name] = a
		}
	}
	reported := map[string]bool{}
	walkIdents(x, func(id *Ident) {
		a, ok := later[id.Name]
		if !ok || early[id.Name] || reported[id.Name] {
			return
		}
		reported[id.Name] = true
		c.errorNote(id.Pos, "E022", "a predicate can only refer to the aliases of earlier steps",
			Note{Pos: a.pos, Text: "'" + a.name + "' is bound here"}, "alias '%s' used before it is bound", id.Name)
	})
}

// checkOpPlacement reports operators that may not stand where they are
// in a pattern stream (E028): before the first -> step only the matcher's
// elements and stream settings (and .where, which joins step 1's
// predicate), between steps only the matcher's elements and settings.
func (c *checker) checkOpPlacement(st *streamInfo, i int, op Op) {
	o, ok := op.(*CallOp)
	if !ok || st.firstStep < 0 || i > st.lastStep || matcherOps[o.Name] {
		return
	}
	if i < st.firstStep && (o.Name == "where" || o.Name == "filter") {
		return
	}
	where := "before the first -> step"
	if i > st.firstStep {
		where = "between -> steps"
	}
	c.errorf(o.Pos, "E028", "the source, -> steps, .not(), .within(), .policy() and .partition_by() form the matcher; write other operators after the last step",
		".%s() is not allowed %s", o.Name, where)
}

// checkNamedParams reports named parameters an operator does not take
// (E080).
func (c *checker) checkNamedParams(op, what string, args []Arg) {
	if freeNamedParams[op] {
		return
	}
	valid := namedParams[op]
	for _, a := range args {
		if a.Name == "" || slices.Contains(valid, a.Name) {
			continue
		}
		hint := what + " takes no named parameters"
		if len(valid) > 0 {
			hint = "valid parameters: " + strings.Join(valid, ", ")
			if s := c.suggest(a.Name, valid); s != "" {
				hint = "did you mean '" + s + "'? " + hint
			}
		}
		c.errorf(a.Pos, "E080", hint, "unknown parameter '%s' of %s", a.Name, what)
	}
}

// checkOp checks one .name(args) operator.
func (c *checker) checkOp(st *streamInfo, i int, o *CallOp) {
	what := "." + o.Name + "()"
	if hint, ok := unsupportedOps[o.Name]; ok {
		c.errorf(o.Pos, "E090", hint, "operator %s is not supported", what)
		return
	}
	if !operatorNames[o.Name] {
		hint := ""
		if s := c.suggest(o.Name, knownOps()); s != "" {
			hint = "did you mean ." + s + "()?"
		}
		c.errorf(o.Pos, "E090", hint, "unknown operator %s", what)
		return
	}
	c.checkNamedParams(o.Name, what, o.Args)
	cx := st.cx
	first := arg0(o.Args)
	if first == nil {
		switch o.Name {
		case "where", "filter", "having", "within", "policy", "allowed_lateness", "context", "to", "enrich", "process":
			return // the parser requires the argument; nothing to check without it
		}
	}
	switch o.Name {
	case "where", "filter":
		if st.firstStep >= 0 && i < st.firstStep {
			c.checkAliasUse(first, st.aliases, 1)
		}
		c.checkCond(first, what, cx)
		return
	case "having":
		if st.aggregate == nil && !st.trend {
			c.errorf(o.Pos, "E010", "aggregate first, e.g. .aggregate(n: count()).having(n > 10); to filter events use .where()",
				".having() without an earlier .aggregate()")
		}
		c.checkCond(first, what, cx)
		return
	case "emit", "select":
		c.checkOutputs(o)
		if o.Name == "emit" && o.As != "" && c.declaresEvents() && c.events[o.As] == nil {
			c.warn(o.AsPos, "W031", fmt.Sprintf(".emit as %s: '%s' is not a declared event type", o.As, o.As),
				"declare it: event "+o.As+":")
		}
		for _, a := range o.Args {
			if o.Name == "emit" && a.Name == "context" {
				c.checkContextRef(a.Value)
				continue
			}
			c.checkExpr(a.Value, cx)
		}
		return
	case "aggregate", "trend_aggregate":
		c.checkOutputs(o)
		trend := o.Name == "trend_aggregate"
		if !trend {
			if st.aggregate != nil {
				c.errorNote(o.Pos, "E011", "combine the items into one .aggregate(...)", Note{Pos: st.aggregate.Pos, Text: "first .aggregate() here"},
					"second .aggregate() in stream '%s'", st.decl.Name)
			} else {
				st.aggregate = o
				if st.window == nil {
					c.warn(o.Pos, "W001", ".aggregate() without .window() is a running aggregate over all events so far",
						"add .window(d) before it to aggregate per window")
				}
			}
		} else {
			st.trend = true
			switch {
			case !st.kleene:
				c.errorf(o.Pos, "E024", "add a Kleene step: all T as a, or -> all T as a", ".trend_aggregate() needs a Kleene step")
			case !st.within:
				c.errorf(o.Pos, "E024", "add .within(d): it sets the windows trends are counted in", ".trend_aggregate() needs .within()")
			}
		}
		for _, a := range o.Args {
			c.checkAggItem(a.Value, trend, cx)
		}
		return
	case "window":
		if st.window != nil {
			c.errorNote(o.Pos, "E012", "a stream has one window", Note{Pos: st.window.Pos, Text: "first .window() here"},
				"second .window() in stream '%s'", st.decl.Name)
		} else {
			st.window = o
			st.windowKind = c.checkWindow(o)
		}
	case "partition_by":
		if st.window != nil {
			c.warn(o.Pos, "W002", ".partition_by() written after .window()",
				"it partitions the whole stream wherever written; write it before .window()")
		}
	case "within":
		if !st.pattern {
			c.errorf(o.Pos, "E020", "within bounds the time of a match (after -> steps, .not(), all, sequence() or a named pattern); for time buckets use .window(d)",
				".within() outside a pattern stream")
		}
		c.checkDuration(first, what)
	case "policy":
		if !st.pattern || st.noMatch != "" {
			c.errorf(o.Pos, "E021", "a policy selects how a pattern's runs bind events; use it after -> steps", ".policy() outside a pattern stream")
		}
		c.checkPolicy(first)
		return
	case "forecast":
		if !st.pattern {
			c.errorf(o.Pos, "E025", "forecast the completion of a pattern: A as a -> B ... .forecast(...)", ".forecast() must follow a pattern")
		}
		for _, a := range o.Args {
			if a.Name == "horizon" {
				c.checkDuration(a.Value, "horizon")
			}
		}
	case "on":
		if st.join == nil {
			c.errorf(o.Pos, "E026", ".on() gives the key of a join(...) source", ".on() outside a join")
		}
	case "watermark":
		for _, a := range o.Args {
			if a.Name == "out_of_order" || a.Name == "idle" {
				c.checkDuration(a.Value, a.Name)
			}
		}
	case "allowed_lateness":
		c.checkDuration(first, what)
		if !c.hasTimeWindow(st.decl) {
			c.warn(o.Pos, "W004", ".allowed_lateness() without a time window has no effect",
				"it applies to tumbling and sliding time windows: .window(1m) or .window(1m, sliding: 10s)")
		}
	case "context":
		c.checkContextRef(first)
		return
	case "to":
		c.checkConnUse(o, "to")
	case "enrich":
		c.checkEnrich(o)
	case "process":
		c.checkProcess(first, cx)
		return
	case "pattern":
		for _, a := range o.Args {
			switch a.Value.(type) {
			case *LambdaExpr:
			case *ArrowExpr:
				c.errorf(a.Value.Position(), "E090", "declare a named pattern (pattern P = SEQ(A, B)) or write -> steps",
					"a sequence in .pattern() is not supported")
				continue
			default:
				c.errorf(a.Value.Position(), "E090", "write .pattern(name: events => condition)",
					".pattern() takes a predicate over the window's events")
				continue
			}
			c.checkExpr(a.Value, cx)
		}
		return
	}
	for _, a := range o.Args {
		c.checkExpr(a.Value, cx)
	}
}

func knownOps() []string {
	var ops []string
	for name := range operatorNames {
		if _, bad := unsupportedOps[name]; !bad {
			ops = append(ops, name)
		}
	}
	return ops
}

// checkOutputs reports output fields defined twice in .emit(), .select(),
// .aggregate() or .trend_aggregate() (E023).
func (c *checker) checkOutputs(o *CallOp) {
	first := map[string]Pos{}
	for _, a := range o.Args {
		name := a.Name
		if name == "" {
			name = lastName(a.Value)
		}
		if name == "" || o.Name == "emit" && a.Name == "context" {
			continue
		}
		if p, ok := first[name]; ok {
			c.errorNote(a.Pos, "E023", "rename one of them: name: expression", Note{Pos: p, Text: "first defined here"},
				"output field '%s' defined twice", name)
			continue
		}
		first[name] = a.Pos
	}
}

// lastName is the field name an unnamed item gives: x for x, f for a.f.
func lastName(x Expr) string {
	switch x := x.(type) {
	case *Ident:
		return x.Name
	case *MemberExpr:
		return x.Name
	}
	return ""
}

// checkWindow checks .window arguments (E013, E061) and returns its kind.
func (c *checker) checkWindow(o *CallOp) string {
	var pos []Arg
	var sliding, session *Arg
	for i := range o.Args {
		switch a := &o.Args[i]; a.Name {
		case "":
			pos = append(pos, *a)
		case "sliding":
			sliding = a
		case "session":
			session = a
		}
	}
	const hint = "write .window(5m), .window(5m, sliding: 1m), .window(100), .window(100, sliding: 10) or .window(session: 30s)"
	positive := func(a *Arg, v event.Value) {
		if v.AsInt() <= 0 {
			c.errorf(a.Value.Position(), "E013", hint, "window size must be positive")
		}
	}
	switch {
	case session != nil:
		if len(pos) > 0 {
			c.errorf(pos[0].Pos, "E013", hint, "a session window takes only session: gap")
		}
		if sliding != nil {
			c.errorf(sliding.Pos, "E013", hint, "sliding cannot be combined with session")
		}
		c.checkDuration(session.Value, "session:")
		if v, ok := c.constValue(session.Value); ok && v.Kind() == event.KindDuration {
			positive(session, v)
		}
		return "session"
	case len(pos) == 0:
		c.errorf(o.Pos, "E013", hint, ".window() needs a size")
		return ""
	case len(pos) > 1:
		c.errorf(pos[1].Pos, "E013", hint, ".window() takes one size; a slide is written sliding: d")
		return ""
	}
	size := &pos[0]
	v, ok := c.constValue(size.Value)
	if !ok {
		c.errorf(size.Value.Position(), "E013", hint, "window size must be a duration or integer literal, or a let or const bound to one")
		return ""
	}
	var kind string
	switch v.Kind() {
	case event.KindDuration:
		kind = "time"
		positive(size, v)
		if sliding != nil {
			c.checkDuration(sliding.Value, "sliding: of a time window")
			if s, ok := c.constValue(sliding.Value); ok && s.Kind() == event.KindDuration {
				positive(sliding, s)
			}
		}
	case event.KindInt:
		kind = "count"
		positive(size, v)
		if sliding != nil {
			s, ok := c.constValue(sliding.Value)
			switch {
			case !ok || s.Kind() != event.KindInt:
				c.errorf(sliding.Value.Position(), "E013", hint, "a count window slides by an integer count")
			default:
				positive(sliding, s)
			}
		}
	case event.KindFloat:
		c.errorf(size.Value.Position(), "E013", hint, "window size must be an integer count or a duration, not %s", describeValue(v))
	default:
		c.errorf(size.Value.Position(), "E061", hint, ".window() requires a duration or a count, not %s", describeValue(v))
	}
	return kind
}

// hasTimeWindow reports whether a stream has a tumbling or sliding time
// window.
func (c *checker) hasTimeWindow(s *StreamDecl) bool {
	for _, op := range s.Ops {
		if o, ok := op.(*CallOp); ok && o.Name == "window" && arg0(o.Args) != nil {
			if v, ok := c.constValue(arg0(o.Args)); ok && v.Kind() == event.KindDuration {
				return true
			}
		}
	}
	return false
}

// checkPolicy reports an unknown policy (E027).
func (c *checker) checkPolicy(x Expr) {
	name := ""
	switch x := x.(type) {
	case *Ident:
		name = x.Name
	case *Literal:
		name = x.Value.AsString()
	}
	if name != "next" && name != "any" && name != "strict" {
		c.errorf(x.Position(), "E027", "policies: next (the default), any, strict", "unknown policy '%s'", exprText(x))
	}
}

// checkContextRef reports an undeclared context (E031).
func (c *checker) checkContextRef(x Expr) {
	id, ok := x.(*Ident)
	if !ok {
		c.errorf(x.Position(), "E031", "name a context declared with: context name (cores: [0])", "a context is named by an identifier")
		return
	}
	if c.ctxs[id.Name] == nil {
		c.errorf(id.Pos, "E031", "declare it: context "+id.Name+" (cores: [0])", "undefined context '%s'", id.Name)
	}
}

// connRef resolves the connector named by the first argument of .to(),
// .from() or .enrich(), reporting E030 and E090.
func (c *checker) connRef(o *CallOp) *ConnectorDecl {
	arg := arg0(o.Args)
	if arg == nil {
		return nil
	}
	id, ok := arg.(*Ident)
	if !ok {
		c.errorf(arg.Position(), "E090", "declare a connector and name it: connector Out = http (url: \"...\") then ."+o.Name+"(Out)",
			".%s() with an expression is not supported: it takes a connector name", o.Name)
		return nil
	}
	d := c.conns[id.Name]
	if d == nil {
		hint := "declare it: connector " + id.Name + " = mqtt (host: \"localhost\", port: 1883)"
		var names []string
		for n := range c.conns {
			names = append(names, n)
		}
		if s := c.suggest(id.Name, names); s != "" {
			hint = "did you mean '" + s + "'? Otherwise " + hint
		}
		c.errorf(id.Pos, "E030", hint, "undefined connector '%s'", id.Name)
	}
	return d
}

// checkConnUse checks .to(Conn, ...) and .from(Conn, ...).
func (c *checker) checkConnUse(o *CallOp, op string) {
	if d := c.connRef(o); d != nil {
		c.checkUseParams(op, d, o.Args)
	}
}

// enrichKinds are the connector kinds with request/response (VPL.md §4.2).
var enrichKinds = []string{"http", "database", "redis"}

func (c *checker) checkEnrich(o *CallOp) {
	if d := c.connRef(o); d != nil && !slices.Contains(enrichKinds, d.Kind) {
		c.errorNote(arg0(o.Args).Position(), "E032", "enrich through an http, database or redis connector",
			Note{Pos: d.KindPos, Text: "'" + d.Name + "' is declared " + d.Kind + " here"},
			".enrich() needs a request/response connector; '%s' is %s", d.Name, d.Kind)
	}
	hasFields := false
	for _, a := range o.Args {
		switch a.Name {
		case "fields":
			hasFields = true
		case "cache_ttl", "timeout":
			c.checkDuration(a.Value, a.Name)
		}
	}
	if !hasFields {
		c.warn(o.Pos, "W032", ".enrich() without fields adds only enrich_status and enrich_latency_ms",
			"list the fields to add: fields: [name, ...]")
	}
}

// checkProcess checks .process(f(args)): f must be a user function.
func (c *checker) checkProcess(arg Expr, cx *exprCtx) {
	call, _ := arg.(*CallExpr)
	var id *Ident
	if call != nil {
		id, _ = call.Fun.(*Ident)
	}
	if id == nil {
		c.errorf(arg.Position(), "E050", "write .process(f(args)) with f declared by fn f(...):", ".process() takes a call of a user function")
		return
	}
	if fn := c.fns[id.Name]; fn != nil {
		c.checkArity(call, fn)
	} else if scalar.IsKnown(id.Name) {
		c.errorf(id.Pos, "E050", "declare a function with fn f(...): whose emit statements build the output events",
			".process() calls a user function; '%s' is a built-in", id.Name)
	} else {
		hint := "declare it: fn " + id.Name + "(...):"
		var names []string
		for n := range c.fns {
			names = append(names, n)
		}
		if s := c.suggest(id.Name, names); s != "" {
			hint = "did you mean '" + s + "'?"
		}
		c.errorf(id.Pos, "E050", hint, "unknown function '%s' in .process(): it calls a function declared with fn", id.Name)
	}
	for _, a := range call.Args {
		c.checkExpr(a.Value, cx)
	}
}

// --- named patterns ---

// patternItems lists the items of a named pattern in textual order.
func patternItems(p PatternExpr) []*PatternItem {
	var items []*PatternItem
	var walk func(PatternExpr)
	walk = func(p PatternExpr) {
		switch p := p.(type) {
		case *PatternItem:
			items = append(items, p)
		case *PatternSeq:
			for _, it := range p.Items {
				walk(it)
			}
		case *PatternBinary:
			walk(p.X)
			walk(p.Y)
		}
	}
	walk(p)
	return items
}

func (c *checker) checkPatternDecl(d *PatternDecl) {
	cx := &exprCtx{aliases: map[string]bool{}}
	for _, it := range patternItems(d.Pattern) {
		if it.Alias != "" {
			cx.aliases[it.Alias] = true
		}
	}
	c.checkPatternExpr(d.Pattern, false, cx)
	if d.Within != nil {
		c.checkDuration(d.Within, "within")
	}
	if d.Policy != "" && d.Policy != "next" && d.Policy != "any" && d.Policy != "strict" {
		c.errorf(d.PolicyPos, "E027", "policies: next (the default), any, strict", "unknown policy '%s'", d.Policy)
	}
}

// checkPatternExpr checks a pattern node; inSeq tells whether it is an
// item of a SEQ (where only a NOT item that is not first may stand).
func (c *checker) checkPatternExpr(p PatternExpr, inSeq bool, cx *exprCtx) {
	switch p := p.(type) {
	case *PatternItem:
		if p.Not && !inSeq {
			c.errorf(p.Pos, "E021", "a negation needs a preceding item: SEQ(A, NOT B, C)", "a NOT item outside SEQ(...)")
		}
		c.checkItem(p, cx)
	case *PatternSeq:
		var aliases []aliasDef
		for i, it := range p.Items {
			if item, ok := it.(*PatternItem); ok && item.Alias != "" {
				aliases = append(aliases, aliasDef{name: item.Alias, pos: item.AliasPos, step: i})
			}
		}
		c.checkAliasDups(aliases)
		for i, it := range p.Items {
			item, ok := it.(*PatternItem)
			if !ok {
				c.checkPatternExpr(it, false, cx)
				continue
			}
			if item.Not && i == 0 {
				c.errorf(item.Pos, "E021", "a negation needs a preceding item: SEQ(A, NOT B, C)", "a NOT item first in SEQ(...)")
			}
			if item.Where != nil {
				c.checkAliasUse(item.Where, aliases, i+1) // its own alias included
			}
			c.checkItem(item, cx)
		}
	case *PatternBinary:
		if p.Op == "AND" {
			x, _ := p.X.(*PatternItem)
			y, _ := p.Y.(*PatternItem)
			if x != nil && y != nil && x.Alias != "" && x.Alias == y.Alias {
				c.errorNote(y.AliasPos, "E023", "give each item its own alias", Note{Pos: x.AliasPos, Text: "first bound here"},
					"alias '%s' bound twice", y.Alias)
			}
		}
		c.checkPatternExpr(p.X, false, cx)
		c.checkPatternExpr(p.Y, false, cx)
	}
}

func (c *checker) checkItem(it *PatternItem, cx *exprCtx) {
	c.checkTypeName(it.Type, it.TypePos)
	if it.Where != nil {
		c.checkCond(it.Where, "a pattern item", cx)
	}
}

// --- program-wide checks ---

// producers maps each name to the streams whose output events carry it:
// the stream of that name, streams with `.emit as` it, and streams whose
// .process function emits it.
func (c *checker) producers() map[string][]*StreamDecl {
	fnEmits := map[string][]string{}
	for name, fn := range c.fns {
		walkStmts(fn.Body, func(s Stmt) {
			if e, ok := s.(*EmitStmt); ok {
				fnEmits[name] = append(fnEmits[name], e.Type)
			}
		})
	}
	prod := map[string][]*StreamDecl{}
	for _, s := range c.prog.Stmts {
		sd, ok := s.(*StreamDecl)
		if !ok || c.streams[sd.Name] != sd {
			continue
		}
		prod[sd.Name] = append(prod[sd.Name], sd)
		for _, op := range sd.Ops {
			o, ok := op.(*CallOp)
			if !ok {
				continue
			}
			if o.Name == "emit" && o.As != "" && o.As != sd.Name {
				prod[o.As] = append(prod[o.As], sd)
			}
			if o.Name == "process" {
				if call, ok := arg0(o.Args).(*CallExpr); ok {
					if id, ok := call.Fun.(*Ident); ok {
						for _, t := range fnEmits[id.Name] {
							prod[t] = append(prod[t], sd)
						}
					}
				}
			}
		}
	}
	return prod
}

// inputs lists the names a stream reads.
func (c *checker) inputs(s *StreamDecl) []string {
	var names []string
	switch src := s.Source.(type) {
	case *NameSource:
		if p := c.patterns[src.Name]; p != nil && src.From == nil {
			for _, it := range patternItems(p.Pattern) {
				names = append(names, it.Type)
			}
		} else {
			names = append(names, src.Name)
		}
	case *MergeSource:
		for _, m := range src.Members {
			names = append(names, m.Name)
		}
	case *JoinSource:
		for _, m := range src.Members {
			names = append(names, m.Name)
		}
	case *SequenceSource:
		for _, st := range src.Steps {
			names = append(names, st.Type)
		}
	}
	for _, op := range s.Ops {
		switch op := op.(type) {
		case *StepOp:
			names = append(names, op.Type)
		case *NotOp:
			names = append(names, op.Type)
		}
	}
	return names
}

// checkCycles reports each cycle of the stream dependency graph once, at
// the first stream of its strongly connected component in declaration
// order, listing a shortest cycle through it (E008).
func (c *checker) checkCycles() {
	prod := c.producers()
	var order []*StreamDecl
	index := map[*StreamDecl]int{}
	for _, s := range c.prog.Stmts {
		if sd, ok := s.(*StreamDecl); ok && c.streams[sd.Name] == sd {
			index[sd] = len(order)
			order = append(order, sd)
		}
	}
	deps := make([][]int, len(order))
	for i, s := range order {
		seen := map[int]bool{}
		for _, name := range c.inputs(s) {
			for _, p := range prod[name] {
				if j := index[p]; !seen[j] {
					seen[j] = true
					deps[i] = append(deps[i], j)
				}
			}
		}
	}
	comp := components(deps)
	reported := map[int]bool{}
	for i, s := range order {
		if reported[comp[i]] {
			continue
		}
		path := shortestCycle(i, deps, comp)
		if path == nil {
			continue
		}
		reported[comp[i]] = true
		names := make([]string, len(path))
		for k, j := range path {
			names[k] = order[j].Name
		}
		c.errorf(s.NamePos, "E008", "a stream cannot read, directly or through other streams, the events it produces",
			"stream '%s' depends on itself: %s", s.Name, strings.Join(names, " -> "))
	}
}

// components returns the strongly connected component of every node
// (Tarjan's algorithm, iterative so that long chains cannot exhaust the
// stack).
func components(deps [][]int) []int {
	n := len(deps)
	index, low, comp := make([]int, n), make([]int, n), make([]int, n)
	for i := range index {
		index[i], comp[i] = -1, -1
	}
	onStack := make([]bool, n)
	var stack []int
	next, ncomp := 0, 0
	type frame struct{ v, edge int }
	for root := range n {
		if index[root] >= 0 {
			continue
		}
		call := []frame{{v: root}}
		index[root], low[root] = next, next
		next++
		stack = append(stack, root)
		onStack[root] = true
		for len(call) > 0 {
			f := &call[len(call)-1]
			if f.edge < len(deps[f.v]) {
				w := deps[f.v][f.edge]
				f.edge++
				switch {
				case index[w] < 0:
					index[w], low[w] = next, next
					next++
					stack = append(stack, w)
					onStack[w] = true
					call = append(call, frame{v: w})
				case onStack[w]:
					low[f.v] = min(low[f.v], index[w])
				}
				continue
			}
			v := f.v
			call = call[:len(call)-1]
			if len(call) > 0 {
				u := call[len(call)-1].v
				low[u] = min(low[u], low[v])
			}
			if low[v] == index[v] {
				for {
					w := stack[len(stack)-1]
					stack = stack[:len(stack)-1]
					onStack[w] = false
					comp[w] = ncomp
					if w == v {
						break
					}
				}
				ncomp++
			}
		}
	}
	return comp
}

// shortestCycle returns a shortest path s -> ... -> s within s's
// component, or nil when there is none.
func shortestCycle(s int, deps [][]int, comp []int) []int {
	parent := map[int]int{}
	queue := []int{s}
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		for _, next := range deps[cur] {
			if comp[next] != comp[s] {
				continue
			}
			if next == s {
				path := []int{s}
				for n := cur; n != s; n = parent[n] {
					path = append(path, n)
				}
				slices.Reverse(path[1:])
				return append(path, s)
			}
			if _, seen := parent[next]; !seen {
				parent[next] = cur
				queue = append(queue, next)
			}
		}
	}
	return nil
}

// checkUnused reports streams that have no effect (W003): not visible (no
// .emit or .process), no .to, .print or .log, and read by no stream.
func (c *checker) checkUnused() {
	for _, s := range c.prog.Stmts {
		sd, ok := s.(*StreamDecl)
		if !ok || c.read[sd.Name] {
			continue
		}
		effect := false
		for _, op := range sd.Ops {
			if o, ok := op.(*CallOp); ok {
				switch o.Name {
				case "emit", "process", "to", "print", "log":
					effect = true
				}
			}
		}
		if !effect {
			c.warn(sd.NamePos, "W003", fmt.Sprintf("stream '%s' has no effect", sd.Name),
				"it writes no output (.emit(), .process()), sends nothing (.to(), .print(), .log()) and no stream reads it")
		}
	}
}
