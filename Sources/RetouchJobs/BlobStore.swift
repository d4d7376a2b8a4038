import Foundation
import RetouchCore

/// The name of a blob: the SHA-256 of its bytes as 64 lowercase hex characters. Anything else is
/// refused, so a key taken from a request or a database row can never name a path outside the store.
public struct BlobKey: Sendable, Hashable, Codable, CustomStringConvertible {
    public let hex: String

    public init(validating text: String) throws {
        let isHex = text.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
        guard text.utf8.count == 64, isHex else {
            throw RetouchError(.invalidArgument,
                               "'\(text.prefix(80))' is not a blob key: expected 64 lowercase hex characters (a SHA-256)")
        }
        hex = text
    }

    public init(from decoder: any Decoder) throws {
        try self.init(validating: try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(hex)
    }

    public var description: String { hex }
}

/// Content-addressed storage for uploads and results. Putting the same bytes twice yields the same
/// key and one copy. The directory store is the one implementation today; object storage (S3 and
/// the like) fits the same operations (a listing with modification times, a conditional delete).
public protocol BlobStore: Sendable {
    /// Stores the bytes (atomically: readers see all of them or none) and returns their key.
    /// Putting bytes that are already stored renews their modification time, so a blob sweep
    /// treats them as just written.
    func put(_ bytes: Data) async throws -> BlobKey
    /// The bytes; throws `.notFound` when there is no such blob.
    func get(_ key: BlobKey) async throws -> Data
    /// Removes the blob; removing one that is not there is not an error.
    func delete(_ key: BlobKey) async throws
    func exists(_ key: BlobKey) async throws -> Bool

    /// Every blob last written (or put again) before `cutoff`: what a sweep may consider.
    func keys(modifiedBefore cutoff: Date) async throws -> [BlobKey]

    /// Deletes the blob unless it was written or put again at or after `cutoff`; true when it was
    /// deleted. A put racing with this either renews the blob first (it is kept) or finds it gone
    /// and writes it again.
    func delete(_ key: BlobKey, ifModifiedBefore cutoff: Date) async throws -> Bool

    /// Removes the leftovers of writes that never finished (a writer killed mid-put) older than
    /// `cutoff`; returns how many.
    func removeAbandonedWrites(modifiedBefore cutoff: Date) async throws -> Int
}
