import Foundation
import RetouchCore

/// ONNX Runtime, loaded and checked, with a cache of sessions. One instance per library path
/// and settings per process (`shared(_:)`), so every caller reuses the same loaded models.
public final class InferenceRuntime: @unchecked Sendable {
    public let config: InferenceConfig
    /// The runtime's own version string, e.g. "1.31.1".
    public var version: String { library.version }
    private let library: OrtLibrary
    private let env: OpaquePointer
    private let memoryInfo: OpaquePointer
    private let lock = NSLock()
    private var sessions: [String: InferenceSession] = [:]

    private nonisolated(unsafe) static var instances: [InferenceConfig: InferenceRuntime] = [:]
    private static let instancesLock = NSLock()

    /// The runtime for `config`, created (loaded, self-checked) on first use.
    public static func shared(_ config: InferenceConfig) throws -> InferenceRuntime {
        instancesLock.lock()
        defer { instancesLock.unlock() }
        if let runtime = instances[config] { return runtime }
        let runtime = try InferenceRuntime(config: config)
        instances[config] = runtime
        return runtime
    }

    private init(config: InferenceConfig) throws {
        self.config = config
        let path = config.libraryPath
        guard FileManager.default.fileExists(atPath: path) else {
            throw RetouchError(.modelMissing, "ONNX Runtime library not found at \(path); run scripts/install_models.sh "
                               + "(or set RETOUCH_ORT_LIBRARY / RETOUCH_MODELS_DIR)")
        }
        let library = try OrtLibrary(path: path)
        var env: OpaquePointer?
        try library.check(library.function(.createEnv, as: OrtCreateEnvFn.self)(ortLoggingLevelError, "retouch", &env),
                          "creating the ONNX Runtime environment")
        var memoryInfo: OpaquePointer?
        try library.check(library.function(.createCpuMemoryInfo, as: OrtCreateCpuMemoryInfoFn.self)(
            ortDeviceAllocator, ortMemTypeDefault, &memoryInfo), "describing CPU memory")
        guard let env, let memoryInfo else { throw RetouchError(.inference, "ONNX Runtime returned no environment") }
        self.library = library
        self.env = env
        self.memoryInfo = memoryInfo
        try selfCheck()
    }

    /// Loads a model built in memory and checks its answer, so a table mismatch shows up as
    /// an error here rather than as wrong pixels later.
    private func selfCheck() throws {
        let model = SelfCheckModel.bytes
        let session = try model.withUnsafeBytes { bytes in
            try makeSession(origin: "ONNX Runtime self-check", provider: .cpu) { options, out in
                library.function(.createSessionFromArray, as: OrtCreateSessionFromArrayFn.self)(
                    env, bytes.baseAddress!, bytes.count, options, out)
            }
        }
        let result = try session.run(["x": Tensor(shape: [3], values: SelfCheckModel.input)])
        guard session.inputNames == ["x"], session.outputNames == ["y"],
              result["y"]?.values == SelfCheckModel.expected else {
            throw RetouchError(.inference, "ONNX Runtime \(version) at \(library.path) failed the self-check: its C API table does "
                               + "not match what Retouch declares; use the version scripts/install_models.sh installs (1.31.1)")
        }
    }

    /// The session for the model at `path`, created on first use and kept for the process.
    public func session(modelPath path: String) throws -> InferenceSession {
        lock.lock()
        defer { lock.unlock() }
        if let session = sessions[path] { return session }
        guard FileManager.default.fileExists(atPath: path) else {
            throw RetouchError(.modelMissing, "model file not found: \(path); run scripts/install_models.sh")
        }
        let session = try makeSession(origin: path, provider: config.provider) { options, out in
            library.function(.createSession, as: OrtCreateSessionFn.self)(env, path, options, out)
        }
        sessions[path] = session
        return session
    }

    private func makeSession(origin: String, provider: ExecutionProvider,
                             create: (OpaquePointer, OrtOut) -> OrtStatusPtr) throws -> InferenceSession {
        let options = try makeOptions(provider: provider)
        defer { library.release(.releaseSessionOptions, options) }
        var session: OpaquePointer?
        try library.check(create(options, &session), "loading \(origin)")
        guard let session else { throw RetouchError(.inference, "loading \(origin): no session returned") }
        return try InferenceSession(library: library, memoryInfo: memoryInfo, session: session, origin: origin)
    }

    private func makeOptions(provider: ExecutionProvider) throws -> OpaquePointer {
        var options: OpaquePointer?
        try library.check(library.function(.createSessionOptions, as: OrtCreateSessionOptionsFn.self)(&options), "creating session options")
        guard let options else { throw RetouchError(.inference, "ONNX Runtime returned no session options") }
        do {
            try library.check(library.function(.setIntraOpNumThreads, as: OrtSetOptionInt32Fn.self)(options, Int32(config.intraOpThreads)),
                              "setting \(config.intraOpThreads) intra-op threads")
            try library.check(library.function(.setSessionGraphOptimizationLevel, as: OrtSetOptionInt32Fn.self)(options, ortEnableAll),
                              "enabling graph optimisations")
            if provider == .cuda { try appendCUDA(options) }
        } catch {
            library.release(.releaseSessionOptions, options)
            throw error
        }
        return options
    }

    /// Adds the CUDA execution provider, or explains why this library cannot have it.
    private func appendCUDA(_ options: OpaquePointer) throws {
        let providers = try library.availableProviders()
        guard providers.contains("CUDAExecutionProvider") else {
            throw RetouchError(.inference, "execution provider 'cuda' requested, but the ONNX Runtime at \(library.path) only has "
                               + "\(providers.joined(separator: ", ")); point RETOUCH_ORT_LIBRARY at libonnxruntime.so from "
                               + "the onnxruntime-gpu wheel (with CUDA installed) or use provider 'cpu'")
        }
        var cuda: OpaquePointer?
        try library.check(library.function(.createCUDAProviderOptions, as: OrtCreateSessionOptionsFn.self)(&cuda),
                          "creating CUDA provider options")
        defer { library.release(.releaseCUDAProviderOptions, cuda) }
        guard let cuda else { throw RetouchError(.inference, "ONNX Runtime returned no CUDA provider options") }
        try library.check(library.function(.sessionOptionsAppendExecutionProviderCUDAV2, as: OrtAppendCUDAV2Fn.self)(options, cuda),
                          "enabling the CUDA execution provider (is CUDA installed and a GPU visible?)")
    }

    /// Execution providers this library was built with.
    public func availableProviders() throws -> [String] { try library.availableProviders() }
}
