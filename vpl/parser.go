package vpl

import (
	"fmt"
)

// maxDepth bounds the nesting of expressions and blocks the parser builds
// (brackets alone are limited to 24 by the lexer, but prefix operators,
// operator chains and indented blocks nest without brackets). It keeps
// every recursive walk of the AST, here and downstream, shallow.
const maxDepth = 500

// parser is a recursive descent parser over the token slice of one file.
//
// The first error ends parsing (VPL.md §8: exactly one E000). Rather than
// unwinding with a panic, fail moves the parser to the EOF token: every
// loop stops at EOF, so parsing winds down by itself, and every parse
// function still returns a non-nil node so callers need no nil checks.
type parser struct {
	toks []token
	i    int
	tok  token // toks[i]

	errPos Pos
	errMsg string

	depth int // current nesting, bounded by maxDepth
	loops int // enclosing loops (break and continue need one)
	fns   int // enclosing function bodies (return needs one)
}

func newParser(toks []token) *parser {
	p := &parser{toks: toks}
	p.tok = toks[0]
	if p.tok.kind == ILLEGAL {
		p.illegal()
	}
	return p
}

func (p *parser) failed() bool { return p.errMsg != "" }

// next moves to the next token. Reaching an ILLEGAL token reports the
// lexer's error. After a failure the parser stays at EOF.
func (p *parser) next() {
	if p.failed() {
		return
	}
	if p.i < len(p.toks)-1 {
		p.i++
	}
	p.tok = p.toks[p.i]
	if p.tok.kind == ILLEGAL {
		p.illegal()
	}
}

func (p *parser) illegal() {
	t := p.tok
	p.fail(t.pos, "%s", t.lit)
}

// peek returns the token k positions ahead without moving.
func (p *parser) peek(k int) token {
	if p.i+k < len(p.toks) {
		return p.toks[p.i+k]
	}
	return p.toks[len(p.toks)-1]
}

// fail records the first error and jumps to the end of the input.
func (p *parser) fail(pos Pos, format string, args ...any) {
	if p.failed() {
		return
	}
	p.errPos = pos
	p.errMsg = fmt.Sprintf(format, args...)
	p.i = len(p.toks) - 1
	p.tok = token{kind: EOF, pos: p.toks[p.i].pos}
}

// describe names a token in a message: 'x' for text, "end of file" and
// similar for the layout tokens.
func describe(t token) string {
	switch t.kind {
	case EOF:
		return "end of file"
	case NEWLINE:
		return "end of line"
	case INDENT:
		return "indentation"
	case DEDENT:
		return "end of block"
	}
	return "'" + t.lit + "'"
}

// failExpected reports "expected X but found Y" at the current token.
func (p *parser) failExpected(what string) {
	if p.tok.kind == ASSIGN {
		p.fail(p.tok.pos, "expected %s but found '=' (compare with ==)", what)
		return
	}
	p.fail(p.tok.pos, "expected %s but found %s", what, describe(p.tok))
}

// expect consumes a token of kind k or fails.
func (p *parser) expect(k Token) Pos {
	pos := p.tok.pos
	if p.tok.kind != k {
		p.failExpected("'" + k.String() + "'")
		return pos
	}
	p.next()
	return pos
}

// got consumes a token of kind k if it is the current one.
func (p *parser) got(k Token) bool {
	if p.tok.kind == k {
		p.next()
		return true
	}
	return false
}

// ident consumes an identifier, naming what it is for in the error.
func (p *parser) ident(what string) (string, Pos) {
	pos := p.tok.pos
	if p.tok.kind != IDENT {
		if p.tok.kind.IsKeyword() {
			p.fail(pos, "expected %s but found reserved word '%s'", what, p.tok.lit)
		} else {
			p.failExpected(what)
		}
		return "", pos
	}
	name := p.tok.lit
	p.next()
	return name, pos
}

// isWord reports whether the current token is the contextual keyword w.
func (p *parser) isWord(w string) bool { return p.tok.kind == IDENT && p.tok.lit == w }

// enter and leave bound the nesting depth.
func (p *parser) enter() bool {
	p.depth++
	if p.depth > maxDepth {
		p.fail(p.tok.pos, "program nested too deeply (more than %d levels)", maxDepth)
		return false
	}
	return true
}

func (p *parser) leave() { p.depth-- }

// --- statements ---

