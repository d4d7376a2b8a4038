import Prometheus

/// The server's Prometheus metrics, in a registry of its own (not the process-wide metrics
/// system), so several servers in one process — tests — keep separate counts.
public final class ServerMetrics: Sendable {
    public let registry = PrometheusCollectorRegistry()
    private static let latencyBuckets: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120]

    public init() {}

    func requestFinished(route: String, method: String, status: Int, seconds: Double) {
        registry.makeCounter(name: "retouch_http_requests_total",
                             labels: [("route", route), ("method", method), ("status", String(status))],
                             help: "HTTP requests by route, method and status").increment()
        registry.makeValueHistogram(name: "retouch_http_request_duration_seconds",
                                    labels: [("route", route), ("method", method)],
                                    buckets: Self.latencyBuckets,
                                    help: "Time from request to response head, by route").record(seconds)
    }

    /// Seconds one pipeline step or operation took, from the synchronous endpoints and the workers.
    public func stepFinished(_ step: String, seconds: Double) {
        registry.makeValueHistogram(name: "retouch_step_seconds", labels: [("step", step)],
                                    buckets: Self.latencyBuckets,
                                    help: "Seconds per processing step").record(seconds)
    }

    /// An image a job worker finished: succeeded, failed, or duplicate (another worker recorded it first).
    public func itemFinished(outcome: String) {
        registry.makeCounter(name: "retouch_job_items_total", labels: [("outcome", outcome)],
                             help: "Job images processed by this process's workers, by outcome").increment()
    }

    func rejectedOverload() {
        registry.makeCounter(name: "retouch_overload_rejections_total",
                             help: "Requests refused with 429 because work and queue were full").increment()
    }

    func setGauge(_ name: String, _ value: Double, labels: [(String, String)] = [], help: String) {
        registry.makeGauge(name: name, labels: labels, help: help).set(value)
    }

    /// The Prometheus text exposition of everything recorded.
    func render() -> [UInt8] {
        registry.emitToBuffer()
    }
}
