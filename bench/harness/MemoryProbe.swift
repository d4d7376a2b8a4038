import Foundation
import RetouchCore
import RetouchOps

/// Peak memory of one Lanczos3 upscale, against the input and output buffers it must hold.
/// Run in a fresh process so the peak belongs to this upscale alone.
struct MemoryReport: Codable {
    var op: String
    var input: String
    var threads: Int
    var bufferBytes: Int
    var peakBytes: Int
    var ratio: Double

    enum CodingKeys: String, CodingKey {
        case op, input, threads, ratio
        case bufferBytes = "input_plus_output_bytes", peakBytes = "peak_over_baseline_bytes"
    }
}

enum MemoryProbe {
    static func run(photo: String, scale: Int, threads: Int) throws {
        let baseline = residentBytes()
        let image = try PPM.read(photo)
        let output = Resampler.resize(image, width: image.width * scale, height: image.height * scale,
                                      filter: .lanczos3, threads: threads)
        let peak = peakResidentBytes() - baseline
        let buffers = image.samples.count + output.samples.count
        Timing.printLine(MemoryReport(op: "lanczos3-up\(scale)", input: "\(image.width)x\(image.height)",
                                      threads: threads, bufferBytes: buffers, peakBytes: peak,
                                      ratio: Double(peak) / Double(buffers)))
    }

    /// Current resident set, from /proc/self/statm (pages).
    private static func residentBytes() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        return fields.count > 1 ? (Int(fields[1]) ?? 0) * Int(sysconf(Int32(_SC_PAGESIZE))) : 0
    }

    /// The process's peak resident set so far (getrusage reports KiB on Linux).
    private static func peakResidentBytes() -> Int {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return usage.ru_maxrss * 1024
    }
}
