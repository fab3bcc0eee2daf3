package vpl

import "strconv"

// Token is the kind of a lexical token.
type Token uint8

// Token kinds. Operator tokens double as operator codes in the AST.
const (
	ILLEGAL Token = iota
	EOF
	NEWLINE // end of a logical line inside a block
	INDENT
	DEDENT

	IDENT
	INT
	FLOAT
	STRING
	DURATION
	TIMESTAMP

	LPAREN    // (
	RPAREN    // )
	LBRACK    // [
	RBRACK    // ]
	LBRACE    // {
	RBRACE    // }
	COMMA     // ,
	COLON     // :
	DOT       // .
	SAFEDOT   // ?.
	ARROW     // ->
	FATARROW  // =>
	ASSIGN    // =
	DEFINE    // :=
	RANGE     // ..
	RANGEINCL // ..=
	QUESTION  // ? (pattern quantifier, optional field type)

	PLUS    // +
	MINUS   // -
	STAR    // *
	SLASH   // /
	PERCENT // %
	POW     // **
	EQ      // ==
	NE      // !=
	LT      // <
	LE      // <=
	GT      // >
	GE      // >=
	AMP     // &
	PIPE    // |
	CARET   // ^
	TILDE   // ~
	SHL     // <<
	SHR     // >>

	// Reserved words (VPL.md §1).
	AND
	AS
	BREAK
	CONST
	CONTINUE
	ELIF
	ELSE
	FALSE
	FN
	FOR
	IF
	IN
	IS
	LET
	NOT
	NULL
	OR
	RETURN
	THEN
	TRUE
	VAR
	WHERE
	WHILE

	NOTIN // `not in`, only as a BinaryExpr operator
)

var tokenText = [...]string{
	ILLEGAL:   "ILLEGAL",
	EOF:       "EOF",
	NEWLINE:   "NEWLINE",
	INDENT:    "INDENT",
	DEDENT:    "DEDENT",
	IDENT:     "IDENT",
	INT:       "INT",
	FLOAT:     "FLOAT",
	STRING:    "STRING",
	DURATION:  "DURATION",
	TIMESTAMP: "TIMESTAMP",
	LPAREN:    "(",
	RPAREN:    ")",
	LBRACK:    "[",
	RBRACK:    "]",
	LBRACE:    "{",
	RBRACE:    "}",
	COMMA:     ",",
	COLON:     ":",
	DOT:       ".",
	SAFEDOT:   "?.",
	ARROW:     "->",
	FATARROW:  "=>",
	ASSIGN:    "=",
	DEFINE:    ":=",
	RANGE:     "..",
	RANGEINCL: "..=",
	QUESTION:  "?",
	PLUS:      "+",
	MINUS:     "-",
	STAR:      "*",
	SLASH:     "/",
	PERCENT:   "%",
	POW:       "**",
	EQ:        "==",
	NE:        "!=",
	LT:        "<",
	LE:        "<=",
	GT:        ">",
	GE:        ">=",
	AMP:       "&",
	PIPE:      "|",
	CARET:     "^",
	TILDE:     "~",
	SHL:       "<<",
	SHR:       ">>",
	AND:       "and",
	AS:        "as",
	BREAK:     "break",
	CONST:     "const",
	CONTINUE:  "continue",
	ELIF:      "elif",
	ELSE:      "else",
	FALSE:     "false",
	FN:        "fn",
	FOR:       "for",
	IF:        "if",
	IN:        "in",
	IS:        "is",
	LET:       "let",
	NOT:       "not",
	NULL:      "null",
	OR:        "or",
	RETURN:    "return",
	THEN:      "then",
	TRUE:      "true",
	VAR:       "var",
	WHERE:     "where",
	WHILE:     "while",
	NOTIN:     "not in",
}

// String returns the source text of operators, punctuation and reserved
// words ("->", "and", "not in") and the upper-case name of the other kinds
// ("IDENT", "EOF").
func (t Token) String() string {
	if int(t) < len(tokenText) && tokenText[t] != "" {
		return tokenText[t]
	}
	return "Token(" + strconv.Itoa(int(t)) + ")"
}

// IsKeyword reports whether t is a reserved word.
func (t Token) IsKeyword() bool { return t >= AND && t <= WHILE }

// keywords maps each reserved word of VPL.md §1.3 to its token.
var keywords = func() map[string]Token {
	m := make(map[string]Token, WHILE-AND+1)
	for t := AND; t <= WHILE; t++ {
		m[tokenText[t]] = t
	}
	return m
}()

// Lookup returns the keyword token for a reserved word, else IDENT.
func Lookup(ident string) Token {
	if t, ok := keywords[ident]; ok {
		return t
	}
	return IDENT
}
