/// Builds, in memory, the smallest useful ONNX model: `y = x + x` on a float vector of
/// length 3. The runtime loads it at start-up to prove the function-table positions are
/// right before any real model is touched. Encoded by hand (protobuf wire format) so the
/// check needs no file and no protobuf library.
enum SelfCheckModel {
    static let input: [Float] = [1, 2, 3]
    static let expected: [Float] = [2, 4, 6]

    static var bytes: [UInt8] {
        // onnx.proto field numbers: ModelProto{ir_version 1, producer_name 2, graph 7, opset_import 8};
        // GraphProto{node 1, name 2, input 11, output 12}; NodeProto{input 1, output 2, op_type 4};
        // ValueInfoProto{name 1, type 2}; TypeProto{tensor_type 1}; Tensor{elem_type 1, shape 2};
        // TensorShapeProto{dim 1}; Dimension{dim_value 1}; OperatorSetIdProto{domain 1, version 2}.
        let node = field(1, "x") + field(1, "x") + field(2, "y") + field(4, "Add")
        let graph = field(1, node) + field(2, "selfcheck") + field(11, valueInfo("x")) + field(12, valueInfo("y"))
        let opset = field(1, "") + varintField(2, 13)
        return varintField(1, 7) + field(2, "retouch") + field(7, graph) + field(8, opset)
    }

    private static func valueInfo(_ name: String) -> [UInt8] {
        let shape = field(1, varintField(1, 3))
        let tensorType = varintField(1, 1) + field(2, shape)   // elem_type FLOAT, shape [3]
        return field(1, name) + field(2, field(1, tensorType))
    }

    private static func varint(_ value: UInt64) -> [UInt8] {
        var v = value, out: [UInt8] = []
        repeat {
            out.append(UInt8(v & 0x7F) | (v > 0x7F ? 0x80 : 0))
            v >>= 7
        } while v != 0
        return out
    }

    private static func varintField(_ number: UInt64, _ value: UInt64) -> [UInt8] {
        varint(number << 3) + varint(value)
    }

    private static func field(_ number: UInt64, _ payload: [UInt8]) -> [UInt8] {
        varint(number << 3 | 2) + varint(UInt64(payload.count)) + payload
    }

    private static func field(_ number: UInt64, _ text: String) -> [UInt8] {
        field(number, Array(text.utf8))
    }
}
