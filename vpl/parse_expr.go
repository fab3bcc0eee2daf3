package vpl

import "github.com/varpulis/varpulis-go/event"

// operatorNames are the stream operators of VPL.md §4, and those that
// E090 rejects. Wherever an expression may end, `.` + one of these + `(`
// ends it and begins the operator (VPL.md §1.3).
var operatorNames = map[string]bool{
	"where": true, "filter": true, "select": true, "emit": true, "print": true,
	"log": true, "to": true, "distinct": true, "limit": true, "first": true,
	"process": true, "context": true, "enrich": true, "score": true,
	"window": true, "partition_by": true, "aggregate": true, "having": true,
	"pattern": true, "within": true, "not": true, "policy": true,
	"trend_aggregate": true, "forecast": true, "watermark": true,
	"allowed_lateness": true, "on": true, "from": true,
	// Not supported (E090), recognised so that they parse.
	"map": true, "tap": true, "collect": true, "on_error": true, "fork": true,
	"any": true, "all": true, "concurrent": true, "order_by": true,
}

// Binary precedences, lowest first (VPL.md §5). Lambdas sit below range
// and are parsed only as .pattern() arguments; unary - and ~ bind tighter
// than everything here.
const (
	precNone = iota
	precRange
	precOr
	precAnd
	precNot // prefix not
	precCmp
	precBitOr
	precBitXor
	precBitAnd
	precShift
	precAdd
	precMul
	precPow
)

func binaryPrec(k Token) int {
	switch k {
	case RANGE, RANGEINCL:
		return precRange
	case OR:
		return precOr
	case AND:
		return precAnd
	case EQ, NE, LT, LE, GT, GE, IN, NOTIN, IS:
		return precCmp
	case PIPE:
		return precBitOr
	case CARET:
		return precBitXor
	case AMP:
		return precBitAnd
	case SHL, SHR:
		return precShift
	case PLUS, MINUS:
		return precAdd
	case STAR, SLASH, PERCENT:
		return precMul
	case POW:
		return precPow
	}
	return precNone
}

// placeholder stands in for an expression that failed to parse.
func (p *parser) placeholder() Expr { return &Ident{Pos: p.tok.pos} }

// parseExpr parses an expression (without lambdas).
func (p *parser) parseExpr() Expr { return p.parseBinary(precRange) }

// binaryOp returns the binary operator at the current token, reading
// `not in` as one operator.
func (p *parser) binaryOp() Token {
	if p.tok.kind == NOT && p.peek(1).kind == IN {
		return NOTIN
	}
	return p.tok.kind
}

// parseBinary parses operators of precedence min and above.
func (p *parser) parseBinary(min int) Expr {
	if !p.enter() {
		return p.placeholder()
	}
	defer p.leave()
	var x Expr
	if p.tok.kind == NOT && p.peek(1).kind != IN && min <= precNot {
		pos := p.tok.pos
		p.next()
		x = &UnaryExpr{Pos: pos, Op: NOT, X: p.parseBinary(precNot)}
	} else {
		x = p.parseUnary()
	}
	// Each operator of a left-associative chain deepens the tree without
	// recursion; count it against the depth limit all the same.
	spine := 0
	defer func() { p.depth -= spine }()
	for {
		op := p.binaryOp()
		prec := binaryPrec(op)
		if prec == precNone || prec < min {
			return x
		}
		spine++
		if !p.enter() {
			return x
		}
		opPos := p.tok.pos
		switch op {
		case IS:
			p.next()
			not := p.got(NOT)
			p.expect(NULL)
			x = &IsNullExpr{Pos: x.Position(), X: x, Not: not}
		case NOTIN:
			p.next()
			p.next()
			x = &BinaryExpr{Pos: x.Position(), OpPos: opPos, Op: NOTIN, X: x, Y: p.parseBinary(precCmp + 1)}
		case POW:
			p.next()
			x = &BinaryExpr{Pos: x.Position(), OpPos: opPos, Op: POW, X: x, Y: p.parseBinary(precPow)}
		default:
			p.next()
			x = &BinaryExpr{Pos: x.Position(), OpPos: opPos, Op: op, X: x, Y: p.parseBinary(prec + 1)}
		}
		if (prec == precCmp || prec == precRange) && binaryPrec(p.binaryOp()) == prec {
			if prec == precCmp {
				p.fail(p.tok.pos, "comparisons cannot be chained: combine them with 'and' or use parentheses")
			} else {
				p.fail(p.tok.pos, "ranges cannot be chained")
			}
			return x
		}
	}
}

