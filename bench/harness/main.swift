import Foundation
import RetouchCore

// retouch-bench [--data DIR] [--runs N]            timings as JSON lines
// retouch-bench memory --scale S [--threads N]     peak memory of one upscale, as a JSON line
let arguments = Array(CommandLine.arguments.dropFirst())

func option(_ name: String, default value: String) -> String {
    guard let i = arguments.firstIndex(of: name), i + 1 < arguments.count else { return value }
    return arguments[i + 1]
}

let data = option("--data", default: "bench/data")
let runs = Int(option("--runs", default: "9")) ?? 9
let allCores = Parallelism.coreCount

do {
    if arguments.first == "memory" {
        try MemoryProbe.run(photo: "\(data)/photo-1200x800.ppm", scale: Int(option("--scale", default: "2")) ?? 2,
                            threads: Int(option("--threads", default: "1")) ?? 1)
    } else {
        try CodecCases.run(data: data, runs: runs)
        let small = try PPM.read("\(data)/photo-1200x800.ppm")
        let large = try PPM.read("\(data)/photo-2400x1600.ppm")
        let threads = allCores > 1 ? [1, allCores] : [1]
        ResampleCases.run(small: small, large: large, threads: threads, runs: runs)
        try MetricCases.run(small: small, runs: runs)
    }
} catch {
    FileHandle.standardError.write(Data("retouch-bench: \(error)\n".utf8))
    exit(1)
}
