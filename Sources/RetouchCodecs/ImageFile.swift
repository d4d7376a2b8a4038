import RetouchCore

/// File-level reading and writing. Every error message starts with the file's path, so a
/// batch log names the culprit.
public enum ImageFile {
    public static func read(_ path: String, options: DecodeOptions = .init()) throws -> Image {
        try withPath(path) {
            try ImageDecoder.decode(FileIO.read(path, maxBytes: maxFileBytes(options)), options: options)
        }
    }

    public static func probe(_ path: String) throws -> ImageInfo {
        try withPath(path) { try ImageDecoder.probe(FileIO.read(path, maxBytes: maxFileBytes(DecodeOptions()))) }
    }

    /// Encodes fully in memory first, then writes atomically: a failed encode or write leaves
    /// any existing file untouched and no new or temporary file behind. `format` nil means
    /// "from the extension"; an explicit format that contradicts a known extension is refused.
    public static func write(_ image: Image, to path: String, format: ImageFormat? = nil,
                             options: EncodeOptions = .init()) throws {
        try withPath(path) {
            let chosen = try format ?? ImageFormat.forOutput(path: path)
            if let named = try? ImageFormat.forOutput(path: path), named != chosen {
                throw RetouchError(.invalidArgument,
                                   "the name says \(named.displayName) but \(chosen.displayName) was asked for; use a .\(chosen.fileExtension) name")
            }
            try FileIO.writeAtomically(ImageEncoder.encode(image, as: chosen, options: options), to: path)
        }
    }

    /// The same atomic write for bytes produced elsewhere (reports, sidecars, models).
    public static func writeBytes(_ bytes: [UInt8], to path: String) throws {
        try withPath(path) { try FileIO.writeAtomically(bytes, to: path) }
    }

    /// A compressed file never needs more than 8 bytes per pixel (16-bit RGBA) of data; the
    /// margin covers metadata. Beyond that it is not an image we would decode anyway.
    static func maxFileBytes(_ options: DecodeOptions) -> Int {
        let (product, overflow) = options.maxPixels.multipliedReportingOverflow(by: 8)
        return overflow ? Int.max : product + (64 << 20)
    }

    private static func withPath<T>(_ path: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as RetouchError {
            // forOutput already names the path.
            throw error.message.hasPrefix(path + ":") ? error : error.about(file: path)
        }
    }
}
