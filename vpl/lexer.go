package vpl

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/varpulis/varpulis-go/event"
)

// maxBrackets is the deepest bracket nesting accepted (VPL.md §1.7). It
// also bounds the parser's recursion through parentheses.
const maxBrackets = 24

// token is one lexical token.
type token struct {
	kind Token
	pos  Pos
	lit  string      // IDENT: the name; literals: the source text; ILLEGAL: the error message
	val  event.Value // literals: the value
	bol  bool        // first token on its line
}

// blockKeywords start the lines that may open an indented block (VPL.md §1.6).
var blockKeywords = map[string]bool{
	"fn": true, "if": true, "elif": true, "else": true, "for": true,
	"while": true, "event": true, "config": true,
}

// block is an open indented block: the indentation of the line that opened
// it and of its body.
type block struct{ opener, body int }

// lexer turns source text into tokens, applying the layout rule of
// VPL.md §1.6: inside blocks it emits NEWLINE between statements and INDENT
// and DEDENT around bodies; outside blocks line breaks are insignificant.
//
// Scanning stops at the first error, which becomes an ILLEGAL token whose
// lit is the message; the parser reports it as E000 when it gets there.
type lexer struct {
	src  []byte
	file int32
	lmap *lineMap // nil: positions are the text's own

	off       int   // byte offset of the next character
	line, col int32 // position of the next character, 1-based, col in code points

	toks  []token
	depth int // bracket depth
	done  bool

	// layout state
	bol           bool // no token yet on the current physical line
	indent        int  // the current line's indentation (leading blanks), -1: it began inside a comment
	tabPos        Pos  // a tab in the current line's indentation
	blocks        []block
	stmtIndent    int  // indentation of the current statement's first line (in a block)
	armed         bool // the current logical line starts with a block keyword
	armedConfig   bool
	armedIndent   int
	pending       bool // the previous logical line opened a block
	pendingIndent int
	pendingConfig bool
	lastKind      Token
	lastEnd       Pos
}

// lex scans src completely. The result always ends with an EOF or an
// ILLEGAL token.
func lex(src []byte, file int32, lmap *lineMap) []token {
	l := &lexer{src: src, file: file, lmap: lmap, line: 1, col: 1, bol: true}
	l.lastEnd = l.pos(1, 1)
	// A byte order mark is not part of the text.
	if len(src) >= 3 && src[0] == 0xEF && src[1] == 0xBB && src[2] == 0xBF {
		l.off = 3
	}
	l.measureIndent()
	for !l.done {
		l.scan()
	}
	return l.toks
}

// pos maps a position in the scanned text to the source position.
func (l *lexer) pos(line, col int32) Pos {
	if l.lmap != nil {
		return l.lmap.pos(l.file, line, col)
	}
	return Pos{File: l.file, Line: line, Col: col}
}

func (l *lexer) here() Pos { return l.pos(l.line, l.col) }

// fail ends scanning with an ILLEGAL token at p.
func (l *lexer) fail(p Pos, format string, args ...any) {
	if l.done {
		return
	}
	l.toks = append(l.toks, token{kind: ILLEGAL, pos: p, lit: fmt.Sprintf(format, args...)})
	l.done = true
}

func (l *lexer) emit(t token) {
	if l.done {
		return
	}
	l.toks = append(l.toks, t)
}

// peekByte returns the byte k positions ahead, or 0 past the end.
func (l *lexer) peekByte(k int) byte {
	if l.off+k < len(l.src) {
		return l.src[l.off+k]
	}
	return 0
}

// advance moves past one character (a whole UTF-8 sequence) on the
// current line.
func (l *lexer) advance() {
	if l.off >= len(l.src) {
		return
	}
	if c := l.src[l.off]; c < utf8.RuneSelf {
		l.off++
	} else {
		_, n := utf8.DecodeRune(l.src[l.off:])
		l.off += n
	}
	l.col++
}

// newline moves past a '\n'.
func (l *lexer) newline() {
	l.off++
	l.line++
	l.col = 1
	l.measureIndent()
}

// measureIndent measures the indentation of the line starting at off and
// notes a tab in it.
func (l *lexer) measureIndent() {
	l.indent, l.tabPos = 0, Pos{}
	for i := l.off; i < len(l.src) && (l.src[i] == ' ' || l.src[i] == '\t'); i++ {
		if l.src[i] == '\t' && !l.tabPos.IsValid() {
			l.tabPos = l.pos(l.line, int32(l.indent+1))
		}
		l.indent++
	}
}

