package vpl

import (
	"strconv"

	"github.com/varpulis/varpulis-go/event"
)

// Pos is a position in a source file: 1-based line and column, columns
// counted in code points (a tab is one column). File indexes Program.Files;
// Unroll, when non-zero, indexes Program.Unrolls and says which expansion of
// a compile-time for loop the position lies in.
type Pos struct {
	File   int32
	Line   int32
	Col    int32
	Unroll int32
}

// IsValid reports whether p was set.
func (p Pos) IsValid() bool { return p.Line > 0 }

// Unroll records one expansion of a compile-time for loop, so diagnostics in
// expanded text can end with " (for v = 3)".
type Unroll struct {
	Var   string
	Value int64
	// Outer indexes the expansion of the enclosing loop when loops nest,
	// else 0.
	Outer int32
}

// Program is a parsed VPL program: its statements in program order, imported
// files' statements first (VPL.md §2, import), loops already expanded.
type Program struct {
	Files   []string // Files[0] is the main file
	Unrolls []Unroll // Unrolls[0] is unused
	Stmts   []Stmt
	// MainStmts counts the statements of the main file (after loop
	// expansion), the figure check reports.
	MainStmts int
}

// Node is any AST node.
type Node interface{ Position() Pos }

// Stmt is a statement.
type Stmt interface {
	Node
	stmt()
}

// Expr is an expression.
type Expr interface {
	Node
	expr()
}

// TypeExpr is a field type in an event declaration or an annotation:
// a name (int, str, Reading, ...), [T], {K: V}, (T, U) or Stream<T>.
type TypeExpr struct {
	Pos      Pos
	Name     string     // "int", "str", a declared name; "" for composites
	Kind     TypeKind   // simple, array, map, tuple, stream
	Elems    []TypeExpr // array: 1, map: 2 (key, value), tuple: n, stream: 1
	Optional bool       // a trailing ?
}

// TypeKind tells which form a TypeExpr has.
type TypeKind uint8

// Forms of TypeExpr.
const (
	TypeName TypeKind = iota
	TypeArray
	TypeMap
	TypeTuple
	TypeStream
)

// --- statements ---

// FieldDecl is one field of an event declaration.
type FieldDecl struct {
	Pos       Pos
	Name      string
	Type      TypeExpr
	EventTime bool // the event_time marker
	MarkPos   Pos  // position of the event_time marker
}

// EventDecl is `event Name [extends Base]:` with an indented field list.
type EventDecl struct {
	Pos        Pos // the "event" keyword
	NamePos    Pos
	Name       string
	Extends    string
	ExtendsPos Pos
	Fields     []FieldDecl
}

// TypeAliasDecl is `type Name = T`.
type TypeAliasDecl struct {
	Pos     Pos
	NamePos Pos
	Name    string
	Type    TypeExpr
}

// StreamDecl is `stream Name [: T] = source op*`.
type StreamDecl struct {
	Pos     Pos
	NamePos Pos
	Name    string
	Annot   *TypeExpr
	Source  Source
	Ops     []Op
}

// PatternDecl is `pattern Name = P [within d] [partition by f] [policy p]`.
type PatternDecl struct {
	Pos         Pos
	NamePos     Pos
	Name        string
	Pattern     PatternExpr
	Within      Expr // nil when absent
	PartitionBy []string
	PartPos     Pos
	Policy      string // "" when absent
	PolicyPos   Pos
}

// ConnectorDecl is `connector Name = kind (k: v, ...)`.
type ConnectorDecl struct {
	Pos     Pos
	NamePos Pos
	Name    string
	Kind    string
	KindPos Pos
	Params  []Arg
}

// ContextDecl is `context Name (k: v, ...)`.
type ContextDecl struct {
	Pos     Pos
	NamePos Pos
	Name    string
	Params  []Arg
}

// VarDecl is `let|var|const name [: T] = e`.
type VarDecl struct {
	Pos     Pos
	Keyword string // "let", "var" or "const"
	NamePos Pos
	Name    string
	Type    *TypeExpr
	Value   Expr
}

// AssignStmt is `name := e`.
type AssignStmt struct {
	Pos   Pos
	Name  string
	Value Expr
}

// ExprStmt is an expression evaluated for its effect or, last in a
// function body, its value.
type ExprStmt struct {
	X Expr
}

// IfStmt is `if c:` with optional elif and else blocks.
type IfStmt struct {
	Pos   Pos
	Cond  Expr
	Then  []Stmt
	Elifs []ElifClause
	Else  []Stmt // nil when absent
}

