import RetouchCore

/// Whether an entry can run here, and if not, what the user should do.
public enum Availability: Sendable, Equatable {
    case available
    case missing(String)

    public var isAvailable: Bool { self == .available }
}

/// A named way to enlarge an image: a classical resampler or a neural model.
public protocol Upscaler: NamedEntry {
    /// "resampler" or "neural".
    var family: String { get }
    /// Scale factors the upscaler accepts.
    var scales: [Int] { get }
    func availability() -> Availability
    /// Enlarges `pixels` by `scale` in both directions. Alpha is preserved.
    func upscale(_ pixels: Pixels, scale: Int, context: OperationContext) throws -> Pixels
}
