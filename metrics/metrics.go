package metrics

import (
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/varpulis/varpulis-go/exec"
)

// LatencyBuckets are the bounds of varpulis_processing_latency_seconds.
var LatencyBuckets = []float64{100e-6, 500e-6, 1e-3, 5e-3, 10e-3, 50e-3, 100e-3, 500e-3, 1}

var (
	eventsDesc = prometheus.NewDesc("varpulis_events_total",
		"Input events received, by event type.", []string{"event_type"}, nil)
	outputsDesc = prometheus.NewDesc("varpulis_output_events_total",
		"Output events emitted, by stream and event type.", []string{"stream", "event_type"}, nil)
	lateDesc = prometheus.NewDesc("varpulis_late_events_total",
		"Late events dropped by time, session and trend windows, by stream.", []string{"stream"}, nil)
	limitDesc = prometheus.NewDesc("varpulis_limit_hits_total",
		"Resource limit hits, by stream and limit.", []string{"stream", "limit"}, nil)
	activeDesc = prometheus.NewDesc("varpulis_active_streams",
		"Streams of the loaded program.", nil, nil)
)

// Runtime is a prometheus.Collector for one exec.Runtime. Publish and
// ObserveBatch are called by the goroutine running the runtime; Collect
// may run concurrently on any goroutine.
type Runtime struct {
	streams int
	stats   atomic.Pointer[exec.Stats]
	latency prometheus.Histogram
}

// NewRuntime returns a collector for a program of the given number of
// streams; its counters stay empty until the first Publish.
func NewRuntime(streams int) *Runtime {
	return &Runtime{
		streams: streams,
		latency: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "varpulis_processing_latency_seconds",
			Help:    "Time from reading an input batch to writing its outputs, per batch.",
			Buckets: LatencyBuckets,
		}),
	}
}

// Publish makes s the counters the next scrape reports. s must not be
// modified afterwards.
func (r *Runtime) Publish(s exec.Stats) { r.stats.Store(&s) }

// ObserveBatch records the processing latency of one batch.
func (r *Runtime) ObserveBatch(d time.Duration) { r.latency.Observe(d.Seconds()) }

// Describe implements prometheus.Collector.
func (r *Runtime) Describe(ch chan<- *prometheus.Desc) {
	ch <- eventsDesc
	ch <- outputsDesc
	ch <- lateDesc
	ch <- limitDesc
	ch <- activeDesc
	r.latency.Describe(ch)
}

// Collect implements prometheus.Collector.
func (r *Runtime) Collect(ch chan<- prometheus.Metric) {
	ch <- prometheus.MustNewConstMetric(activeDesc, prometheus.GaugeValue, float64(r.streams))
	r.latency.Collect(ch)
	s := r.stats.Load()
	if s == nil {
		return
	}
	for typ, n := range s.Events {
		ch <- prometheus.MustNewConstMetric(eventsDesc, prometheus.CounterValue, float64(n), typ)
	}
	for k, n := range s.Outputs {
		ch <- prometheus.MustNewConstMetric(outputsDesc, prometheus.CounterValue, float64(n), k.Stream, k.Type)
	}
	for stream, n := range s.Late {
		ch <- prometheus.MustNewConstMetric(lateDesc, prometheus.CounterValue, float64(n), stream)
	}
	for k, n := range s.LimitHits {
		ch <- prometheus.MustNewConstMetric(limitDesc, prometheus.CounterValue, float64(n), k.Stream, k.Limit)
	}
}
