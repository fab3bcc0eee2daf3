// Package metrics exports a runtime's counters as Prometheus metrics.
//
// The engine never touches Prometheus on its hot path. The goroutine that
// runs an exec.Runtime publishes a copy of its counters (exec.Stats) after
// each batch; a scrape turns the latest copy into metrics. Scrapes thus
// cost the engine nothing and see counts at most one batch old.
//
// Metrics:
//
//	varpulis_events_total{event_type}                counter    input events received
//	varpulis_output_events_total{stream,event_type}  counter    output events of visible streams
//	varpulis_late_events_total{stream}               counter    late events dropped (VPL.md §4.1)
//	varpulis_limit_hits_total{stream,limit}          counter    limit hits (VPL.md §4.7)
//	varpulis_active_streams                          gauge      streams of the loaded program
//	varpulis_processing_latency_seconds              histogram  per batch: from read to outputs written
package metrics