// ElifClause is one `elif c:` block.
type ElifClause struct {
	Pos  Pos
	Cond Expr
	Body []Stmt
}

// ForStmt is a run-time `for v in e:` loop (compile-time loops are expanded
// before parsing and never appear in the AST).
type ForStmt struct {
	Pos  Pos
	Var  string
	Iter Expr
	Body []Stmt
}

// WhileStmt is `while c:`.
type WhileStmt struct {
	Pos  Pos
	Cond Expr
	Body []Stmt
}

// BreakStmt is `break`.
type BreakStmt struct{ Pos Pos }

// ContinueStmt is `continue`.
type ContinueStmt struct{ Pos Pos }

// ReturnStmt is `return [e]`.
type ReturnStmt struct {
	Pos   Pos
	Value Expr // nil for a bare return
}

// EmitStmt is `emit Type(name: e, ...)`.
type EmitStmt struct {
	Pos     Pos
	TypePos Pos
	Type    string
	Args    []Arg
}

// Param is a function parameter.
type Param struct {
	Pos  Pos
	Name string
	Type *TypeExpr // advisory, may be nil
}

// FnDecl is `fn name(params) [-> T]:` with an indented body.
type FnDecl struct {
	Pos     Pos
	NamePos Pos
	Name    string
	Params  []Param
	Result  *TypeExpr
	Body    []Stmt
}

// ImportStmt is `import "path" [as alias]`; the parser resolves it and
// keeps the statement for diagnostics.
type ImportStmt struct {
	Pos   Pos
	Path  string
	Alias string
}

// ConfigStmt is an ignored `config name { ... }` or `config:` block (W005).
type ConfigStmt struct {
	Pos  Pos
	Name string
}

func (*EventDecl) stmt()     {}
func (*TypeAliasDecl) stmt() {}
func (*StreamDecl) stmt()    {}
func (*PatternDecl) stmt()   {}
func (*ConnectorDecl) stmt() {}
func (*ContextDecl) stmt()   {}
func (*VarDecl) stmt()       {}
func (*AssignStmt) stmt()    {}
func (*ExprStmt) stmt()      {}
func (*IfStmt) stmt()        {}
func (*ForStmt) stmt()       {}
func (*WhileStmt) stmt()     {}
func (*BreakStmt) stmt()     {}
func (*ContinueStmt) stmt()  {}
func (*ReturnStmt) stmt()    {}
func (*EmitStmt) stmt()      {}
func (*FnDecl) stmt()        {}
func (*ImportStmt) stmt()    {}
func (*ConfigStmt) stmt()    {}

func (s *EventDecl) Position() Pos     { return s.Pos }
func (s *TypeAliasDecl) Position() Pos { return s.Pos }
func (s *StreamDecl) Position() Pos    { return s.Pos }
func (s *PatternDecl) Position() Pos   { return s.Pos }
func (s *ConnectorDecl) Position() Pos { return s.Pos }
func (s *ContextDecl) Position() Pos   { return s.Pos }
func (s *VarDecl) Position() Pos       { return s.Pos }
func (s *AssignStmt) Position() Pos    { return s.Pos }
func (s *ExprStmt) Position() Pos      { return s.X.Position() }
func (s *IfStmt) Position() Pos        { return s.Pos }
func (s *ForStmt) Position() Pos       { return s.Pos }
func (s *WhileStmt) Position() Pos     { return s.Pos }
func (s *BreakStmt) Position() Pos     { return s.Pos }
func (s *ContinueStmt) Position() Pos  { return s.Pos }
func (s *ReturnStmt) Position() Pos    { return s.Pos }
func (s *EmitStmt) Position() Pos      { return s.Pos }
func (s *FnDecl) Position() Pos        { return s.Pos }
func (s *ImportStmt) Position() Pos    { return s.Pos }
func (s *ConfigStmt) Position() Pos    { return s.Pos }

// --- stream sources (VPL.md §3) ---

// Source is the source of a stream.
type Source interface {
	Node
	source()
}

// NameSource is `Name [as a]`, `all Name [as a]` (a pattern whose first step
// is Kleene+), a named pattern, or `Name.from(Conn, k: v, ...)`.
type NameSource struct {
	Pos      Pos // of the name, or of "all"
	Name     string
	All      bool
	Alias    string
	AliasPos Pos
	From     *CallOp // .from(...) when present
	NamePos  Pos
}

