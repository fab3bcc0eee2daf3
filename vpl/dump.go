package vpl

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"unicode"

	"github.com/cockroachdb/errors"
	"github.com/varpulis/varpulis-go/event"
)

// DumpJSON renders prog as indented JSON for `varpulis parse`. The output
// is stable: object keys follow the Go field order, each AST node carries
// its type name under "node", positions read "line:col" (prefixed by the
// file name outside the main file, followed by " (for v = 3)" inside an
// expanded loop), literals give their "kind" and "value" in the output form
// of VPL.md §7.2, and empty fields are left out. The text does not end
// with a newline.
func DumpJSON(prog *Program) ([]byte, error) {
	d := &dumper{prog: prog}
	d.b.WriteString(`{"files":`)
	d.strings(prog.Files)
	d.b.WriteString(`,"mainStmts":`)
	d.b.WriteString(strconv.Itoa(prog.MainStmts))
	d.b.WriteString(`,"stmts":[`)
	for i, s := range prog.Stmts {
		if i > 0 {
			d.b.WriteByte(',')
		}
		d.value(reflect.ValueOf(s))
	}
	d.b.WriteString("]}")
	var out bytes.Buffer
	if err := json.Indent(&out, d.b.Bytes(), "", "  "); err != nil {
		return nil, errors.Wrap(err, "vpl: dumping the AST")
	}
	return out.Bytes(), nil
}

type dumper struct {
	prog *Program
	b    bytes.Buffer
}

var (
	posType   = reflect.TypeFor[Pos]()
	valueType = reflect.TypeFor[event.Value]()
	tokenType = reflect.TypeFor[Token]()
	kindType  = reflect.TypeFor[TypeKind]()
)

func (d *dumper) strings(ss []string) {
	d.b.WriteByte('[')
	for i, s := range ss {
		if i > 0 {
			d.b.WriteByte(',')
		}
		d.b.Write(event.AppendJSONString(nil, s))
	}
	d.b.WriteByte(']')
}

func (d *dumper) pos(p Pos) string {
	s := fmt.Sprintf("%d:%d", p.Line, p.Col)
	if p.File != 0 {
		s = fileName(d.prog.Files, p.File) + ":" + s
	}
	return s + unrollSuffix(d.prog.Unrolls, p.Unroll)
}

// value writes v, which is not "empty" in the sense of omit.
func (d *dumper) value(v reflect.Value) {
	switch v.Type() {
	case posType:
		d.b.Write(event.AppendJSONString(nil, d.pos(v.Interface().(Pos))))
		return
	case valueType:
		val := v.Interface().(event.Value)
		fmt.Fprintf(&d.b, `{"kind":%q,"value":`, val.Kind())
		d.b.Write(event.AppendJSON(nil, val))
		d.b.WriteByte('}')
		return
	case tokenType, kindType:
		d.b.Write(event.AppendJSONString(nil, fmt.Sprint(v.Interface())))
		return
	}
	switch v.Kind() {
	case reflect.Interface, reflect.Pointer:
		if v.IsNil() {
			d.b.WriteString("null")
			return
		}
		e := v.Elem()
		if v.Kind() == reflect.Pointer && e.Kind() == reflect.Struct {
			d.object(e, e.Type().Name())
			return
		}
		d.value(e)
	case reflect.Struct:
		d.object(v, "")
	case reflect.Slice:
		d.b.WriteByte('[')
		for i := range v.Len() {
			if i > 0 {
				d.b.WriteByte(',')
			}
			d.value(v.Index(i))
		}
		d.b.WriteByte(']')
	case reflect.String:
		d.b.Write(event.AppendJSONString(nil, v.String()))
	case reflect.Bool:
		d.b.WriteString(strconv.FormatBool(v.Bool()))
	case reflect.Uint8:
		// PatternItem.Quantifier: a character.
		d.b.Write(event.AppendJSONString(nil, string(rune(v.Uint()))))
	case reflect.Int, reflect.Int32, reflect.Int64:
		d.b.WriteString(strconv.FormatInt(v.Int(), 10))
	default:
		d.b.Write(event.AppendJSONString(nil, fmt.Sprint(v.Interface())))
	}
}

// object writes a struct; node, when set, is written first as "node".
func (d *dumper) object(v reflect.Value, node string) {
	d.b.WriteByte('{')
	n := 0
	if node != "" {
		fmt.Fprintf(&d.b, `"node":%q`, node)
		n++
	}
	t := v.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		fv := v.Field(i)
		if !f.IsExported() || fv.IsZero() && f.Type != valueType {
			continue
		}
		if n > 0 {
			d.b.WriteByte(',')
		}
		n++
		d.b.Write(event.AppendJSONString(nil, lowerFirst(f.Name)))
		d.b.WriteByte(':')
		d.value(fv)
	}
	d.b.WriteByte('}')
}

// lowerFirst turns a Go field name into a JSON key: Pos -> pos,
// NamePos -> namePos.
func lowerFirst(s string) string {
	r := []rune(s)
	r[0] = unicode.ToLower(r[0])
	return string(r)
}
