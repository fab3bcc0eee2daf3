package vpl

import "fmt"

// parseStream parses `stream Name [: T] = source op*`.
func (p *parser) parseStream() Stmt {
	d := &StreamDecl{Pos: p.tok.pos}
	p.next()
	d.Name, d.NamePos = p.ident("a stream name")
	if p.got(COLON) {
		t := p.parseType()
		d.Annot = &t
	}
	p.expect(ASSIGN)
	d.Source = p.parseSource()
	d.Ops = p.parseOps()
	return d
}

// parseSource parses a stream source (VPL.md §3).
func (p *parser) parseSource() Source {
	pos := p.tok.pos
	if p.tok.kind != IDENT {
		p.failExpected("a stream source (an event type, stream or pattern name, merge, join, sequence or timer)")
		return &NameSource{Pos: pos}
	}
	if p.peek(1).kind == LPAREN {
		switch p.tok.lit {
		case "merge":
			return p.parseMerge()
		case "join":
			return p.parseJoin()
		case "sequence":
			return p.parseSequence()
		case "timer":
			p.next()
			return &TimerSource{Pos: pos, Args: p.parseArgs("timer")}
		}
	}
	s := &NameSource{Pos: pos}
	if p.isWord("all") && p.peek(1).kind == IDENT {
		s.All = true
		p.next()
	}
	s.Name, s.NamePos = p.ident("an event type")
	if p.tok.kind == DOT && p.isOpAhead("from") {
		p.next()
		s.From = &CallOp{Pos: p.tok.pos, Name: "from"}
		p.next()
		s.From.Args = p.parseArgs("from")
		p.checkArity(s.From)
	}
	if p.got(AS) {
		s.Alias, s.AliasPos = p.ident("an alias")
	}
	return s
}

// isOpAhead reports whether the token after the current '.' is the
// operator name followed by '('.
func (p *parser) isOpAhead(name string) bool {
	t := p.peek(1)
	return t.kind == IDENT && t.lit == name && p.peek(2).kind == LPAREN
}

// member parses the `stream Label = Name` head of a merge or join member,
// or a bare name.
func (p *parser) member() (label, name string, pos, namePos Pos) {
	pos = p.tok.pos
	if p.isWord("stream") && p.peek(1).kind == IDENT && p.peek(2).kind == ASSIGN {
		p.next()
		label, _ = p.ident("a member label")
		p.next()
	}
	name, namePos = p.ident("an event type")
	return label, name, pos, namePos
}

func (p *parser) parseMerge() Source {
	s := &MergeSource{Pos: p.tok.pos}
	p.next()
	p.expect(LPAREN)
	for p.tok.kind != RPAREN && p.tok.kind != EOF {
		var m MergeMember
		m.Label, m.Name, m.Pos, m.NamePos = p.member()
		if m.Label != "" && p.tok.kind == DOT {
			if p.isOpAhead("where") || p.isOpAhead("filter") || p.peek(1).kind == WHERE && p.peek(2).kind == LPAREN {
				p.next()
				p.next()
				p.expect(LPAREN)
				m.Where = p.parseExpr()
				p.expect(RPAREN)
			} else {
				p.next()
				p.failExpected("'where' (a merge member is Name or stream Label = Name.where(p))")
			}
		}
		s.Members = append(s.Members, m)
		if !p.got(COMMA) {
			break
		}
	}
	p.expect(RPAREN)
	return s
}

func (p *parser) parseJoin() Source {
	s := &JoinSource{Pos: p.tok.pos}
	p.next()
	p.expect(LPAREN)
	for p.tok.kind != RPAREN && p.tok.kind != EOF {
		var m JoinMember
		m.Label, m.Name, m.Pos, m.NamePos = p.member()
		if m.Label != "" {
			if p.tok.kind != DOT || !p.isOpAhead("on") {
				p.failExpected("'.on(' (a join member is Name or stream Label = Name.on(key))")
				return s
			}
			p.next()
			p.next()
			p.expect(LPAREN)
			m.On = p.parseExpr()
			p.expect(RPAREN)
		}
		s.Members = append(s.Members, m)
		if !p.got(COMMA) {
			break
		}
	}
	p.expect(RPAREN)
	return s
}

