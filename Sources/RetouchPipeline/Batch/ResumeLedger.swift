import Foundation
import RetouchCore

/// An append-only record of finished images in `OUT_DIR/.retouch/ledger.jsonl`. A rerun skips an
/// image whose input bytes, configuration and output are all unchanged. Each record is one
/// `write` of one line, so a crash or Ctrl-C loses at most the line being written, and a
/// half-written last line is ignored on reading.
public final class ResumeLedger: @unchecked Sendable {
    public let path: String
    private let lock = NSLock()
    private var done: [String: ImageRecord] = [:]
    private let handle: FileHandle

    public init(outputDir: String) throws {
        let dir = outputDir + "/.retouch"
        do {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        } catch {
            throw RetouchError(.io, "\(outputDir): cannot create the output folder (\(error.localizedDescription))")
        }
        path = dir + "/ledger.jsonl"
        if !FileManager.default.fileExists(atPath: path) {
            _ = FileManager.default.createFile(atPath: path, contents: nil)
        }
        guard let handle = FileHandle(forUpdatingAtPath: path) else {
            throw RetouchError(.io, "\(path): cannot open the resume ledger for writing")
        }
        self.handle = handle
        done = Self.read(handle.readDataToEndOfFile())
        handle.seekToEndOfFile()
    }

    deinit { try? handle.close() }

    private static func read(_ data: Data) -> [String: ImageRecord] {
        var records: [String: ImageRecord] = [:]
        let decoder = JSONDecoder()
        for line in data.split(separator: UInt8(ascii: "\n")) {
            guard let record = try? decoder.decode(ImageRecord.self, from: Data(line)) else { continue }
            records[record.input] = record
        }
        return records
    }

    /// The earlier record for this input if it can be reused as it is.
    public func reusable(input: String, inputHash: String, configHash: String) -> ImageRecord? {
        lock.lock()
        defer { lock.unlock() }
        guard let record = done[input], record.status == .processed, record.inputHash == inputHash,
              record.configHash == configHash,
              FileManager.default.fileExists(atPath: record.output) else { return nil }
        return record
    }

    public func append(_ record: ImageRecord) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var line = try encoder.encode(record)
        line.append(UInt8(ascii: "\n"))
        lock.lock()
        defer { lock.unlock() }
        try handle.write(contentsOf: line)
        done[record.input] = record
    }
}

/// A stable 64-bit FNV-1a fingerprint, for recognising unchanged inputs and configs (not security).
public func fingerprint(_ bytes: some Sequence<UInt8>) -> String {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in bytes {
        hash ^= UInt64(byte)
        hash = hash &* 0x100_0000_01b3
    }
    return String(hash, radix: 16)
}
