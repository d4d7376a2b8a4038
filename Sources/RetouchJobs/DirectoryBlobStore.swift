import Crypto
import Foundation
import RetouchCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Blobs as files under one directory, fanned out as `ab/cd/abcd...` so no directory grows huge.
///
/// Several processes, on one machine or many sharing the directory over NFS, may use it at once:
/// a blob is written to a uniquely named temporary file in its final directory, flushed, then
/// renamed into place. rename within a directory is atomic (NFS included), so a reader sees the
/// whole blob or none, and two writers of the same bytes just replace identical content.
public struct DirectoryBlobStore: BlobStore {
    public let root: URL

    public init(root: URL) throws {
        self.root = root.standardizedFileURL
        do {
            try FileManager.default.createDirectory(at: self.root, withIntermediateDirectories: true)
        } catch {
            throw RetouchError(.io, "cannot create the blob directory \(self.root.path): \(error.localizedDescription)")
        }
    }

    public func put(_ bytes: Data) async throws -> BlobKey {
        let key = try BlobKey(validating: SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined())
        let target = path(of: key)
        try await offload {
            // Renewing the time of a stored copy is what keeps a sweep from deleting it between
            // this put and the job row that will refer to it; if a sweep removed it first, the
            // touch fails and the bytes are written again.
            if touch(target.path) { return }
            try writeAtomically(bytes, to: target)
        }
        return key
    }

    public func get(_ key: BlobKey) async throws -> Data {
        let target = path(of: key)
        return try await offload {
            do {
                return try Data(contentsOf: target)
            } catch {
                if !FileManager.default.fileExists(atPath: target.path) {
                    throw RetouchError(.notFound, "no blob \(key) in \(root.path)")
                }
                throw RetouchError(.io, "cannot read blob \(key): \(error.localizedDescription)")
            }
        }
    }

    public func delete(_ key: BlobKey) async throws {
        let target = path(of: key)
        try await offload {
            if unlink(target.path) != 0 && errno != ENOENT {
                throw RetouchError(.io, "cannot delete blob \(key): \(String(cString: strerror(errno)))")
            }
        }
    }

    public func exists(_ key: BlobKey) async throws -> Bool {
        let target = path(of: key)
        return await offload { FileManager.default.fileExists(atPath: target.path) }
    }

    public func keys(modifiedBefore cutoff: Date) async throws -> [BlobKey] {
        let root = self.root
        return await offload {
            blobFiles(under: root).compactMap { file in
                guard !file.name.hasPrefix(temporaryPrefix), let key = try? BlobKey(validating: file.name),
                      let modified = modificationTime(file.path), modified < cutoff else { return nil }
                return key
            }
        }
    }

    public func delete(_ key: BlobKey, ifModifiedBefore cutoff: Date) async throws -> Bool {
        let target = path(of: key).path
        return try await offload {
            // Moved aside first, then judged: a put that renewed the blob before the move shows in
            // its time (the blob goes back); one after the move finds it gone and writes it anew,
            // and putting it back over that copy changes nothing, the bytes being the same.
            let aside = (target as NSString).deletingLastPathComponent + "/\(temporaryPrefix)sweep-\(UUID().uuidString)"
            guard rename(target, aside) == 0 else {
                if errno == ENOENT { return false }
                throw posixError("move aside", target)
            }
            if let modified = modificationTime(aside), modified >= cutoff {
                guard rename(aside, target) == 0 else { throw posixError("put back", aside) }
                return false
            }
            unlink(aside)
            return true
        }
    }

    public func removeAbandonedWrites(modifiedBefore cutoff: Date) async throws -> Int {
        let root = self.root
        return await offload {
            var removed = 0
            for file in blobFiles(under: root) where file.name.hasPrefix(temporaryPrefix) {
                if let modified = modificationTime(file.path), modified < cutoff, unlink(file.path) == 0 { removed += 1 }
            }
            return removed
        }
    }

    func path(of key: BlobKey) -> URL {
        let hex = key.hex
        return root
            .appendingPathComponent(String(hex.prefix(2)), isDirectory: true)
            .appendingPathComponent(String(hex.dropFirst(2).prefix(2)), isDirectory: true)
            .appendingPathComponent(hex, isDirectory: false)
    }
}

/// Temp file in the target's own directory (rename is only atomic within one file system),
/// fsync before rename so the name never points at unwritten data, fsync the directory after so
/// the rename itself survives a crash.
private func writeAtomically(_ bytes: Data, to target: URL) throws {
    let directory = target.deletingLastPathComponent()
    do {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    } catch {
        throw RetouchError(.io, "cannot create \(directory.path): \(error.localizedDescription)")
    }
    let temporary = directory.appendingPathComponent(temporaryPrefix + UUID().uuidString).path
    let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0o644)
    guard fd >= 0 else { throw posixError("create", temporary) }
    let flushed = Result {
        try writeAll(bytes, to: fd, path: temporary)
        guard fsync(fd) == 0 else { throw posixError("flush", temporary) }
    }
    close(fd)
    do {
        try flushed.get()
        guard rename(temporary, target.path) == 0 else { throw posixError("rename", temporary) }
    } catch {
        unlink(temporary)
        throw error
    }
    syncDirectory(directory.path)
}

/// Names of files being written; never a blob key (those are hex only).
private let temporaryPrefix = ".tmp-"

/// Sets the file's modification time to now; false when it does not exist.
private func touch(_ path: String) -> Bool {
    utimensat(AT_FDCWD, path, nil, 0) == 0
}

private func modificationTime(_ path: String) -> Date? {
    var info = stat()
    guard stat(path, &info) == 0 else { return nil }
    return Date(timeIntervalSince1970: Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9)
}

/// The files two levels down (`ab/cd/file`), the only place blobs and their temporaries live.
private func blobFiles(under root: URL) -> [(name: String, path: String)] {
    let manager = FileManager.default
    var files: [(String, String)] = []
    for first in (try? manager.contentsOfDirectory(atPath: root.path)) ?? [] where first.utf8.count == 2 {
        let level1 = root.path + "/" + first
        for second in (try? manager.contentsOfDirectory(atPath: level1)) ?? [] where second.utf8.count == 2 {
            let level2 = level1 + "/" + second
            for name in (try? manager.contentsOfDirectory(atPath: level2)) ?? [] {
                files.append((name, level2 + "/" + name))
            }
        }
    }
    return files
}

private func writeAll(_ bytes: Data, to fd: Int32, path: String) throws {
    try bytes.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) in
        var offset = 0
        while offset < buffer.count {
            let written = write(fd, buffer.baseAddress! + offset, buffer.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                throw posixError("write", path)
            }
            offset += written
        }
    }
}

/// Best effort: some file systems (NFS among them) refuse fsync on a directory and make the
/// rename durable on their own.
private func syncDirectory(_ path: String) {
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else { return }
    _ = fsync(fd)
    close(fd)
}

private func posixError(_ action: String, _ path: String) -> RetouchError {
    RetouchError(.io, "cannot \(action) \(path): \(String(cString: strerror(errno)))")
}

/// File I/O blocks its thread (fsync for milliseconds); keep it off Swift's few cooperative threads.
private func offload<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async { continuation.resume(with: Result { try work() }) }
    }
}

private func offload<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        DispatchQueue.global().async { continuation.resume(returning: work()) }
    }
}