// scan scans whitespace and comments, then one token (or the end).
func (l *lexer) scan() {
	for l.off < len(l.src) {
		c := l.src[l.off]
		switch {
		case c == '\n':
			l.endLine()
			l.newline()
			if l.pendingConfig {
				l.skipConfigBody()
			}
		case c == ' ' || c == '\r' || c == '\t':
			l.advance()
		case c == '#':
			for l.off < len(l.src) && l.src[l.off] != '\n' {
				l.advance()
			}
		case c == '/' && l.peekByte(1) == '*':
			if !l.skipBlockComment() {
				return
			}
		default:
			l.token()
			return
		}
	}
	l.endLine()
	l.finish()
}

// skipBlockComment skips a /* */ comment; newlines inside it end lines.
func (l *lexer) skipBlockComment() bool {
	start := l.here()
	l.advance()
	l.advance()
	for l.off < len(l.src) {
		switch {
		case l.src[l.off] == '*' && l.peekByte(1) == '/':
			l.advance()
			l.advance()
			return true
		case l.src[l.off] == '\n':
			l.endLine()
			l.newline()
			l.indent, l.tabPos = -1, Pos{} // the line's leading blanks are comment text
			l.pendingConfig = false        // too odd to honour: `config: /*` spanning lines
		default:
			if !l.validRune() {
				return false
			}
			l.advance()
		}
	}
	l.fail(start, "unterminated comment")
	return false
}

// validRune reports whether the character at off is valid UTF-8, failing
// otherwise.
func (l *lexer) validRune() bool {
	if l.src[l.off] < utf8.RuneSelf {
		return true
	}
	if r, n := utf8.DecodeRune(l.src[l.off:]); r == utf8.RuneError && n == 1 {
		l.fail(l.here(), "invalid UTF-8 encoding")
		return false
	}
	return true
}

// endLine applies the layout rule at the end of a physical line.
func (l *lexer) endLine() {
	if l.bol || l.depth > 0 {
		// A blank line, or a line inside brackets: the logical line goes on.
		l.bol = true
		return
	}
	if l.armed && l.lastKind == COLON {
		if l.armedConfig {
			l.pendingConfig = true
		} else {
			l.pending = true
		}
		l.pendingIndent = l.armedIndent
	}
	l.armed = false
	l.armedConfig = false
	l.bol = true
}

// skipConfigBody skips the body of a `config:` block unread: it is
// ignored (W005), and need not even be VPL.
func (l *lexer) skipConfigBody() {
	l.pendingConfig = false
	for l.off < len(l.src) {
		i, indent := l.off, 0
		for i < len(l.src) && (l.src[i] == ' ' || l.src[i] == '\t') {
			i++
			indent++
		}
		blank := i >= len(l.src) || l.src[i] == '\n' || l.src[i] == '\r' || l.src[i] == '#'
		if !blank && indent <= l.pendingIndent {
			return
		}
		for l.off < len(l.src) && l.src[l.off] != '\n' {
			l.off++
		}
		if l.off < len(l.src) {
			l.newline()
		}
	}
}

// startLine applies the layout rule before the first token of a line.
func (l *lexer) startLine(p Pos, first string) {
	l.bol = false
	if l.depth > 0 {
		return
	}
	if l.tabPos.IsValid() {
		l.fail(l.tabPos, "tab character in indentation; indent with spaces")
		return
	}
	c := l.indent
	if c < 0 {
		c = int(l.col) - 1 // the line began inside a comment: its first token decides
	}
	if l.pending {
		l.pending = false
		if c > l.pendingIndent {
			l.blocks = append(l.blocks, block{opener: l.pendingIndent, body: c})
			l.emit(token{kind: INDENT, pos: p})
			l.stmtIndent = c
			l.arm(first, c)
			return
		}
		// No body: the parser decides whether one was required.
	}
	if len(l.blocks) > 0 {
		if c > l.stmtIndent {
			return // a continuation line
		}
		l.emit(token{kind: NEWLINE, pos: l.lastEnd})
		var last block
		for len(l.blocks) > 0 && c < l.blocks[len(l.blocks)-1].body {
			last = l.blocks[len(l.blocks)-1]
			l.blocks = l.blocks[:len(l.blocks)-1]
			l.emit(token{kind: DEDENT, pos: p})
		}
		if len(l.blocks) > 0 && c != l.blocks[len(l.blocks)-1].body || len(l.blocks) == 0 && c > last.opener {
			l.fail(p, "unindent does not match any outer indentation level")
			return
		}
		l.stmtIndent = c
	}
	l.arm(first, c)
}

// arm notes whether a line starts with a block keyword.
func (l *lexer) arm(first string, indent int) {
	l.armed = blockKeywords[first]
	l.armedConfig = first == "config"
	l.armedIndent = indent
}