// MergeMember is a member of merge(...): a name, or
// `stream Label = Name[.where(p)]`.
type MergeMember struct {
	Pos     Pos
	Label   string // "" for a bare name
	Name    string
	Where   Expr // nil when absent
	NamePos Pos
}

// MergeSource is `merge(m, ...)`.
type MergeSource struct {
	Pos     Pos
	Members []MergeMember
}

// JoinMember is a member of join(...): a name, or
// `stream Label = Name.on(key)`.
type JoinMember struct {
	Pos     Pos
	Label   string
	Name    string
	On      Expr // nil when absent
	NamePos Pos
}

// JoinSource is `join(m, ...)`.
type JoinSource struct {
	Pos     Pos
	Members []JoinMember
}

// SeqStep is one step of sequence(...): `a: T [where p] [.within(d)]`.
type SeqStep struct {
	Pos     Pos
	Alias   string
	Type    string
	Where   Expr // nil when absent
	Within  Expr // nil when absent
	TypePos Pos
}

// SequenceSource is `sequence(step, ...)`.
type SequenceSource struct {
	Pos   Pos
	Steps []SeqStep
}

// TimerSource is `timer(every[, initial_delay: d])`.
type TimerSource struct {
	Pos  Pos
	Args []Arg
}

func (*NameSource) source()     {}
func (*MergeSource) source()    {}
func (*JoinSource) source()     {}
func (*SequenceSource) source() {}
func (*TimerSource) source()    {}

func (s *NameSource) Position() Pos     { return s.Pos }
func (s *MergeSource) Position() Pos    { return s.Pos }
func (s *JoinSource) Position() Pos     { return s.Pos }
func (s *SequenceSource) Position() Pos { return s.Pos }
func (s *TimerSource) Position() Pos    { return s.Pos }

// --- operators (VPL.md §4) ---

// Op is one element of a stream's operator chain.
type Op interface {
	Node
	op()
}

// Arg is a call or operator argument, optionally named (`name: value`).
type Arg struct {
	Pos   Pos
	Name  string // "" when positional
	Value Expr
}

// CallOp is `.name(args)`, e.g. .where(p), .window(1m, sliding: 10s),
// .emit(a, b: e), `.emit as T(args)` (As = "T"), .partition_by(k).
type CallOp struct {
	Pos   Pos // of the name after the dot (diagnostics point here)
	Name  string
	Args  []Arg
	As    string // .emit as T
	AsPos Pos
}

// StepOp is `-> [all] T [where p] [as a]`.
type StepOp struct {
	Pos      Pos // of "->"
	All      bool
	Type     string
	TypePos  Pos
	Where    Expr // nil when absent
	Alias    string
	AliasPos Pos
}

// NotOp is `.not(T [where p])`.
type NotOp struct {
	Pos     Pos // of "not"
	Type    string
	TypePos Pos
	Where   Expr // nil when absent
}

func (*CallOp) op() {}
func (*StepOp) op() {}
func (*NotOp) op()  {}

func (o *CallOp) Position() Pos { return o.Pos }
func (o *StepOp) Position() Pos { return o.Pos }
func (o *NotOp) Position() Pos  { return o.Pos }

// --- named patterns (VPL.md §2, pattern) ---

// PatternExpr is a node of a named pattern: *PatternItem, *PatternSeq,
// *PatternBinary (AND, OR).
type PatternExpr interface {
	Node
	patternExpr()
}

// PatternItem is `[NOT] Type[+|*|?] [where p] [as alias]`.
type PatternItem struct {
	Pos        Pos
	Not        bool
	Type       string
	Quantifier byte // 0, '+', '*' or '?'
	Where      Expr
	Alias      string
	TypePos    Pos
	AliasPos   Pos
}

// PatternSeq is `SEQ(item, ...)`.
type PatternSeq struct {
	Pos   Pos
	Items []PatternExpr
}

// PatternBinary is `P AND P` or `P OR P`.
type PatternBinary struct {
	Pos  Pos
	Op   string // "AND" or "OR"
	X, Y PatternExpr
}

func (*PatternItem) patternExpr()   {}
func (*PatternSeq) patternExpr()    {}
func (*PatternBinary) patternExpr() {}

func (p *PatternItem) Position() Pos   { return p.Pos }
func (p *PatternSeq) Position() Pos    { return p.Pos }
func (p *PatternBinary) Position() Pos { return p.Pos }

// --- expressions (VPL.md §5) ---

