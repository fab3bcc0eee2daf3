package rowpattern

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ErrorKind classifies an Error, so the SQL front end can pick a SQLSTATE.
type ErrorKind uint8

// Error kinds.
const (
	ErrSyntax      ErrorKind = iota + 1 // malformed text or AST (SQLSTATE 42601)
	ErrUnsupported                      // a construct SQL.md §4.1 rejects (0A000)
	ErrTooLarge                         // beyond a size limit of this package (54001)
)

// Error is a rejected row pattern.
type Error struct {
	Kind ErrorKind
	// Pos is the byte offset in the pattern text where the problem is, or
	// -1 when it is not in the text (a hand-built AST, an AFTER MATCH SKIP
	// target).
	Pos int
	Msg string
}

func (e *Error) Error() string {
	if e.Pos < 0 {
		return "row pattern: " + e.Msg
	}
	return fmt.Sprintf("row pattern: %s at offset %d", e.Msg, e.Pos)
}

// Limits. Deeper nesting would only cost stack; larger counts make
// quantifiers over sub-patterns that can be empty expensive to expand.
const (
	MaxDepth = 100    // nesting of groups, PERMUTE and quantifiers
	MaxCount = 10_000 // a quantifier's bounds
)

// Parse reads a row pattern, the text between the parentheses of
// MATCH_RECOGNIZE's PATTERN (SQL.md §4):
//
//	pattern := alternative {'|' alternative}      alternative := factor {factor}
//	factor := primary [quantifier]
//	primary := var | '(' pattern ')' | PERMUTE '(' pattern {',' pattern} ')'
//	quantifier := ('*' | '+' | '?' | '{n}' | '{n,}' | '{,m}' | '{n,m}') ['?']
//
// Variables are SQL identifiers: unquoted ones are folded to lower case
// (ASCII letters only, as PostgreSQL does), double-quoted ones are kept as
// written. Whitespace and SQL comments separate tokens. PERMUTE is a
// keyword only when unquoted and followed by '('.
//
// Besides syntax errors, Parse rejects what SQL.md §4.1 rejects, naming the
// construct (ErrUnsupported): the anchors ^ and $, exclusion {- -} and a
// pattern that can match zero rows. Any error is an *Error.
func Parse(src string) (*Node, error) {
	p := &parser{src: src}
	if !utf8.ValidString(src) {
		return nil, p.errf(ErrSyntax, invalidUTF8(src), "invalid UTF-8")
	}
	if err := p.space(); err != nil {
		return nil, err
	}
	if p.eof() {
		return nil, p.errf(ErrSyntax, p.pos, "empty row pattern")
	}
	n, err := p.alternation(0, "pattern")
	if err != nil {
		return nil, err
	}
	if !p.eof() {
		return nil, p.unexpected("")
	}
	if err := Check(n); err != nil {
		return nil, err
	}
	return n, nil
}

func invalidUTF8(s string) int {
	for i, r := range s {
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(s[i:]); size <= 1 {
				return i
			}
		}
	}
	return 0
}

type parser struct {
	src string
	pos int
}

func (p *parser) errf(k ErrorKind, pos int, format string, args ...any) *Error {
	return &Error{Kind: k, Pos: pos, Msg: fmt.Sprintf(format, args...)}
}

func (p *parser) eof() bool { return p.pos >= len(p.src) }

func (p *parser) peek() byte {
	if p.pos < len(p.src) {
		return p.src[p.pos]
	}
	return 0
}

// space skips whitespace and comments (-- to the end of the line, /* */
// nested as in PostgreSQL).
func (p *parser) space() error {
	for p.pos < len(p.src) {
		switch c := p.src[p.pos]; {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v':
			p.pos++
		case strings.HasPrefix(p.src[p.pos:], "--"):
			if i := strings.IndexByte(p.src[p.pos:], '\n'); i >= 0 {
				p.pos += i + 1
			} else {
				p.pos = len(p.src)
			}
		case strings.HasPrefix(p.src[p.pos:], "/*"):
			start, depth := p.pos, 0
			for {
				switch {
				case p.pos >= len(p.src):
					return p.errf(ErrSyntax, start, "unterminated /* comment")
				case strings.HasPrefix(p.src[p.pos:], "/*"):
					depth++
					p.pos += 2
				case strings.HasPrefix(p.src[p.pos:], "*/"):
					depth--
					p.pos += 2
				default:
					p.pos++
				}
				if depth == 0 {
					break
				}
			}
		default:
			return nil
		}
	}
	return nil
}

