package scalar

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/varpulis/varpulis-go/event"
)

// fnLen: code points of a string, elements of an array, entries of a map.
func fnLen(a []event.Value) event.Value {
	switch x := a[0]; x.Kind() {
	case event.KindString:
		return event.Int(int64(utf8.RuneCountInString(x.AsString())))
	case event.KindArray, event.KindMap:
		return event.Int(int64(x.Len()))
	}
	return event.Null
}

// str1 applies f to a single string argument.
func str1(a []event.Value, f func(string) string) event.Value {
	if a[0].Kind() != event.KindString {
		return event.Null
	}
	return event.String(f(a[0].AsString()))
}

func fnUpper(a []event.Value) event.Value { return str1(a, upper) }
func fnLower(a []event.Value) event.Value { return str1(a, lower) }
func fnTrim(a []event.Value) event.Value  { return str1(a, strings.TrimSpace) }

// str2 applies a predicate to two string arguments.
func str2(a []event.Value, f func(s, t string) bool) event.Value {
	if kinds(a[0], a[1]) != pSS {
		return event.Null
	}
	return event.Bool(f(a[0].AsString(), a[1].AsString()))
}

func fnContains(a []event.Value) event.Value   { return str2(a, strings.Contains) }
func fnStartsWith(a []event.Value) event.Value { return str2(a, strings.HasPrefix) }
func fnEndsWith(a []event.Value) event.Value   { return str2(a, strings.HasSuffix) }

// upper applies Unicode's full upper-case mapping: one character may
// become several (ß is SS), as §11.3 asks of Unicode case mapping.
func upper(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return strings.ToUpper(s) // returns s itself when nothing changes
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b.WriteByte(s[i]) // keep invalid bytes as they are
		default:
			if m, ok := specialUpper(r); ok {
				b.WriteString(m)
			} else {
				b.WriteRune(unicode.ToUpper(r))
			}
		}
		i += size
	}
	return b.String()
}

// lower applies Unicode's full lower-case mapping, including its two
// special cases: İ (U+0130) becomes i followed by U+0307, and Σ becomes
// final ς at the end of a word (the Final_Sigma condition).
func lower(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return strings.ToLower(s)
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b.WriteByte(s[i])
		case r == 0x130:
			b.WriteString("i\u0307")
		case r == 0x3A3 && finalSigma(s, i, size):
			b.WriteRune(0x3C2)
		default:
			b.WriteRune(unicode.ToLower(r))
		}
		i += size
	}
	return b.String()
}

// finalSigma is Unicode's Final_Sigma condition for the Σ at s[i:i+size]:
// a cased letter comes before it and none after it, ignoring
// case-ignorable characters in both directions.
func finalSigma(s string, i, size int) bool {
	before := false
	for j := i; j > 0; {
		r, n := utf8.DecodeLastRuneInString(s[:j])
		j -= n
		if !caseIgnorable(r) {
			before = cased(r)
			break
		}
	}
	if !before {
		return false
	}
	for j := i + size; j < len(s); {
		r, n := utf8.DecodeRuneInString(s[j:])
		j += n
		if !caseIgnorable(r) {
			return !cased(r)
		}
	}
	return true
}

// cased is Unicode's Cased property.
func cased(r rune) bool {
	return unicode.IsUpper(r) || unicode.IsLower(r) || unicode.IsTitle(r) ||
		unicode.Is(unicode.Other_Lowercase, r) || unicode.Is(unicode.Other_Uppercase, r)
}

// caseIgnorable is Unicode's Case_Ignorable property: marks, format
// characters, modifiers, and the apostrophes and word-internal
// punctuation of Word_Break MidLetter, MidNumLet and Single_Quote.
func caseIgnorable(r rune) bool {
	switch r {
	case '\'', '.', ':', 0xB7, 0x387, 0x55F, 0x5F4, 0x2018, 0x2019, 0x2024, 0x2027,
		0xFE13, 0xFE52, 0xFE55, 0xFF07, 0xFF0E, 0xFF1A:
		return true
	}
	return unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf, unicode.Lm, unicode.Sk)
}

