import ArgumentParser
import Foundation
import RetouchCodecs
import RetouchCore

/// Options every command that reads an image accepts.
struct InputOptions: ParsableArguments {
    @Option(name: .long, help: "Refuse images with more pixels than this (checked from the header before decoding).")
    var maxPixels: Int = DecodeOptions().maxPixels

    var decodeOptions: DecodeOptions {
        var options = DecodeOptions()
        options.maxPixels = maxPixels
        return options
    }

    func validate() throws {
        guard maxPixels > 0 else { throw ValidationError("--max-pixels must be positive") }
    }
}

/// Options every command that writes an image accepts.
struct OutputOptions: ParsableArguments {
    @Option(name: [.customShort("o"), .long], help: "Output file; its extension (.jpg, .png, .webp) picks the format.")
    var output: String

    @Option(name: .long, help: "JPEG/WebP quality, 1-100.")
    var quality: Int = EncodeOptions().quality

    @Flag(name: .long, help: "Write WebP losslessly.")
    var lossless = false

    @Flag(name: .long, help: "Keep EXIF metadata (orientation reset, since pixels are written upright).")
    var keepMetadata = false

    var encodeOptions: EncodeOptions {
        var options = EncodeOptions()
        options.quality = quality
        options.lossless = lossless
        options.keepMetadata = keepMetadata
        return options
    }

    func validate() throws {
        guard (1...100).contains(quality) else { throw ValidationError("--quality must be between 1 and 100") }
        _ = try ImageFormat.forOutput(path: output)
    }
}

/// Reads an image, keeping the metadata the output will need.
func readImage(_ path: String, _ input: InputOptions, keepMetadata: Bool) throws -> Image {
    var options = input.decodeOptions
    options.keepMetadata = keepMetadata
    return try ImageFile.read(path, options: options)
}

/// Prints a value as pretty, key-sorted JSON on standard output.
func printJSON<T: Encodable>(_ value: T) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    let data = try encoder.encode(value)
    print(String(decoding: data, as: UTF8.self))
}

/// Wall-clock seconds since `start`, for reports.
func secondsSince(_ start: ContinuousClock.Instant) -> Double {
    let d = ContinuousClock.now - start
    return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
}

/// CPU seconds (all threads of this process) used so far; differences time work on a shared
/// machine, where wall-clock seconds include waiting for other processes.
func processCPUSeconds() -> Double {
    var spec = timespec()
    guard clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &spec) == 0 else { return 0 }
    return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
}