// parseFile parses a whole file.
func (p *parser) parseFile() []Stmt {
	var stmts []Stmt
	for p.tok.kind != EOF {
		start := p.i
		// Line breaks do not end statements outside blocks, but a
		// statement starts on a line of its own: anything else left on
		// the line is a mistake, not a new statement.
		if len(stmts) > 0 && !p.tok.bol {
			p.fail(p.tok.pos, "unexpected %s after the end of the statement", describe(p.tok))
			break
		}
		if s := p.parseTopStmt(); s != nil {
			stmts = append(stmts, s)
		}
		if p.i == start && !p.failed() {
			p.failExpected("a statement") // never loop without progress
		}
	}
	return stmts
}

// declKeywords are the contextual keywords that start declarations, with
// what must follow the name for the word to be read as a keyword.
func (p *parser) declKind() string {
	if p.tok.kind != IDENT {
		return ""
	}
	next, after := p.peek(1), p.peek(2)
	switch w := p.tok.lit; w {
	case "stream", "event":
		if next.kind == IDENT {
			return w
		}
	case "type", "pattern", "connector":
		if next.kind == IDENT && after.kind == ASSIGN {
			return w
		}
	case "context":
		if next.kind == IDENT {
			return w
		}
	case "import":
		if next.kind == STRING {
			return w
		}
	case "config":
		if next.kind == COLON || next.kind == LBRACE || next.kind == IDENT && (after.kind == LBRACE || after.kind == COLON) {
			return w
		}
	}
	return ""
}

// parseTopStmt parses one top-level statement.
func (p *parser) parseTopStmt() Stmt {
	switch p.declKind() {
	case "stream":
		return p.parseStream()
	case "event":
		return p.parseEvent()
	case "type":
		return p.parseTypeAlias()
	case "pattern":
		return p.parsePatternDecl()
	case "connector":
		return p.parseConnector()
	case "context":
		return p.parseContext()
	case "import":
		return p.parseImport()
	case "config":
		return p.parseConfig()
	}
	if p.tok.kind == FN {
		return p.parseFn()
	}
	return p.parseStmt(false)
}

// parseStmt parses an imperative statement. Inside a block (inBlock) a
// simple statement ends with NEWLINE; at top level line breaks do not
// matter.
func (p *parser) parseStmt(inBlock bool) Stmt {
	var s Stmt
	pos := p.tok.pos
	switch p.tok.kind {
	case LET, VAR, CONST:
		s = p.parseVarDecl()
	case IF:
		return p.parseIf()
	case FOR:
		return p.parseFor()
	case WHILE:
		return p.parseWhile()
	case BREAK, CONTINUE:
		if p.loops == 0 {
			p.fail(pos, "'%s' outside a loop", p.tok.lit)
			return &BreakStmt{Pos: pos}
		}
		if p.tok.kind == BREAK {
			s = &BreakStmt{Pos: pos}
		} else {
			s = &ContinueStmt{Pos: pos}
		}
		p.next()
	case RETURN:
		if p.fns == 0 {
			p.fail(pos, "'return' outside a function")
			return &ReturnStmt{Pos: pos}
		}
		p.next()
		r := &ReturnStmt{Pos: pos}
		if k := p.tok.kind; k != NEWLINE && k != DEDENT && k != EOF {
			r.Value = p.parseExpr()
		}
		s = r
	case FN:
		p.fail(pos, "functions can only be declared at top level")
		return nil
	case IDENT:
		if kind := p.declKind(); kind != "" {
			p.fail(pos, "%s declarations are only allowed at top level", kind)
			return nil
		}
		switch {
		case p.isWord("emit") && p.peek(1).kind == IDENT:
			s = p.parseEmitStmt()
		case p.peek(1).kind == DEFINE:
			name, _ := p.ident("a name")
			p.next()
			s = &AssignStmt{Pos: pos, Name: name, Value: p.parseExpr()}
		default:
			s = &ExprStmt{X: p.parseExpr()}
		}
	default:
		x := p.parseExpr()
		if p.tok.kind == DEFINE {
			p.fail(p.tok.pos, "only a variable name can be assigned with ':='")
		}
		s = &ExprStmt{X: x}
	}
	if inBlock {
		if p.tok.kind == DEFINE {
			p.fail(p.tok.pos, "only a variable name can be assigned with ':='")
		} else if p.tok.kind != NEWLINE {
			p.failExpected("end of line")
		}
		p.next()
	} else if p.tok.kind == DEFINE {
		p.fail(p.tok.pos, "only a variable name can be assigned with ':='")
	}
	return s
}

