import NIOCore
import Testing
@testable import RetouchServer

/// The server's own multipart/form-data reader: what browsers and curl send is read whole, and
/// every malformed body is a 400 naming the problem, never a trap.
@Suite("Multipart form reader")
struct MultipartFormTests {
    static let boundary = "b0undary"

    static func parse(_ text: [UInt8]) throws -> RequestInput {
        try RequestInput.parse(body: ByteBuffer(bytes: text), contentType: "multipart/form-data; boundary=\(boundary)",
                               query: [])
    }

    static func badRequestMessage(_ body: [UInt8]) -> String? {
        do {
            _ = try parse(body)
            return nil
        } catch let error as APIError {
            return error.status == .badRequest ? error.message : "status \(error.status)"
        } catch {
            return "\(error)"
        }
    }

    @Test("a form with a file, a UTF-8 file name, a field, a preamble and an epilogue")
    func readsWholeForm() throws {
        let image: [UInt8] = [0, 13, 10, 45, 45, 255, 13, 10, 45, 45, 98, 48] // CRLF-- and --b0 inside the file
        let body = Array("preamble to ignore\r\n--b0undary \r\nContent-Disposition: form-data; name=\"image_file\"; filename=\"été.png\"\r\n".utf8)
            + Array("Content-Type: image/png\r\n\r\n".utf8) + image
            + Array("\r\n--b0undary\r\ncontent-disposition: form-data; name=\"scale\"\r\n\r\n3\r\n--b0undary--\r\nepilogue".utf8)
        let input = try Self.parse(body)
        #expect(input.images.count == 1)
        #expect(input.images.first?.bytes == image)
        #expect(input.images.first?.filename == "été.png")
        #expect(input.fields == ["scale": "3"])
    }

    @Test("a byte >= 0x80 in a part's header name (multipart-kit 4.7.1 trapped on it) is a 400")
    func highByteInHeaderName() {
        let body = Array("--b0undary\r\nContent-Disposition: form-data; name=\"scale\"\r\nCo".utf8) + [0x82]
            + Array(": x\r\n\r\n2\r\n--b0undary--\r\n".utf8)
        #expect(Self.badRequestMessage(body)?.contains("not `Name: value`") == true)
    }

    @Test("malformed bodies are 400s that say what is wrong", arguments: [
        ("no delimiter at all", "hello", "no `--b0undary` line"),
        ("delimiter not at a line start", "x--b0undary\r\n\r\nv", "no `--b0undary` line"),
        ("cut short in the body", "--b0undary\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nvalue", "cut short"),
        ("cut short in the headers", "--b0undary\r\nContent-Disposition: form-da", "cut short"),
        ("LF-only lines", "--b0undary\nContent-Disposition: form-data; name=\"a\"\n\nv\n--b0undary--", "CRLF"),
        ("a header line without a colon", "--b0undary\r\nnonsense\r\n\r\nv\r\n--b0undary--", "not `Name: value`"),
        ("a space in a header name", "--b0undary\r\nX A: 1\r\n\r\nv\r\n--b0undary--", "not `Name: value`"),
        ("only a closing delimiter", "--b0undary--\r\n", "no part"),
    ])
    func malformed(_ what: String, _ body: String, _ expected: String) {
        let message = Self.badRequestMessage(Array(body.utf8))
        #expect(message?.contains(expected) == true, "\(what): \(message ?? "accepted")")
    }

    @Test("header blocks and part counts are bounded")
    func bounds() {
        let longHeader = "--b0undary\r\nX-Long: " + String(repeating: "a", count: MultipartForm.maxHeaderBytes) + "\r\n\r\nv\r\n--b0undary--"
        #expect(Self.badRequestMessage(Array(longHeader.utf8))?.contains("over \(MultipartForm.maxHeaderBytes) bytes") == true)
        let manyHeaders = "--b0undary\r\n" + String(repeating: "X-A: 1\r\n", count: MultipartForm.maxHeadersPerPart + 1)
            + "\r\nv\r\n--b0undary--"
        #expect(Self.badRequestMessage(Array(manyHeaders.utf8))?.contains("more than \(MultipartForm.maxHeadersPerPart) headers") == true)
        let part = "--b0undary\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\nv\r\n"
        let manyParts = String(repeating: part, count: MultipartForm.maxParts + 1) + "--b0undary--"
        #expect(Self.badRequestMessage(Array(manyParts.utf8))?.contains("more than \(MultipartForm.maxParts) parts") == true)
    }
}
