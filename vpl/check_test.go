package vpl

import (
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
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
