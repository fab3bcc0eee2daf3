package vpl

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// parseOK parses src, failing the test on a diagnostic.
func parseOK(t *testing.T, src string) *Program {
	t.Helper()
	prog, diags := ParseFile("test.vpl", []byte(src), nil)
	if len(diags) > 0 {
		t.Fatalf("%q:\n%s", src, Format(diags, prog.Files))
	}
	return prog
}

// sexpr renders an expression as a fully parenthesised prefix form.
func sexpr(x Expr) string {
	switch x := x.(type) {
	case *Literal:
		return x.Value.TextString()
	case *Ident:
		return x.Name
	case *BinaryExpr:
		return "(" + x.Op.String() + " " + sexpr(x.X) + " " + sexpr(x.Y) + ")"
	case *UnaryExpr:
		return "(" + x.Op.String() + " " + sexpr(x.X) + ")"
	case *IsNullExpr:
		if x.Not {
			return "(is-not-null " + sexpr(x.X) + ")"
		}
		return "(is-null " + sexpr(x.X) + ")"
	case *MemberExpr:
		return "(. " + sexpr(x.X) + " " + x.Name + ")"
	case *IndexExpr:
		return "([] " + sexpr(x.X) + " " + sexpr(x.Index) + ")"
	case *SliceExpr:
		lo, hi := "_", "_"
		if x.Lo != nil {
			lo = sexpr(x.Lo)
		}
		if x.Hi != nil {
			hi = sexpr(x.Hi)
		}
		return "([:] " + sexpr(x.X) + " " + lo + " " + hi + ")"
	case *CallExpr:
		s := "(call " + sexpr(x.Fun)
		for _, a := range x.Args {
			s += " "
			if a.Name != "" {
				s += a.Name + "="
			}
			s += sexpr(a.Value)
		}
		return s + ")"
	case *IfExpr:
		return "(if " + sexpr(x.Cond) + " " + sexpr(x.Then) + " " + sexpr(x.Else) + ")"
	case *ArrayLit:
		var parts []string
		for _, e := range x.Elems {
			parts = append(parts, sexpr(e))
		}
		return "[" + strings.Join(parts, " ") + "]"
	case *MapLit:
		var parts []string
		for i, k := range x.Keys {
			parts = append(parts, k+":"+sexpr(x.Values[i]))
		}
		return "{" + strings.Join(parts, " ") + "}"
	case *LambdaExpr:
		return "(=> (" + strings.Join(x.Params, " ") + ") " + sexpr(x.Body) + ")"
	case *ArrowExpr:
		return "(-> " + sexpr(x.X) + " " + sexpr(x.Y) + ")"
	}
	return fmt.Sprintf("?%T", x)
}

