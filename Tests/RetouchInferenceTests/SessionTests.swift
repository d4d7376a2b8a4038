import RetouchCore
import RetouchInference
import Testing

@Suite struct SessionTests {
    @Test func waifu2xMatchesPythonOnnxRuntime() throws {
        let (_, session, spec) = try installedModel("waifu2x-photo")
        #expect(session.inputNames == [spec.inputName])
        #expect(session.outputNames == [spec.outputName])
        let output = try #require(try session.run([spec.inputName: patternTensor(channels: 3, height: 24, width: 20)])[spec.outputName])
        // Reference computed once with Python onnxruntime 1.31.1 (1 intra-op thread) on the
        // same pattern: shape, sum of all values, and values at a few flat indices.
        #expect(output.shape == [1, 3, 20, 12])
        let sum = output.values.reduce(0.0) { $0 + Double($1) }
        #expect(abs(sum - 348.4899607729167) < 1e-3)
        let reference: [(Int, Float)] = [(0, 0.18459558), (1, 0.18859947), (37, 0.57624358), (250, 0.17719243),
                                         (360, 0.54958874), (555, 1.1753808), (719, 0.40616107)]
        for (index, value) in reference { #expect(abs(output.values[index] - value) < 1e-5, "value at \(index)") }
    }

    @Test func wrongInputShapeIsAnErrorWithTheRuntimesMessage() throws {
        let (_, session, spec) = try installedModel("waifu2x-photo")
        let error = #expect(throws: RetouchError.self) {
            try session.run([spec.inputName: patternTensor(channels: 4, height: 24, width: 20)])
        }
        #expect(error?.code == .inference)
        #expect(error?.message.contains("dimensions") == true)
    }

    @Test func unknownInputOrOutputNamesAreErrors() throws {
        let (_, session, spec) = try installedModel("waifu2x-photo")
        let input = try patternTensor(channels: 3, height: 24, width: 20)
        #expect(throws: RetouchError.self) { try session.run(["nope": input]) }
        #expect(throws: RetouchError.self) { try session.run([spec.inputName: input], outputs: ["nope"]) }
    }

    @Test func tensorShapeMustMatchValueCount() {
        #expect(throws: RetouchError.self) { try Tensor(shape: [2, 2], values: [1, 2, 3]) }
        #expect(throws: RetouchError.self) { try Tensor(shape: [-1], values: []) }
    }

    @Test func sessionsAreCreatedOnceAndShared() throws {
        let (runtime, session, spec) = try installedModel("waifu2x-photo")
        let again = try runtime.session(modelPath: runtime.config.modelPath(spec.file))
        #expect(again === session)
    }
}
