package vpl

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// memFS is an in-memory readFile that records what was read.
type memFS struct {
	files map[string]string
	reads []string
}

func (m *memFS) read(path string) ([]byte, error) {
	m.reads = append(m.reads, path)
	if s, ok := m.files[path]; ok {
		return []byte(s), nil
	}
	return nil, errors.New("file does not exist")
}

func TestImports(t *testing.T) {
	fs := &memFS{files: map[string]string{
		"app/lib/a.vpl":      "import \"c.vpl\"\nstream A = R.emit()\n",
		"app/lib/c.vpl":      "import \"../main.vpl\"\nstream C = R.emit()\n",
		"app/b.vpl":          "import \"lib/c.vpl\"\nimport \"/abs/d.vpl\"\nstream B = R.emit()\n",
		"/abs/d.vpl":         "stream D = R.emit()\n",
		"app/lib/unused.vpl": "stream U = R.emit()\n",
	}}
	src := "import \"lib/a.vpl\" as a\nimport \"b.vpl\"\nstream Main = A.emit()\n"
	prog, diags := ParseFile("app/main.vpl", []byte(src), fs.read)
	if len(diags) > 0 {
		t.Fatal(Format(diags, prog.Files))
	}
	var order []string
	for _, s := range prog.Stmts {
		if d, ok := s.(*StreamDecl); ok {
			order = append(order, fmt.Sprintf("%s@%s", d.Name, prog.Files[d.Pos.File]))
		}
	}
	// Imported statements come first, in import order, each file once.
	want := "C@app/lib/c.vpl A@app/lib/a.vpl D@/abs/d.vpl B@app/b.vpl Main@app/main.vpl"
	if got := strings.Join(order, " "); got != want {
		t.Errorf("order:\n got %s\nwant %s", got, want)
	}
	if got := strings.Join(fs.reads, " "); got != "app/lib/a.vpl app/lib/c.vpl app/b.vpl /abs/d.vpl" {
		t.Errorf("reads: %s", got)
	}
	if prog.MainStmts != 3 {
		t.Errorf("MainStmts = %d, want 3", prog.MainStmts)
	}
}

func TestImportErrors(t *testing.T) {
	chain := map[string]string{}
	for i := 1; i <= 11; i++ {
		chain[fmt.Sprintf("f%d.vpl", i)] = fmt.Sprintf("import \"f%d.vpl\"\n", i+1)
	}
	chain["f12.vpl"] = ""
	chain["broken.vpl"] = "let a = 1\nstream S = A.where(x\n"
	tests := []struct{ src, want string }{
		{`import "f1.vpl"`, "f10.vpl:1:1: error: [E000] imports nested more than 10 deep\n  | import \"f11.vpl\"\n  | ^\n"},
		{`import "missing.vpl"`, "main.vpl:1:1: error: [E000] cannot import \"missing.vpl\": file does not exist\n  | import \"missing.vpl\"\n  | ^\n"},
		{"\nimport \"broken.vpl\"", "broken.vpl:2:21: error: [E000] expected ')' but found end of file\n  | stream S = A.where(x\n  |                     ^\n"},
		{`import ""`, "main.vpl:1:1: error: [E000] empty import path\n  | import \"\"\n  | ^\n"},
	}
	for _, tt := range tests {
		fs := &memFS{files: chain}
		prog, diags := ParseFile("main.vpl", []byte(tt.src), fs.read)
		if got := Format(diags, prog.Files); got != tt.want {
			t.Errorf("%q:\n got %s\nwant %s", tt.src, got, tt.want)
		}
	}
	// Without a file reader imports are an error.
	_, diags := ParseFile("main.vpl", []byte(`import "x.vpl"`), nil)
	if len(diags) != 1 || !strings.Contains(diags[0].Message, "no file access") {
		t.Errorf("nil readFile: %+v", diags)
	}
}