// unexpected reports the token at p.pos; what says what was expected.
func (p *parser) unexpected(what string) *Error {
	if p.eof() {
		if what == "" {
			return p.errf(ErrSyntax, p.pos, "unexpected end of pattern")
		}
		return p.errf(ErrSyntax, p.pos, "unexpected end of pattern, expected %s", what)
	}
	switch c := p.peek(); c {
	case '^', '$':
		return p.errf(ErrUnsupported, p.pos, "anchor %c is not supported", c)
	case ')':
		return p.errf(ErrSyntax, p.pos, `unmatched ")"`)
	case ',':
		return p.errf(ErrSyntax, p.pos, `"," outside PERMUTE`)
	case '*', '+', '?', '{':
		if strings.HasPrefix(p.src[p.pos:], "{-") {
			return p.errf(ErrUnsupported, p.pos, "exclusion {- -} is not supported")
		}
		return p.errf(ErrSyntax, p.pos, "quantifier %q with nothing to repeat", c)
	}
	r, _ := utf8.DecodeRuneInString(p.src[p.pos:])
	if what == "" {
		return p.errf(ErrSyntax, p.pos, "unexpected %q", r)
	}
	return p.errf(ErrSyntax, p.pos, "unexpected %q, expected %s", r, what)
}

// alternation reads alternatives up to ')', ',' or the end; in names
// what encloses it, for errors.
func (p *parser) alternation(depth int, in string) (*Node, error) {
	if depth > MaxDepth {
		return nil, p.errf(ErrTooLarge, p.pos, "pattern nested deeper than %d", MaxDepth)
	}
	start := p.pos
	var alts []*Node
	for {
		a, err := p.sequence(depth, len(alts) > 0, in)
		if err != nil {
			return nil, err
		}
		alts = append(alts, a)
		if p.peek() != '|' {
			break
		}
		p.pos++
		if err := p.space(); err != nil {
			return nil, err
		}
	}
	if len(alts) == 1 {
		return alts[0], nil
	}
	return &Node{Kind: KindAlt, Pos: start, Subs: alts}, nil
}

// sequence reads factors up to '|', ')', ',' or the end.
func (p *parser) sequence(depth int, afterBar bool, in string) (*Node, error) {
	start := p.pos
	var fs []*Node
	for {
		if c := p.peek(); p.eof() || c == '|' || c == ')' || c == ',' {
			break
		}
		f, err := p.factor(depth)
		if err != nil {
			return nil, err
		}
		fs = append(fs, f)
	}
	if len(fs) == 0 {
		switch {
		case afterBar:
			return nil, p.errf(ErrSyntax, p.pos, `empty alternative after "|"`)
		case p.peek() == '|':
			return nil, p.errf(ErrSyntax, p.pos, `empty alternative before "|"`)
		case p.peek() == ',' && in != "PERMUTE argument":
			return nil, p.unexpected("")
		}
		return nil, p.errf(ErrSyntax, p.pos, "empty %s", in)
	}
	if len(fs) == 1 {
		return fs[0], nil
	}
	return &Node{Kind: KindConcat, Pos: start, Subs: fs}, nil
}

func isLetter(r rune) bool { return unicode.IsLetter(r) }

func identStart(r rune) bool {
	return r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= 0x80 && isLetter(r)
}

func identPart(r rune) bool {
	return identStart(r) || r >= '0' && r <= '9' || r >= 0x80 && unicode.IsDigit(r)
}

// factor reads a primary and its quantifier.
func (p *parser) factor(depth int) (*Node, error) {
	start := p.pos
	var prim *Node
	r, size := utf8.DecodeRuneInString(p.src[p.pos:])
	switch {
	case r == '(':
		p.pos++
		if err := p.space(); err != nil {
			return nil, err
		}
		n, err := p.alternation(depth+1, "group")
		if err != nil {
			return nil, err
		}
		if p.peek() != ')' {
			if p.eof() {
				return nil, p.errf(ErrSyntax, start, `unclosed "("`)
			}
			return nil, p.unexpected(`")"`)
		}
		p.pos++
		prim = n
	case r == '"':
		name, err := p.quoted()
		if err != nil {
			return nil, err
		}
		prim = &Node{Kind: KindVar, Pos: start, Name: name}
	case identStart(r):
		p.pos += size
		for p.pos < len(p.src) {
			r, size := utf8.DecodeRuneInString(p.src[p.pos:])
			if !identPart(r) {
				break
			}
			p.pos += size
		}
		word := p.src[start:p.pos]
		if p.peek() == '$' {
			// PostgreSQL allows $ inside identifiers, but here it would
			// read as an anchor: say so rather than guess.
			return nil, p.errf(ErrUnsupported, p.pos, "anchor $ is not supported")
		}
		if strings.EqualFold(word, "permute") {
			save := p.pos
			if err := p.space(); err != nil {
				return nil, err
			}
			if p.peek() == '(' {
				n, err := p.permute(start, depth)
				if err != nil {
					return nil, err
				}
				prim = n
				break
			}
			p.pos = save
		}
		prim = &Node{Kind: KindVar, Pos: start, Name: foldASCII(word)}
	default:
		return nil, p.unexpected("a pattern variable or \"(\"")
	}
	if err := p.space(); err != nil {
		return nil, err
	}
	q, err := p.quantifier(prim, start)
	if err != nil {
		return nil, err
	}
	return q, nil
}

