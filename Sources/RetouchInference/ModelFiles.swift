import Foundation
import RetouchCore

/// Whether a catalog model's file is installed and intact.
public enum ModelFileStatus: Sendable, Equatable {
    case available
    case missing(path: String)
    case corrupt(path: String, actualSHA256: String)

    public var isAvailable: Bool { self == .available }

    /// What to tell a user, including how to fix it.
    public var message: String {
        switch self {
        case .available: "installed"
        case .missing(let path): "not installed (\(path) missing); run scripts/install_models.sh"
        case .corrupt(let path, let actual):
            "\(path) has sha256 \(actual), not the catalog's; delete it and run scripts/install_models.sh"
        }
    }
}

/// Checks model files against their catalog checksums, hashing each file at most once per
/// process (a 67 MB model takes a moment to hash).
public enum ModelFiles {
    private nonisolated(unsafe) static var verified: [String: ModelFileStatus] = [:]
    private static let lock = NSLock()

    public static func status(of spec: ModelSpec, in config: InferenceConfig) -> ModelFileStatus {
        let path = config.modelPath(spec.file)
        let key = path + "\u{0}" + spec.sha256
        lock.lock()
        defer { lock.unlock() }
        if let known = verified[key] { return known }
        let status = check(path: path, sha256: spec.sha256)
        // A missing file may be installed while the process runs; only remember real verdicts.
        if case .missing = status { return status }
        verified[key] = status
        return status
    }

    /// Throws the status message unless the file is installed and intact.
    public static func require(_ spec: ModelSpec, in config: InferenceConfig) throws -> String {
        let status = status(of: spec, in: config)
        guard status.isAvailable else { throw RetouchError(.modelMissing, "model \(spec.name): \(status.message)") }
        return config.modelPath(spec.file)
    }

    private static func check(path: String, sha256: String) -> ModelFileStatus {
        guard FileManager.default.fileExists(atPath: path) else { return .missing(path: path) }
        guard let actual = try? SHA256.hexDigest(ofFile: path) else { return .missing(path: path) }
        return actual == sha256 ? .available : .corrupt(path: path, actualSHA256: actual)
    }
}
