import Foundation
import RetouchCore

/// Where the neural runtime and models live and how they run. Built from the environment by
/// `fromEnvironment`; a front end may then override fields from its own configuration.
public struct InferenceConfig: Sendable, Hashable {
    /// The folder `scripts/install_models.sh` fills (models, plus `runtime/` for the library).
    public var modelsDirectory: String
    /// Path of `libonnxruntime.so`; nil means `runtime/libonnxruntime.so.1.31.1` inside `modelsDirectory`.
    public var ortLibrary: String?
    /// Threads ONNX Runtime uses inside one operator. Default 1: on the 2-core machines Retouch
    /// targets, 1 thread ran a 640x640 detector in 95 ms while 2 took 150-280 ms, because the
    /// runtime's spinning workers compete with the process's other thread and with neighbours.
    public var intraOpThreads: Int
    public var provider: ExecutionProvider

    public static let defaultLibraryName = "libonnxruntime.so.1.31.1"

    public init(modelsDirectory: String, ortLibrary: String? = nil, intraOpThreads: Int = 1,
                provider: ExecutionProvider = .cpu) {
        self.modelsDirectory = modelsDirectory
        self.ortLibrary = ortLibrary
        self.intraOpThreads = intraOpThreads
        self.provider = provider
    }

    /// The library to load: `ortLibrary` if set, else the one the install script puts in the models folder.
    public var libraryPath: String {
        ortLibrary ?? (modelsDirectory as NSString).appendingPathComponent("runtime/\(Self.defaultLibraryName)")
    }

    /// Path of a model file given relative to the models folder.
    public func modelPath(_ relative: String) -> String {
        (modelsDirectory as NSString).appendingPathComponent(relative)
    }

    /// Reads the configuration. Precedence for each setting: environment variable, then the
    /// value a config file gave (`configOrtLibrary`), then the default.
    ///
    /// - `RETOUCH_MODELS_DIR`: the models folder. Default: `./models` if it exists, else
    ///   `models/` next to the executable if that exists, else `./models` (so errors name it).
    /// - `RETOUCH_ORT_LIBRARY`: the library path (config key `ortLibrary`).
    /// - `RETOUCH_ORT_THREADS`: intra-op threads, 1 by default.
    /// - `RETOUCH_ORT_PROVIDER`: `cpu` (default) or `cuda`.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment,
                                       configOrtLibrary: String? = nil) throws -> InferenceConfig {
        var config = InferenceConfig(modelsDirectory: environment["RETOUCH_MODELS_DIR"] ?? defaultModelsDirectory())
        config.ortLibrary = environment["RETOUCH_ORT_LIBRARY"] ?? configOrtLibrary
        if let threads = environment["RETOUCH_ORT_THREADS"] {
            guard let n = Int(threads), n >= 1 else {
                throw RetouchError(.invalidArgument, "RETOUCH_ORT_THREADS must be a whole number of at least 1, not '\(threads)'")
            }
            config.intraOpThreads = n
        }
        if let name = environment["RETOUCH_ORT_PROVIDER"] {
            guard let provider = ExecutionProvider(rawValue: name.lowercased()) else {
                throw RetouchError(.invalidArgument, "RETOUCH_ORT_PROVIDER must be cpu or cuda, not '\(name)'")
            }
            config.provider = provider
        }
        return config
    }

    public static func defaultModelsDirectory() -> String {
        let fm = FileManager.default
        let local = (fm.currentDirectoryPath as NSString).appendingPathComponent("models")
        if fm.fileExists(atPath: local) { return local }
        let executable = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath()
        let beside = executable.deletingLastPathComponent().appendingPathComponent("models").path
        if fm.fileExists(atPath: beside) { return beside }
        return local
    }
}

/// Where a model runs. `cuda` needs the `onnxruntime-gpu` build of the library and CUDA.
public enum ExecutionProvider: String, Sendable, CaseIterable, Codable {
    case cpu
    case cuda
}
