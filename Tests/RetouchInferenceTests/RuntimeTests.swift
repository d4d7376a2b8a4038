import Foundation
import RetouchCore
@testable import RetouchInference
import Testing

@Suite struct RuntimeTests {
    @Test func missingLibraryIsAnErrorNamingTheInstallScript() throws {
        let config = InferenceConfig(modelsDirectory: "/nonexistent/models")
        let error = #expect(throws: RetouchError.self) { try InferenceRuntime.shared(config) }
        #expect(error?.code == .modelMissing)
        #expect(error?.message.contains("scripts/install_models.sh") == true)
        #expect(error?.message.contains("/nonexistent/models/runtime/libonnxruntime.so.1.31.1") == true)
    }

    @Test func aFileThatIsNotALibraryIsAnError() throws {
        let path = try temporaryFile("not-a-library.so", contents: Array("hello".utf8))
        let config = InferenceConfig(modelsDirectory: "/nonexistent", ortLibrary: path)
        let error = #expect(throws: RetouchError.self) { try InferenceRuntime.shared(config) }
        #expect(error?.message.contains(path) == true)
    }

    @Test func environmentOverridesConfigForTheLibraryPath() throws {
        let env = ["RETOUCH_MODELS_DIR": "/m", "RETOUCH_ORT_LIBRARY": "/env/lib.so", "RETOUCH_ORT_THREADS": "2",
                   "RETOUCH_ORT_PROVIDER": "CUDA"]
        let config = try InferenceConfig.fromEnvironment(env, configOrtLibrary: "/config/lib.so")
        #expect(config.libraryPath == "/env/lib.so")
        #expect(config.intraOpThreads == 2)
        #expect(config.provider == .cuda)
        let fromConfig = try InferenceConfig.fromEnvironment(["RETOUCH_MODELS_DIR": "/m"], configOrtLibrary: "/config/lib.so")
        #expect(fromConfig.libraryPath == "/config/lib.so")
        let byDefault = try InferenceConfig.fromEnvironment(["RETOUCH_MODELS_DIR": "/m"])
        #expect(byDefault.libraryPath == "/m/runtime/libonnxruntime.so.1.31.1")
        #expect(byDefault.intraOpThreads == 1)
    }

    @Test func badSettingsAreErrors() {
        #expect(throws: RetouchError.self) { try InferenceConfig.fromEnvironment(["RETOUCH_ORT_THREADS": "zero"]) }
        #expect(throws: RetouchError.self) { try InferenceConfig.fromEnvironment(["RETOUCH_ORT_PROVIDER": "tpu"]) }
    }

    @Test func tooOldRuntimeVersionIsRejected() {
        #expect(throws: RetouchError.self) { try OrtLibrary.checkVersion("1.10.0", path: "x") }
        #expect(throws: RetouchError.self) { try OrtLibrary.checkVersion("garbage", path: "x") }
        #expect(throws: Never.self) { try OrtLibrary.checkVersion("1.31.1", path: "x") }
    }

    @Test func runtimeLoadsAndPassesItsSelfCheck() throws {
        let runtime = try InferenceRuntime.shared(try installedConfig())
        #expect(runtime.version == "1.31.1")
        #expect(try runtime.availableProviders().contains("CPUExecutionProvider"))
        #expect(try InferenceRuntime.shared(try installedConfig()) === runtime)
    }

    @Test func badModelPathIsAnError() throws {
        let runtime = try InferenceRuntime.shared(try installedConfig())
        let error = #expect(throws: RetouchError.self) { try runtime.session(modelPath: "/nonexistent/model.onnx") }
        #expect(error?.code == .modelMissing)
        let garbage = try temporaryFile("garbage.onnx", contents: Array(repeating: 0x41, count: 64))
        let loadError = #expect(throws: RetouchError.self) { try runtime.session(modelPath: garbage) }
        #expect(loadError?.code == .inference)
        #expect(loadError?.message.contains(garbage) == true)
    }

    @Test func cudaWithoutAGPUBuildIsAClearError() throws {
        var config = try installedConfig()
        config.provider = .cuda
        let runtime = try InferenceRuntime.shared(config)
        let (_, _, spec) = try installedModel("waifu2x-photo")
        let error = #expect(throws: RetouchError.self) { try runtime.session(modelPath: config.modelPath(spec.file)) }
        #expect(error?.message.contains("onnxruntime-gpu") == true)
    }

    @Test func cudaEntryPointsAnswerWithTheirOwnError() throws {
        // On the CPU-only wheel the CUDA V2 calls exist but refuse; reaching them at their
        // table positions and getting a CUDA-specific refusal confirms those positions.
        let library = try OrtLibrary(path: try installedConfig().libraryPath)
        var options: OpaquePointer?
        let error = #expect(throws: RetouchError.self) {
            try library.check(library.function(.createCUDAProviderOptions, as: OrtCreateSessionOptionsFn.self)(&options), "cuda")
        }
        #expect(error?.message.contains("CUDA") == true)
    }
}
