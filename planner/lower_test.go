package planner

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/varpulis/varpulis-go/vpl"
)

var update = flag.Bool("update", false, "rewrite golden files")

func lowerSource(t *testing.T, src string) *Plan {
	t.Helper()
	prog, diags := vpl.ParseFile("test.vpl", []byte(src), nil)
	if vpl.HasErrors(diags) {
		t.Fatalf("parse: %s", vpl.Format(diags, []string{"test.vpl"}))
	}
	if d := vpl.Check(prog); vpl.HasErrors(d) {
		t.Fatalf("check: %s", vpl.Format(d, prog.Files))
	}
	p, err := LowerVPL(prog)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestExplainGolden pins EXPLAIN's text and JSON forms.
func TestExplainGolden(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.vpl")
	if len(files) == 0 {
		t.Fatal("no golden programs")
	}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		p := lowerSource(t, string(src))
		js, err := ExplainJSON(p)
		if err != nil {
			t.Fatal(err)
		}
		got := ExplainText(p) + "---\n" + string(js) + "\n"
		golden := strings.TrimSuffix(f, ".vpl") + ".explain"
		if *update {
			if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatal(err)
		}
		if got != string(want) {
			t.Errorf("%s: explain differs\n got:\n%s\nwant:\n%s", f, got, want)
		}
	}
}

// TestNameResolution checks VPL.md §5: alias, field, global, else null;
// inside functions parameters and locals, then globals.
func TestNameResolution(t *testing.T) {
	p := lowerSource(t, `
var limit = 10
fn f(x: int) -> int:
    let y = x + limit
    return y
stream S = Reading as r
    .where(r.temp > limit and f(temp) > 0)
    .emit(a: r, b: temp, c: limit)
`)
	s := p.Streams[0]
	pred := s.Ops[0].(*Filter).Pred.String()
	if pred != "((temp > limit) and (f(temp) > 0))" {
		t.Errorf("predicate: %s", pred)
	}
	if _, ok := s.Ops[0].(*Filter).Pred.(*Binary).X.(*Binary).Y.(*FieldOrGlobal); !ok {
		t.Errorf("limit in a stream should read the field, else the global")
	}
	items := s.Ops[1].(*Project).Items
	if _, ok := items[0].X.(*CurrentEvent); !ok {
		t.Errorf("a plain stream's alias is the current event, got %T", items[0].X)
	}
	fn := p.Functions[0]
	ret := fn.Body[1].(*Return).Value.(*LocalRef)
	if ret.Name != "y" || ret.Slot != 1 {
		t.Errorf("return reads local y in slot 1, got %+v", ret)
	}
	add := fn.Body[0].(*SetLocal).Value.(*Binary)
	if _, ok := add.Y.(*GlobalRef); !ok {
		t.Errorf("limit in a function is the global, got %T", add.Y)
	}
}

// TestConstantFolding checks that constant sub-expressions fold with the
// run-time semantics.
func TestConstantFolding(t *testing.T) {
	p := lowerSource(t, `stream S = T.emit(a: 1 + 2 * 3, b: 7 / 0, c: -7 % 3, d: upper("x") + "y", e: x + (2 ** -1))`)
	got := []string{}
	for _, it := range p.Streams[0].Ops[0].(*Project).Items {
		got = append(got, it.X.String())
	}
	want := "7|null|-1|\"Xy\"|(x + 0.5)"
	if strings.Join(got, "|") != want {
		t.Errorf("folded: %s, want %s", strings.Join(got, "|"), want)
	}
}
