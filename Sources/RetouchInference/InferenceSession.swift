import RetouchCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One loaded model. Running is thread-safe (ONNX Runtime allows concurrent `Run` calls on a
/// session), so the runtime hands out one shared instance per model file.
public final class InferenceSession: @unchecked Sendable {
    public let inputNames: [String]
    public let outputNames: [String]
    /// Where the model came from, for messages.
    public let origin: String
    private let library: OrtLibrary
    private let memoryInfo: OpaquePointer
    private let session: OpaquePointer

    init(library: OrtLibrary, memoryInfo: OpaquePointer, session: OpaquePointer, origin: String) throws {
        self.library = library
        self.memoryInfo = memoryInfo
        self.session = session
        self.origin = origin
        do {
            inputNames = try Self.names(library, session, origin, count: .sessionGetInputCount, name: .sessionGetInputName)
            outputNames = try Self.names(library, session, origin, count: .sessionGetOutputCount, name: .sessionGetOutputName)
        } catch {
            library.release(.releaseSession, session)
            throw error
        }
    }

    deinit { library.release(.releaseSession, session) }

    private static func names(_ lib: OrtLibrary, _ session: OpaquePointer, _ origin: String,
                              count countSlot: OrtSlot, name nameSlot: OrtSlot) throws -> [String] {
        var count = 0
        try lib.check(lib.function(countSlot, as: OrtSessionGetCountFn.self)(session, &count), "\(origin): reading model signature")
        var allocator: OpaquePointer?
        try lib.check(lib.function(.getAllocatorWithDefaultOptions, as: OrtGetAllocatorFn.self)(&allocator), "getting the default allocator")
        guard let allocator else { throw RetouchError(.inference, "ONNX Runtime gave no default allocator") }
        var names: [String] = []
        for i in 0..<count {
            var raw: UnsafeMutablePointer<CChar>?
            try lib.check(lib.function(nameSlot, as: OrtSessionGetNameFn.self)(session, i, allocator, &raw), "\(origin): reading model signature")
            guard let raw else { continue }
            names.append(String(cString: raw))
            try lib.check(lib.function(.allocatorFree, as: OrtAllocatorFreeFn.self)(allocator, raw), "freeing a name")
        }
        return names
    }

    /// Runs the model on named inputs and returns the requested outputs (all of them by default).
    /// Shape mismatches and other model errors come back as `RetouchError(.inference)` with
    /// the runtime's own message.
    public func run(_ inputs: [String: Tensor], outputs requested: [String]? = nil) throws -> [String: Tensor] {
        for name in inputs.keys where !inputNames.contains(name) {
            throw RetouchError(.invalidArgument, "\(origin) has no input '\(name)'; its inputs are \(inputNames.joined(separator: ", "))")
        }
        let wanted = requested ?? outputNames
        for name in wanted where !outputNames.contains(name) {
            throw RetouchError(.invalidArgument, "\(origin) has no output '\(name)'; its outputs are \(outputNames.joined(separator: ", "))")
        }
        let ordered = inputs.sorted { $0.key < $1.key }
        var values: [OpaquePointer?] = []
        var buffers: [UnsafeMutableBufferPointer<Float>] = []
        defer {
            for v in values { library.release(.releaseValue, v) }
            for b in buffers { b.deallocate() }
        }
        for (name, tensor) in ordered {
            // ONNX Runtime reads the caller's memory during Run, so each input gets a buffer
            // that stays put until the values are released.
            let buffer = UnsafeMutableBufferPointer<Float>.allocate(capacity: max(1, tensor.count))
            _ = buffer.initialize(from: tensor.values)
            buffers.append(buffer)
            values.append(try makeValue(buffer, count: tensor.count, shape: tensor.shape, name: name))
        }
        var results = [OpaquePointer?](repeating: nil, count: wanted.count)
        defer { for r in results { library.release(.releaseValue, r) } }
        try withCStrings(ordered.map(\.key)) { inputPointers in
            try withCStrings(wanted) { outputPointers in
                try library.check(library.function(.run, as: OrtRunFn.self)(
                    session, nil, inputPointers, values, values.count, outputPointers, wanted.count, &results),
                    "\(origin): running the model")
            }
        }
        var out: [String: Tensor] = [:]
        for (name, value) in zip(wanted, results) {
            guard let value else { throw RetouchError(.inference, "\(origin): no value for output '\(name)'") }
            out[name] = try readTensor(value, name: name)
        }
        return out
    }

    private func makeValue(_ buffer: UnsafeMutableBufferPointer<Float>, count: Int, shape: [Int], name: String) throws -> OpaquePointer {
        let dims = shape.map(Int64.init)
        var value: OpaquePointer?
        try dims.withUnsafeBufferPointer { dimsPointer in
            try library.check(library.function(.createTensorWithDataAsOrtValue, as: OrtCreateTensorWithDataFn.self)(
                memoryInfo, UnsafeMutableRawPointer(buffer.baseAddress!), count * MemoryLayout<Float>.stride,
                dimsPointer.baseAddress!, dims.count, ortTensorFloat, &value), "\(origin): input '\(name)' with shape \(shape)")
        }
        guard let value else { throw RetouchError(.inference, "\(origin): ONNX Runtime made no tensor for '\(name)'") }
        return value
    }

    private func readTensor(_ value: OpaquePointer, name: String) throws -> Tensor {
        var info: OpaquePointer?
        try library.check(library.function(.getTensorTypeAndShape, as: OrtGetTensorTypeAndShapeFn.self)(value, &info),
                          "\(origin): output '\(name)'")
        defer { library.release(.releaseTensorTypeAndShapeInfo, info) }
        guard let info else { throw RetouchError(.inference, "\(origin): output '\(name)' has no shape") }
        var elementType: Int32 = 0
        try library.check(library.function(.getTensorElementType, as: OrtGetTensorElementTypeFn.self)(info, &elementType),
                          "\(origin): output '\(name)'")
        guard elementType == ortTensorFloat else {
            throw RetouchError(.inference, "\(origin): output '\(name)' has element type \(elementType); only float is supported")
        }
        var rank = 0
        try library.check(library.function(.getDimensionsCount, as: OrtGetDimensionsCountFn.self)(info, &rank), "\(origin): output '\(name)'")
        var dims = [Int64](repeating: 0, count: rank)
        try library.check(library.function(.getDimensions, as: OrtGetDimensionsFn.self)(info, &dims, rank), "\(origin): output '\(name)'")
        let shape = dims.map { Int($0) }
        let count = shape.reduce(1, *)
        var data: UnsafeMutableRawPointer?
        try library.check(library.function(.getTensorMutableData, as: OrtGetTensorMutableDataFn.self)(value, &data),
                          "\(origin): output '\(name)'")
        guard let data else {
            if count == 0 { return try Tensor(shape: shape, values: []) }
            throw RetouchError(.inference, "\(origin): output '\(name)' has no data")
        }
        let floats = Array(UnsafeBufferPointer(start: data.assumingMemoryBound(to: Float.self), count: count))
        return try Tensor(shape: shape, values: floats)
    }
}

/// Calls `body` with a C array of NUL-terminated copies of `strings`, valid during the call.
func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<CString?>) throws -> R) rethrows -> R {
    let copies = strings.map { strdup($0) }
    defer { copies.forEach { free($0) } }
    let pointers: [CString?] = copies.map { $0.map { UnsafePointer($0) } }
    return try pointers.withUnsafeBufferPointer { try body($0.baseAddress!) }
}
