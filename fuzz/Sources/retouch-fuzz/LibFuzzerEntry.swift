#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import RetouchFuzzEntries

/// One libFuzzer binary for every target; RETOUCH_FUZZ_TARGET picks which (fuzz/run.sh sets it).
/// With RETOUCH_FUZZ_SEEDS=DIR it writes that target's seed inputs into DIR and exits.
nonisolated(unsafe) private var selected: FuzzTarget?

@_cdecl("LLVMFuzzerInitialize")
public func fuzzInitialize(_ argc: UnsafeMutablePointer<CInt>?, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>?) -> CInt {
    let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")
    guard let name = getenv("RETOUCH_FUZZ_TARGET").map({ String(cString: $0) }), let target = FuzzTarget(rawValue: name) else {
        fputs("set RETOUCH_FUZZ_TARGET to one of: \(names)\n", stderr)
        exit(2)
    }
    if let directory = getenv("RETOUCH_FUZZ_SEEDS").map({ String(cString: $0) }) {
        for seed in target.seeds { write(seed.bytes, to: directory + "/seed-" + seed.name) }
        exit(0)
    }
    selected = target
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    selected?.run(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}

private func write(_ bytes: [UInt8], to path: String) {
    guard let file = fopen(path, "wb") else {
        fputs("cannot write \(path)\n", stderr)
        exit(1)
    }
    _ = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
    fclose(file)
}
