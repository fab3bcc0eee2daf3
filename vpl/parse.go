package vpl

import (
	"fmt"
	"path/filepath"
)

// maxImportDepth is how deep imports may nest (VPL.md §2, import).
const maxImportDepth = 10

// ParseFile parses the VPL program src read from path: compile-time for
// loops are expanded first (VPL.md §2), then the text is parsed, and every
// `import` is resolved relative to the importing file through readFile
// (nil: imports are an error), each file once, the imported statements
// placed before the importer's own.
//
// A syntax error stops everything: the result is then exactly one E000
// diagnostic and a Program without statements (its Files still name the
// files read, for Format). Otherwise the diagnostics are empty; run Check
// for the semantic ones. The returned Program is never nil.
func ParseFile(path string, src []byte, readFile func(string) ([]byte, error)) (*Program, []Diagnostic) {
	ld := &loader{
		prog:     &Program{Unrolls: []Unroll{{}}},
		readFile: readFile,
		seen:     map[string]bool{filepath.Clean(path): true},
	}
	stmts := ld.load(path, src, 0)
	if ld.diag != nil {
		ld.prog.Stmts, ld.prog.MainStmts = nil, 0
		return ld.prog, []Diagnostic{*ld.diag}
	}
	ld.prog.Stmts = stmts
	return ld.prog, nil
}

// loader parses a file and, recursively, the files it imports.
type loader struct {
	prog     *Program
	readFile func(string) ([]byte, error)
	seen     map[string]bool
	diag     *Diagnostic
}

// syntaxError records the E000 that ends loading; src is the text of the
// file pos lies in.
func (ld *loader) syntaxError(pos Pos, msg string, src []byte) {
	ld.diag = &Diagnostic{
		Pos:        pos,
		Severity:   SeverityError,
		Code:       "E000",
		Message:    msg + unrollSuffix(ld.prog.Unrolls, pos.Unroll),
		SourceLine: sourceLine(src, pos.Line),
	}
}

func (ld *loader) load(path string, src []byte, depth int) []Stmt {
	file := int32(len(ld.prog.Files))
	ld.prog.Files = append(ld.prog.Files, path)
	text, lmap, epos, emsg := unroll(src, file, &ld.prog.Unrolls)
	if emsg != "" {
		ld.syntaxError(epos, emsg, src)
		return nil
	}
	p := newParser(lex(text, file, lmap))
	stmts := p.parseFile()
	if p.failed() {
		ld.syntaxError(p.errPos, p.errMsg, src)
		return nil
	}
	if file == 0 {
		ld.prog.MainStmts = len(stmts)
	}
	var out []Stmt
	for _, s := range stmts {
		imp, ok := s.(*ImportStmt)
		if !ok {
			continue
		}
		target := filepath.Clean(imp.Path)
		if !filepath.IsAbs(imp.Path) {
			target = filepath.Join(filepath.Dir(path), imp.Path)
		}
		switch {
		case imp.Path == "":
			ld.syntaxError(imp.Pos, "empty import path", src)
		case ld.seen[target]:
			continue // each file once (VPL.md §2)
		case depth >= maxImportDepth:
			ld.syntaxError(imp.Pos, fmt.Sprintf("imports nested more than %d deep", maxImportDepth), src)
		case ld.readFile == nil:
			ld.syntaxError(imp.Pos, fmt.Sprintf("cannot import %q: no file access here", imp.Path), src)
		}
		if ld.diag != nil {
			return nil
		}
		ld.seen[target] = true
		data, err := ld.readFile(target)
		if err != nil {
			ld.syntaxError(imp.Pos, fmt.Sprintf("cannot import %q: %v", imp.Path, err), src)
			return nil
		}
		out = append(out, ld.load(target, data, depth+1)...)
		if ld.diag != nil {
			return nil
		}
	}
	return append(out, stmts...)
}
