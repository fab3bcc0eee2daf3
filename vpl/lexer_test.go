package vpl

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/varpulis/varpulis-go/event"
)

// kinds returns the token kinds of src, the layout tokens included.
func kinds(src string) string {
	var out []string
	for _, t := range lex([]byte(src), 0, nil) {
		switch t.kind {
		case IDENT, INT, FLOAT, STRING, DURATION, TIMESTAMP:
			out = append(out, t.kind.String()+"("+t.lit+")")
		case ILLEGAL:
			out = append(out, "ILLEGAL("+t.lit+")")
		default:
			out = append(out, t.kind.String())
		}
	}
	return strings.Join(out, " ")
}

func TestLexTokens(t *testing.T) {
	tests := []struct{ src, want string }{
		{"a.where(x)", "IDENT(a) . where ( IDENT(x) ) EOF"},
		{"1..5 1..=5 x?.y a? ->=> := ** << >> <= >= == != %", "INT(1) .. INT(5) INT(1) ..= INT(5) IDENT(x) ?. IDENT(y) IDENT(a) ? -> => := ** << >> <= >= == != % EOF"},
		{"3.5 1.0e-3 2.5E+2 500ms 15m 2d 7", "FLOAT(3.5) FLOAT(1.0e-3) FLOAT(2.5E+2) DURATION(500ms) DURATION(15m) DURATION(2d) INT(7) EOF"},
		{"1.x", "INT(1) . IDENT(x) EOF"}, // 1. is not a float
		{".5", ". INT(5) EOF"},
		{"and as break const continue elif else false fn for if in is let not null or return then true var where while", "and as break const continue elif else false fn for if in is let not null or return then true var where while EOF"},
		{"stream event pattern emit all merge within SEQ AND", "IDENT(stream) IDENT(event) IDENT(pattern) IDENT(emit) IDENT(all) IDENT(merge) IDENT(within) IDENT(SEQ) IDENT(AND) EOF"},
		{"a # comment\nb /* c\nd */ e", "IDENT(a) IDENT(b) IDENT(e) EOF"},
		{"a // b", "IDENT(a) / / IDENT(b) EOF"}, // // is not a comment in VPL
		{"'x' \"y\"", `STRING('x') STRING("y") EOF`},
		{"@2026-03-01 @2026-03-01T08:30:00.5Z", "TIMESTAMP(@2026-03-01) TIMESTAMP(@2026-03-01T08:30:00.5Z) EOF"},
		{"@2026-03-01T08:30:00 - 1h", "TIMESTAMP(@2026-03-01T08:30:00) - DURATION(1h) EOF"},
	}
	for _, tt := range tests {
		if got := kinds(tt.src); got != tt.want {
			t.Errorf("%q:\n got %s\nwant %s", tt.src, got, tt.want)
		}
	}
}

func TestLexLayout(t *testing.T) {
	tests := []struct{ src, want string }{
		// Outside blocks line breaks are insignificant.
		{"stream S = A\n    .where(x)\n\n    .emit()\n", "IDENT(stream) IDENT(S) = IDENT(A) . where ( IDENT(x) ) . IDENT(emit) ( ) EOF"},
		{"fn f():\n    a\n    b\nc", "fn IDENT(f) ( ) : INDENT IDENT(a) NEWLINE IDENT(b) NEWLINE DEDENT IDENT(c) EOF"},
		{"fn f():\n    if x:\n        a\n    else:\n        b\n", "fn IDENT(f) ( ) : INDENT if IDENT(x) : INDENT IDENT(a) NEWLINE DEDENT else : INDENT IDENT(b) NEWLINE DEDENT DEDENT EOF"},
		// A deeper line continues the statement; brackets continue lines.
		{"fn f():\n    let x = 1 +\n        2\n    g(a,\nb)\n", "fn IDENT(f) ( ) : INDENT let IDENT(x) = INT(1) + INT(2) NEWLINE IDENT(g) ( IDENT(a) , IDENT(b) ) NEWLINE DEDENT EOF"},
		// Blank and comment lines do not count; CRLF is a line end.
		{"event A:\r\n\r\n    # c\r\n    x: int\r\n", "IDENT(event) IDENT(A) : INDENT IDENT(x) : IDENT(int) NEWLINE DEDENT EOF"},
		// A config: body is skipped unread.
		{"config:\n    a: $%!\n  b\nstream", "IDENT(config) : IDENT(stream) EOF"},
		// An opener whose header spans lines inside brackets.
		{"fn f(a,\n  b):\n    a\n", "fn IDENT(f) ( IDENT(a) , IDENT(b) ) : INDENT IDENT(a) NEWLINE DEDENT EOF"},
	}
	for _, tt := range tests {
		if got := kinds(tt.src); got != tt.want {
			t.Errorf("%q:\n got %s\nwant %s", tt.src, got, tt.want)
		}
	}
}

