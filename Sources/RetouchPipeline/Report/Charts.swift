import Foundation

/// Inline SVG charts: readable without scripts or a network, and small enough for any report.
enum Charts {
    /// Vertical bars of `counts` over [0, 1] in equal bins, with a dashed line at `marker`.
    static func histogram(_ counts: [Int], marker: Double, label: String) -> String {
        let width = 520.0, height = 200.0, left = 36.0, bottom = 24.0
        let plotWidth = width - left - 8, plotHeight = height - bottom - 12
        let highest = Double(max(1, counts.max() ?? 1))
        let barWidth = plotWidth / Double(max(1, counts.count))
        var shapes = ""
        for (i, count) in counts.enumerated() {
            let h = plotHeight * Double(count) / highest
            let x = left + Double(i) * barWidth
            shapes += rect(x: x + 1, y: 12 + plotHeight - h, width: barWidth - 2, height: h, fill: "#4a78b5")
            if count > 0 {
                shapes += text(x: x + barWidth / 2, y: 10 + plotHeight - h, String(count), anchor: "middle", size: 10)
            }
        }
        for tick in stride(from: 0.0, through: 1.0, by: 0.2) {
            shapes += text(x: left + plotWidth * tick, y: height - 6, String(format: "%.1f", tick), anchor: "middle", size: 11)
        }
        let mx = left + plotWidth * marker
        shapes += "<line x1=\"\(f(mx))\" y1=\"8\" x2=\"\(f(mx))\" y2=\"\(f(12 + plotHeight))\" stroke=\"#c0392b\" stroke-dasharray=\"4 3\"/>"
        shapes += text(x: mx + 4, y: 20, String(format: "threshold %.2f", marker), anchor: "start", size: 11)
        return svg(width: width, height: height, label: label, shapes)
    }

    /// Horizontal bars, one per (name, value), labelled with the value in `unit`.
    static func bars(_ items: [(name: String, value: Double)], unit: String, label: String) -> String {
        let rowHeight = 22.0, left = 90.0, width = 520.0
        let height = rowHeight * Double(max(1, items.count)) + 8
        let highest = max(items.map(\.value).max() ?? 0, 1e-12)
        var shapes = ""
        for (i, item) in items.enumerated() {
            let y = 4 + Double(i) * rowHeight
            let w = (width - left - 90) * item.value / highest
            shapes += text(x: left - 6, y: y + 15, item.name, anchor: "end", size: 12)
            shapes += rect(x: left, y: y + 3, width: w, height: rowHeight - 6, fill: "#5b9a68")
            shapes += text(x: left + w + 6, y: y + 15, String(format: "%.3f %@", item.value, unit), anchor: "start", size: 11)
        }
        return svg(width: width, height: height, label: label, shapes)
    }

    private static func svg(width: Double, height: Double, label: String, _ body: String) -> String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(f(width))\" height=\"\(f(height))\" role=\"img\" "
            + "aria-label=\"\(HTML.escape(label))\" font-family=\"system-ui,sans-serif\">\(body)</svg>"
    }

    private static func rect(x: Double, y: Double, width: Double, height: Double, fill: String) -> String {
        "<rect x=\"\(f(x))\" y=\"\(f(y))\" width=\"\(f(max(0, width)))\" height=\"\(f(max(0, height)))\" fill=\"\(fill)\"/>"
    }

    private static func text(x: Double, y: Double, _ content: String, anchor: String, size: Int) -> String {
        "<text x=\"\(f(x))\" y=\"\(f(y))\" text-anchor=\"\(anchor)\" font-size=\"\(size)\">\(HTML.escape(content))</text>"
    }

    private static func f(_ v: Double) -> String { String(format: "%.1f", v) }
}
