package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/varpulis/varpulis-go/workload"
)

func newBenchCmd() *cobra.Command {
	bench := &cobra.Command{
		Use:   "bench",
		Short: "Benchmark helpers",
	}
	var (
		n      int
		seed   uint64
		format string
	)
	gen := &cobra.Command{
		Use:   "gen WORKLOAD",
		Short: "Write the deterministic input of a benchmark workload to stdout",
		Long: "gen writes the input of a workload of BENCHMARKS.md. The same workload, --events and --seed\n" +
			"always give the same bytes. Workloads: W1, W2.",
		Example: "  varpulis bench gen W1 --events 1000000 --seed 7 > w1.evt",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "evt" && format != "jsonl" {
				return &exitError{code: 2, msg: "error: --format must be evt or jsonl"}
			}
			switch strings.ToUpper(args[0]) {
			case "W1":
				return workload.WriteW1(cmd.OutOrStdout(), n, seed, format)
			case "W2":
				if format != "evt" {
					return &exitError{code: 2, msg: "error: W2 is written as .evt only"}
				}
				return workload.WriteW2(cmd.OutOrStdout(), n, seed)
			}
			return &exitError{code: 2, msg: fmt.Sprintf("error: unknown workload %q (available: W1, W2)", args[0])}
		},
	}
	gen.Flags().IntVar(&n, "events", 1_000_000, "number of events")
	gen.Flags().Uint64Var(&seed, "seed", 1, "random seed")
	gen.Flags().StringVar(&format, "format", "evt", "output format: evt or jsonl")
	bench.AddCommand(gen, newBenchRunCmd())
	return bench
}
