#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import RetouchCore

/// Whole-file reads and crash-safe replacement writes on POSIX calls.
enum FileIO {
    static func read(_ path: String, maxBytes: Int) throws -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw openError(errno, reading: true) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw RetouchError(.io, "cannot read: \(describe(errno))") }
        if (info.st_mode & S_IFMT) == S_IFDIR { throw RetouchError(.io, "is a directory, not an image file") }
        if Int(info.st_size) > maxBytes { throw tooBig(Int(info.st_size), maxBytes) }
        var bytes = [UInt8]()
        bytes.reserveCapacity(Int(info.st_size))
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw RetouchError(.io, "cannot read: \(describe(errno))")
            }
            if n == 0 { return bytes }
            bytes.append(contentsOf: chunk[0..<n])
            // Pipes and special files have no size up front, so the cap is enforced here too.
            if bytes.count > maxBytes { throw tooBig(bytes.count, maxBytes) }
        }
    }

    /// Writes `bytes` to `.<name>.tmp-<random>` beside `path`, syncs it and renames it over
    /// `path`, so readers see the old file or the complete new one, never a partial one.
    /// The temporary file is removed on any failure.
    static func writeAtomically(_ bytes: [UInt8], to path: String) throws {
        let (directory, name) = split(path)
        guard !name.isEmpty, name != ".", name != ".." else {
            throw RetouchError(.invalidArgument, "is not a file name to write to")
        }
        let suffix = String(UInt64.random(in: 0...UInt64.max), radix: 16)
        let temporary = (directory.map { $0 + "/" } ?? "") + ".\(name).tmp-\(suffix)"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
        guard fd >= 0 else {
            throw RetouchError(.io, "cannot create a file in \(directory ?? "the current directory"): \(describe(errno))")
        }
        do {
            try writeAll(fd, bytes)
            keepMode(of: path, on: fd)
            guard fsync(fd) == 0 else { throw RetouchError(.io, "cannot flush to disk: \(describe(errno))") }
            let closed = close(fd)
            guard closed == 0 else { throw RetouchError(.io, "cannot finish writing: \(describe(errno))") }
            guard rename(temporary, path) == 0 else { throw RetouchError(.io, "cannot replace the file: \(describe(errno))") }
        } catch {
            close(fd)  // harmless EBADF when already closed
            unlink(temporary)
            throw error
        }
        syncDirectory(directory ?? ".")
    }

    private static func writeAll(_ fd: Int32, _ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return }
            var offset = 0
            while offset < raw.count {
                let n = write(fd, base + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw RetouchError(.io, "cannot write: \(describe(errno))")
                }
                offset += n
            }
        }
    }

    /// A replaced file keeps its permissions rather than taking the temporary file's.
    private static func keepMode(of path: String, on fd: Int32) {
        var existing = stat()
        if stat(path, &existing) == 0 { fchmod(fd, existing.st_mode & 0o7777) }
    }

    /// Makes the rename itself durable; failure only weakens crash safety, so it is not an error.
    private static func syncDirectory(_ directory: String) {
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        fsync(fd)
        close(fd)
    }

    private static func split(_ path: String) -> (directory: String?, name: String) {
        guard let slash = path.lastIndex(of: "/") else { return (nil, path) }
        let directory = String(path[..<slash])
        return (directory.isEmpty ? "/" : directory, String(path[path.index(after: slash)...]))
    }

    private static func openError(_ code: Int32, reading: Bool) -> RetouchError {
        switch code {
        case ENOENT: RetouchError(.io, "no such file")
        case EACCES: RetouchError(.io, "permission denied")
        default: RetouchError(.io, "cannot open: \(describe(code))")
        }
    }

    private static func tooBig(_ size: Int, _ maxBytes: Int) -> RetouchError {
        RetouchError(.imageTooLarge,
                     "the file is \(size / 1_048_576) MiB, more than any image within the pixel limit needs (\(maxBytes / 1_048_576) MiB); raise the limit with --max-pixels if you trust it")
    }

    static func describe(_ code: Int32) -> String {
        guard let text = strerror(code) else { return "error \(code)" }
        return String(cString: text)
    }
}