// finish closes open blocks and emits EOF.
func (l *lexer) finish() {
	if l.done {
		return
	}
	if len(l.blocks) > 0 {
		l.emit(token{kind: NEWLINE, pos: l.lastEnd})
		for range l.blocks {
			l.emit(token{kind: DEDENT, pos: l.lastEnd})
		}
		l.blocks = nil
	}
	l.emit(token{kind: EOF, pos: l.lastEnd})
	l.done = true
}

// token scans one token starting at a non-blank character.
func (l *lexer) token() {
	start := l.off
	p := l.here()
	c := l.src[l.off]
	bol := l.bol
	if bol {
		first := ""
		if isLetter(c) {
			i := l.off
			for i < len(l.src) && isIdentChar(l.src[i]) {
				i++
			}
			first = string(l.src[l.off:i])
		}
		l.startLine(p, first)
		if l.done {
			return
		}
	}

	var t token
	switch {
	case isLetter(c):
		for l.off < len(l.src) && isIdentChar(l.src[l.off]) {
			l.advance()
		}
		t.lit = string(l.src[start:l.off])
		t.kind = Lookup(t.lit)
		switch t.kind {
		case TRUE:
			t.val = event.Bool(true)
		case FALSE:
			t.val = event.Bool(false)
		}
	case isDigit(c):
		t = l.number(p)
	case c == '"' || c == '\'':
		t = l.str(p)
	case c == '@':
		t = l.timestamp(p)
	default:
		t.kind = l.operator()
		if t.kind == ILLEGAL {
			return
		}
	}
	if l.done {
		return
	}
	switch t.kind {
	case LPAREN, LBRACK, LBRACE:
		l.depth++
		if l.depth > maxBrackets {
			l.fail(p, "brackets nested more than %d levels deep", maxBrackets)
			return
		}
	case RPAREN, RBRACK, RBRACE:
		if l.depth > 0 {
			l.depth--
		}
	}
	if t.lit == "" && t.kind != STRING {
		t.lit = t.kind.String()
	}
	t.pos, t.bol = p, bol
	l.emit(t)
	l.lastKind = t.kind
	l.lastEnd = l.here()
}

