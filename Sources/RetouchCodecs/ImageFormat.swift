import RetouchCore

/// The file formats Retouch reads and writes.
public enum ImageFormat: String, Sendable, CaseIterable, Codable {
    case jpeg, png, webp

    /// Recognises a format from the first bytes of a file, never from its name.
    public static func detect(_ bytes: some Collection<UInt8>) -> ImageFormat? {
        let head = Array(bytes.prefix(16))
        if head.starts(with: [0xFF, 0xD8, 0xFF]) { return .jpeg }
        if head.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if head.count >= 12, head.starts(with: Array("RIFF".utf8)), Array(head[8..<12]) == Array("WEBP".utf8) {
            return .webp
        }
        return nil
    }

    /// Names a few formats we do not read, so the error can say what the file is.
    static func describeUnsupported(_ bytes: some Collection<UInt8>) -> String? {
        let head = Array(bytes.prefix(12))
        let known: [(prefix: [UInt8], name: String)] = [
            (Array("GIF8".utf8), "a GIF"), ([0x49, 0x49, 0x2A, 0x00], "a TIFF"), ([0x4D, 0x4D, 0x00, 0x2A], "a TIFF"),
            (Array("BM".utf8), "a BMP"), (Array("%PDF".utf8), "a PDF"), ([0x00, 0x00, 0x01, 0x00], "an ICO"),
        ]
        if let hit = known.first(where: { head.starts(with: $0.prefix) }) { return hit.name }
        if head.count >= 12, Array(head[4..<8]) == Array("ftyp".utf8) { return "a HEIF/AVIF" }
        // Servers that fail often answer with an HTML or JSON page saved under an image name.
        let start = Array(bytes.prefix(64))
        if start.count >= 4, start.allSatisfy({ (0x20...0x7E).contains($0) || [0x09, 0x0A, 0x0D].contains($0) }) {
            return "a text file"
        }
        return nil
    }

    /// The output format an extension asks for (`.jpg`, `.jpeg`, `.png`, `.webp`, any case).
    public init?(fileExtension ext: String) {
        switch ext.lowercased() {
        case "jpg", "jpeg", "jpe": self = .jpeg
        case "png": self = .png
        case "webp": self = .webp
        default: return nil
        }
    }

    /// The format an output path asks for, or an error naming the supported extensions.
    public static func forOutput(path: String) throws -> ImageFormat {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        guard let dot = name.lastIndex(of: "."), let format = ImageFormat(fileExtension: String(name[name.index(after: dot)...])) else {
            throw RetouchError(.invalidArgument,
                               "\(path): cannot tell the output format from the name; use .jpg, .png or .webp")
        }
        return format
    }

    public var mimeType: String {
        switch self { case .jpeg: "image/jpeg"; case .png: "image/png"; case .webp: "image/webp" }
    }

    public var fileExtension: String {
        switch self { case .jpeg: "jpg"; case .png: "png"; case .webp: "webp" }
    }

    public var supportsAlpha: Bool { self != .jpeg }
}