func TestPrecedence(t *testing.T) {
	tests := []struct{ src, want string }{
		{"1 + 2 * 3", "(+ 1 (* 2 3))"},
		{"-2 ** 2", "(** (- 2) 2)"},
		{"2 ** 3 ** 2", "(** 2 (** 3 2))"},
		{"2 ** -1", "(** 2 (- 1))"},
		{"- - 3", "(- (- 3))"},
		{"a or b and c", "(or a (and b c))"},
		{"a and b or c", "(or (and a b) c)"},
		{"not a and b", "(and (not a) b)"},
		{"not a == b", "(not (== a b))"},
		{"not not a", "(not (not a))"},
		{"a == b | c", "(== a (| b c))"},
		{"a | b ^ c & d", "(| a (^ b (& c d)))"},
		{"a << 1 + 2", "(<< a (+ 1 2))"},
		{"a & b << c", "(& a (<< b c))"},
		{"a + b - c", "(- (+ a b) c)"},
		{"a * b % c / d", "(/ (% (* a b) c) d)"},
		{"~a & b", "(& (~ a) b)"},
		{"x in [1, 2] and y not in m", "(and (in x [1 2]) (not in y m))"},
		{"not x in y", "(not (in x y))"},
		{"a is null or b is not null", "(or (is-null a) (is-not-null b))"},
		{"a + 1 is null", "(is-null (+ a 1))"},
		{"0..n + 1", "(.. 0 (+ n 1))"},
		{"0..=n", "(..= 0 n)"},
		{"a or b..c", "(.. (or a b) c)"},
		{"-x.y[0]", "(- ([] (. x y) 0))"},
		{"a?.b.c", "(. (. a b) c)"},
		{"x[1:] + x[:2] + x[:] + x[a:b]", "(+ (+ (+ ([:] x 1 _) ([:] x _ 2)) ([:] x _ _)) ([:] x a b))"},
		{"f(x: 1, 2)(3)", "(call (call f x=1 2) 3)"},
		{"if a then b else c + 1", "(if a b (+ c 1))"},
		{"1 + if a then 2 else 3", "(+ 1 (if a 2 3))"},
		{`{a: 1, "b c": [2, 'x']}`, `{a:1 b c:[2 x]}`},
		{"(a or b) and c", "(and (or a b) c)"},
		{"a <= b and c >= d and e != f and g < h and i > j", "(and (and (and (and (<= a b) (>= c d)) (!= e f)) (< g h)) (> i j))"},
		{"@2026-03-01 + 1h - null", "(- (+ @2026-03-01T00:00:00Z 1h0m0s) null)"},
	}
	for _, tt := range tests {
		prog := parseOK(t, "let v = "+tt.src)
		got := sexpr(prog.Stmts[0].(*VarDecl).Value)
		if got != tt.want {
			t.Errorf("%s:\n got %s\nwant %s", tt.src, got, tt.want)
		}
	}
}

// TestOperatorEndsExpression checks VPL.md §1.3: `.` + an operator name +
// `(` ends the expression; a field of that name is read with [].
func TestOperatorEndsExpression(t *testing.T) {
	prog := parseOK(t, `stream S = Order as o -> Payment where order_id == o.id .emit(id: o.id, e: o["emit"], w: o.within)`)
	s := prog.Stmts[0].(*StreamDecl)
	if len(s.Ops) != 2 {
		t.Fatalf("ops: %d", len(s.Ops))
	}
	step := s.Ops[0].(*StepOp)
	if got := sexpr(step.Where); got != "(== order_id (. o id))" {
		t.Errorf("where: %s", got)
	}
	emit := s.Ops[1].(*CallOp)
	if emit.Name != "emit" || len(emit.Args) != 3 || sexpr(emit.Args[2].Value) != "(. o within)" {
		t.Errorf("emit: %+v", emit)
	}
	// In a sequence() step too.
	prog = parseOK(t, "stream Q = sequence(o: Order, s: Ship where oid == o.id .within(2h)).emit()")
	st := prog.Stmts[0].(*StreamDecl).Source.(*SequenceSource).Steps[1]
	if sexpr(st.Where) != "(== oid (. o id))" || sexpr(st.Within) != "2h0m0s" {
		t.Errorf("sequence step: %s within %s", sexpr(st.Where), sexpr(st.Within))
	}
}