// fnReplace replaces every occurrence of old (§11.3). An empty old inserts
// new around every code point, as Go, Python and Rust do.
func fnReplace(a []event.Value) event.Value {
	if a[0].Kind() != event.KindString || kinds(a[1], a[2]) != pSS {
		return event.Null
	}
	s, old, repl := a[0].AsString(), a[1].AsString(), a[2].AsString()
	n := strings.Count(s, old) // code points + 1 when old is empty
	if n == 0 {
		return a[0]
	}
	if len(s)+n*(len(repl)-len(old)) > MaxStringBytes {
		return event.Null
	}
	return event.String(strings.ReplaceAll(s, old, repl))
}

// fnSplit splits s at every sep, keeping empty pieces (§11.3: "a,,b" has
// three). An empty sep splits into code points.
func fnSplit(a []event.Value) event.Value {
	if kinds(a[0], a[1]) != pSS {
		return event.Null
	}
	s, sep := a[0].AsString(), a[1].AsString()
	n := strings.Count(s, sep) + 1
	if sep == "" {
		n -= 2 // Count gives code points + 1
	}
	if n > MaxArrayLen {
		return event.Null
	}
	out := make([]event.Value, 0, max(n, 0))
	if sep == "" {
		for i := 0; i < len(s); {
			_, size := utf8.DecodeRuneInString(s[i:])
			out = append(out, event.String(s[i:i+size]))
			i += size
		}
		return event.Array(out)
	}
	for {
		i := strings.Index(s, sep)
		if i < 0 {
			break
		}
		out = append(out, event.String(s[:i]))
		s = s[i+len(sep):]
	}
	return event.Array(append(out, event.String(s)))
}

// appendPiece appends v as concat and join use it: a string as is, any
// other value in text form (what to_string gives).
func appendPiece(b []byte, v event.Value) []byte {
	if v.Kind() == event.KindString {
		return append(b, v.AsString()...)
	}
	return event.AppendText(b, v)
}

// fnJoin joins the elements of an array with sep. Non-string elements are
// written in text form, like to_string; a null element makes the result
// null, as it would in concat.
func fnJoin(a []event.Value) event.Value {
	if a[0].Kind() != event.KindArray || a[1].Kind() != event.KindString {
		return event.Null
	}
	sep := a[1].AsString()
	var b []byte
	for i, e := range a[0].Elems() {
		if e.IsNull() {
			return event.Null
		}
		if i > 0 {
			b = append(b, sep...)
		}
		b = appendPiece(b, e)
		if len(b) > MaxStringBytes {
			return event.Null
		}
	}
	return event.String(string(b))
}

// fnConcat concatenates its arguments, non-strings in text form; a null
// argument makes it null (§11.3; the strict wrapper sees to that).
func fnConcat(a []event.Value) event.Value {
	if len(a) == 1 && a[0].Kind() == event.KindString {
		return a[0]
	}
	var b []byte
	for _, v := range a {
		b = appendPiece(b, v)
		if len(b) > MaxStringBytes {
			return event.Null
		}
	}
	return event.String(string(b))
}

// fnSubstring is substring(s, start[, length]) in code points from 0
// (§11.3): clamped at the end of s; a negative start or length is null.
func fnSubstring(a []event.Value) event.Value {
	if kinds(a[0], a[1]) != pSI {
		return event.Null
	}
	s, start := a[0].AsString(), a[1].AsInt()
	if start < 0 {
		return event.Null
	}
	end := int64(1<<63 - 1)
	if len(a) == 3 {
		if a[2].Kind() != event.KindInt {
			return event.Null
		}
		n := a[2].AsInt()
		if n < 0 {
			return event.Null
		}
		if n <= end-start {
			end = start + n
		}
	}
	from, to := cpRange(s, start, end)
	return event.String(s[from:to])
}