// permute reads '(' pattern {',' pattern} ')' after the keyword.
func (p *parser) permute(start, depth int) (*Node, error) {
	open := p.pos
	p.pos++ // '('
	if err := p.space(); err != nil {
		return nil, err
	}
	if p.peek() == ')' {
		return nil, p.errf(ErrSyntax, p.pos, "PERMUTE needs at least one argument")
	}
	n := &Node{Kind: KindPermute, Pos: start}
	for {
		a, err := p.alternation(depth+1, "PERMUTE argument")
		if err != nil {
			return nil, err
		}
		n.Subs = append(n.Subs, a)
		if p.peek() == ',' {
			p.pos++
			if err := p.space(); err != nil {
				return nil, err
			}
			continue
		}
		if p.peek() == ')' {
			p.pos++
			return n, nil
		}
		if p.eof() {
			return nil, p.errf(ErrSyntax, open, `unclosed "(" of PERMUTE`)
		}
		return nil, p.unexpected(`"," or ")"`)
	}
}

// quoted reads a double-quoted identifier ("" is a quote).
func (p *parser) quoted() (string, error) {
	start := p.pos
	p.pos++
	var b strings.Builder
	for {
		i := strings.IndexByte(p.src[p.pos:], '"')
		if i < 0 {
			return "", p.errf(ErrSyntax, start, "unterminated quoted identifier")
		}
		b.WriteString(p.src[p.pos : p.pos+i])
		p.pos += i + 1
		if p.peek() != '"' {
			break
		}
		b.WriteByte('"')
		p.pos++
	}
	if b.Len() == 0 {
		return "", p.errf(ErrSyntax, start, "zero-length quoted identifier")
	}
	return b.String(), nil
}

func foldASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if b[j] >= 'A' && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

// quantifier reads an optional quantifier after prim.
func (p *parser) quantifier(prim *Node, start int) (*Node, error) {
	q := &Node{Kind: KindQuant, Pos: start, Subs: []*Node{prim}}
	qpos := p.pos
	switch p.peek() {
	case '*':
		q.Min, q.Max = 0, Unbounded
		p.pos++
	case '+':
		q.Min, q.Max = 1, Unbounded
		p.pos++
	case '?':
		q.Min, q.Max = 0, 1
		p.pos++
	case '{':
		if err := p.bounds(q); err != nil {
			return nil, err
		}
	default:
		return prim, nil
	}
	if p.peek() == '?' {
		q.Reluctant = true
		p.pos++
	}
	if err := p.space(); err != nil {
		return nil, err
	}
	switch c := p.peek(); c {
	case '*', '+', '?':
		return nil, p.errf(ErrSyntax, p.pos, "quantifier %q follows the quantifier at offset %d; parenthesise the repeated part", c, qpos)
	case '{':
		if !strings.HasPrefix(p.src[p.pos:], "{-") {
			return nil, p.errf(ErrSyntax, p.pos, "quantifier \"{\" follows the quantifier at offset %d; parenthesise the repeated part", qpos)
		}
	}
	return q, nil
}

// bounds reads {n}, {n,}, {,m} or {n,m} (spaces allowed inside).
func (p *parser) bounds(q *Node) error {
	open := p.pos
	p.pos++
	if err := p.space(); err != nil {
		return err
	}
	if p.peek() == '-' {
		return p.errf(ErrUnsupported, open, "exclusion {- -} is not supported")
	}
	lo, hasLo, err := p.count()
	if err != nil {
		return err
	}
	comma := p.peek() == ','
	hi, hasHi := 0, false
	if comma {
		p.pos++
		if err := p.space(); err != nil {
			return err
		}
		if hi, hasHi, err = p.count(); err != nil {
			return err
		}
	}
	if p.peek() != '}' {
		if p.eof() {
			return p.errf(ErrSyntax, open, `unclosed "{"`)
		}
		return p.unexpected(`a count or "}"`)
	}
	p.pos++
	switch {
	case !hasLo && !comma:
		return p.errf(ErrSyntax, open, "empty quantifier {}")
	case !hasLo && !hasHi:
		return p.errf(ErrSyntax, open, "quantifier {,} has no bound")
	case !comma:
		q.Min, q.Max = lo, lo
	case !hasHi:
		q.Min, q.Max = lo, Unbounded
	default:
		if hi < lo {
			return p.errf(ErrSyntax, open, "quantifier {%d,%d}: the upper bound is below the lower bound", lo, hi)
		}
		q.Min, q.Max = lo, hi
	}
	return nil
}

// count reads an optional decimal count.
func (p *parser) count() (int, bool, error) {
	start := p.pos
	n := 0
	for p.pos < len(p.src) && p.src[p.pos] >= '0' && p.src[p.pos] <= '9' {
		n = n*10 + int(p.src[p.pos]-'0')
		p.pos++
		if n > MaxCount {
			return 0, false, p.errf(ErrTooLarge, start, "quantifier count above %d", MaxCount)
		}
	}
	if p.pos == start {
		return 0, false, nil
	}
	return n, true, p.space()
}