// parseUnary parses unary - and ~, which bind tighter than ** (VPL.md §5:
// -2 ** 2 is 4).
func (p *parser) parseUnary() Expr {
	if k := p.tok.kind; k == MINUS || k == TILDE {
		if !p.enter() {
			return p.placeholder()
		}
		defer p.leave()
		pos := p.tok.pos
		p.next()
		return &UnaryExpr{Pos: pos, Op: k, X: p.parseUnary()}
	}
	return p.parsePostfix(p.parsePrimary())
}

// endsExpr reports whether the current '.' begins a stream operator rather
// than a member access (VPL.md §1.3).
func (p *parser) endsExpr() bool {
	name := p.peek(1)
	switch name.kind {
	case WHERE, NOT:
		return true
	case IDENT:
		after := p.peek(2).kind
		return operatorNames[name.lit] && (after == LPAREN || name.lit == "emit" && after == AS)
	}
	return false
}

// parsePostfix parses .f, ?.f, [i], [a:b] and (args) after x.
func (p *parser) parsePostfix(x Expr) Expr {
	spine := 0
	defer func() { p.depth -= spine }()
	for {
		switch p.tok.kind {
		case DOT, SAFEDOT:
			if p.tok.kind == DOT && p.endsExpr() {
				return x
			}
			p.next()
			if p.tok.kind != IDENT {
				p.failExpected("a field name")
				return x
			}
			x = &MemberExpr{Pos: x.Position(), X: x, Name: p.tok.lit}
			p.next()
		case LBRACK:
			p.next()
			var lo Expr
			if p.tok.kind != COLON {
				lo = p.parseExpr()
			}
			if p.got(COLON) {
				s := &SliceExpr{Pos: x.Position(), X: x, Lo: lo}
				if p.tok.kind != RBRACK {
					s.Hi = p.parseExpr()
				}
				x = s
			} else {
				x = &IndexExpr{Pos: x.Position(), X: x, Index: lo}
			}
			p.expect(RBRACK)
		case LPAREN:
			x = &CallExpr{Pos: x.Position(), Fun: x, Args: p.parseArgs("")}
		default:
			return x
		}
		spine++
		if !p.enter() {
			return x
		}
	}
}

func (p *parser) parsePrimary() Expr {
	t := p.tok
	switch t.kind {
	case INT, FLOAT, STRING, DURATION, TIMESTAMP, TRUE, FALSE:
		p.next()
		return &Literal{Pos: t.pos, Value: t.val}
	case NULL:
		p.next()
		return &Literal{Pos: t.pos, Value: event.Null}
	case IDENT:
		p.next()
		return &Ident{Pos: t.pos, Name: t.lit}
	case LPAREN:
		p.next()
		x := p.parseExpr()
		p.expect(RPAREN)
		return x
	case LBRACK:
		p.next()
		a := &ArrayLit{Pos: t.pos}
		for p.tok.kind != RBRACK && p.tok.kind != EOF {
			a.Elems = append(a.Elems, p.parseExpr())
			if !p.got(COMMA) {
				break
			}
		}
		p.expect(RBRACK)
		return a
	case LBRACE:
		p.next()
		m := &MapLit{Pos: t.pos}
		for p.tok.kind != RBRACE && p.tok.kind != EOF {
			switch p.tok.kind {
			case IDENT:
				m.Keys = append(m.Keys, p.tok.lit)
			case STRING:
				m.Keys = append(m.Keys, p.tok.val.AsString())
			default:
				p.failExpected("a map key (a name or a string)")
				return m
			}
			p.next()
			p.expect(COLON)
			m.Values = append(m.Values, p.parseExpr())
			if !p.got(COMMA) {
				break
			}
		}
		p.expect(RBRACE)
		return m
	case IF:
		p.next()
		e := &IfExpr{Pos: t.pos}
		e.Cond = p.parseExpr()
		p.expect(THEN)
		e.Then = p.parseExpr()
		p.expect(ELSE)
		e.Else = p.parseExpr()
		return e
	}
	p.failExpected("an expression")
	return p.placeholder()
}

