package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"
	"github.com/varpulis/varpulis-go/planner"
	"github.com/varpulis/varpulis-go/vpl"
)

func newCheckCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "check FILE",
		Short: "Check a VPL program and report every problem",
		Long: "check parses a VPL program (imports and compile-time loops included), validates it and\n" +
			"prints diagnostics as <file>:<line>:<col>: error|warning: [CODE] message, then a summary.\n" +
			"It exits 1 when the program has errors.",
		Example: "  varpulis check examples/fraud/program.vpl",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			src, err := os.ReadFile(args[0])
			if err != nil {
				return &exitError{code: 2, msg: fmt.Sprintf("%s: error: %v", args[0], err)}
			}
			prog, diags := vpl.ParseFile(args[0], src, os.ReadFile)
			if !vpl.HasErrors(diags) {
				diags = append(diags, vpl.Check(prog)...)
			}
			// What the planner refuses is a problem of the text too.
			if !vpl.HasErrors(diags) {
				if _, err := planner.LowerVPL(prog); err != nil {
					if d, ok := lowerDiagnostic(err); ok {
						diags = append(diags, d)
					}
				}
			}
			out := cmd.OutOrStdout()
			fmt.Fprint(out, vpl.Format(diags, programFiles(args[0], prog)))
			fmt.Fprintln(out, vpl.Summary(args[0], prog, diags))
			if vpl.HasErrors(diags) {
				return &exitError{code: 1}
			}
			return nil
		},
	}
}

func newParseCmd() *cobra.Command {
	return &cobra.Command{
		Use:     "parse FILE",
		Short:   "Print the syntax tree of a VPL program as JSON",
		Example: "  varpulis parse examples/hvac/program.vpl | jq .",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			src, err := os.ReadFile(args[0])
			if err != nil {
				return &exitError{code: 2, msg: fmt.Sprintf("%s: error: %v", args[0], err)}
			}
			prog, diags := vpl.ParseFile(args[0], src, os.ReadFile)
			if vpl.HasErrors(diags) {
				fmt.Fprint(cmd.ErrOrStderr(), vpl.Format(diags, programFiles(args[0], prog)))
				return &exitError{code: 1}
			}
			js, err := vpl.DumpJSON(prog)
			if err != nil {
				return err
			}
			_, err = cmd.OutOrStdout().Write(append(js, '\n'))
			return err
		},
	}
}

func newExplainCmd() *cobra.Command {
	var format string
	c := &cobra.Command{
		Use:     "explain FILE",
		Short:   "Print the plan of a VPL program",
		Example: "  varpulis explain examples/trading/program.vpl --format json",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			src, err := os.ReadFile(args[0])
			if err != nil {
				return &exitError{code: 2, msg: fmt.Sprintf("%s: error: %v", args[0], err)}
			}
			l, ok := loadProgram(args[0], src, cmd.ErrOrStderr())
			if !ok {
				return &exitError{code: 1}
			}
			switch format {
			case "text":
				fmt.Fprint(cmd.OutOrStdout(), planner.ExplainText(l.plan))
			case "json":
				js, err := planner.ExplainJSON(l.plan)
				if err != nil {
					return err
				}
				fmt.Fprintln(cmd.OutOrStdout(), string(js))
			default:
				return &exitError{code: 2, msg: "error: --format must be text or json"}
			}
			return nil
		},
	}
	c.Flags().StringVar(&format, "format", "text", "output format: text or json")
	return c
}
