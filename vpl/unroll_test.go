package vpl

import (
	"strings"
	"testing"
)

func TestUnroll(t *testing.T) {
	src := `# zones
for i in 1..=3:
    stream Zone{i}Hot = Reading.where(zone == {i} and temp > 30).emit(zone, temp)

for n in 0..2: # exclusive
    let limit{n} = "{n}"
for e in 5..5:
    stream Never = A.emit()
stream After = Zone3Hot.emit()
`
	prog := parseOK(t, src)
	var names []string
	for _, s := range prog.Stmts {
		switch s := s.(type) {
		case *StreamDecl:
			names = append(names, s.Name)
		case *VarDecl:
			names = append(names, s.Name+"="+sexpr(s.Value))
		}
	}
	if got := strings.Join(names, " "); got != "Zone1Hot Zone2Hot Zone3Hot limit0=0 limit1=1 After" {
		t.Errorf("expanded to %s", got)
	}
	if prog.MainStmts != 6 {
		t.Errorf("MainStmts %d, want 6 (counted after expansion)", prog.MainStmts)
	}
	// Positions point into the loop body, with the expansion's value.
	z2 := prog.Stmts[1].(*StreamDecl)
	if posString(z2.NamePos) != "3:12" || prog.Unrolls[z2.NamePos.Unroll] != (Unroll{Var: "i", Value: 2}) {
		t.Errorf("Zone2Hot at %s, unroll %+v", posString(z2.NamePos), prog.Unrolls[z2.NamePos.Unroll])
	}
	// Columns after a replaced {i} map back to the source columns.
	where := z2.Ops[0].(*CallOp).Args[0].Value.(*BinaryExpr)
	if posString(where.Y.Position()) != "3:55" {
		t.Errorf("temp > 30 at %s, want 3:55", posString(where.Y.Position()))
	}
	after := prog.Stmts[5].(*StreamDecl)
	if posString(after.Pos) != "9:1" || after.Pos.Unroll != 0 {
		t.Errorf("After at %s unroll %d", posString(after.Pos), after.Pos.Unroll)
	}
}

func TestUnrollNested(t *testing.T) {
	src := "for i in 0..2:\n    for j in 0..={i}:\n        stream S{i}{j} = A.to(Missing{j})\n"
	prog := parseOK(t, src)
	var names []string
	for _, s := range prog.Stmts {
		names = append(names, s.(*StreamDecl).Name)
	}
	if strings.Join(names, " ") != "S00 S10 S11" {
		t.Errorf("got %v", names)
	}
	diags := Check(prog)
	if len(diags) != 3 {
		t.Fatalf("%d diagnostics:\n%s", len(diags), Format(diags, prog.Files))
	}
	d := diags[2]
	if posString(d.Pos) != "3:31" || d.Message != "undefined connector 'Missing1' (for i = 1, j = 1)" {
		t.Errorf("got %s %q", posString(d.Pos), d.Message)
	}
}

func TestUnrollNotCompileTime(t *testing.T) {
	// Not in column 1, or bounds that are not literals: a run-time loop.
	prog := parseOK(t, "fn f():\n    for i in 1..3:\n        g(i)\nfor k in 0..n:\n    print(k)\n")
	if _, ok := prog.Stmts[1].(*ForStmt); !ok {
		t.Errorf("top-level loop with a non-literal bound: %T", prog.Stmts[1])
	}
	if _, ok := prog.Stmts[0].(*FnDecl).Body[0].(*ForStmt); !ok {
		t.Errorf("indented loop expanded")
	}
}

func TestUnrollErrors(t *testing.T) {
	tests := []struct{ src, want string }{
		{"for i in 0..10001:\n    let x{i} = 1\n", "t.vpl:1:1: error: [E000] compile-time for loops expand to more than 10000 iterations"},
		{"for i in 0..100:\n    for j in 0..101:\n        let x = 1\n", "t.vpl:2:5: error: [E000] compile-time for loops expand to more than 10000 iterations (for i = 98)"},
		{"for i in 0..99999999999999999999:\n    let x = 1\n", "t.vpl:1:1: error: [E000] compile-time for loop bound out of range"},
		// The copies follow each other: the second one is where the first fails.
		{"for i in 1..=2:\n    stream S{i} = A.where(x == {i}\n", "t.vpl:2:5: error: [E000] expected ')' but found 'stream' (for i = 2)"},
		{"for i in 1..=2:\n    let x = @2026-13-0{i}\n", "t.vpl:2:13: error: [E000] invalid timestamp literal @2026-13-01: write @YYYY-MM-DD or @YYYY-MM-DDTHH:MM:SS[.fraction][Z|±HH:MM] (for i = 1)"},
	}
	for _, tt := range tests {
		prog, diags := ParseFile("t.vpl", []byte(tt.src), nil)
		if len(diags) != 1 {
			t.Errorf("%q: %d diagnostics", tt.src, len(diags))
			continue
		}
		if got := strings.SplitN(Format(diags, prog.Files), "\n", 2)[0]; got != tt.want {
			t.Errorf("%q:\n got %s\nwant %s", tt.src, got, tt.want)
		}
	}
}
