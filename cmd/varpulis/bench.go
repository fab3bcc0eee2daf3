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
		k      int
		errs   float64
	)
	gen := &cobra.Command{
		Use:   "gen WORKLOAD",
		Short: "Write the deterministic input of a benchmark workload to stdout",
		Long: "gen writes the input of a workload of BENCHMARKS.md. The same workload, --events and --seed\n" +
			"always give the same bytes. Workloads: W1 (ticks), W2 (trades), W3 (k query types and six\n" +
			"noise types; --k), W4 (W3 with k = 3), W4walk (a per-symbol random walk of ticks), W5 (logins,\n" +
			"actions, logouts and errors over 10,000 users; --errors) and W5orders (orders and payments).\n" +
			"Only W1 is also written as JSON lines.",
		Example: "  varpulis bench gen W1 --events 1000000 --seed 7 > w1.evt\n" +
			"  varpulis bench gen W3 --k 5 --events 500000 > w3.evt",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "evt" && format != "jsonl" {
				return &exitError{code: 2, msg: "error: --format must be evt or jsonl"}
			}
			name := strings.ToUpper(args[0])
			if name == "W1" {
				return workload.WriteW1(cmd.OutOrStdout(), n, seed, format)
			}
			write, ok := map[string]func() error{
				"W2":       func() error { return workload.WriteW2(cmd.OutOrStdout(), n, seed) },
				"W3":       func() error { return workload.WriteW3(cmd.OutOrStdout(), n, k, seed) },
				"W4":       func() error { return workload.WriteW3(cmd.OutOrStdout(), n, 3, seed) },
				"W4WALK":   func() error { return workload.WriteW4Walk(cmd.OutOrStdout(), n, seed) },
				"W5":       func() error { return workload.WriteW5(cmd.OutOrStdout(), n, errs, seed) },
				"W5ORDERS": func() error { return workload.WriteW5Orders(cmd.OutOrStdout(), n, seed) },
			}[name]
			switch {
			case !ok:
				return &exitError{code: 2, msg: fmt.Sprintf("error: unknown workload %q (available: W1, W2, W3, W4, W4walk, W5, W5orders)", args[0])}
			case format != "evt":
				return &exitError{code: 2, msg: fmt.Sprintf("error: %s is written as .evt only", args[0])}
			case k < 1 || k > 9:
				return &exitError{code: 2, msg: "error: --k must be 1 to 9"}
			case errs < 0 || errs > 1:
				return &exitError{code: 2, msg: "error: --errors must be a share between 0 and 1"}
			}
			return write()
		},
	}
	gen.Flags().IntVar(&n, "events", 1_000_000, "number of events")
	gen.Flags().Uint64Var(&seed, "seed", 1, "random seed")
	gen.Flags().StringVar(&format, "format", "evt", "output format: evt or jsonl")
	gen.Flags().IntVar(&k, "k", 3, "W3: number of query types")
	gen.Flags().Float64Var(&errs, "errors", 0.01, "W5: share of Error events")
	bench.AddCommand(gen, newBenchRunCmd())
	return bench
}