// Literal is an int, float, string, duration, timestamp, bool or null
// literal, already converted to its value.
type Literal struct {
	Pos   Pos
	Value event.Value
}

// Ident is a bare identifier.
type Ident struct {
	Pos  Pos
	Name string
}

// MemberExpr is `x.f` or `x?.f` (both null-safe).
type MemberExpr struct {
	Pos  Pos // of x
	X    Expr
	Name string
}

// IndexExpr is `x[i]`.
type IndexExpr struct {
	Pos   Pos
	X     Expr
	Index Expr
}

// SliceExpr is `x[lo:hi]`; either bound may be nil.
type SliceExpr struct {
	Pos    Pos
	X      Expr
	Lo, Hi Expr
}

// CallExpr is `f(args)`; Fun is usually an *Ident.
type CallExpr struct {
	Pos  Pos
	Fun  Expr
	Args []Arg
}

// UnaryExpr is `-x`, `~x` or `not x`.
type UnaryExpr struct {
	Pos Pos
	Op  Token // MINUS, TILDE or NOT
	X   Expr
}

// BinaryExpr is `x op y` for arithmetic, bitwise, comparison, `in`,
// `not in` (Op NOTIN), `and`, `or`, and ranges (`..` RANGE, `..=`
// RANGEINCL).
type BinaryExpr struct {
	Pos   Pos // of x
	OpPos Pos
	Op    Token
	X, Y  Expr
}

// IsNullExpr is `x is null` or `x is not null`.
type IsNullExpr struct {
	Pos Pos
	X   Expr
	Not bool
}

// IfExpr is `if c then a else b`.
type IfExpr struct {
	Pos              Pos
	Cond, Then, Else Expr
}

// ArrayLit is `[e, ...]`.
type ArrayLit struct {
	Pos   Pos
	Elems []Expr
}

// MapLit is `{k: v, ...}`; keys are taken as text (VPL.md §11.14).
type MapLit struct {
	Pos    Pos
	Keys   []string
	Values []Expr
}

// LambdaExpr is `x => e` or `(x, y) => e` (only as a .pattern argument).
type LambdaExpr struct {
	Pos    Pos
	Params []string
	Body   Expr
}

// ArrowExpr is `x -> y` written as an operator argument, the sequence form
// of `.pattern(name: A -> B)`. It is parsed so that the checker can reject
// it with E090; lowering never sees it.
type ArrowExpr struct {
	Pos   Pos // of x
	OpPos Pos // of "->"
	X, Y  Expr
}

func (*Literal) expr()    {}
func (*Ident) expr()      {}
func (*MemberExpr) expr() {}
func (*IndexExpr) expr()  {}
func (*SliceExpr) expr()  {}
func (*CallExpr) expr()   {}
func (*UnaryExpr) expr()  {}
func (*BinaryExpr) expr() {}
func (*IsNullExpr) expr() {}
func (*IfExpr) expr()     {}
func (*ArrayLit) expr()   {}
func (*MapLit) expr()     {}
func (*LambdaExpr) expr() {}

func (*ArrowExpr) expr() {}

func (e *Literal) Position() Pos    { return e.Pos }
func (e *Ident) Position() Pos      { return e.Pos }
func (e *MemberExpr) Position() Pos { return e.Pos }
func (e *IndexExpr) Position() Pos  { return e.Pos }
func (e *SliceExpr) Position() Pos  { return e.Pos }
func (e *CallExpr) Position() Pos   { return e.Pos }
func (e *UnaryExpr) Position() Pos  { return e.Pos }
func (e *BinaryExpr) Position() Pos { return e.Pos }
func (e *IsNullExpr) Position() Pos { return e.Pos }
func (e *IfExpr) Position() Pos     { return e.Pos }
func (e *ArrayLit) Position() Pos   { return e.Pos }
func (e *MapLit) Position() Pos     { return e.Pos }
func (e *LambdaExpr) Position() Pos { return e.Pos }
func (e *ArrowExpr) Position() Pos  { return e.Pos }

var typeKindNames = [...]string{TypeName: "name", TypeArray: "array", TypeMap: "map", TypeTuple: "tuple", TypeStream: "stream"}

// String returns the name of the form: "name", "array", "map", "tuple" or
// "stream".
func (k TypeKind) String() string {
	if int(k) < len(typeKindNames) {
		return typeKindNames[k]
	}
	return "TypeKind(" + strconv.Itoa(int(k)) + ")"
}
