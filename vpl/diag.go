package vpl

import (
	"bytes"
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Severity is the severity of a diagnostic.
type Severity uint8

// Severities.
const (
	SeverityError Severity = iota
	SeverityWarning
)

// String returns "error" or "warning", as diagnostics print them.
func (s Severity) String() string {
	if s == SeverityWarning {
		return "warning"
	}
	return "error"
}

// Diagnostic is one finding of the parser or the checker, with a code of
// VPL.md §8 ("E000", "W030", ...).
type Diagnostic struct {
	Pos      Pos
	Severity Severity
	Code     string
	Message  string // ends with " (for v = 3)" inside an expanded loop
	Hint     string // "" when none
	Notes    []Note
	// SourceLine is the source line Pos lies on, shown with a caret under
	// syntax errors (E000).
	SourceLine string
}

// Note points at a related place, e.g. the first declaration of a name.
type Note struct {
	Pos  Pos
	Text string
}

// HasErrors reports whether diags holds an error (warnings allowed).
func HasErrors(diags []Diagnostic) bool {
	for i := range diags {
		if diags[i].Severity == SeverityError {
			return true
		}
	}
	return false
}

// Sort sorts diagnostics by file, line, column, then code (VPL.md §8).
func Sort(diags []Diagnostic) {
	slices.SortStableFunc(diags, func(a, b Diagnostic) int {
		return cmp.Or(
			cmp.Compare(a.Pos.File, b.Pos.File),
			cmp.Compare(a.Pos.Line, b.Pos.Line),
			cmp.Compare(a.Pos.Col, b.Pos.Col),
			cmp.Compare(a.Code, b.Code),
		)
	})
}

// Format renders diagnostics as `varpulis check` prints them (VPL.md §8),
// sorted, one block per diagnostic:
//
//	<file>:<line>:<col>: <error|warning>: [<code>] <message>
//	  | <source line>          (syntax errors)
//	  |     ^
//	  hint: <text>
//	  note: <line>:<col>: <text>
//
// files names the files that positions index (Program.Files). A note in
// another file than its diagnostic is written <file>:<line>:<col>.
func Format(diags []Diagnostic, files []string) string {
	sorted := slices.Clone(diags)
	Sort(sorted)
	var b strings.Builder
	for _, d := range sorted {
		fmt.Fprintf(&b, "%s:%d:%d: %s: [%s] %s\n", fileName(files, d.Pos.File), d.Pos.Line, d.Pos.Col, d.Severity, d.Code, d.Message)
		if d.Code == "E000" && d.Pos.IsValid() {
			b.WriteString("  | ")
			b.WriteString(d.SourceLine)
			b.WriteString("\n  | ")
			b.WriteString(strings.Repeat(" ", max(int(d.Pos.Col)-1, 0)))
			b.WriteString("^\n")
		}
		if d.Hint != "" {
			fmt.Fprintf(&b, "  hint: %s\n", d.Hint)
		}
		for _, n := range d.Notes {
			b.WriteString("  note: ")
			if n.Pos.File != d.Pos.File {
				b.WriteString(fileName(files, n.Pos.File))
				b.WriteByte(':')
			}
			fmt.Fprintf(&b, "%d:%d: %s\n", n.Pos.Line, n.Pos.Col, n.Text)
		}
	}
	return b.String()
}

// Summary returns the last line of `varpulis check` for file: "<file>: ok,
// <n> statements, <w> warning(s)" or "<file>: <e> error(s), <w>
// warning(s)". n is prog.MainStmts; prog may be nil after a failed parse.
func Summary(file string, prog *Program, diags []Diagnostic) string {
	errs, warns := 0, 0
	for i := range diags {
		if diags[i].Severity == SeverityError {
			errs++
		} else {
			warns++
		}
	}
	if errs > 0 || prog == nil {
		return fmt.Sprintf("%s: %d error(s), %d warning(s)", file, errs, warns)
	}
	return fmt.Sprintf("%s: ok, %d statements, %d warning(s)", file, prog.MainStmts, warns)
}

func fileName(files []string, i int32) string {
	if int(i) < len(files) && i >= 0 {
		return files[i]
	}
	return "<unknown>"
}

// unrollSuffix returns " (for v = 3)" for a position in expanded loop text
// ("(for i = 1, j = 2)" for nested loops), or "".
func unrollSuffix(unrolls []Unroll, idx int32) string {
	var chain []Unroll
	for seen := 0; idx > 0 && int(idx) < len(unrolls) && seen < len(unrolls); seen++ {
		u := unrolls[idx]
		chain = append(chain, u)
		idx = u.Outer
	}
	if len(chain) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString(" (for ")
	for i := len(chain) - 1; i >= 0; i-- {
		b.WriteString(chain[i].Var)
		b.WriteString(" = ")
		b.WriteString(strconv.FormatInt(chain[i].Value, 10))
		if i > 0 {
			b.WriteString(", ")
		}
	}
	b.WriteByte(')')
	return b.String()
}

// sourceLine returns line n (1-based) of src without its line ending.
func sourceLine(src []byte, n int32) string {
	for i := int32(1); i < n; i++ {
		j := bytes.IndexByte(src, '\n')
		if j < 0 {
			return ""
		}
		src = src[j+1:]
	}
	if j := bytes.IndexByte(src, '\n'); j >= 0 {
		src = src[:j]
	}
	return strings.TrimSuffix(string(src), "\r")
}
