import Foundation
import Hummingbird
import Logging
import HummingbirdTesting
import RetouchCodecs
import RetouchCore
import RetouchOps
import RetouchPipeline
import Testing
@testable import RetouchServer

/// A server wired as `retouch serve` wires it, on a fresh key database in a scratch folder.
struct TestServer {
    let api: RetouchAPI
    let keys: SQLiteKeyStore
    /// A valid key's full text.
    let key: String
    let directory: String

    init(_ configure: (inout ServerSettings) -> Void = { _ in }) async throws {
        directory = try scratchDirectory()
        keys = try SQLiteKeyStore(path: directory + "/retouch.sqlite")
        key = try await keys.create(name: "tests").key.text
        var settings = ServerSettings()
        settings.workers = 2
        settings.queue = 4
        configure(&settings)
        api = try RetouchAPI(settings: settings, resources: testResources(), keys: keys)
    }

    var application: some ApplicationProtocol {
        Application(router: api.makeRouter().router, logger: quietLogger)
    }

    var auth: HTTPFields { [.authorization: "Bearer \(key)"] }

    /// Runs `body` against the router without sockets.
    func withRouter<T: Sendable>(_ body: @Sendable (any TestClientProtocol) async throws -> T) async throws -> T {
        try await application.test(.router, body)
    }
}

/// Warnings and errors only: a passing run prints no request lines.
let quietLogger: Logger = {
    var logger = Logger(label: "retouch.tests")
    logger.logLevel = .warning
    return logger
}()

func testResources() -> StepResources {
    StepResources(upscalers: Registry(kind: "upscale model", ResamplerUpscalers.all))
}

func scratchDirectory() throws -> String {
    let path = NSTemporaryDirectory() + "retouch-server-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// A small image with colour everywhere, encoded as `format`.
func testImage(width: Int = 24, height: Int = 16, format: ImageFormat = .png, channels: Int = 3) throws -> [UInt8] {
    let buffer = Image8(width: width, height: height, channels: channels) { x, y, c in
        c == 3 ? 200 : UInt8((x * 9 + y * 5 + c * 70) % 256)
    }
    return try ImageEncoder.encode(Image(buffer), as: format)
}

/// A multipart/form-data body, built by hand so the tests do not share the server's parser.
struct MultipartBody {
    let boundary = "retouch-test-\(UUID().uuidString)"
    private(set) var bytes: [UInt8] = []

    mutating func addFile(_ name: String, filename: String, contentType: String = "application/octet-stream", _ data: [UInt8]) {
        append("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"; filename=\"\(filename)\"\r\n"
               + "Content-Type: \(contentType)\r\n\r\n")
        bytes += data
        append("\r\n")
    }

    mutating func addField(_ name: String, _ value: String) {
        append("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n")
    }

    func finished() -> ByteBuffer {
        ByteBuffer(bytes: bytes + Array("--\(boundary)--\r\n".utf8))
    }

    var contentType: String { "multipart/form-data; boundary=\(boundary)" }

    private mutating func append(_ text: String) { bytes += Array(text.utf8) }
}

/// The `{"error": {"code", "message"}}` body every error has.
struct ErrorBody: Decodable {
    struct Detail: Decodable {
        var code: String
        var message: String
    }
    var error: Detail
}

extension TestResponse {
    var bytes: [UInt8] { Array(body.readableBytesView) }

    /// The error body; records a failure (and returns nil) when the body is not the error shape.
    func errorBody(sourceLocation: SourceLocation = #_sourceLocation) -> ErrorBody.Detail? {
        let decoded = try? JSONDecoder().decode(ErrorBody.self, from: Data(bytes))
        #expect(decoded != nil, "not an error body: \(String(decoding: bytes, as: UTF8.self))", sourceLocation: sourceLocation)
        #expect(headers[.contentType]?.hasPrefix("application/json") == true, sourceLocation: sourceLocation)
        return decoded?.error
    }

    func json<T: Decodable>(_ type: T.Type) throws -> T {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode(type, from: Data(bytes))
    }
}
