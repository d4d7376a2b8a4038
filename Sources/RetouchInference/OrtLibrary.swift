import RetouchCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A loaded `libonnxruntime` and its function table. Loaded once per path and never
/// unloaded: sessions keep pointers into it for the life of the process.
final class OrtLibrary: @unchecked Sendable {
    let path: String
    /// What `OrtApiBase::GetVersionString` reported, e.g. "1.31.1".
    let version: String
    private let table: UnsafeRawPointer

    init(path: String) throws {
        self.path = path
        guard let handle = dlopen(path, RTLD_NOW | RTLD_LOCAL) else {
            let reason = dlerror().map { String(cString: $0) } ?? "unknown reason"
            throw RetouchError(.modelMissing,
                               "cannot load the ONNX Runtime library at \(path) (\(reason)); "
                               + "run scripts/install_models.sh, or point RETOUCH_ORT_LIBRARY at libonnxruntime.so")
        }
        guard let symbol = dlsym(handle, "OrtGetApiBase") else {
            throw RetouchError(.inference, "\(path) is not ONNX Runtime: it has no OrtGetApiBase symbol")
        }
        let getBase = unsafeBitCast(symbol, to: OrtGetApiBaseFn.self)
        guard let base = getBase() else {
            throw RetouchError(.inference, "\(path): OrtGetApiBase returned nothing")
        }
        // struct OrtApiBase { GetApi; GetVersionString; }
        let getApi = unsafeBitCast(base.load(as: UnsafeRawPointer.self), to: OrtGetApiFn.self)
        let getVersion = unsafeBitCast(base.load(fromByteOffset: MemoryLayout<UnsafeRawPointer>.stride,
                                                 as: UnsafeRawPointer.self), to: OrtGetVersionStringFn.self)
        version = getVersion().map { String(cString: $0) } ?? "unknown"
        try Self.checkVersion(version, path: path)
        guard let api = getApi(ortRequiredAPIVersion) else {
            throw RetouchError(.inference, "ONNX Runtime \(version) at \(path) does not offer C API version "
                               + "\(ortRequiredAPIVersion); install onnxruntime 1.11 or newer (scripts/install_models.sh pins 1.31.1)")
        }
        table = api
    }

    /// Rejects runtimes older than the API version we index, before touching the table.
    static func checkVersion(_ version: String, path: String) throws {
        let parts = version.split(separator: ".").compactMap { Int($0) }
        guard parts.count >= 2, parts[0] > 1 || (parts[0] == 1 && parts[1] >= Int(ortRequiredAPIVersion)) else {
            throw RetouchError(.inference, "ONNX Runtime at \(path) reports version '\(version)'; Retouch needs 1.\(ortRequiredAPIVersion) "
                               + "or newer (scripts/install_models.sh installs 1.31.1)")
        }
    }

    /// The function at `slot`, typed as `T` (one of the `Ort...Fn` signatures).
    func function<T>(_ slot: OrtSlot, as type: T.Type) -> T {
        let pointer = table.load(fromByteOffset: slot.rawValue * MemoryLayout<UnsafeRawPointer>.stride,
                                 as: UnsafeRawPointer.self)
        return unsafeBitCast(pointer, to: T.self)
    }

    /// Turns an `OrtStatus*` into a thrown error carrying the runtime's own message.
    func check(_ status: OrtStatusPtr, _ what: @autoclosure () -> String) throws {
        guard let status else { return }
        let message = function(.getErrorMessage, as: OrtGetErrorMessageFn.self)(status).map { String(cString: $0) }
            ?? "no message"
        let code = function(.getErrorCode, as: OrtGetErrorCodeFn.self)(status)
        function(.releaseStatus, as: OrtReleaseFn.self)(status)
        throw RetouchError(.inference, "\(what()): \(message) (ONNX Runtime error code \(code))")
    }

    func release(_ slot: OrtSlot, _ object: OpaquePointer?) {
        if let object { function(slot, as: OrtReleaseFn.self)(object) }
    }

    /// Execution providers compiled into this build, e.g. ["CPUExecutionProvider"].
    func availableProviders() throws -> [String] {
        var list: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
        var count: Int32 = 0
        try check(function(.getAvailableProviders, as: OrtGetAvailableProvidersFn.self)(&list, &count),
                  "listing execution providers")
        defer { _ = function(.releaseAvailableProviders, as: OrtReleaseAvailableProvidersFn.self)(list, count) }
        guard let list else { return [] }
        return (0..<Int(count)).compactMap { list[$0].map { String(cString: $0) } }
    }
}
