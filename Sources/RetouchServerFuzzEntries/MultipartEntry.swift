import NIOCore
import RetouchCodecs
import RetouchCore
import RetouchFuzzEntries
import RetouchServer

/// The fifth fuzz target: a request as the image and job endpoints read it. The first line is
/// the Content-Type header, the rest the body, through `RequestInput.parse` and its
/// own multipart reader (`MultipartForm`).
public enum MultipartFuzzTarget {
    public static let name = "multipart"

    public static func run(_ bytes: [UInt8]) {
        let newline = bytes.firstIndex(of: UInt8(ascii: "\n")) ?? bytes.endIndex
        let contentType = String(decoding: bytes[..<newline], as: UTF8.self)
        let body = ByteBuffer(bytes: bytes[min(newline + 1, bytes.endIndex)...])
        guard let input = try? RequestInput.parse(body: body, contentType: contentType, query: []) else { return }
        let carried = input.images.reduce(0) { $0 + $1.bytes.count } + input.masks.reduce(0) { $0 + $1.bytes.count }
        require(carried <= body.readableBytes, "the parts hold \(carried) bytes, more than the \(body.readableBytes)-byte body")
        require(input.fields.values.allSatisfy { $0.utf8.count <= RequestInput.maxFieldBytes }, "an over-long text field was kept")
    }

    /// A form with an image (named to climb folders) and a text field, and a raw-body upload.
    public static var seeds: [(name: String, bytes: [UInt8])] {
        let buffer = Image8(width: 4, height: 3, channels: 3) { x, y, c in UInt8((x * 50 + y * 30 + c * 60) % 256) }
        let image = (try? ImageEncoder.encode(Image(buffer), as: .png)) ?? []
        let head = "multipart/form-data; boundary=XyZ\n"
        let part = "--XyZ\r\nContent-Disposition: form-data; name=\"image_file\"; filename=\"../a\\\"b.png\"\r\n"
            + "Content-Type: image/png\r\n\r\n"
        let tail = "\r\n--XyZ\r\nContent-Disposition: form-data; name=\"scale\"\r\n\r\n2\r\n--XyZ--\r\n"
        return [("form", Array((head + part).utf8) + image + Array(tail.utf8)),
                ("raw", Array("image/png\n".utf8) + image)]
    }
}