func TestStatements(t *testing.T) {
	src := `event Reading:
    sensor: str
    temp: float?
    at: timestamp event_time
event Big extends Reading:
    tags: [str]
    meta: {str: int}
    pair: (int, float)
    feed: Stream<Stream<Reading>>
type Price = float
pattern P = SEQ(A as a, NOT B where x == a.x, C+ as c) within 2m partition by site, zone policy any
connector Plant = kafka (brokers: "k1:9092")
context ingest (cores: [2, 3])
let x: int = 1
x := 2
import "lib.vpl" as lib
config:
    anything
fn f(a: int, b) -> [int]:
    return [a, b]
stream S: Stream<Reading> = Reading
`
	readFile := func(string) ([]byte, error) { return []byte("let y = 1\n"), nil }
	prog, diags := ParseFile("main.vpl", []byte(src), readFile)
	if len(diags) > 0 {
		t.Fatal(Format(diags, prog.Files))
	}
	want := []string{"VarDecl", "EventDecl", "EventDecl", "TypeAliasDecl", "PatternDecl", "ConnectorDecl", "ContextDecl",
		"VarDecl", "AssignStmt", "ImportStmt", "ConfigStmt", "FnDecl", "StreamDecl"}
	var got []string
	for _, s := range prog.Stmts {
		got = append(got, fmt.Sprintf("%T", s)[len("*vpl."):])
	}
	if strings.Join(got, " ") != strings.Join(want, " ") || prog.MainStmts != len(want)-1 {
		t.Errorf("statements %v (main %d), want %v", got, prog.MainStmts, want)
	}
	big := prog.Stmts[2].(*EventDecl)
	if big.Extends != "Reading" || typeString(big.Fields[3].Type) != "Stream<Stream<Reading>>" || typeString(big.Fields[1].Type) != "{str: int}" {
		t.Errorf("event Big: %+v", big)
	}
	if f := prog.Stmts[1].(*EventDecl).Fields; !f[1].Type.Optional || !f[2].EventTime {
		t.Errorf("event Reading: %+v", f)
	}
	if p := prog.Stmts[4].(*PatternDecl); strings.Join(p.PartitionBy, ",") != "site,zone" || p.Policy != "any" {
		t.Errorf("pattern: %+v", p)
	}
}

func TestNamedPattern(t *testing.T) {
	prog := parseOK(t, "pattern P = A where x > 1 as a OR (B AND C? as c) OR SEQ(D, NOT E, F* as f) policy strict within 1m")
	p := prog.Stmts[0].(*PatternDecl)
	or := p.Pattern.(*PatternBinary)
	if or.Op != "OR" || p.Policy != "strict" || p.Within == nil {
		t.Fatalf("%+v", p)
	}
	inner := or.X.(*PatternBinary)
	if inner.Op != "OR" || inner.Y.(*PatternBinary).Op != "AND" {
		t.Errorf("left-associative OR with an AND term expected")
	}
	seq := or.Y.(*PatternSeq)
	if len(seq.Items) != 3 || !seq.Items[1].(*PatternItem).Not || seq.Items[2].(*PatternItem).Quantifier != '*' {
		t.Errorf("seq: %+v", seq)
	}
}