// parseBlock parses `: INDENT stmt* DEDENT`, the ':' already consumed.
func (p *parser) parseBlock(what string) []Stmt {
	if p.tok.kind != INDENT {
		p.fail(p.tok.pos, "expected an indented block after '%s ...:'", what)
		return nil
	}
	if !p.enter() {
		return nil
	}
	defer p.leave()
	p.next()
	var stmts []Stmt
	for p.tok.kind != DEDENT && p.tok.kind != EOF {
		start := p.i
		if s := p.parseStmt(true); s != nil {
			stmts = append(stmts, s)
		}
		if p.i == start && !p.failed() {
			p.failExpected("a statement")
		}
	}
	p.got(DEDENT)
	return stmts
}

func (p *parser) parseVarDecl() Stmt {
	d := &VarDecl{Pos: p.tok.pos, Keyword: p.tok.lit}
	p.next()
	d.Name, d.NamePos = p.ident("a variable name")
	if p.got(COLON) {
		t := p.parseType()
		d.Type = &t
	}
	p.expect(ASSIGN)
	d.Value = p.parseExpr()
	return d
}

func (p *parser) parseIf() Stmt {
	s := &IfStmt{Pos: p.tok.pos}
	p.next()
	s.Cond = p.parseExpr()
	p.expect(COLON)
	s.Then = p.parseBlock("if")
	for p.tok.kind == ELIF {
		c := ElifClause{Pos: p.tok.pos}
		p.next()
		c.Cond = p.parseExpr()
		p.expect(COLON)
		c.Body = p.parseBlock("elif")
		s.Elifs = append(s.Elifs, c)
	}
	if p.tok.kind == ELSE {
		p.next()
		p.expect(COLON)
		s.Else = p.parseBlock("else")
		if s.Else == nil {
			s.Else = []Stmt{}
		}
	}
	return s
}

func (p *parser) parseFor() Stmt {
	s := &ForStmt{Pos: p.tok.pos}
	p.next()
	s.Var, _ = p.ident("a loop variable")
	p.expect(IN)
	s.Iter = p.parseExpr()
	p.expect(COLON)
	p.loops++
	s.Body = p.parseBlock("for")
	p.loops--
	return s
}

func (p *parser) parseWhile() Stmt {
	s := &WhileStmt{Pos: p.tok.pos}
	p.next()
	s.Cond = p.parseExpr()
	p.expect(COLON)
	p.loops++
	s.Body = p.parseBlock("while")
	p.loops--
	return s
}

func (p *parser) parseEmitStmt() Stmt {
	s := &EmitStmt{Pos: p.tok.pos}
	p.next()
	s.Type, s.TypePos = p.ident("an event type")
	if p.tok.kind == LPAREN {
		s.Args = p.parseArgs("emit")
	}
	return s
}

func (p *parser) parseFn() Stmt {
	d := &FnDecl{Pos: p.tok.pos}
	p.next()
	d.Name, d.NamePos = p.ident("a function name")
	p.expect(LPAREN)
	for p.tok.kind != RPAREN && p.tok.kind != EOF {
		var prm Param
		prm.Name, prm.Pos = p.ident("a parameter name")
		if p.got(COLON) {
			t := p.parseType()
			prm.Type = &t
		}
		d.Params = append(d.Params, prm)
		if !p.got(COMMA) {
			break
		}
	}
	p.expect(RPAREN)
	if p.got(ARROW) {
		t := p.parseType()
		d.Result = &t
	}
	p.expect(COLON)
	p.fns++
	loops := p.loops
	p.loops = 0 // break cannot leave a function
	d.Body = p.parseBlock("fn")
	p.loops = loops
	p.fns--
	return d
}

func (p *parser) parseEvent() Stmt {
	d := &EventDecl{Pos: p.tok.pos}
	p.next()
	d.Name, d.NamePos = p.ident("an event type name")
	if p.isWord("extends") {
		p.next()
		d.Extends, d.ExtendsPos = p.ident("the name of the extended event type")
	}
	p.expect(COLON)
	if p.tok.kind != INDENT {
		return d // an event type without fields
	}
	if !p.enter() {
		return d
	}
	defer p.leave()
	p.next()
	for p.tok.kind != DEDENT && p.tok.kind != EOF {
		var f FieldDecl
		f.Name, f.Pos = p.ident("a field name")
		p.expect(COLON)
		f.Type = p.parseType()
		if p.isWord("event_time") {
			f.EventTime, f.MarkPos = true, p.tok.pos
			p.next()
		}
		d.Fields = append(d.Fields, f)
		if p.tok.kind != NEWLINE {
			p.failExpected("end of line")
		}
		p.next()
	}
	p.got(DEDENT)
	return d
}