func isLetter(c byte) bool    { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' }
func isDigit(c byte) bool     { return c >= '0' && c <= '9' }
func isIdentChar(c byte) bool { return isLetter(c) || isDigit(c) }

// durationUnits are the duration suffixes of VPL.md §1.4, in nanoseconds.
var durationUnits = map[string]int64{
	"ns": 1, "us": int64(time.Microsecond), "ms": int64(time.Millisecond),
	"s": int64(time.Second), "m": int64(time.Minute), "h": int64(time.Hour),
	"d": 24 * int64(time.Hour),
}

// number scans an int, float or duration literal. "1.", ".5" and "1e3"
// are not floats (VPL.md §1.4): "1." scans as INT and DOT so that "1..5"
// is a range, and a letter glued to a number is an error rather than a
// second token.
func (l *lexer) number(p Pos) token {
	start := l.off
	for isDigit(l.peekByte(0)) {
		l.advance()
	}
	kind := INT
	if l.peekByte(0) == '.' && isDigit(l.peekByte(1)) {
		kind = FLOAT
		l.advance()
		for isDigit(l.peekByte(0)) {
			l.advance()
		}
		if e := l.peekByte(0); e == 'e' || e == 'E' {
			if isDigit(l.peekByte(1)) || (l.peekByte(1) == '+' || l.peekByte(1) == '-') && isDigit(l.peekByte(2)) {
				l.advance()
				l.advance()
				for isDigit(l.peekByte(0)) {
					l.advance()
				}
			}
		}
	}
	numEnd := l.off
	for isIdentChar(l.peekByte(0)) {
		l.advance()
	}
	text := string(l.src[start:l.off])
	digits, suffix := string(l.src[start:numEnd]), string(l.src[numEnd:l.off])
	t := token{pos: p, lit: text}
	switch {
	case suffix == "" && kind == INT:
		n, err := strconv.ParseInt(digits, 10, 64)
		if err != nil {
			l.fail(p, "integer literal %s out of range", text)
			return t
		}
		t.kind, t.val = INT, event.Int(n)
	case suffix == "":
		f, err := strconv.ParseFloat(digits, 64)
		if err != nil || math.IsInf(f, 0) {
			l.fail(p, "float literal %s out of range", text)
			return t
		}
		t.kind, t.val = FLOAT, event.Float(f)
	case durationUnits[suffix] != 0 && kind == INT:
		n, err := strconv.ParseInt(digits, 10, 64)
		unit := durationUnits[suffix]
		if err != nil || n > math.MaxInt64/unit {
			l.fail(p, "duration literal %s out of range", text)
			return t
		}
		t.kind, t.val = DURATION, event.Duration(n*unit)
	case durationUnits[suffix] != 0:
		l.fail(p, "invalid duration %s: the count must be an integer (write 90m for 1.5h)", text)
	case kind == INT && (suffix[0] == 'e' || suffix[0] == 'E'):
		l.fail(p, "invalid number %s: a float needs digits on both sides of the point (write %s.0%s)", text, digits, suffix)
	default:
		l.fail(p, "invalid number %s", text)
	}
	return t
}

// str scans a string literal in either quote.
func (l *lexer) str(p Pos) token {
	start := l.off
	q := l.src[l.off]
	l.advance()
	var b strings.Builder
	for {
		if l.off >= len(l.src) || l.src[l.off] == '\n' {
			l.fail(p, "unterminated string literal")
			return token{}
		}
		c := l.src[l.off]
		if c == q {
			l.advance()
			break
		}
		if c != '\\' {
			if !l.validRune() {
				return token{}
			}
			n := 1
			if c >= utf8.RuneSelf {
				_, n = utf8.DecodeRune(l.src[l.off:])
			}
			b.Write(l.src[l.off : l.off+n])
			l.advance()
			continue
		}
		escPos := l.here()
		l.advance()
		e := l.peekByte(0)
		switch e {
		case '\\', '"', '\'':
			b.WriteByte(e)
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case '0':
			b.WriteByte(0)
		case 'u':
			r, ok := l.unicodeEscape()
			if !ok {
				l.fail(escPos, "invalid unicode escape: write \\u{hex} with 1 to 6 hex digits naming a code point")
				return token{}
			}
			b.WriteRune(r)
			continue
		default:
			if l.off >= len(l.src) || e == '\n' {
				l.fail(p, "unterminated string literal")
			} else {
				l.fail(escPos, "invalid escape sequence in string; valid escapes are \\\\ \\\" \\' \\n \\r \\t \\0 \\u{hex}")
			}
			return token{}
		}
		l.advance()
	}
	return token{kind: STRING, pos: p, lit: string(l.src[start:l.off]), val: event.String(b.String())}
}

// unicodeEscape scans the "u{hex}" of a \u{hex} escape.
func (l *lexer) unicodeEscape() (rune, bool) {
	if l.peekByte(1) != '{' {
		return 0, false
	}
	i := l.off + 2
	var r rune
	n := 0
	for i < len(l.src) && n <= 6 {
		d, ok := hexDigit(l.src[i])
		if !ok {
			break
		}
		r = r*16 + rune(d)
		n++
		i++
	}
	if n == 0 || n > 6 || i >= len(l.src) || l.src[i] != '}' || !utf8.ValidRune(r) {
		return 0, false
	}
	for l.off <= i {
		l.advance()
	}
	return r, true
}

func hexDigit(c byte) (int, bool) {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0'), true
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10, true
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10, true
	}
	return 0, false
}

var (
	minTime = time.Unix(0, math.MinInt64)
	maxTime = time.Unix(0, math.MaxInt64)
)

