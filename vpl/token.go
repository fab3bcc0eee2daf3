package vpl

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