// parseSequence parses sequence(a: T [where p] [.within(d)], ...).
func (p *parser) parseSequence() Source {
	s := &SequenceSource{Pos: p.tok.pos}
	p.next()
	p.expect(LPAREN)
	for p.tok.kind != RPAREN && p.tok.kind != EOF {
		var st SeqStep
		st.Pos = p.tok.pos
		st.Alias, _ = p.ident("a step alias")
		p.expect(COLON)
		st.Type, st.TypePos = p.ident("an event type")
		if p.got(WHERE) {
			st.Where = p.parseExpr()
		}
		if p.tok.kind == DOT && p.isOpAhead("within") {
			p.next()
			p.next()
			p.expect(LPAREN)
			st.Within = p.parseExpr()
			p.expect(RPAREN)
		}
		s.Steps = append(s.Steps, st)
		if !p.got(COMMA) {
			break
		}
	}
	p.expect(RPAREN)
	return s
}

// parseOps parses the operator chain: `.name(args)`, `.emit as T(args)`,
// `.not(T [where p])` and `-> [all] T [where p] [as a]`. Line breaks
// between them do not matter.
func (p *parser) parseOps() []Op {
	var ops []Op
	for {
		switch p.tok.kind {
		case DOT:
			p.next()
			ops = append(ops, p.parseOp())
		case ARROW:
			ops = append(ops, p.parseStep())
		default:
			return ops
		}
		if p.failed() {
			return ops
		}
	}
}

func (p *parser) parseOp() Op {
	pos := p.tok.pos
	var name string
	switch p.tok.kind {
	case IDENT, WHERE, NOT:
		name = p.tok.lit
		p.next()
	default:
		p.failExpected("an operator name after '.'")
		return &CallOp{Pos: pos}
	}
	switch name {
	case "not":
		o := &NotOp{Pos: pos}
		p.expect(LPAREN)
		o.Type, o.TypePos = p.ident("an event type")
		if p.got(WHERE) {
			o.Where = p.parseExpr()
		}
		p.expect(RPAREN)
		return o
	case "from":
		p.fail(pos, ".from() must follow the event type name directly: Name.from(Connector, ...)")
		return &CallOp{Pos: pos, Name: name}
	}
	o := &CallOp{Pos: pos, Name: name}
	if name == "emit" && p.tok.kind == AS {
		p.next()
		o.As, o.AsPos = p.ident("an event type")
		if p.tok.kind != LPAREN {
			return o // `.emit as T` keeps all fields, like .emit()
		}
	}
	if p.tok.kind != LPAREN {
		p.failExpected("'(' after ." + name)
		return o
	}
	o.Args = p.parseArgs(name)
	p.checkArity(o)
	return o
}

// opArity gives the number of positional arguments of the operators whose
// argument shape is fixed: a count outside [min, max] is a syntax error
// (max < 0: no upper bound). Named parameters are the checker's (E080).
var opArity = map[string][2]int{
	"where": {1, 1}, "filter": {1, 1}, "having": {1, 1}, "within": {1, 1},
	"allowed_lateness": {1, 1}, "policy": {1, 1}, "context": {1, 1},
	"process": {1, 1}, "limit": {1, 1}, "first": {0, 0}, "distinct": {0, 1},
	"on": {1, 1}, "partition_by": {1, -1}, "to": {1, 1}, "from": {1, 1}, "enrich": {1, 1},
	"log": {0, 0}, "watermark": {0, 0}, "forecast": {0, 0}, "score": {0, 0},
	"aggregate": {0, 0}, "trend_aggregate": {0, 0}, "pattern": {0, 0},
}

func (p *parser) checkArity(o *CallOp) {
	ar, ok := opArity[o.Name]
	if !ok {
		return
	}
	n := 0
	for _, a := range o.Args {
		if a.Name == "" {
			n++
		}
	}
	switch {
	case n >= ar[0] && (ar[1] < 0 || n <= ar[1]):
	case o.Name == "first":
		p.fail(o.Pos, ".first() takes no arguments")
	case ar[1] == 0:
		p.fail(o.Pos, ".%s() takes only named arguments", o.Name)
	case ar[0] == ar[1]:
		p.fail(o.Pos, ".%s() takes %s", o.Name, plural(ar[0], "positional argument"))
	case ar[1] < 0:
		p.fail(o.Pos, ".%s() takes at least %s", o.Name, plural(ar[0], "argument"))
	default:
		p.fail(o.Pos, ".%s() takes at most %s", o.Name, plural(ar[1], "argument"))
	}
}

