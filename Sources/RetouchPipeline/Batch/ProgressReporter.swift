import Foundation

/// Shows a batch's progress: a redrawn bar with rate and ETA on a terminal, plain lines otherwise
/// (logs and CI), so both a person and a log reader see what is happening.
public final class ProgressReporter: @unchecked Sendable {
    private let total: Int
    private let interactive: Bool
    private let output: FileHandle
    private let start = Date()
    private let lock = NSLock()
    private var done = 0
    private var rejected = 0
    private var failed = 0

    public init(total: Int, output: FileHandle = .standardError, interactive: Bool? = nil) {
        self.total = total
        self.output = output
        self.interactive = interactive ?? (isatty(output.fileDescriptor) == 1)
    }

    public func record(_ record: ImageRecord) {
        lock.lock()
        defer { lock.unlock() }
        done += 1
        if record.verdict == .rejected { rejected += 1 }
        if record.status == .failed { failed += 1 }
        if interactive {
            write("\r" + bar() + "\u{1B}[K")
        } else {
            let what = record.status == .failed ? "failed: \(record.error ?? "")"
                : record.status == .skipped ? "skipped (already done)"
                : "\(record.route ?? "-") \(record.verdict?.rawValue ?? "")"
            write("[\(done)/\(total)] \(record.input): \(what)\n")
        }
    }

    public func finish(note: String? = nil) {
        lock.lock()
        defer { lock.unlock() }
        if interactive { write("\r" + bar() + "\u{1B}[K\n") }
        if let note { write(note + "\n") }
    }

    private func bar() -> String {
        let width = 30
        let filled = total > 0 ? width * done / total : width
        let elapsed = Date().timeIntervalSince(start)
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        let eta = rate > 0 ? Double(total - done) / rate : 0
        return "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "] "
            + "\(done)/\(total)  \(String(format: "%.2f", rate)) img/s  ETA \(Self.clock(eta))"
            + "  rejected \(rejected)  failed \(failed)"
    }

    static func clock(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
            : String(format: "%d:%02d", s / 60, s % 60)
    }

    private func write(_ text: String) {
        output.write(Data(text.utf8))
    }
}
