package vpl

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Limits of compile-time for expansion (VPL.md §2). The size limit is ours:
// it keeps a few nested loops over a large body from eating the memory.
const (
	maxUnrollIterations = 10000
	maxUnrolledBytes    = 16 << 20
)

// lineMap maps the lines of expanded text back to the source.
type lineMap struct {
	lines []xline
}

// xline is one line of (possibly expanded) text and where it came from.
type xline struct {
	text      string
	line      int32   // source line
	unroll    int32   // index into Program.Unrolls, 0 outside loops
	cols      []int32 // cols[i] is the source column of column i+1; nil: the identity
	inComment bool    // the line begins inside a /* */ comment
}

// col maps a column of the line to a source column; columns past the end
// (the end of a last token, EOF) extrapolate from the last one.
func (x *xline) col(c int32) int32 {
	switch {
	case x.cols == nil || c < 1:
		return c
	case int(c) <= len(x.cols):
		return x.cols[c-1]
	case len(x.cols) == 0:
		return c
	default:
		return x.cols[len(x.cols)-1] + c - int32(len(x.cols))
	}
}

func (m *lineMap) pos(file, line, col int32) Pos {
	if len(m.lines) == 0 {
		return Pos{File: file, Line: line, Col: col}
	}
	i := int(line) - 1
	if i >= len(m.lines) {
		i = len(m.lines) - 1
	}
	if i < 0 {
		i = 0
	}
	x := &m.lines[i]
	return Pos{File: file, Line: x.line, Col: x.col(col), Unroll: x.unroll}
}

// forHeader matches a compile-time loop header: `for v in A..B:` or
// `for v in A..=B:` in column 1 with integer literal bounds.
var forHeader = regexp.MustCompile(`^for[ \t]+([A-Za-z_][A-Za-z0-9_]*)[ \t]+in[ \t]+([0-9]+)[ \t]*(\.\.=?)[ \t]*([0-9]+)[ \t]*:[ \t]*(#.*)?\r?$`)

// unroller expands the compile-time for loops of one file.
type unroller struct {
	file    int32
	unrolls *[]Unroll
	total   int // iterations so far
	size    int // bytes produced so far
	errPos  Pos
	errMsg  string
}

// unroll expands the compile-time for loops of src (VPL.md §2): each body
// is copied once per value, its indentation removed and every {v} replaced
// by the value; nested loops expand outside-in. It returns src itself and a
// nil map when there is no such loop. New expansions are appended to
// unrolls. On failure it returns the position and message of the E000.
func unroll(src []byte, file int32, unrolls *[]Unroll) ([]byte, *lineMap, Pos, string) {
	if !hasLoopHeader(src) {
		return src, nil, Pos{}, ""
	}
	texts := strings.Split(string(src), "\n")
	lines := make([]xline, len(texts))
	inComment := false
	for i, t := range texts {
		lines[i] = xline{text: t, line: int32(i + 1), inComment: inComment}
		inComment = endsInComment(t, inComment)
	}
	u := &unroller{file: file, unrolls: unrolls}
	out := u.expand(lines)
	if u.errMsg != "" {
		return nil, nil, u.errPos, u.errMsg
	}
	var b strings.Builder
	for i, x := range out {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(x.text)
	}
	return []byte(b.String()), &lineMap{lines: out}, Pos{}, ""
}

// hasLoopHeader is a quick test for a line starting with "for".
func hasLoopHeader(src []byte) bool {
	s := string(src)
	return strings.HasPrefix(s, "for") || strings.Contains(s, "\nfor")
}

// endsInComment reports whether a line that begins inside a /* */ comment
// (or not) ends inside one. Strings do not span lines, so only comments
// carry over.
func endsInComment(t string, in bool) bool {
	for i := 0; i < len(t); i++ {
		if in {
			if t[i] == '*' && i+1 < len(t) && t[i+1] == '/' {
				in = false
				i++
			}
			continue
		}
		switch c := t[i]; {
		case c == '#':
			return false
		case c == '/' && i+1 < len(t) && t[i+1] == '*':
			in = true
			i++
		case c == '"' || c == '\'':
			for i++; i < len(t) && t[i] != c; i++ {
				if t[i] == '\\' {
					i++
				}
			}
		}
	}
	return in
}

