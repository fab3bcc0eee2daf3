package vpl

import (
	"fmt"
	"slices"
	"strings"

	"github.com/varpulis/varpulis-go/event"
)

// Check runs the semantic checks of VPL.md §8 over a parsed program and
// returns every error and warning it finds, sorted. Unlike a syntax error,
// a semantic finding does not stop the checks: independent mistakes are
// all reported (see docs/vpl-diagnostics.md).
func Check(prog *Program) []Diagnostic {
	c := &checker{
		prog:     prog,
		events:   map[string]*EventDecl{},
		streams:  map[string]*StreamDecl{},
		fns:      map[string]*FnDecl{},
		conns:    map[string]*ConnectorDecl{},
		ctxs:     map[string]*ContextDecl{},
		patterns: map[string]*PatternDecl{},
		aliases:  map[string]*TypeAliasDecl{},
		globals:  map[string]*VarDecl{},
		produced: map[string]bool{},
		read:     map[string]bool{},
	}
	c.declare()
	top := newScope(nil)
	for _, s := range prog.Stmts {
		switch s := s.(type) {
		case *EventDecl:
			c.checkEvent(s)
		case *StreamDecl:
			c.checkStream(s)
		case *PatternDecl:
			c.checkPatternDecl(s)
		case *ConnectorDecl:
			c.checkConnectorDecl(s)
		case *FnDecl:
			c.checkFn(s)
		case *ConfigStmt:
			c.warn(s.Pos, "W005", "config block ignored", "configure the engine with the config file or command-line flags")
		case *TypeAliasDecl, *ContextDecl, *ImportStmt:
		default:
			c.checkStmt(s, top, false)
		}
	}
	c.checkCycles()
	c.checkUnused()
	Sort(c.diags)
	return c.diags
}

// checker holds the program's declarations and the findings so far.
type checker struct {
	prog  *Program
	diags []Diagnostic

	events   map[string]*EventDecl
	streams  map[string]*StreamDecl
	fns      map[string]*FnDecl
	conns    map[string]*ConnectorDecl
	ctxs     map[string]*ContextDecl
	patterns map[string]*PatternDecl
	aliases  map[string]*TypeAliasDecl
	globals  map[string]*VarDecl // top-level variables, first declaration

	produced map[string]bool // types named by `.emit as T` or `emit T(...)`
	read     map[string]bool // names some stream reads (W003)

	// Built on first use.
	global   *scope
	typeList []string
	funcList []string
}

func (c *checker) add(d Diagnostic) {
	d.Message += unrollSuffix(c.prog.Unrolls, d.Pos.Unroll)
	c.diags = append(c.diags, d)
}

// errorf reports an error; hint may be "".
func (c *checker) errorf(pos Pos, code, hint, format string, args ...any) {
	c.add(Diagnostic{Pos: pos, Severity: SeverityError, Code: code, Message: fmt.Sprintf(format, args...), Hint: hint})
}

// warn reports a warning; hint may be "".
func (c *checker) warn(pos Pos, code, msg, hint string) {
	c.add(Diagnostic{Pos: pos, Severity: SeverityWarning, Code: code, Message: msg, Hint: hint})
}

// errorNote reports an error with a note pointing at a related place.
func (c *checker) errorNote(pos Pos, code, hint string, note Note, format string, args ...any) {
	c.add(Diagnostic{Pos: pos, Severity: SeverityError, Code: code, Message: fmt.Sprintf(format, args...), Hint: hint, Notes: []Note{note}})
}

// --- declarations (E001-E007) ---

