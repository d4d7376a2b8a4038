#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What a libFuzzer binary needs to know of one target.
public struct FuzzHarness: Sendable {
    public var name: String
    public var run: @Sendable ([UInt8]) -> Void
    public var seeds: @Sendable () -> [(name: String, bytes: [UInt8])]

    public init(name: String, run: @escaping @Sendable ([UInt8]) -> Void,
                seeds: @escaping @Sendable () -> [(name: String, bytes: [UInt8])]) {
        self.name = name
        self.run = run
        self.seeds = seeds
    }
}

/// The shared body of the fuzz binaries' LLVMFuzzerInitialize and LLVMFuzzerTestOneInput.
/// RETOUCH_FUZZ_TARGET picks the target (fuzz/run.sh sets it); with RETOUCH_FUZZ_SEEDS=DIR the
/// binary writes that target's seeds into DIR and exits.
public enum FuzzDriver {
    nonisolated(unsafe) private static var selected: FuzzHarness?

    public static func initialize(_ harnesses: [FuzzHarness]) -> CInt {
        let names = harnesses.map(\.name).joined(separator: ", ")
        guard let name = getenv("RETOUCH_FUZZ_TARGET").map({ String(cString: $0) }),
              let harness = harnesses.first(where: { $0.name == name }) else {
            complain("set RETOUCH_FUZZ_TARGET to one of: \(names)")
            exit(2)
        }
        if let directory = getenv("RETOUCH_FUZZ_SEEDS").map({ String(cString: $0) }) {
            for seed in harness.seeds() { save(seed.bytes, to: directory + "/seed-" + seed.name) }
            exit(0)
        }
        selected = harness
        return 0
    }

    public static func testOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
        selected?.run(Array(UnsafeBufferPointer(start: data, count: size)))
        return 0
    }

    private static func save(_ bytes: [UInt8], to path: String) {
        guard let file = fopen(path, "wb") else {
            complain("cannot write \(path)")
            exit(1)
        }
        _ = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
        fclose(file)
    }

    /// To file descriptor 2: Swift 6 treats C's `stderr` global as shared mutable state.
    private static func complain(_ text: String) {
        let line = Array((text + "\n").utf8)
        _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    }
}