// isLambda reports whether a lambda starts at the current token:
// `x =>`, `(x, y) =>` or `() =>`.
func (p *parser) isLambda() bool {
	if p.tok.kind == IDENT {
		return p.peek(1).kind == FATARROW
	}
	if p.tok.kind != LPAREN {
		return false
	}
	k := 1
	for p.peek(k).kind == IDENT {
		k++
		if p.peek(k).kind != COMMA {
			break
		}
		k++
	}
	return p.peek(k).kind == RPAREN && p.peek(k+1).kind == FATARROW
}

func (p *parser) parseLambda() Expr {
	l := &LambdaExpr{Pos: p.tok.pos}
	if p.tok.kind == IDENT {
		l.Params = []string{p.tok.lit}
		p.next()
	} else {
		p.next()
		for p.tok.kind == IDENT {
			l.Params = append(l.Params, p.tok.lit)
			p.next()
			if !p.got(COMMA) {
				break
			}
		}
		p.expect(RPAREN)
	}
	p.expect(FATARROW)
	l.Body = p.parseExpr()
	return l
}

// parseArgs parses `(arg, ...)` where an arg is `[name:] expr`. op names
// the operator whose arguments these are ("" for a function call): the
// item forms of .emit, .select, .aggregate and .partition_by are grammar
// (VPL.md §4.2-4.4), and only .pattern() takes lambdas.
func (p *parser) parseArgs(op string) []Arg {
	p.expect(LPAREN)
	var args []Arg
	for p.tok.kind != RPAREN && p.tok.kind != EOF {
		a := Arg{Pos: p.tok.pos}
		if p.tok.kind == IDENT && p.peek(1).kind == COLON {
			a.Name = p.tok.lit
			p.next()
			p.next()
		}
		a.Value = p.parseArgValue(op)
		if p.tok.kind == FATARROW {
			p.fail(p.tok.pos, "a lambda (x => e) is only allowed as an argument of .pattern()")
			return args
		}
		p.checkItem(op, a)
		args = append(args, a)
		if !p.got(COMMA) {
			break
		}
	}
	if p.tok.kind != RPAREN {
		p.failExpected("')'")
		return args
	}
	p.next()
	return args
}

func (p *parser) parseArgValue(op string) Expr {
	if op != "pattern" {
		return p.parseExpr()
	}
	if p.isLambda() {
		return p.parseLambda()
	}
	x := p.parseExpr()
	spine := 0
	defer func() { p.depth -= spine }()
	for p.tok.kind == ARROW {
		spine++
		if !p.enter() {
			break
		}
		opPos := p.tok.pos
		p.next()
		x = &ArrowExpr{Pos: x.Position(), OpPos: opPos, X: x, Y: p.parseExpr()}
	}
	return x
}

// checkItem enforces the item forms of the shaping operators.
func (p *parser) checkItem(op string, a Arg) {
	switch op {
	case "emit", "select":
		if a.Name == "" && !isFieldPath(a.Value) {
			p.fail(a.Pos, "an unnamed .%s() item must be a field name or alias.field; name it: name: expression", op)
		}
	case "aggregate", "trend_aggregate":
		if a.Name == "" {
			p.fail(a.Pos, "an .%s() item needs a name: write name: expression", op)
		}
	case "partition_by":
		if _, ok := a.Value.(*Ident); !ok || a.Name != "" {
			p.fail(a.Pos, ".partition_by() takes field names")
		}
	}
}

// isFieldPath reports whether x is a name or a chain name.f.g.
func isFieldPath(x Expr) bool {
	for {
		switch e := x.(type) {
		case *Ident:
			return true
		case *MemberExpr:
			x = e.X
		default:
			return false
		}
	}
}
