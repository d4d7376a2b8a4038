import Foundation
import Hummingbird
import Logging
import PostgresNIO
import HummingbirdTesting
import RetouchCodecs
import RetouchCore
import RetouchJobs
import RetouchOps
import RetouchPipeline
import Testing
@testable import RetouchServer

/// Which database a test server uses for jobs and keys.
enum Backend: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite, postgres
    var testDescription: String { rawValue }
}

struct MissingTestDatabase: Error, CustomStringConvertible {
    var description: String {
        "RETOUCH_TEST_POSTGRES_URL is not set, so the PostgreSQL server tests cannot run. Start the test database "
            + "and point the tests at it: export RETOUCH_TEST_POSTGRES_URL=\"$(scripts/postgres.sh)\""
    }
}

func testPostgresURL() throws -> String {
    guard let url = ProcessInfo.processInfo.environment["RETOUCH_TEST_POSTGRES_URL"] else { throw MissingTestDatabase() }
    return url
}

/// A server wired as `retouch serve` wires it, on a fresh database (a new SQLite file, or a new
/// PostgreSQL schema) and blob folder in a scratch directory.
struct TestServer {
    let api: RetouchAPI
    let keys: any KeyStore
    let jobs: JobServices
    /// A valid key's full text.
    let key: String
    let directory: String
    let backend: Backend
    /// The PostgreSQL schema, or the SQLite file, the stores use; workers in other processes open the same.
    let database: String

    init(backend: Backend = .sqlite, detector: TextDetectorModel? = TextDetectorModel(name: "dark-pixels", model: DarkPixels()),
         _ configure: (inout ServerSettings) -> Void = { _ in }) async throws {
        directory = try scratchDirectory()
        self.backend = backend
        let store: any JobStore
        switch backend {
        case .sqlite:
            database = directory + "/retouch.sqlite"
            keys = try SQLiteKeyStore(path: database)
            store = try SQLiteJobStore(path: database)
        case .postgres:
            let url = try testPostgresURL()
            let schema = "server_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
            database = schema
            store = try await PostgresJobStore(url: url, schema: schema)
            keys = try await PostgresKeyStore(url: url, schema: schema)
        }
        jobs = JobServices(store: store, blobs: try DirectoryBlobStore(root: URL(fileURLWithPath: directory + "/blobs")))
        key = try await keys.create(name: "tests").key.text
        var settings = ServerSettings()
        settings.workers = 2
        settings.queue = 4
        configure(&settings)
        api = try RetouchAPI(settings: settings, resources: testResources(), keys: keys, jobs: jobs, detector: detector)
    }

    var application: some ApplicationProtocol {
        Application(router: api.makeRouter().router, logger: quietLogger)
    }

    var auth: HTTPFields { [.authorization: "Bearer \(key)"] }

    /// Runs `body` against the router without sockets.
    func withRouter<T: Sendable>(_ body: @Sendable (any TestClientProtocol) async throws -> T) async throws -> T {
        try await application.test(.router, body)
    }

    /// Closes the stores and, on PostgreSQL, drops the test's schema.
    func close() async throws {
        try await jobs.store.close()
        if let keys = keys as? PostgresKeyStore { keys.close() }
        guard backend == .postgres else { return }
        let client = PostgresClient(configuration: try PostgresURL.configuration(try testPostgresURL(), schema: "public"),
                                    backgroundLogger: PostgresJobStore.quietLogger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            try await client.query("DROP SCHEMA \(unescaped: database) CASCADE")
            group.cancelAll()
        }
    }

    /// A worker on this server's stores, as `retouch worker` runs it.
    func worker(leaseSeconds: Double = 30) throws -> JobWorker {
        var settings = WorkerSettings()
        settings.leaseSeconds = leaseSeconds
        settings.pollSeconds = 0.05
        return try JobWorker(store: jobs.store, blobs: jobs.blobs, resources: testResources(), settings: settings,
                             metrics: api.metrics, logger: quietLogger)
    }
}

/// A stand-in text detector: dark pixels are text. The real one needs model files tests cannot rely on.
struct DarkPixels: ProbabilityMapModel {
    func run(input: [Float], height: Int, width: Int) throws -> [Float] {
        let n = width * height
        return (0..<n).map { p in input[p] < -0.6 && input[n + p] < -0.6 && input[2 * n + p] < -0.6 ? 1 : 0 }
    }
}

/// Warnings and errors only: a passing run prints no request lines.
let quietLogger: Logger = {
    var logger = Logger(label: "retouch.tests")
    logger.logLevel = .warning
    return logger
}()

/// Resamplers (fast) plus the installed text detector and the standard router.
func testResources() -> StepResources {
    let inference = StandardRegistries.inferenceConfigFromEnvironment()
    return StepResources(upscalers: Registry(kind: "upscale model", ResamplerUpscalers.all),
                         textDetector: StandardRegistries.textDetector(inference: inference),
                         overlayProbability: StandardRegistries.overlayProbability)
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
