/// The one error type every layer throws. `code` is stable (clients and the HTTP API
/// match on it); `message` is for people and says what went wrong and what to do.
public struct RetouchError: Error, CustomStringConvertible, Equatable, Sendable {
    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }

    public enum Code: String, Sendable, Codable {
        case invalidArgument = "invalid_argument"
        case emptyFile = "empty_file"
        case unsupportedFormat = "unsupported_format"
        case corruptImage = "corrupt_image"
        case truncatedImage = "truncated_image"
        case imageTooLarge = "image_too_large"
        case io = "io_error"
        case encodeFailed = "encode_failed"
        case colorManagement = "color_management"
        case modelMissing = "model_missing"
        case inference = "inference_error"
        case notFound = "not_found"
        /// The request clashes with the current state (finishing a job that still has pending items, ...).
        case conflict = "conflict"
        /// A worker no longer holds the lease on a job (it expired or another worker took the job over).
        case leaseLost = "lease_lost"
    }

    /// Prefixes the message with the file it concerns, so a batch log names the culprit.
    public func about(file: String) -> RetouchError {
        RetouchError(code, "\(file): \(message)")
    }
}
