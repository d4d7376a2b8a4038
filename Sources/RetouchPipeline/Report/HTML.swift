import Foundation

/// Pieces shared by the batch and A/B reports: self-contained pages (no scripts, no network)
/// that open from the output folder.
enum HTML {
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    static func number(_ value: Double) -> String { String(format: "%.4g", value) }

    static func page(title: String, body: String) -> String {
        """
        <!doctype html><html lang="en"><head><meta charset="utf-8"><title>\(escape(title))</title>
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <style>body{font-family:system-ui,sans-serif;margin:2rem;max-width:80rem}table{border-collapse:collapse;margin:1rem 0}
        td,th{border:1px solid #ccc;padding:.3rem .6rem;text-align:left;vertical-align:top}th{background:#f3f3f3}
        img{display:block;max-width:160px;height:auto}.rejected{background:#fff1f0}.failed{background:#fbe3e3}
        figure{display:inline-block;margin:0 1.5rem 1rem 0}figcaption{font-weight:600}</style></head><body>
        \(body)
        </body></html>
        """
    }

    /// One row per image: what happened to it and why. `thumbnails` gives the before and after
    /// image addresses of a record, when the report has them.
    static func imageTable(_ records: [ImageRecord], thumbnails: ((ImageRecord) -> (before: String, after: String)?)? = nil) -> String {
        let pictures = thumbnails != nil
        let head = (pictures ? "<th>before</th><th>after</th>" : "")
            + "<th>image</th><th>route</th><th>p(overlay)</th><th>verdict</th><th>reasons</th><th>seconds</th>"
        let rows = records.map { record in
            let cls = record.status == .failed ? "failed" : (record.verdict == .rejected ? "rejected" : "")
            var cells = ""
            if let thumbnails {
                if let pair = thumbnails(record) {
                    cells += "<td><img loading=\"lazy\" alt=\"before\" src=\"\(escape(pair.before))\"></td>"
                        + "<td><img loading=\"lazy\" alt=\"after\" src=\"\(escape(pair.after))\"></td>"
                } else {
                    cells += "<td></td><td></td>"
                }
            }
            let verdict = record.status == .processed ? record.verdict?.rawValue ?? "-" : record.status.rawValue
            cells += "<td>\(escape(record.input))</td><td>\(escape(record.route ?? "-"))</td>"
                + "<td>\(record.overlayProbability.map { String(format: "%.2f", $0) } ?? "-")</td>"
                + "<td>\(escape(verdict))</td>"
                + "<td>\(escape((record.reasons + (record.error.map { [$0] } ?? [])).joined(separator: "; ")))</td>"
                + "<td>\(String(format: "%.2f", record.seconds))</td>"
            return "<tr class=\"\(cls)\">\(cells)</tr>"
        }
        return "<table><tr>\(head)</tr>\n\(rows.joined(separator: "\n"))</table>"
    }
}
