/// The inputs Retouch takes from strangers, each as one function of raw bytes that drives the
/// same code the product runs. libFuzzer calls these (fuzz/run.sh) and CI replays every saved
/// crash and seed through them (RetouchFuzzTests), so a fixed crash stays fixed. The server's
/// multipart reader is the fifth target, in RetouchServerFuzzEntries, so that fuzzing the
/// codecs does not wait for an instrumented build of the whole HTTP stack.
///
/// Rejections (any thrown error) are the expected outcome for bad bytes; what must never happen
/// is a trap, a memory error, a hang, or a result that contradicts itself, which `require` turns
/// into a crash the fuzzer keeps.
public enum FuzzTarget: String, CaseIterable, Sendable {
    /// JPEG, PNG and WebP through `ImageDecoder.probe` and `decode`, then re-encoding with metadata.
    case decode
    /// Mask images to `Mask`, then invert, resize, crop and fit.
    case mask
    /// The box/polygon regions JSON and `--box` text, drawn onto a canvas.
    case regions
    /// retouch.toml text and `--set` overrides to a validated `PipelineConfig`.
    case config

    /// Runs one input. Never throws: errors are the accepted way to refuse bad input.
    public func run(_ bytes: [UInt8]) {
        switch self {
        case .decode: DecodeEntry.run(bytes)
        case .mask: MaskEntry.run(bytes)
        case .regions: RegionsEntry.run(bytes)
        case .config: ConfigEntry.run(bytes)
        }
    }

    /// Small valid (and a few nearly valid) inputs for the fuzzer to start from.
    public var seeds: [(name: String, bytes: [UInt8])] {
        switch self {
        case .decode: FuzzSeeds.images()
        case .mask: FuzzSeeds.masks()
        case .regions: FuzzSeeds.regions()
        case .config: FuzzSeeds.configs()
        }
    }
}

/// An invariant of the code under test; a violation is a bug, so it crashes for the fuzzer to keep.
public func require(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String) {
    if !condition() { fatalError("fuzz invariant broken: \(message())") }
}
