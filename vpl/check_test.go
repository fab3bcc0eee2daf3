package vpl

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files of testdata/check")

// checkOutput is what `varpulis check` prints for the file name in dir.
func checkOutput(dir, name string) (string, []Diagnostic) {
	src, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		return err.Error(), nil
	}
	readFile := func(path string) ([]byte, error) { return os.ReadFile(filepath.Join(dir, path)) }
	prog, diags := ParseFile(name, src, readFile)
	if len(diags) == 0 {
		diags = Check(prog)
	}
	return Format(diags, prog.Files) + Summary(name, prog, diags) + "\n", diags
}

// codeInName matches the diagnostic codes a test file is named after:
// e030_connector.vpl, e070_e073_aggregate.vpl.
var codeInName = regexp.MustCompile(`^([ew]\d{3})_`)

// TestCheckGolden compares the output for every testdata/check/*.vpl with
// the .out file beside it (go test -run CheckGolden -update rewrites them).
// A file named after a code must produce that code.
func TestCheckGolden(t *testing.T) {
	const dir = "testdata/check"
	files, err := filepath.Glob(filepath.Join(dir, "*.vpl"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no check tests: %v", err)
	}
	for _, f := range files {
		name := filepath.Base(f)
		t.Run(strings.TrimSuffix(name, ".vpl"), func(t *testing.T) {
			got, diags := checkOutput(dir, name)
			golden := strings.TrimSuffix(f, ".vpl") + ".out"
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -run CheckGolden -update)", err)
			}
			if got != string(want) {
				t.Errorf("output differs from %s\n--- got\n%s--- want\n%s", golden, got, want)
			}
			rest := name
			for {
				m := codeInName.FindStringSubmatch(rest)
				if m == nil {
					break
				}
				code := strings.ToUpper(m[1])
				if !hasCode(diags, code) {
					t.Errorf("%s: no %s reported", name, code)
				}
				rest = rest[len(m[0]):]
			}
		})
	}
}

func hasCode(diags []Diagnostic, code string) bool {
	for _, d := range diags {
		if d.Code == code {
			return true
		}
	}
	return false
}

// TestThreeMistakes is the acceptance test of the issue: `varpulis check`
// on a file with three independent mistakes reports all three, with
// correct positions, codes and hints.
func TestThreeMistakes(t *testing.T) {
	src := `connector Plant = kafka (brokers: "k1:9092")
stream Hot = Reading.where(temp > 30).window(5m).aggregate(peak: max(temp)).to(Pager)
stream Late = Reading.where(temp > 40).within(5m).emit()
fn scale(x: float) -> float:
    let factor = 2.0
    factor := 3.0
    return x * factor
`
	prog, diags := ParseFile("three.vpl", []byte(src), nil)
	if len(diags) > 0 {
		t.Fatal(Format(diags, prog.Files))
	}
	diags = Check(prog)
	want := []struct{ pos, code, hint string }{
		{"2:80", "E030", "declare it: connector Pager = mqtt"},
		{"3:40", "E020", "for time buckets use .window(d)"},
		{"6:5", "E040", "declare it with var to reassign it"},
	}
	if len(diags) != len(want) {
		t.Fatalf("%d diagnostics, want 3:\n%s", len(diags), Format(diags, prog.Files))
	}
	for i, w := range want {
		d := diags[i]
		if posString(d.Pos) != w.pos || d.Code != w.code || !strings.Contains(d.Hint, w.hint) {
			t.Errorf("diagnostic %d: got %s [%s] %s (hint %q), want %s [%s] hint containing %q", i, posString(d.Pos), d.Code, d.Message, d.Hint, w.pos, w.code, w.hint)
		}
	}
	if got := Summary("three.vpl", prog, diags); got != "three.vpl: 3 error(s), 0 warning(s)" {
		t.Errorf("summary %q", got)
	}
}