func TestLexValues(t *testing.T) {
	tests := []struct {
		src  string
		want event.Value
	}{
		{"42", event.Int(42)},
		{"9223372036854775807", event.Int(9223372036854775807)},
		{"3.5", event.Float(3.5)},
		{"500ms", event.Duration(int64(500 * time.Millisecond))},
		{"2d", event.Duration(int64(48 * time.Hour))},
		{"1ns", event.Duration(1)},
		{"3us", event.Duration(3000)},
		{`"a\tb\u{1F600}\0\\\"\'"`, event.String("a\tb\U0001F600\x00\\\"'")},
		{`'it''`, event.String("it")},
		{"@1970-01-01T00:00:05Z", event.Timestamp(int64(5 * time.Second))},
		{"@2026-03-01T08:30:00+01:00", event.Timestamp(time.Date(2026, 3, 1, 7, 30, 0, 0, time.UTC).UnixNano())},
		{"@2026-03-01T08:30:00.123456789-02:30", event.Timestamp(time.Date(2026, 3, 1, 11, 0, 0, 123456789, time.UTC).UnixNano())},
		{"@2024-02-29", event.Timestamp(time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC).UnixNano())},
	}
	for _, tt := range tests {
		toks := lex([]byte(tt.src), 0, nil)
		if !event.Equal(toks[0].val, tt.want) || toks[0].val.Kind() != tt.want.Kind() {
			t.Errorf("%s: got %v (%v), want %v", tt.src, toks[0].val.TextString(), toks[0].val.Kind(), tt.want.TextString())
		}
	}
}

// TestLexErrors checks the position and message of lexical E000s.
func TestLexErrors(t *testing.T) {
	deep := strings.Repeat("(", 24) + strings.Repeat(")", 24)
	tests := []struct {
		src, pos, msg string
	}{
		{"let x = 9223372036854775808", "1:9", "integer literal 9223372036854775808 out of range"},
		{"let d = 1.5h", "1:9", "invalid duration 1.5h"},
		{"let f = 1e3", "1:9", "invalid number 1e3"},
		{"let x = 5min", "1:9", "invalid number 5min"},
		{"let f = 1.0e999", "1:9", "float literal 1.0e999 out of range"},
		{"let d = 9999999999999999999d", "1:9", "duration literal"},
		{`let s = "abc`, "1:9", "unterminated string literal"},
		{"let s = \"ab\ncd\"", "1:9", "unterminated string literal"},
		{`let s = "a\qb"`, "1:11", "invalid escape sequence"},
		{`let s = "\u{110000}"`, "1:10", "invalid unicode escape"},
		{`let s = "\u{}"`, "1:10", "invalid unicode escape"},
		{"let t = @2026-02-30", "1:9", "invalid timestamp literal"},
		{"let t = @2026-03-01T25:00:00", "1:9", "invalid timestamp literal"},
		{"let t = @2026-03-01T08:00", "1:9", "invalid timestamp literal"},
		{"let t = @2026-03-01T08:00:00.1234567890", "1:9", "invalid timestamp literal"},
		{"let t = @3000-01-01", "1:9", "timestamp literal @3000-01-01 out of range"},
		{"let t = @x", "1:9", "invalid timestamp literal"},
		{"let a = b!c", "1:10", "unexpected '!'"},
		{"let a = é", "1:9", "unexpected character 'é'"},
		{"let s = \"é\" + $", "1:15", "unexpected character '$'"},
		{"let a = \xff", "1:9", "invalid UTF-8 encoding"},
		{"a /* never closed", "1:3", "unterminated comment"},
		{"let x = " + deep, "1:9", ""}, // 24 deep is fine
		{"let x = " + strings.Repeat("[", 25), "1:33", "brackets nested more than 24 levels deep"},
		{"fn f():\n\tx", "2:1", "tab character in indentation"},
		{"fn f():\n    if a:\n        b\n      c", "4:7", "unindent does not match any outer indentation level"},
	}
	for _, tt := range tests {
		toks := lex([]byte(tt.src), 0, nil)
		last := toks[len(toks)-1]
		if tt.msg == "" {
			if last.kind != EOF {
				t.Errorf("%q: unexpected error %s", tt.src, last.lit)
			}
			continue
		}
		pos := posString(last.pos)
		if last.kind != ILLEGAL || pos != tt.pos || !strings.Contains(last.lit, tt.msg) {
			t.Errorf("%q: got %v %s %q, want error at %s containing %q", tt.src, last.kind, pos, last.lit, tt.pos, tt.msg)
		}
	}
}

func posString(p Pos) string { return fmt.Sprintf("%d:%d", p.Line, p.Col) }

func TestLexIndentation(t *testing.T) {
	tests := []struct{ src, want string }{
		// Indentation is the leading blanks, not the first token's column.
		{"/* c */ fn f():\n    a\n", "fn IDENT(f) ( ) : INDENT IDENT(a) NEWLINE DEDENT EOF"},
		// A tab after a comment or inside a line is not indentation.
		{"fn f():\n    a /* x */\tb\n", "fn IDENT(f) ( ) : INDENT IDENT(a) IDENT(b) NEWLINE DEDENT EOF"},
		{"fn f():\n    /*\n\t*/ a\n", "fn IDENT(f) ( ) : INDENT IDENT(a) NEWLINE DEDENT EOF"},
		// A tab on a blank line does not matter.
		{"fn f():\n\t\n    a\n", "fn IDENT(f) ( ) : INDENT IDENT(a) NEWLINE DEDENT EOF"},
		{"fn f():\n  \ta\n", "ILLEGAL(tab character in indentation; indent with spaces)"},
	}
	for _, tt := range tests {
		if got := kinds(tt.src); got != tt.want && !strings.HasSuffix(got, tt.want) {
			t.Errorf("%q:\n got %s\nwant %s", tt.src, got, tt.want)
		}
	}
}
