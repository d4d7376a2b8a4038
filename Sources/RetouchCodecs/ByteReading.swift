/// Bounds-checked integer reads for parsing headers; every read returns nil past the end
/// instead of trapping, because the bytes come from untrusted files.
extension Array where Element == UInt8 {
    func u8(at i: Int) -> Int? {
        i >= 0 && i < count ? Int(self[i]) : nil
    }

    func bigEndian16(at i: Int) -> Int? {
        guard i >= 0, i + 2 <= count else { return nil }
        return Int(self[i]) << 8 | Int(self[i + 1])
    }

    func bigEndian32(at i: Int) -> Int? {
        guard i >= 0, i + 4 <= count else { return nil }
        return Int(self[i]) << 24 | Int(self[i + 1]) << 16 | Int(self[i + 2]) << 8 | Int(self[i + 3])
    }

    func littleEndian16(at i: Int) -> Int? {
        guard i >= 0, i + 2 <= count else { return nil }
        return Int(self[i]) | Int(self[i + 1]) << 8
    }

    func littleEndian24(at i: Int) -> Int? {
        guard i >= 0, i + 3 <= count else { return nil }
        return Int(self[i]) | Int(self[i + 1]) << 8 | Int(self[i + 2]) << 16
    }

    func littleEndian32(at i: Int) -> Int? {
        guard i >= 0, i + 4 <= count else { return nil }
        return Int(self[i]) | Int(self[i + 1]) << 8 | Int(self[i + 2]) << 16 | Int(self[i + 3]) << 24
    }

    /// True when the bytes at `i` spell `prefix`.
    func matches(_ prefix: [UInt8], at i: Int) -> Bool {
        guard i >= 0, i + prefix.count <= count else { return false }
        for (k, b) in prefix.enumerated() where self[i + k] != b { return false }
        return true
    }

    /// A copy of `count` bytes at `i`, or nil if they are not all there.
    func bytes(at i: Int, count n: Int) -> [UInt8]? {
        guard i >= 0, n >= 0, i + n <= count else { return nil }
        return Array(self[i..<i + n])
    }
}

extension Array where Element == UInt8 {
    mutating func appendBigEndian32(_ v: Int) {
        append(contentsOf: [UInt8(truncatingIfNeeded: v >> 24), UInt8(truncatingIfNeeded: v >> 16),
                            UInt8(truncatingIfNeeded: v >> 8), UInt8(truncatingIfNeeded: v)])
    }

    mutating func appendLittleEndian24(_ v: Int) {
        append(contentsOf: [UInt8(truncatingIfNeeded: v), UInt8(truncatingIfNeeded: v >> 8),
                            UInt8(truncatingIfNeeded: v >> 16)])
    }

    mutating func appendLittleEndian32(_ v: Int) {
        appendLittleEndian24(v)
        append(UInt8(truncatingIfNeeded: v >> 24))
    }
}
