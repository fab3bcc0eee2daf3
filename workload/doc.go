// Package workload generates the deterministic inputs of the benchmark
// workloads of BENCHMARKS.md. The same workload, size and seed always give
// the same events, so figures can be reproduced without committing data.
package workload