// parseType parses a field type: a name, [T], {K: V}, (T, U, ...) or
// Stream<T>, each optionally followed by '?'.
func (p *parser) parseType() TypeExpr {
	t := TypeExpr{Pos: p.tok.pos}
	if !p.enter() {
		return t
	}
	defer p.leave()
	switch p.tok.kind {
	case IDENT:
		t.Name = p.tok.lit
		p.next()
		if t.Name == "Stream" && p.tok.kind == LT {
			p.next()
			t.Name, t.Kind = "", TypeStream
			t.Elems = []TypeExpr{p.parseType()}
			p.closeAngle()
		}
	case NULL:
		t.Name = "null"
		p.next()
	case LBRACK:
		p.next()
		t.Kind = TypeArray
		t.Elems = []TypeExpr{p.parseType()}
		p.expect(RBRACK)
	case LBRACE:
		p.next()
		t.Kind = TypeMap
		k := p.parseType()
		p.expect(COLON)
		t.Elems = []TypeExpr{k, p.parseType()}
		p.expect(RBRACE)
	case LPAREN:
		p.next()
		t.Kind = TypeTuple
		for p.tok.kind != RPAREN && p.tok.kind != EOF {
			t.Elems = append(t.Elems, p.parseType())
			if !p.got(COMMA) {
				break
			}
		}
		p.expect(RPAREN)
	default:
		p.failExpected("a type")
		return t
	}
	if p.got(QUESTION) {
		t.Optional = true
	}
	return t
}

// closeAngle consumes the '>' closing Stream<T>, splitting a '>>' that
// closes two at once.
func (p *parser) closeAngle() {
	switch p.tok.kind {
	case GT:
		p.next()
	case SHR:
		p.tok.kind, p.tok.lit = GT, ">"
		p.tok.pos.Col++
		p.toks[p.i] = p.tok
	case GE:
		p.tok.kind, p.tok.lit = ASSIGN, "="
		p.tok.pos.Col++
		p.toks[p.i] = p.tok
	default:
		p.failExpected("'>'")
	}
}

func (p *parser) parseTypeAlias() Stmt {
	d := &TypeAliasDecl{Pos: p.tok.pos}
	p.next()
	d.Name, d.NamePos = p.ident("a type name")
	p.expect(ASSIGN)
	d.Type = p.parseType()
	return d
}

func (p *parser) parseConnector() Stmt {
	d := &ConnectorDecl{Pos: p.tok.pos}
	p.next()
	d.Name, d.NamePos = p.ident("a connector name")
	p.expect(ASSIGN)
	d.Kind, d.KindPos = p.ident("a connector kind (mqtt, kafka, http, ...)")
	if p.tok.kind == LPAREN {
		d.Params = p.parseArgs("connector")
	}
	return d
}

func (p *parser) parseContext() Stmt {
	d := &ContextDecl{Pos: p.tok.pos}
	p.next()
	d.Name, d.NamePos = p.ident("a context name")
	if p.tok.kind == LPAREN {
		d.Params = p.parseArgs("context")
	}
	return d
}

func (p *parser) parseImport() Stmt {
	s := &ImportStmt{Pos: p.tok.pos}
	p.next()
	s.Path = p.tok.val.AsString()
	p.next()
	if p.got(AS) {
		s.Alias, _ = p.ident("an import alias")
	}
	return s
}

// parseConfig parses `config [name] { ... }` or `config [name]:`; the
// lexer has already skipped the body of the second form.
func (p *parser) parseConfig() Stmt {
	s := &ConfigStmt{Pos: p.tok.pos}
	p.next()
	if p.tok.kind == IDENT {
		s.Name = p.tok.lit
		p.next()
	}
	if p.got(COLON) {
		return s
	}
	p.expect(LBRACE)
	// The body is ignored (W005); it only has to scan and balance.
	for depth := 1; depth > 0; p.next() {
		switch p.tok.kind {
		case EOF:
			p.failExpected("'}'")
			return s
		case LBRACE:
			depth++
		case RBRACE:
			depth--
		}
	}
	return s
}
