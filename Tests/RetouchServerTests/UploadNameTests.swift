import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import RetouchCodecs
import Testing
@testable import RetouchServer

/// Upload file names are the client's to choose: they name results, never paths.
@Suite("Upload file names with folders and control characters")
struct UploadNameTests {
    @Test("folders are dropped, dot names replaced, control characters made visible", arguments: [
        ("../../etc/passwd.png", "passwd.png"),
        ("..\\..\\Windows\\photo.jpg", "photo.jpg"),
        ("..", "image-3"),
        ("../.", "image-3"),
        ("/", "image-3"),
        ("red\u{1B}[31m\r\nline.png", "red?[31m??line.png"),
        ("nul\u{0}byte.png", "nul?byte.png"),
        ("ünïcödé.png", "ünïcödé.png"),
    ])
    func displayNames(filename: String, expected: String) {
        #expect(RetouchAPI.displayName(filename, index: 3) == expected)
    }

    @Test("a job whose files are named to climb out of the server's folders is processed in place")
    func hostileNamesInAJob() async throws {
        let server = try await TestServer()
        let escape = "../../../../../../tmp/retouch-escape-\(UUID().uuidString).png"
        var form = MultipartBody()
        form.addFile("image_file", filename: escape, try testImage(width: 20, height: 12))
        form.addFile("image_file", filename: "..", try testImage(width: 8, height: 8))
        form.addFile("image_file", filename: "tab\there\u{1B}.png", try testImage(width: 6, height: 4))
        form.addField("config_json", #"{"steps": ["decode", "upscale", "encode"], "upscale": {"scale": 2}}"#)
        let body = form.finished()
        let headers: HTTPFields = [.authorization: "Bearer \(server.key)", .contentType: form.contentType]
        try await server.withRouter { client in
            let created = try await client.execute(uri: "/v1/jobs", method: .post, headers: headers, body: body)
            #expect(created.status == .accepted)
            let job = try created.json(JobJSON.self)
            #expect(job.items?.map(\.name) == [String(escape.split(separator: "/").last!), "image-1", "tab?here?.png"])
            let done = try await withWorker(try server.worker()) { try await server.waitForFinal(client, job.id) }
            #expect(done.state == "succeeded")
            #expect(done.items?.map { $0.result?.width } == [40, 16, 12])
        }
        #expect(!FileManager.default.fileExists(atPath: "/tmp/" + String(escape.split(separator: "/").last!)))
        try await server.close()
    }
}