// TestSyntaxErrors checks the single E000 of various mistakes: position
// and message.
func TestSyntaxErrors(t *testing.T) {
	tests := []struct{ src, pos, msg string }{
		{"let x = 1 < 2 < 3", "1:15", "comparisons cannot be chained"},
		{"let x = a is null == b", "1:19", "comparisons cannot be chained"},
		{"let r = 1..2..3", "1:13", "ranges cannot be chained"},
		{"stream S = A.where(x) foo", "1:23", "unexpected 'foo' after the end of the statement"},
		{"pattern P = SEQ(A, B) AND C", "1:23", "unexpected 'AND' after the end of the statement"},
		{"let x =", "1:8", "expected an expression but found end of file"},
		{"fn f():\nstream S = A", "2:1", "expected an indented block after 'fn ...:'"},
		{"fn f(x):\n    let y = 1 2", "2:15", "expected end of line but found '2'"},
		{"stream S = A.emit(x + 1)", "1:19", "an unnamed .emit() item must be a field name or alias.field"},
		{"stream S = A.aggregate(count())", "1:24", "an .aggregate() item needs a name"},
		{"stream S = A.where(x => x)", "1:22", "a lambda (x => e) is only allowed as an argument of .pattern()"},
		{"stream S = A.where()", "1:14", ".where() takes one positional argument"},
		{"stream S = A.first(3)", "1:14", ".first() takes no arguments"},
		{"stream S = A.log(\"x\")", "1:14", ".log() takes only named arguments"},
		{"stream S = A.partition_by()", "1:14", ".partition_by() takes at least one argument"},
		{"stream S = A.partition_by(a.b)", "1:27", ".partition_by() takes field names"},
		{"stream S = A.emit", "1:18", "expected '(' after .emit but found end of file"},
		{"stream S = A.where(x).from(B)", "1:23", ".from() must follow the event type name directly"},
		{"stream S = A.in(x)", "1:14", "expected an operator name after '.' but found 'in'"},
		{"stream S = A -> where", "1:17", "expected an event type after '->' but found reserved word 'where'"},
		{"stream S = merge(stream H = A.emit(x))", "1:31", "expected 'where'"},
		{"stream S = join(stream Q = A)", "1:29", "expected '.on('"},
		{"stream S = ", "1:11", "expected a stream source"},
		{"pattern P = A AND B AND C", "1:21", "AND combines exactly two items"},
		{"break", "1:1", "'break' outside a loop"},
		{"fn f():\n    break", "2:5", "'break' outside a loop"},
		{"return 1", "1:1", "'return' outside a function"},
		{"a.b := 1", "1:5", "only a variable name can be assigned with ':='"},
		{"fn f():\n    stream S = A", "2:5", "stream declarations are only allowed at top level"},
		{"fn f():\n    fn g():\n        x", "2:5", "functions can only be declared at top level"},
		{"let x = [1, 2", "1:14", "expected ']' but found end of file"},
		{"let x = {1: 2}", "1:10", "expected a map key (a name or a string) but found '1'"},
		{"let in = 1", "1:5", "expected a variable name but found reserved word 'in'"},
		{"event A:\n    x int", "2:7", "expected ':' but found 'int'"},
		{"config x {\n a: 1", "2:6", "expected '}' but found end of file"},
		{"let x = if a then b", "1:20", "expected 'else' but found end of file"},
		{"stream S = A.where(x = 1)", "1:22", "expected ')' but found '=' (compare with ==)"},
		{"let s = \"é\" + )", "1:15", "expected an expression but found ')'"},
		{"let x = " + strings.Repeat("-", 600) + "1", "1:508", "program nested too deeply"},
		{"let x = " + strings.Repeat("a + ", 600) + "1", "1:2005", "program nested too deeply"},
		{"let x = " + strings.Repeat("not ", 600) + "1", "1:2009", "program nested too deeply"},
	}
	for _, tt := range tests {
		prog, diags := ParseFile("t.vpl", []byte(tt.src), nil)
		if len(diags) != 1 {
			t.Errorf("%q: %d diagnostics, want 1", tt.src, len(diags))
			continue
		}
		d := diags[0]
		if d.Code != "E000" || posString(d.Pos) != tt.pos || !strings.Contains(d.Message, tt.msg) {
			t.Errorf("%q:\n got %s %s %q\nwant E000 %s containing %q", tt.src, d.Code, posString(d.Pos), d.Message, tt.pos, tt.msg)
		}
		if len(prog.Stmts) != 0 || prog.MainStmts != 0 {
			t.Errorf("%q: statements kept after a syntax error", tt.src)
		}
	}
}

// TestSyntaxErrorExample reproduces the example of VPL.md §8 exactly.
func TestSyntaxErrorExample(t *testing.T) {
	src := "stream T = A.emit()\nstream S = A.where(x > 1 -> B\n"
	prog, diags := ParseFile("bad.vpl", []byte(src), nil)
	got := Format(diags, prog.Files) + Summary("bad.vpl", prog, diags) + "\n"
	want := `bad.vpl:2:26: error: [E000] expected ')' but found '->'
  | stream S = A.where(x > 1 -> B
  |                          ^
bad.vpl: 1 error(s), 0 warning(s)
`
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

// TestSpecExamplesParse parses every program of VPL.md §10.
func TestSpecExamplesParse(t *testing.T) {
	files, err := filepath.Glob("testdata/spec/*.vpl")
	if err != nil || len(files) != 20 {
		t.Fatalf("want the 20 spec examples, got %d: %v", len(files), err)
	}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		prog, diags := ParseFile(f, src, nil)
		if len(diags) == 0 {
			diags = Check(prog)
		}
		if len(diags) > 0 {
			t.Errorf("%s:\n%s", f, Format(diags, prog.Files))
		}
	}
}