// declare collects the declarations, reporting duplicates, and the types
// that streams and functions produce.
func (c *checker) declare() {
	dup := func(code, kind, name string, pos, first Pos) {
		c.errorNote(pos, code, "", Note{Pos: first, Text: "first declared here"}, "duplicate %s '%s'", kind, name)
	}
	for _, s := range c.prog.Stmts {
		switch s := s.(type) {
		case *EventDecl:
			if d, ok := c.events[s.Name]; ok {
				dup("E001", "event type", s.Name, s.NamePos, d.NamePos)
			} else {
				c.events[s.Name] = s
			}
		case *StreamDecl:
			if d, ok := c.streams[s.Name]; ok {
				dup("E002", "stream", s.Name, s.NamePos, d.NamePos)
			} else {
				c.streams[s.Name] = s
			}
			for _, op := range s.Ops {
				if o, ok := op.(*CallOp); ok && o.Name == "emit" && o.As != "" {
					c.produced[o.As] = true
				}
			}
		case *FnDecl:
			if d, ok := c.fns[s.Name]; ok {
				dup("E003", "function", s.Name, s.NamePos, d.NamePos)
			} else {
				c.fns[s.Name] = s
			}
			c.collectEmits(s.Body)
		case *ConnectorDecl:
			if d, ok := c.conns[s.Name]; ok {
				dup("E004", "connector", s.Name, s.NamePos, d.NamePos)
			} else {
				c.conns[s.Name] = s
			}
		case *ContextDecl:
			if d, ok := c.ctxs[s.Name]; ok {
				dup("E005", "context", s.Name, s.NamePos, d.NamePos)
			} else {
				c.ctxs[s.Name] = s
			}
		case *PatternDecl:
			if d, ok := c.patterns[s.Name]; ok {
				dup("E006", "pattern", s.Name, s.NamePos, d.NamePos)
			} else {
				c.patterns[s.Name] = s
			}
		case *TypeAliasDecl:
			if d, ok := c.aliases[s.Name]; ok {
				dup("E007", "type alias", s.Name, s.NamePos, d.NamePos)
			} else {
				c.aliases[s.Name] = s
			}
		case *VarDecl:
			if _, ok := c.globals[s.Name]; !ok {
				c.globals[s.Name] = s
			}
		default:
			c.collectEmits([]Stmt{s})
		}
	}
}

// collectEmits notes the types of the emit statements in stmts.
func (c *checker) collectEmits(stmts []Stmt) {
	walkStmts(stmts, func(s Stmt) {
		if e, ok := s.(*EmitStmt); ok {
			c.produced[e.Type] = true
		}
	})
}

// walkStmts calls f for every statement of stmts and of their blocks.
func walkStmts(stmts []Stmt, f func(Stmt)) {
	for _, s := range stmts {
		f(s)
		switch s := s.(type) {
		case *IfStmt:
			walkStmts(s.Then, f)
			for _, e := range s.Elifs {
				walkStmts(e.Body, f)
			}
			walkStmts(s.Else, f)
		case *ForStmt:
			walkStmts(s.Body, f)
		case *WhileStmt:
			walkStmts(s.Body, f)
		}
	}
}

// declaresEvents reports whether the program declares any event type. The
// declaration warnings W030 and W031 apply only then: declarations are
// optional documentation (VPL.md §2), and a program that declares nothing
// would otherwise warn on every name it reads.
func (c *checker) declaresEvents() bool { return len(c.events) > 0 }

// isTypeName reports whether name can be read as an event type: a
// declared event type, a stream, or a type some stream or function emits.
func (c *checker) isTypeName(name string) bool {
	return c.events[name] != nil || c.streams[name] != nil || c.produced[name]
}

// checkTypeName reports W030 for a name read as an event type that nothing
// declares.
func (c *checker) checkTypeName(name string, pos Pos) {
	if !c.declaresEvents() || name == "" || c.isTypeName(name) {
		return
	}
	hint := "declare it: event " + name + ":"
	if s := c.suggest(name, c.typeNames()); s != "" {
		hint = "did you mean '" + s + "'? Otherwise declare it: event " + name + ":"
	}
	c.warn(pos, "W030", fmt.Sprintf("'%s' is not a declared event type, a stream or a type named by .emit as/emit", name), hint)
}