func plural(n int, noun string) string {
	switch n {
	case 0:
		return "no " + noun + "s"
	case 1:
		return "one " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// parseStep parses `-> [all] T [where p] [as a]` (where and as in either
// order).
func (p *parser) parseStep() Op {
	s := &StepOp{Pos: p.tok.pos}
	p.next()
	if p.isWord("all") && p.peek(1).kind == IDENT {
		s.All = true
		p.next()
	}
	s.Type, s.TypePos = p.ident("an event type after '->'")
	for p.tok.kind == WHERE && s.Where == nil || p.tok.kind == AS && s.Alias == "" {
		if p.got(WHERE) {
			s.Where = p.parseExpr()
		} else {
			p.next()
			s.Alias, s.AliasPos = p.ident("an alias")
		}
	}
	return s
}

// --- named patterns ---

// parsePatternDecl parses
// `pattern Name = P [within d] [partition by f, ...] [policy p]`.
func (p *parser) parsePatternDecl() Stmt {
	d := &PatternDecl{Pos: p.tok.pos}
	p.next()
	d.Name, d.NamePos = p.ident("a pattern name")
	p.expect(ASSIGN)
	d.Pattern = p.parsePatOr()
	for !p.failed() {
		switch {
		case p.isWord("within") && d.Within == nil:
			p.next()
			d.Within = p.parseExpr()
		case p.isWord("partition") && p.peek(1).kind == IDENT && p.peek(1).lit == "by" && d.PartitionBy == nil:
			d.PartPos = p.tok.pos
			p.next()
			p.next()
			for {
				f, _ := p.ident("a field name")
				d.PartitionBy = append(d.PartitionBy, f)
				if !p.got(COMMA) {
					break
				}
			}
		case p.isWord("policy") && d.Policy == "":
			d.PolicyPos = p.tok.pos
			p.next()
			d.Policy, _ = p.ident("a policy (next, any or strict)")
		default:
			return d
		}
	}
	return d
}

// parsePatOr parses P OR P ... (left-associative).
func (p *parser) parsePatOr() PatternExpr {
	if !p.enter() {
		return &PatternItem{Pos: p.tok.pos}
	}
	defer p.leave()
	x := p.parsePatTerm()
	spine := 0
	defer func() { p.depth -= spine }()
	for p.isWord("OR") {
		spine++
		if !p.enter() {
			break
		}
		pos := p.tok.pos
		p.next()
		x = &PatternBinary{Pos: pos, Op: "OR", X: x, Y: p.parsePatTerm()}
	}
	return x
}

// parsePatTerm parses SEQ(...), ( P ), an item, or I AND I (VPL.md §2:
// AND takes single items only).
func (p *parser) parsePatTerm() PatternExpr {
	pos := p.tok.pos
	switch {
	case p.isWord("SEQ") && p.peek(1).kind == LPAREN:
		p.next()
		p.next()
		s := &PatternSeq{Pos: pos}
		for p.tok.kind != RPAREN && p.tok.kind != EOF {
			s.Items = append(s.Items, p.parsePatItem())
			if !p.got(COMMA) {
				break
			}
		}
		p.expect(RPAREN)
		return s
	case p.tok.kind == LPAREN:
		p.next()
		x := p.parsePatOr()
		p.expect(RPAREN)
		return x
	}
	x := p.parsePatItem()
	if p.isWord("AND") {
		andPos := p.tok.pos
		p.next()
		y := p.parsePatItem()
		if p.isWord("AND") {
			p.fail(p.tok.pos, "AND combines exactly two items; use SEQ or OR for more")
		}
		return &PatternBinary{Pos: andPos, Op: "AND", X: x, Y: y}
	}
	return x
}

// parsePatItem parses `[NOT] Type[+|*|?] [where p] [as alias]`.
func (p *parser) parsePatItem() PatternExpr {
	it := &PatternItem{Pos: p.tok.pos}
	if p.isWord("NOT") && p.peek(1).kind == IDENT {
		it.Not = true
		p.next()
	}
	it.Type, it.TypePos = p.ident("an event type")
	switch p.tok.kind {
	case PLUS:
		it.Quantifier = '+'
		p.next()
	case STAR:
		it.Quantifier = '*'
		p.next()
	case QUESTION:
		it.Quantifier = '?'
		p.next()
	}
	if p.got(WHERE) {
		it.Where = p.parseExpr()
	}
	if p.got(AS) {
		it.Alias, it.AliasPos = p.ident("an alias")
	}
	return it
}