// blank reports whether a line holds nothing but whitespace or a comment.
func (x *xline) blank() bool {
	t := strings.TrimLeft(x.text, " \t\r")
	return t == "" || t[0] == '#' || x.inComment
}

func (u *unroller) fail(x *xline, format string, args ...any) {
	if u.errMsg == "" {
		u.errPos = Pos{File: u.file, Line: x.line, Col: x.col(1), Unroll: x.unroll}
		u.errMsg = fmt.Sprintf(format, args...)
	}
}

// expand expands the loops in lines, recursively for nested loops. The
// recursion depth is bounded by the iteration limit: every level needs at
// least one iteration.
func (u *unroller) expand(lines []xline) []xline {
	var out []xline
	for i := 0; i < len(lines) && u.errMsg == ""; {
		x := &lines[i]
		var m []string
		if !x.inComment {
			m = forHeader.FindStringSubmatch(x.text)
		}
		if m == nil || Lookup(m[1]) != IDENT {
			out = append(out, *x)
			i++
			continue
		}
		// The body: the following lines indented deeper than column 1,
		// blank lines included, trailing blank lines excluded.
		last := i
		for j := i + 1; j < len(lines); j++ {
			y := &lines[j]
			if y.blank() {
				continue
			}
			if y.text[0] != ' ' && y.text[0] != '\t' {
				break
			}
			last = j
		}
		body := lines[i+1 : last+1]
		base := 0
		for k := range body {
			if !body[k].blank() {
				base = len(body[k].text) - len(strings.TrimLeft(body[k].text, " "))
				break
			}
		}
		from, err1 := strconv.ParseInt(m[2], 10, 64)
		to, err2 := strconv.ParseInt(m[4], 10, 64)
		if err1 != nil || err2 != nil {
			u.fail(x, "compile-time for loop bound out of range")
			return nil
		}
		if m[3] == ".." {
			to-- // cannot overflow: to >= 0
		}
		if to >= from && (to-from >= maxUnrollIterations || u.total+int(to-from+1) > maxUnrollIterations) {
			u.fail(x, "compile-time for loops expand to more than %d iterations", maxUnrollIterations)
			return nil
		}
		for v := from; v <= to && u.errMsg == ""; v++ {
			u.total++
			*u.unrolls = append(*u.unrolls, Unroll{Var: m[1], Value: v, Outer: x.unroll})
			idx := int32(len(*u.unrolls) - 1)
			copies := make([]xline, len(body))
			for k := range body {
				copies[k] = u.rewrite(&body[k], base, "{"+m[1]+"}", strconv.FormatInt(v, 10), idx)
			}
			if u.size > maxUnrolledBytes {
				u.fail(x, "compile-time for loops expand to more than %d MiB", maxUnrolledBytes>>20)
				return nil
			}
			out = append(out, u.expand(copies)...)
		}
		i = last + 1
	}
	return out
}

// rewrite copies a body line for one iteration: up to strip leading spaces
// removed and every pat replaced by value, with its column map composed
// with the line's own.
func (u *unroller) rewrite(x *xline, strip int, pat, value string, idx int32) xline {
	n := 0
	for n < strip && n < len(x.text) && x.text[n] == ' ' {
		n++
	}
	text := x.text[n:]
	var b strings.Builder
	cols := make([]int32, 0, len(text))
	old := int32(n) + 1 // column in x.text of the current character
	for k := 0; k < len(text); {
		if strings.HasPrefix(text[k:], pat) {
			b.WriteString(value)
			for range len(value) {
				cols = append(cols, x.col(old))
			}
			k += len(pat)
			old += int32(len(pat))
			continue
		}
		_, size := utf8.DecodeRuneInString(text[k:])
		b.WriteString(text[k : k+size])
		cols = append(cols, x.col(old))
		k += size
		old++
	}
	u.size += b.Len() + 1
	return xline{text: b.String(), line: x.line, unroll: idx, cols: cols, inComment: x.inComment}
}