func (c *checker) typeNames() []string {
	if c.typeList == nil {
		names := []string{}
		for n := range c.events {
			names = append(names, n)
		}
		for n := range c.streams {
			names = append(names, n)
		}
		for n := range c.produced {
			names = append(names, n)
		}
		slices.Sort(names)
		c.typeList = slices.Compact(names)
	}
	return c.typeList
}

// maxSuggest bounds the candidates suggest compares with, which keeps
// checking linear on huge generated programs.
const maxSuggest = 2000

// suggest returns the candidate closest to name, if close enough to be a
// likely typo, else "".
func (c *checker) suggest(name string, candidates []string) string {
	// Short names are too often one edit away from an unrelated one.
	var limit int
	switch n := len(name); {
	case n < 4:
		return ""
	case n < 6:
		limit = 1
	case n < 12:
		limit = 2
	default:
		limit = 3
	}
	if len(candidates) > maxSuggest {
		return ""
	}
	candidates = slices.Sorted(slices.Values(candidates)) // ties go to the first in order
	best, bestD := "", limit+1
	for _, cand := range candidates {
		if d := editDistance(name, cand); cand != name && d < bestD {
			best, bestD = cand, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		return 64
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// --- event declarations (E062, W030) ---

var builtinTypes = map[string]bool{
	"int": true, "float": true, "bool": true, "str": true, "timestamp": true,
	"duration": true, "null": true,
}

func (c *checker) checkEvent(d *EventDecl) {
	if d.Extends != "" && c.events[d.Extends] == nil {
		c.checkTypeName(d.Extends, d.ExtendsPos)
	}
	// Markers: the inherited ones first, then the type's own, in order.
	var first *FieldDecl
	seen := map[*EventDecl]bool{d: true}
	for base := c.events[d.Extends]; base != nil && !seen[base]; base = c.events[base.Extends] {
		seen[base] = true
		for i := range base.Fields {
			if base.Fields[i].EventTime {
				first = &base.Fields[i]
			}
		}
	}
	for i := range d.Fields {
		f := &d.Fields[i]
		c.checkFieldType(f.Type)
		if !f.EventTime {
			continue
		}
		if t := c.resolveType(f.Type); t.Kind != TypeName || t.Name != "timestamp" {
			c.errorf(f.MarkPos, "E062", "declare the field as timestamp, e.g. "+f.Name+": timestamp event_time",
				"event_time marker on field '%s' of type %s; it must be a timestamp", f.Name, typeString(f.Type))
			continue
		}
		if first != nil {
			c.errorNote(f.MarkPos, "E062", "a type has one event-time field; remove one marker",
				Note{Pos: first.MarkPos, Text: "first event_time marker here"},
				"second event_time marker in event type '%s'", d.Name)
			continue
		}
		first = f
	}
}

// checkFieldType warns about type names that name nothing.
func (c *checker) checkFieldType(t TypeExpr) {
	if t.Kind == TypeName {
		if !builtinTypes[t.Name] && c.aliases[t.Name] == nil {
			c.checkTypeName(t.Name, t.Pos)
		}
		return
	}
	for _, e := range t.Elems {
		c.checkFieldType(e)
	}
}

// resolveType follows type aliases.
func (c *checker) resolveType(t TypeExpr) TypeExpr {
	for range 16 {
		a := c.aliases[t.Name]
		if t.Kind != TypeName || a == nil {
			break
		}
		t = a.Type
	}
	return t
}

func typeString(t TypeExpr) string {
	var s string
	switch t.Kind {
	case TypeArray:
		s = "[" + typeString(t.Elems[0]) + "]"
	case TypeMap:
		s = "{" + typeString(t.Elems[0]) + ": " + typeString(t.Elems[1]) + "}"
	case TypeTuple:
		parts := make([]string, len(t.Elems))
		for i, e := range t.Elems {
			parts[i] = typeString(e)
		}
		s = "(" + strings.Join(parts, ", ") + ")"
	case TypeStream:
		s = "Stream<" + typeString(t.Elems[0]) + ">"
	default:
		s = t.Name
	}
	if t.Optional {
		s += "?"
	}
	return s
}

// --- connectors (W080, W081) ---

func (c *checker) checkConnectorDecl(d *ConnectorDecl) {
	for _, a := range d.Params {
		if a.Name == "" {
			c.warn(a.Pos, "W080", fmt.Sprintf("unnamed parameter of connector '%s'", d.Name), "connector parameters are named: name: value")
			continue
		}
		if !isParamValue(a.Value, 0) {
			c.warn(a.Value.Position(), "W081", fmt.Sprintf("parameter '%s' of connector '%s' has the wrong type", a.Name, d.Name),
				"a connector parameter is a string, number, duration, bool, name, or an array of these")
		}
	}
}

// isParamValue reports whether x is a valid connector parameter value:
// a literal, an identifier, or an array of these (VPL.md §2, connector).
func isParamValue(x Expr, depth int) bool {
	switch x := x.(type) {
	case *Literal:
		return !x.Value.IsNull()
	case *Ident:
		return true
	case *UnaryExpr:
		l, ok := x.X.(*Literal)
		return ok && x.Op == MINUS && l.Value.Kind().IsNumber()
	case *ArrayLit:
		if depth > 0 {
			return false
		}
		for _, e := range x.Elems {
			if !isParamValue(e, depth+1) {
				return false
			}
		}
		return true
	}
	return false
}

// useParam describes a parameter of .to() or .from() for a connector kind.
type useParam struct {
	name   string
	str    bool   // a string (or a name); else an int
	only   string // "to" or "from" when valid in one of them only
	detail string
}

// useParams are the per-use parameters of the connector kinds that have a
// fixed set; other kinds are not checked.
var useParams = map[string][]useParam{
	"mqtt": {
		{name: "topic", str: true, detail: "the MQTT topic"},
		{name: "client_id", str: true, detail: "a dedicated MQTT client id"},
		{name: "qos", detail: "the QoS level, 0, 1 or 2"},
	},
	"kafka": {
		{name: "topic", str: true, detail: "the Kafka topic"},
		{name: "group_id", str: true, only: "from", detail: "the consumer group"},
		{name: "partition", detail: "the partition number"},
	},
	"http": {
		{name: "topic", str: true, detail: "a URL path suffix"},
		{name: "path", str: true, detail: "a URL path suffix"},
		{name: "method", str: true, only: "to", detail: "the HTTP method"},
	},
}

// checkUseParams checks the named parameters of .to(Conn, ...) or
// .from(Conn, ...) (op is "to" or "from").
func (c *checker) checkUseParams(op string, conn *ConnectorDecl, args []Arg) {
	schema, ok := useParams[conn.Kind]
	if !ok {
		return
	}
	var valid []string
	for _, p := range schema {
		if p.only == "" || p.only == op {
			valid = append(valid, p.name)
		}
	}
	for _, a := range args {
		if a.Name == "" {
			continue
		}
		i := slices.IndexFunc(schema, func(p useParam) bool { return p.name == a.Name })
		if i < 0 {
			hint := "valid parameters: " + strings.Join(valid, ", ")
			if s := c.suggest(a.Name, valid); s != "" {
				hint = "did you mean '" + s + "'? " + hint
			}
			c.warn(a.Pos, "W080", fmt.Sprintf("unknown parameter '%s' of %s connector '%s' in .%s()", a.Name, conn.Kind, conn.Name, op), hint)
			continue
		}
		p := schema[i]
		if p.only != "" && p.only != op {
			c.warn(a.Pos, "W080", fmt.Sprintf("parameter '%s' belongs in .%s(), not .%s()", a.Name, p.only, op), a.Name+" is "+p.detail)
			continue
		}
		ok := false
		switch v := a.Value.(type) {
		case *Literal:
			ok = p.str && v.Value.Kind() == event.KindString || !p.str && v.Value.Kind() == event.KindInt
		case *Ident:
			ok = p.str
		}
		if !ok {
			want := "an integer"
			if p.str {
				want = "a string"
			}
			c.warn(a.Value.Position(), "W081", fmt.Sprintf("parameter '%s' must be %s", a.Name, want), a.Name+" is "+p.detail)
		}
	}
}

// --- imperative code (E040, E041) ---

// binding is a variable in scope: how it was declared and where.
type binding struct {
	keyword string // let, var, const, param, for
	pos     Pos
}

type scope struct {
	parent *scope
	vars   map[string]binding
}

func newScope(parent *scope) *scope { return &scope{parent: parent, vars: map[string]binding{}} }

func (s *scope) lookup(name string) (binding, bool) {
	for ; s != nil; s = s.parent {
		if b, ok := s.vars[name]; ok {
			return b, true
		}
	}
	return binding{}, false
}

// globalScope holds every top-level variable, whatever its position: a
// function body runs after all of them are set.
func (c *checker) globalScope() *scope {
	if c.global != nil {
		return c.global // never written to: function scopes are its children
	}
	s := newScope(nil)
	for _, d := range c.prog.Stmts {
		if v, ok := d.(*VarDecl); ok {
			if _, dup := s.vars[v.Name]; !dup {
				s.vars[v.Name] = binding{keyword: v.Keyword, pos: v.NamePos}
			}
		}
	}
	c.global = s
	return s
}

func (c *checker) checkFn(d *FnDecl) {
	s := newScope(c.globalScope())
	for _, p := range d.Params {
		s.vars[p.Name] = binding{keyword: "param", pos: p.Pos}
	}
	for _, st := range d.Body {
		c.checkStmt(st, s, true)
	}
}

// checkStmt checks an imperative statement; inFn tells a function body
// from top-level code.
func (c *checker) checkStmt(s Stmt, sc *scope, inFn bool) {
	cx := &exprCtx{code: true}
	block := func(stmts []Stmt, extra func(*scope)) {
		inner := newScope(sc)
		if extra != nil {
			extra(inner)
		}
		for _, st := range stmts {
			c.checkStmt(st, inner, inFn)
		}
	}
	switch s := s.(type) {
	case *VarDecl:
		c.checkExpr(s.Value, cx)
		sc.vars[s.Name] = binding{keyword: s.Keyword, pos: s.NamePos}
	case *AssignStmt:
		c.checkExpr(s.Value, cx)
		b, ok := sc.lookup(s.Name)
		switch {
		case !ok:
			c.errorf(s.Pos, "E041", "declare it first: var "+s.Name+" = ...", "assignment to undeclared variable '%s'", s.Name)
		case b.keyword == "let" || b.keyword == "const":
			c.errorNote(s.Pos, "E040", "declare it with var to reassign it",
				Note{Pos: b.pos, Text: "declared with " + b.keyword + " here"},
				"cannot assign to immutable '%s'", s.Name)
		}
	case *ExprStmt:
		c.checkExpr(s.X, cx)
	case *IfStmt:
		c.checkCond(s.Cond, "if", cx)
		block(s.Then, nil)
		for _, e := range s.Elifs {
			c.checkCond(e.Cond, "elif", cx)
			block(e.Body, nil)
		}
		block(s.Else, nil)
	case *ForStmt:
		c.checkExpr(s.Iter, cx)
		block(s.Body, func(in *scope) { in.vars[s.Var] = binding{keyword: "for", pos: s.Pos} })
	case *WhileStmt:
		c.checkCond(s.Cond, "while", cx)
		block(s.Body, nil)
	case *ReturnStmt:
		if s.Value != nil {
			c.checkExpr(s.Value, cx)
		}
	case *EmitStmt:
		for _, a := range s.Args {
			c.checkExpr(a.Value, cx)
		}
	}
}
