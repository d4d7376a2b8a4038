import RetouchCore

/// Whether an entry can run here, and if not, what the user should do.
public enum Availability: Sendable, Equatable {
    case available
    case missing(String)

    public var isAvailable: Bool { self == .available }
}

/// A named way to enlarge an image: a classical resampler or a neural model. A descriptor
/// rather than a protocol so that every entry, whatever runs it, sits in one `Registry`.
public struct Upscaler: NamedEntry {
    public enum Family: String, Sendable, Codable { case resampler, neural }

    public let name: String
    public let summary: String
    public let family: Family
    /// Scale factors the upscaler accepts.
    public let scales: [Int]
    public let availability: @Sendable () -> Availability
    /// Enlarges the pixels by the scale in both directions, keeping alpha.
    public let run: @Sendable (Pixels, Int, OperationContext) throws -> Pixels

    public init(name: String, summary: String, family: Family, scales: [Int],
                availability: @escaping @Sendable () -> Availability = { .available },
                run: @escaping @Sendable (Pixels, Int, OperationContext) throws -> Pixels) {
        self.name = name; self.summary = summary; self.family = family; self.scales = scales
        self.availability = availability; self.run = run
    }

    public func upscale(_ pixels: Pixels, scale: Int, context: OperationContext = OperationContext()) throws -> Pixels {
        guard scales.contains(scale) else {
            throw RetouchError(.invalidArgument, "\(name) upscales by \(scales.map(String.init).joined(separator: ", ")), not \(scale)")
        }
        if case .missing(let why) = availability() { throw RetouchError(.modelMissing, why) }
        return try run(pixels, scale, context)
    }
}
