import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
@testable import RetouchServer

@Suite("The web page's files")
struct WebPageTests {
    /// Resources/web in the source tree, which the binary embeds.
    static let sourceFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Sources/RetouchServer/Resources/web").standardizedFileURL

    @Test("/ and /batch serve the pages without a key: HTML, a CSP, revalidation")
    func pages() async throws {
        let server = try await TestServer()
        try await server.withRouter { client in
            for (path, title) in [("/", "<title>Retouch editor</title>"), ("/batch", "<title>Retouch batch</title>")] {
                try await client.execute(uri: path, method: .get) { response in
                    #expect(response.status == .ok, "\(path)")
                    #expect(response.headers[.contentType] == "text/html; charset=utf-8")
                    #expect(response.headers[.cacheControl] == "no-cache")
                    #expect(response.headers[.eTag] != nil)
                    #expect(response.headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff")
                    let policy = try #require(response.headers[.contentSecurityPolicy])
                    #expect(policy.contains("script-src 'self'") && policy.contains("connect-src 'self'"))
                    #expect(String(buffer: response.body).contains(title))
                }
            }
        }
    }

    @Test("scripts and styles come with their content types, and a matching If-None-Match gets 304")
    func assets() async throws {
        let server = try await TestServer()
        try await server.withRouter { client in
            let expected = ["/web/editor.js": "text/javascript; charset=utf-8", "/web/batch.js": "text/javascript; charset=utf-8",
                            "/web/app.css": "text/css; charset=utf-8"]
            for (path, type) in expected.sorted(by: { $0.key < $1.key }) {
                let etag = try await client.execute(uri: path, method: .get) { response in
                    #expect(response.status == .ok, "\(path)")
                    #expect(response.headers[.contentType] == type, "\(path)")
                    #expect(response.body.readableBytes > 100, "\(path)")
                    return try #require(response.headers[.eTag])
                }
                try await client.execute(uri: path, method: .get, headers: [.ifNoneMatch: "\"other\", \(etag)"]) { response in
                    #expect(response.status == .notModified, "\(path)")
                    #expect(response.body.readableBytes == 0)
                }
                try await client.execute(uri: path, method: .get, headers: [.ifNoneMatch: "\"stale\""]) { response in
                    #expect(response.status == .ok, "\(path)")
                }
            }
        }
    }

    @Test("an unknown file under /web/ is a 404 error, while other paths still need a key")
    func unknownFiles() async throws {
        let server = try await TestServer()
        try await server.withRouter { client in
            for path in ["/web/nope.js", "/web/index.htm", "/web/openapi.yaml"] {
                try await client.execute(uri: path, method: .get) { response in
                    #expect(response.status == .notFound, "\(path)")
                    #expect(response.errorBody()?.code == "not_found")
                }
            }
            try await client.execute(uri: "/batch.html", method: .get) { response in
                #expect(response.status == .unauthorized)
            }
            try await client.execute(uri: "/v1/models", method: .get) { response in
                #expect(response.status == .unauthorized)
            }
        }
    }

    @Test("every file in Resources/web is embedded, and the pages link only to embedded files")
    func everyFileIsEmbedded() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.sourceFolder.path).filter { !$0.hasPrefix(".") }
        #expect(Set(names) == Set(WebAssets.files.keys), "update WebAssets.files when adding or removing a file")
        for (name, asset) in WebAssets.files {
            #expect(asset.bytes == Array(try Data(contentsOf: Self.sourceFolder.appendingPathComponent(name))),
                    "\(name) differs from the source; rebuild")
            let text = String(decoding: asset.bytes, as: UTF8.self)
            for reference in Self.references(in: text) {
                #expect(WebAssets.files[reference] != nil, "\(name) refers to \(reference), which is not embedded")
            }
        }
    }

    /// Files named by `href="web/x"`, `src="web/x"` and `from './x'`.
    static func references(in text: String) -> [String] {
        var found: [String] = []
        for pattern in [#"(?:href|src)="web/([^"]+)""#, #"from '\./([^']+)'"#] {
            let regex = try! NSRegularExpression(pattern: pattern)
            for match in regex.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                if let range = Range(match.range(at: 1), in: text) { found.append(String(text[range])) }
            }
        }
        return found
    }
}
