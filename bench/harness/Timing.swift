import Foundation

/// One benchmark result, printed as a JSON line for bench/run.sh to collect.
struct Measurement: Codable {
    var op: String
    var input: String
    var output: String
    var threads: Int
    var medianMs: Double
    var minMs: Double
    /// Median CPU time of the process over the run: on a shared machine, what the work cost
    /// even when the scheduler kept it waiting.
    var cpuMs: Double
    var runs: Int

    enum CodingKeys: String, CodingKey {
        case op, input, output, threads, runs
        case medianMs = "median_ms", minMs = "min_ms", cpuMs = "cpu_ms"
    }
}

enum Timing {
    /// Runs `body` once to warm caches, then `runs` times, and prints the median.
    static func measure(_ op: String, input: String, output: String, threads: Int, runs: Int,
                        _ body: () throws -> Void) rethrows {
        try body()
        var times: [Double] = [], cpu: [Double] = []
        for _ in 0..<runs {
            let start = DispatchTime.now().uptimeNanoseconds, cpuStart = cpuNanoseconds()
            try body()
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
            cpu.append(Double(cpuNanoseconds() - cpuStart) / 1e6)
        }
        printLine(Measurement(op: op, input: input, output: output, threads: threads,
                              medianMs: median(times), minMs: times.min() ?? 0, cpuMs: median(cpu), runs: runs))
    }

    private static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        let mid = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
    }

    private static func cpuNanoseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now)
        return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
    }

    static func printLine<T: Encodable>(_ value: T) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        if let data = try? encoder.encode(value), let line = String(data: data, encoding: .utf8) {
            print(line)
        }
    }
}