// TestDumpGolden compares DumpJSON output for testdata/dump/*.vpl with the
// .json files beside them (-update rewrites them).
func TestDumpGolden(t *testing.T) {
	files, _ := filepath.Glob("testdata/dump/*.vpl")
	if len(files) == 0 {
		t.Fatal("no dump tests")
	}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		prog, diags := ParseFile(filepath.Base(f), src, nil)
		if len(diags) > 0 {
			t.Fatal(Format(diags, prog.Files))
		}
		got, err := DumpJSON(prog)
		if err != nil {
			t.Fatal(err)
		}
		golden := strings.TrimSuffix(f, ".vpl") + ".json"
		if *update {
			if err := os.WriteFile(golden, got, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatalf("%v (run go test -run DumpGolden -update)", err)
		}
		if string(got) != string(want) {
			t.Errorf("%s differs from %s:\n%s", f, golden, got)
		}
	}
}

// TestCheckLargeProgram checks that checking stays fast on a large
// generated program: a long chain of streams, a long cycle, many
// undeclared names and many functions.
func TestCheckLargeProgram(t *testing.T) {
	var b strings.Builder
	b.WriteString("event Seed:\n    v: int\nlet g = 1\n")
	const n = 20000
	for i := range n {
		fmt.Fprintf(&b, "stream S%d = S%d.where(v > g).emit()\n", i+1, i)
		fmt.Fprintf(&b, "stream U%d = Unknown%d.emit()\n", i, i)
	}
	for i := range 2000 {
		fmt.Fprintf(&b, "fn f%d(x):\n    var y = x + g\n    y := y + 1\n    return y\n", i)
	}
	fmt.Fprintf(&b, "stream S0 = S%d.emit()\n", n) // closes a cycle through every S
	start := time.Now()
	prog, diags := ParseFile("big.vpl", []byte(b.String()), nil)
	if len(diags) > 0 {
		t.Fatal(Format(diags, prog.Files))
	}
	diags = Check(prog)
	elapsed := time.Since(start)
	cycles, w030 := 0, 0
	for _, d := range diags {
		switch d.Code {
		case "E008":
			cycles++
		case "W030":
			w030++
		}
	}
	if cycles != 1 || w030 != n {
		t.Errorf("%d E008 (want 1), %d W030 (want %d)", cycles, w030, n)
	}
	if elapsed > 20*time.Second {
		t.Errorf("checking %d statements took %v", len(prog.Stmts), elapsed)
	}
	t.Logf("%d statements parsed and checked in %v", len(prog.Stmts), elapsed)
}

// TestAliasScopes checks which aliases a predicate may use (E022).
func TestAliasScopes(t *testing.T) {
	tests := []struct {
		src  string
		bad  []string // positions of the E022s
		name string
	}{
		{name: "not after a where and a step", src: "stream S = A as a .where(a.x > 0) -> B as b .not(C where y == b.x) -> D as d .emit()"},
		{name: "own alias", src: "stream S = A as a -> B where b.x > a.x as b -> all C where c.v > prev as c .emit()"},
		{name: "sequence own alias", src: "stream S = sequence(a: A, b: B where b.x == a.x).emit()"},
		{name: "steps after a sequence", src: "stream S = sequence(a: A, b: B, c: C) -> D where d.x == c.x as d .emit()"},
		{name: "sequence using a later step", src: "stream S = sequence(a: A where a.x == d.x, b: B) -> D as d .emit()", bad: []string{"1:39"}},
		{name: "trailing not sees every step", src: "stream S = A as a -> B as b .not(C where y == b.x) .within(1m) .emit()"},
		{name: "where before the first step", src: "stream S = A as a .where(b.x > 0) -> B as b .emit()", bad: []string{"1:26"}},
		{name: "not before the step it uses", src: "stream S = A as a .not(C where y == b.x) -> B as b .emit()", bad: []string{"1:37"}},
		{name: "pattern item", src: "pattern P = SEQ(A where x == b.x as a, B as b)\nstream S = P.emit()", bad: []string{"1:30"}},
	}
	for _, tt := range tests {
		prog := parseOK(t, tt.src)
		var bad []string
		for _, d := range Check(prog) {
			if d.Code == "E022" {
				bad = append(bad, posString(d.Pos))
			}
		}
		if strings.Join(bad, " ") != strings.Join(tt.bad, " ") {
			t.Errorf("%s: E022 at %v, want %v", tt.name, bad, tt.bad)
		}
	}
}
