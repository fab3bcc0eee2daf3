package main

import (
	"os"
	"strings"
	"testing"
)

// TestCheckReportsEveryMistake runs `varpulis check` on a program with
// three independent mistakes: all three come out with positions, codes and
// hints, then the summary, and the exit code is 1.
func TestCheckReportsEveryMistake(t *testing.T) {
	const file = "../../vpl/testdata/check/three_mistakes.vpl"
	out, _, code := runCLI(t, "check", file)
	if code != 1 {
		t.Fatalf("exit %d, want 1\n%s", code, out)
	}
	for _, want := range []string{
		file + ":8:9: error: [E030] undefined connector 'Pager'\n  hint: declare it:",
		file + ":9:40: error: [E020] .within() outside a pattern stream\n  hint:",
		file + ":12:5: error: [E040] cannot assign to immutable 'factor'\n  hint: declare it with var to reassign it\n  note: 11:9:",
		file + ": 3 error(s), 0 warning(s)\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in\n%s", want, out)
		}
	}
}

// TestCheckSyntaxError reproduces the E000 layout of VPL.md §8.
func TestCheckSyntaxError(t *testing.T) {
	out, _, code := runCLI(t, "check", "../../vpl/testdata/check/bad.vpl")
	if code != 1 || !strings.Contains(out, "[E000]") || !strings.Contains(out, "^\n") {
		t.Fatalf("exit %d\n%s", code, out)
	}
}

// TestCheckReportsPlannerRefusals checks that what simulate would refuse
// (here a quantifier on an AND item, docs/patterns.md N11) is reported by
// check too, at its position.
func TestCheckReportsPlannerRefusals(t *testing.T) {
	dir := t.TempDir()
	file := dir + "/and.vpl"
	if err := os.WriteFile(file, []byte("pattern P = A+ as a AND B as b\nstream S = P .emit(x: a.v)\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, _, code := runCLI(t, "check", file)
	want := file + ":1:13: error: [E090] AND combines two single events: the + quantifier cannot apply to its items\n" +
		file + ": 1 error(s), 0 warning(s)\n"
	if code != 1 || out != want {
		t.Fatalf("exit %d\n got %q\nwant %q", code, out, want)
	}
}
