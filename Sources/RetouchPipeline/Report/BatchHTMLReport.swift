import Foundation

/// The batch report as a page: totals, the p(overlay) histogram with the threshold, the mean time
/// of each step, and every image with its before/after thumbnails and QA verdict.
public struct BatchHTMLReport {
    public let report: BatchReport
    /// Folder of the thumbnails, relative to the page; nil when none were written.
    public let thumbnailsHref: String?

    public init(report: BatchReport, thumbnailsHref: String?) {
        self.report = report
        self.thumbnailsHref = thumbnailsHref
    }

    public func render() -> String {
        let s = report.summary
        let body = """
        <h1>Retouch batch report</h1>
        <p>\(HTML.escape(report.inputDir)) &rarr; \(HTML.escape(report.outputDir)), order \(HTML.escape(report.order)), \
        upscale \(HTML.escape(report.config.upscaleModel)) x\(report.config.upscaleScale)\
        \(s.interrupted ? ", <b>interrupted</b>" : "").</p>
        \(summaryTable(s))
        <figure><figcaption>p(overlay) of processed images</figcaption>\(histogram())</figure>
        <figure><figcaption>Mean seconds per image, by step</figcaption>\(stepChart())</figure>
        <h2>Images</h2>
        \(HTML.imageTable(report.images, thumbnails: thumbnailsHref.map { href in { record in
            record.thumbnail.map { ("\(href)/\($0)-before.jpg", "\(href)/\($0)-after.jpg") } } }))
        """
        return HTML.page(title: "Retouch batch report", body: body)
    }

    private func summaryTable(_ s: BatchSummary) -> String {
        let rows: [(String, String)] = [
            ("images", "\(s.images) (\(s.processed) processed, \(s.skipped) skipped as done, \(s.failed) failed)"),
            ("cleaned (routed through overlay removal)", "\(s.cleaned)"),
            ("approved / rejected", "\(s.approved) / \(s.rejected) (reject rate \(String(format: "%.1f%%", s.rejectRate * 100)))"),
            ("throughput", String(format: "%.2f images/s over %.1f s", s.throughput, s.wallSeconds)),
            ("CPU time", String(format: "%.1f s", s.cpuSeconds)),
            ("cost", String(format: "%.4f %@", s.cost, s.currency)),
            ("cost per approved image", s.costPerApproved.map { String(format: "%.5f %@", $0, s.currency) } ?? "n/a"),
            ("time outside steps", String(format: "%.1f%%", s.overheadFraction * 100)),
        ]
        return "<table>" + rows.map { "<tr><th>\(HTML.escape($0.0))</th><td>\(HTML.escape($0.1))</td></tr>" }.joined() + "</table>"
    }

    private func histogram() -> String {
        var counts = [Int](repeating: 0, count: 20)
        for p in report.images.compactMap(\.overlayProbability) {
            counts[min(19, max(0, Int(p * 20)))] += 1
        }
        return Charts.histogram(counts, marker: report.config.threshold, label: "histogram of p(overlay)")
    }

    private func stepChart() -> String {
        let processed = report.images.filter { $0.status == .processed }
        var totals: [String: Double] = [:], order: [String] = []
        for step in processed.flatMap(\.steps) {
            if totals[step.step] == nil { order.append(step.step) }
            totals[step.step, default: 0] += step.seconds
        }
        let n = Double(max(1, processed.count))
        return Charts.bars(order.map { ($0, totals[$0, default: 0] / n) }, unit: "s", label: "mean seconds per step")
    }
}