// timestamp scans @YYYY-MM-DD[THH:MM:SS[.f…][Z|±HH:MM]].
func (l *lexer) timestamp(p Pos) token {
	s := l.src[l.off:]
	i := 1
	// num reads exactly n digits at i.
	num := func(n int) (int, bool) {
		if i+n > len(s) {
			return 0, false
		}
		v := 0
		for _, c := range s[i : i+n] {
			if !isDigit(c) {
				return 0, false
			}
			v = v*10 + int(c-'0')
		}
		i += n
		return v, true
	}
	lit := func(c byte) bool {
		if i < len(s) && s[i] == c {
			i++
			return true
		}
		return false
	}
	bad := func() token {
		end := i
		for end < len(s) && (isIdentChar(s[end]) || strings.IndexByte(":+-.", s[end]) >= 0) {
			end++
		}
		l.fail(p, "invalid timestamp literal %s: write @YYYY-MM-DD or @YYYY-MM-DDTHH:MM:SS[.fraction][Z|±HH:MM]", s[:max(end, 1)])
		return token{}
	}
	year, ok1 := num(4)
	ok2 := lit('-')
	month, ok3 := num(2)
	ok4 := lit('-')
	day, ok5 := num(2)
	if !(ok1 && ok2 && ok3 && ok4 && ok5) {
		return bad()
	}
	var hour, minute, sec, nsec int
	loc := time.UTC
	if lit('T') {
		var okh, okm, oks bool
		hour, okh = num(2)
		okc1 := lit(':')
		minute, okm = num(2)
		okc2 := lit(':')
		sec, oks = num(2)
		if !(okh && okc1 && okm && okc2 && oks) || hour > 23 || minute > 59 || sec > 59 {
			return bad()
		}
		if i+1 < len(s) && s[i] == '.' && isDigit(s[i+1]) {
			i++
			n := 0
			for i < len(s) && isDigit(s[i]) {
				if n == 9 {
					return bad()
				}
				nsec = nsec*10 + int(s[i]-'0')
				n++
				i++
			}
			for ; n < 9; n++ {
				nsec *= 10
			}
		}
		// A zone is Z or ±HH:MM; anything else after the seconds is left
		// for the next token.
		if !lit('Z') && i+5 < len(s) && (s[i] == '+' || s[i] == '-') && isDigit(s[i+1]) && isDigit(s[i+2]) && s[i+3] == ':' && isDigit(s[i+4]) && isDigit(s[i+5]) {
			sign := 1
			if s[i] == '-' {
				sign = -1
			}
			zh := int(s[i+1]-'0')*10 + int(s[i+2]-'0')
			zm := int(s[i+4]-'0')*10 + int(s[i+5]-'0')
			if zh > 23 || zm > 59 {
				return bad()
			}
			loc = time.FixedZone("", sign*(zh*3600+zm*60))
			i += 6
		}
	}
	if i < len(s) && (isIdentChar(s[i]) || s[i] >= utf8.RuneSelf) {
		return bad()
	}
	if month < 1 || month > 12 || day < 1 || day > daysIn(year, month) {
		return bad()
	}
	t := time.Date(year, time.Month(month), day, hour, minute, sec, nsec, loc)
	if t.Before(minTime) || t.After(maxTime) {
		l.fail(p, "timestamp literal %s out of range", s[:i])
		return token{}
	}
	text := string(s[:i])
	for range i {
		l.advance()
	}
	return token{kind: TIMESTAMP, pos: p, lit: text, val: event.Timestamp(t.UnixNano())}
}

func daysIn(year, month int) int {
	return time.Date(year, time.Month(month)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// operator scans an operator or punctuation token, longest match first.
func (l *lexer) operator() Token {
	p := l.here()
	c, c1, c2 := l.peekByte(0), l.peekByte(1), l.peekByte(2)
	var k Token
	n := 1
	switch c {
	case '(':
		k = LPAREN
	case ')':
		k = RPAREN
	case '[':
		k = LBRACK
	case ']':
		k = RBRACK
	case '{':
		k = LBRACE
	case '}':
		k = RBRACE
	case ',':
		k = COMMA
	case ':':
		k = COLON
		if c1 == '=' {
			k, n = DEFINE, 2
		}
	case '.':
		k = DOT
		if c1 == '.' {
			k, n = RANGE, 2
			if c2 == '=' {
				k, n = RANGEINCL, 3
			}
		}
	case '?':
		k = QUESTION
		if c1 == '.' {
			k, n = SAFEDOT, 2
		}
	case '-':
		k = MINUS
		if c1 == '>' {
			k, n = ARROW, 2
		}
	case '=':
		k = ASSIGN
		switch c1 {
		case '>':
			k, n = FATARROW, 2
		case '=':
			k, n = EQ, 2
		}
	case '!':
		if c1 != '=' {
			l.fail(p, "unexpected '!': write 'not' for negation and '!=' for inequality")
			return ILLEGAL
		}
		k, n = NE, 2
	case '+':
		k = PLUS
	case '*':
		k = STAR
		if c1 == '*' {
			k, n = POW, 2
		}
	case '/':
		k = SLASH
	case '%':
		k = PERCENT
	case '<':
		k = LT
		switch c1 {
		case '=':
			k, n = LE, 2
		case '<':
			k, n = SHL, 2
		}
	case '>':
		k = GT
		switch c1 {
		case '=':
			k, n = GE, 2
		case '>':
			k, n = SHR, 2
		}
	case '&':
		k = AMP
	case '|':
		k = PIPE
	case '^':
		k = CARET
	case '~':
		k = TILDE
	default:
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRune(l.src[l.off:])
			if r == utf8.RuneError && size == 1 {
				l.fail(p, "invalid UTF-8 encoding")
			} else {
				l.fail(p, "unexpected character %q (identifiers are ASCII)", r)
			}
			return ILLEGAL
		}
		l.fail(p, "unexpected character %q", rune(c))
		return ILLEGAL
	}
	for range n {
		l.advance()
	}
	return k
}
