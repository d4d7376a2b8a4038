import Foundation

/// One benchmark result, printed as a JSON line for bench/run.sh to collect.
struct Measurement: Codable {
    var op: String
    var input: String
    var output: String
    var threads: Int
    var medianMs: Double
    var minMs: Double
    var runs: Int

    enum CodingKeys: String, CodingKey {
        case op, input, output, threads, runs
        case medianMs = "median_ms", minMs = "min_ms"
    }
}

enum Timing {
    /// Runs `body` once to warm caches, then `runs` times, and prints the median.
    static func measure(_ op: String, input: String, output: String, threads: Int, runs: Int,
                        _ body: () throws -> Void) rethrows {
        try body()
        var times: [Double] = []
        for _ in 0..<runs {
            let start = DispatchTime.now().uptimeNanoseconds
            try body()
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
        }
        times.sort()
        let median = times.count % 2 == 1 ? times[times.count / 2]
            : (times[times.count / 2 - 1] + times[times.count / 2]) / 2
        printLine(Measurement(op: op, input: input, output: output, threads: threads,
                              medianMs: median, minMs: times[0], runs: runs))
    }

    static func printLine<T: Encodable>(_ value: T) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        if let data = try? encoder.encode(value), let line = String(data: data, encoding: .utf8) {
            print(line)
        }
    }
}
