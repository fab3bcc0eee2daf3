package vpl

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// addSeeds adds the spec examples and the check tests to a fuzz corpus;
// testdata/fuzz holds the §2-§4 snippets and any crashers found.
func addSeeds(f *testing.F) {
	for _, pattern := range []string{"testdata/spec/*.vpl", "testdata/check/*.vpl"} {
		files, _ := filepath.Glob(pattern)
		for _, file := range files {
			src, err := os.ReadFile(file)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(string(src))
		}
	}
}

// FuzzLexer checks that scanning ends, with EOF or an error, that
// positions are valid and ordered, and that blocks balance.
func FuzzLexer(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, src string) {
		toks := lex([]byte(src), 0, nil)
		if len(toks) == 0 {
			t.Fatal("no tokens")
		}
		last := toks[len(toks)-1]
		if last.kind != EOF && last.kind != ILLEGAL {
			t.Fatalf("last token is %v", last.kind)
		}
		depth := 0
		var prev Pos
		for i, tk := range toks {
			if tk.pos.Line < 1 || tk.pos.Col < 1 {
				t.Fatalf("token %d (%v) has position %d:%d", i, tk.kind, tk.pos.Line, tk.pos.Col)
			}
			if tk.kind != NEWLINE && tk.kind != DEDENT && tk.kind != EOF && tk.kind != ILLEGAL {
				if tk.pos.Line < prev.Line || tk.pos.Line == prev.Line && tk.pos.Col < prev.Col {
					t.Fatalf("token %d (%v) at %d:%d before %d:%d", i, tk.kind, tk.pos.Line, tk.pos.Col, prev.Line, prev.Col)
				}
				prev = tk.pos
			}
			switch tk.kind {
			case INDENT:
				depth++
			case DEDENT:
				depth--
			case ILLEGAL:
				if i != len(toks)-1 || tk.lit == "" {
					t.Fatal("ILLEGAL token without message or not last")
				}
			}
			if depth < 0 {
				t.Fatal("DEDENT without INDENT")
			}
		}
		if last.kind == EOF && depth != 0 {
			t.Fatalf("%d blocks left open at EOF", depth)
		}
	})
}

// FuzzParse checks that parsing, imports, checking, formatting and
// dumping never fail on any input: a program parses without diagnostics
// or fails with exactly one E000 at a valid position.
func FuzzParse(f *testing.F) {
	addSeeds(f)
	lib := map[string]string{
		"lib.vpl":        "event Reading:\n    temp: float\nstream Base = Reading.emit()\n",
		"loop.vpl":       "import \"loop.vpl\"\n",
		"broken.vpl":     "stream S = (\n",
		"unrolled.vpl":   "for i in 0..2:\n    stream L{i} = Reading.emit()\n",
		"nested/x.vpl":   "import \"../lib.vpl\"\n",
		"bad_escape.vpl": "let s = \"\\q\"\n",
	}
	readFile := func(path string) ([]byte, error) {
		if s, ok := lib[filepath.ToSlash(path)]; ok {
			return []byte(s), nil
		}
		return nil, errors.New("no such file")
	}
	f.Fuzz(func(t *testing.T, src string) {
		prog, diags := ParseFile("main.vpl", []byte(src), readFile)
		if prog == nil {
			t.Fatal("nil program")
		}
		if len(diags) > 0 {
			if len(diags) != 1 || diags[0].Code != "E000" || !diags[0].Pos.IsValid() || diags[0].Pos.Col < 1 {
				t.Fatalf("parse diagnostics: %+v", diags)
			}
			_ = Format(diags, prog.Files)
			return
		}
		checked := Check(prog)
		for _, d := range checked {
			if d.Code == "E000" || !d.Pos.IsValid() {
				t.Fatalf("check diagnostic %+v", d)
			}
		}
		_ = Format(checked, prog.Files)
		_ = Summary("main.vpl", prog, checked)
		if _, err := DumpJSON(prog); err != nil {
			t.Fatal(err)
		}
	})
}
