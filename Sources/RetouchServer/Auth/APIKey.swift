import Crypto
import Foundation

/// An API key: `rtk_<id>_<secret>`. The id (12 hex digits) is stored in clear so a presented key
/// is found with one lookup and can be listed and revoked by it; the secret (128 random bits) is
/// never stored — only the SHA-256 of the whole key, compared in constant time.
public struct APIKey: Sendable, Equatable {
    static let prefix = "rtk_"
    public let id: String
    public let secret: String

    public var text: String { "\(Self.prefix)\(id)_\(secret)" }

    /// A fresh key from the system's cryptographic random source.
    public static func generate() -> APIKey {
        var generator = SystemRandomNumberGenerator()
        let idBytes = (0..<6).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let secretBytes = (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return APIKey(id: hex(idBytes), secret: hex(secretBytes))
    }

    /// Splits a presented key; nil when it is not shaped like one of ours.
    public init?(parsing text: String) {
        guard text.hasPrefix(Self.prefix) else { return nil }
        let parts = text.dropFirst(Self.prefix.count).split(separator: "_", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 12, parts[1].count == 32,
              parts.allSatisfy({ $0.allSatisfy(\.isHexDigit) }) else { return nil }
        id = String(parts[0])
        secret = String(parts[1])
    }

    private init(id: String, secret: String) {
        self.id = id
        self.secret = secret
    }

    /// What the store keeps: the SHA-256 of the whole key, as hex.
    public var hash: String { Self.hash(text) }

    static func hash(_ text: String) -> String {
        hex(Array(SHA256.hash(data: Data(text.utf8))))
    }

    /// Compares two digests without an early exit, so the time taken says nothing about where
    /// they differ.
    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var difference: UInt8 = 0
        for i in x.indices { difference |= x[i] ^ y[i] }
        return difference == 0
    }

    private static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
