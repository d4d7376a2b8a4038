import NIOCore
import RetouchServer

/// A request as the image and job endpoints read it: the first line is the Content-Type
/// header, the rest the body, through `RequestInput.parse` and its multipart-kit parser.
enum MultipartEntry {
    static func run(_ bytes: [UInt8]) {
        let newline = bytes.firstIndex(of: UInt8(ascii: "\n")) ?? bytes.endIndex
        let contentType = String(decoding: bytes[..<newline], as: UTF8.self)
        let body = ByteBuffer(bytes: bytes[min(newline + 1, bytes.endIndex)...])
        guard let input = try? RequestInput.parse(body: body, contentType: contentType, query: []) else { return }
        let carried = input.images.reduce(0) { $0 + $1.bytes.count } + (input.mask?.bytes.count ?? 0)
        require(carried <= body.readableBytes, "the parts hold \(carried) bytes, more than the \(body.readableBytes)-byte body")
        require(input.fields.values.allSatisfy { $0.utf8.count <= RequestInput.maxFieldBytes }, "an over-long text field was kept")
    }
}
