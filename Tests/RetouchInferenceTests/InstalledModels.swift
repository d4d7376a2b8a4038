import Foundation
import RetouchCore
import RetouchInference
import Testing

/// The configuration the product itself would use (RETOUCH_MODELS_DIR or ./models). Tests
/// that need real models fail, rather than skip, when the install script has not been run.
func installedConfig() throws -> InferenceConfig {
    let config = try InferenceConfig.fromEnvironment()
    guard FileManager.default.fileExists(atPath: config.libraryPath) else {
        throw RetouchError(.modelMissing, "ONNX Runtime not installed at \(config.libraryPath): run scripts/install_models.sh before the tests")
    }
    return config
}

func installedModel(_ name: String) throws -> (InferenceRuntime, InferenceSession, ModelSpec) {
    let config = try installedConfig()
    let spec = try ModelCatalog.spec(named: name)
    let path = try ModelFiles.require(spec, in: config)
    let runtime = try InferenceRuntime.shared(config)
    return (runtime, try runtime.session(modelPath: path), spec)
}

/// A deterministic test pattern that Python reproduces exactly (integer arithmetic, then /63).
func patternTensor(channels: Int, height: Int, width: Int) throws -> Tensor {
    var values: [Float] = []
    for c in 0..<channels {
        for y in 0..<height {
            for x in 0..<width { values.append(Float((x * 7 + y * 13 + c * 29) % 64) / 63) }
        }
    }
    return try Tensor(shape: [1, channels, height, width], values: values)
}

func temporaryFile(_ name: String, contents: [UInt8]) throws -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("retouch-tests-\(getpid())")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let url = dir.appendingPathComponent(name)
    try Data(contents).write(to: url)
    return url.path
}
