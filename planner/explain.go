package planner

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// ExplainNode is one operator of an EXPLAIN tree: what it is, its
// arguments as text, and its input.
type ExplainNode struct {
	Op    string            `json:"op"`
	Args  map[string]string `json:"args,omitempty"`
	Input []*ExplainNode    `json:"input,omitempty"`
}

// Explain returns one tree per stream, outermost operator first.
func Explain(p *Plan) []*ExplainNode {
	out := make([]*ExplainNode, 0, len(p.Streams))
	for _, s := range p.Streams {
		out = append(out, explainStream(s))
	}
	return out
}

func explainStream(s *Stream) *ExplainNode {
	src := &ExplainNode{Op: "Source", Args: map[string]string{}}
	if s.Merge {
		src.Op = "Merge"
	}
	for i, in := range s.Inputs {
		v := in.Name
		if in.Label != "" {
			v = in.Label + "=" + v
		}
		if in.Pred != nil {
			v += " where " + in.Pred.String()
		}
		src.Args["input"+strconv.Itoa(i)] = v
	}
	if len(s.PartitionBy) > 0 {
		src.Args["partition_by"] = strings.Join(s.PartitionBy, ", ")
	}
	if s.OutOfOrder != 0 {
		src.Args["out_of_order"] = dur(s.OutOfOrder)
	}
	if s.AllowedLateness != 0 {
		src.Args["allowed_lateness"] = dur(s.AllowedLateness)
	}
	node := src
	for _, op := range s.Ops {
		n := &ExplainNode{Op: op.opName(), Args: map[string]string{}, Input: []*ExplainNode{node}}
		switch op := op.(type) {
		case *Join:
			for i, m := range op.Members {
				v := m.Name
				if m.Alias != m.Name {
					v = m.Alias + "=" + m.Name
				}
				n.Args[fmt.Sprintf("%02d", i)] = v + " on " + m.Key.String()
			}
			n.Args["horizon"] = dur(op.Horizon)
		case *Filter:
			n.Args["predicate"] = op.Pred.String()
		case *Project:
			if op.Emit {
				n.Op = "Emit"
			}
			if op.KeepAll {
				n.Args["fields"] = "*"
			}
			if op.Union != nil {
				n.Args["fields"] = "union($" + strings.Join(op.Union, ", $") + ")"
			}
			for i, it := range op.Items {
				n.Args[fmt.Sprintf("%02d", i)] = it.Name + ": " + it.X.String()
			}
			if op.As != "" {
				n.Args["as"] = op.As
			}
		case *Print:
			n.Args["args"] = joinExprs(op.Args)
		case *Log:
			n.Args["level"] = op.Level
		case *Distinct:
			if op.Key != nil {
				n.Args["key"] = op.Key.String()
			}
		case *Limit:
			n.Args["n"] = strconv.FormatInt(op.N, 10)
		case *Process:
			n.Args["call"] = op.Call.String()
		case *To:
			n.Args["connector"] = op.Connector
		case *Window:
			n.Args["kind"] = op.Kind.String()
			count := func(x int64) string { return strconv.FormatInt(x, 10) }
			size := count
			if op.Kind.IsTime() {
				size = dur // sizes and slides of time windows are durations
			}
			n.Args["size"] = size(op.Size)
			if op.Slide != 0 {
				n.Args["slide"] = size(op.Slide)
			}
			if op.Keep != nil {
				n.Args["keep"] = op.Keep.Param + " => " + op.Keep.Body.String()
			}
			if op.Agg != nil {
				explainAgg(n, op.Agg)
			}
		case *Aggregate:
			explainAgg(n, op)
		case *Pattern:
			n.Args["input_order"] = "arrival"
			if op.InputTS {
				n.Args["input_order"] = "ts"
			}
			if op.Within > 0 {
				n.Args["within"] = dur(op.Within)
			}
			if op.Rows != nil {
				explainRows(n.Args, op.Rows)
			} else {
				n.Args["policy"] = op.Policy
				if len(op.Alts) == 0 {
					explainMatcher(n.Args, "", op)
				}
			}
			for i, alt := range op.Alts {
				explainMatcher(n.Args, fmt.Sprintf("or%d.", i+1), alt)
			}
		}
		if len(n.Args) == 0 {
			n.Args = nil
		}
		node = n
	}
	return &ExplainNode{Op: "Stream", Args: map[string]string{"name": s.Name, "type": s.OutType, "visible": strconv.FormatBool(s.Visible)}, Input: []*ExplainNode{node}}
}

// ExplainText renders the plan as an indented tree.
func ExplainText(p *Plan) string {
	var b strings.Builder
	for _, n := range Explain(p) {
		writeNode(&b, n, 0)
	}
	return b.String()
}

func writeNode(b *strings.Builder, n *ExplainNode, depth int) {
	b.WriteString(strings.Repeat("  ", depth))
	b.WriteString(n.Op)
	if len(n.Args) > 0 {
		keys := make([]string, 0, len(n.Args))
		for k := range n.Args {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		b.WriteString(" [")
		for i, k := range keys {
			if i > 0 {
				b.WriteString("; ")
			}
			if len(k) == 2 && k[0] >= '0' && k[0] <= '9' {
				b.WriteString(n.Args[k])
			} else {
				b.WriteString(k + "=" + n.Args[k])
			}
		}
		b.WriteString("]")
	}
	b.WriteByte('\n')
	for _, in := range n.Input {
		writeNode(b, in, depth+1)
	}
}

// ExplainJSON renders the plan as JSON.
func ExplainJSON(p *Plan) ([]byte, error) {
	return json.MarshalIndent(Explain(p), "", "  ")
}

// explainRows prints a row pattern as written, its AFTER MATCH SKIP and
// its DEFINE conditions.
func explainRows(args map[string]string, r *RowPattern) {
	args["pattern"] = r.Node.String()
	args["skip"] = r.Skip.String()
	if r.TimeoutRows {
		args["timeout_rows"] = "true"
	}
	for i, v := range r.Automaton.Vars {
		if r.Define[i] != nil {
			args["define."+v] = r.Define[i].String()
		}
	}
}

// explainMatcher writes the steps and negations of one matcher (an
// alternative of an OR under prefix "or<i>.").
func explainMatcher(args map[string]string, prefix string, op *Pattern) {
	if op.KeyFields != nil {
		var ks []string
		for t, f := range op.KeyFields {
			ks = append(ks, t+"."+f)
		}
		slices.Sort(ks)
		args[prefix+"partition_inferred"] = strings.Join(ks, ", ")
	}
	if op.And {
		args[prefix+"order"] = "either (AND)"
	}
	for i, st := range op.Steps {
		v := st.Type + " as " + st.Alias
		switch {
		case st.Kleene && st.Optional:
			v = "optional all " + v
		case st.Kleene:
			v = "all " + v
		case st.Optional:
			v = "optional " + v
		}
		if st.Pred != nil {
			v += " where " + st.Pred.String()
		}
		if st.SelfPred != nil {
			v += " with previous " + st.SelfPred.String()
		}
		if st.Closing != nil {
			v += " completing when " + st.Closing.String()
		}
		args[fmt.Sprintf("%sstep%d", prefix, i+1)] = v
	}
	for i, no := range op.Nots {
		v := no.Type
		if no.Pred != nil {
			v += " where " + no.Pred.String()
		}
		v += fmt.Sprintf(" while %d..%d bound", no.After, no.Before-1)
		if no.SkipFrom > 0 {
			v += fmt.Sprintf(", bars skipping while %d..%d bound", no.SkipFrom, no.After-1)
		}
		if no.Trailing && op.Within > 0 {
			v += " (absence)"
		}
		args[fmt.Sprintf("%snot%d", prefix, i+1)] = v
	}
}

func explainAgg(n *ExplainNode, a *Aggregate) {
	for i, it := range a.Items {
		n.Args[fmt.Sprintf("%02d", i)] = it.Name + ": " + it.X.String()
	}
}

// dur writes a duration in nanoseconds as VPL writes durations in output.
func dur(ns int64) string { return time.Duration(ns).String() }
