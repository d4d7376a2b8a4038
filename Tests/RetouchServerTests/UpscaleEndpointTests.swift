import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import RetouchCodecs
import RetouchOps
import Testing
@testable import RetouchServer

@Suite("POST /v1/upscale and GET /v1/models through the router")
struct UpscaleEndpointTests {
    @Test("a raw PNG body with query options comes back enlarged, as PNG, with the headers")
    func rawBody() async throws {
        let server = try await TestServer()
        let png = try testImage(width: 24, height: 16)
        try await server.withRouter { client in
            var headers = server.auth
            headers[.contentType] = "image/png"
            try await client.execute(uri: "/v1/upscale?scale=3&model=bicubic", method: .post, headers: headers,
                                     body: ByteBuffer(bytes: png)) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "image/png")
                #expect(response.headers[HTTPField.Name("X-Retouch-Model")!] == "bicubic")
                #expect(response.headers[HTTPField.Name("X-Retouch-Scale")!] == "3")
                #expect(Double(response.headers[HTTPField.Name("X-Retouch-Seconds")!] ?? "") != nil)
                #expect(response.headers[HTTPField.Name("X-Request-Id")!]?.isEmpty == false)
                let info = try ImageDecoder.probe(response.bytes)
                #expect(info.format == .png)
                #expect(info.width == 72 && info.height == 48)
            }
        }
    }

    @Test("multipart with image_file and fields; format converts; the default model is lanczos3")
    func multipart() async throws {
        let server = try await TestServer()
        var form = MultipartBody()
        form.addFile("image_file", filename: "photo.jpg", contentType: "image/jpeg", try testImage(format: .jpeg))
        form.addField("format", "webp")
        form.addField("quality", "80")
        let (body, contentType) = (form.finished(), form.contentType)
        try await server.withRouter { client in
            var headers = server.auth
            headers[.contentType] = contentType
            try await client.execute(uri: "/v1/upscale", method: .post, headers: headers, body: body) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "image/webp")
                #expect(response.headers[HTTPField.Name("X-Retouch-Model")!] == "lanczos3")
                let info = try ImageDecoder.probe(response.bytes)
                #expect(info.format == .webp && info.width == 48 && info.height == 32)
            }
        }
    }

    @Test("bad options are 400 with a message naming the option", arguments: [
        ("scale=5", "scale"), ("model=nope", "nope"), ("colour=red", "colour"), ("format=gif", "format"),
        ("quality=0", "quality"), ("keep_metadata=maybe", "keep_metadata"),
    ])
    func badOptions(query: String, mentioned: String) async throws {
        let server = try await TestServer()
        let png = try testImage()
        try await server.withRouter { client in
            var headers = server.auth
            headers[.contentType] = "image/png"
            try await client.execute(uri: "/v1/upscale?\(query)", method: .post, headers: headers,
                                     body: ByteBuffer(bytes: png)) { response in
                #expect(response.status == .badRequest)
                let error = response.errorBody()
                #expect(error?.code == "invalid_argument")
                #expect(error?.message.contains(mentioned) == true, "\(error?.message ?? "")")
            }
        }
    }

    @Test("an option given both as field and query is refused")
    func duplicateOption() async throws {
        let server = try await TestServer()
        var form = MultipartBody()
        form.addFile("image_file", filename: "a.png", try testImage())
        form.addField("scale", "2")
        let (body, contentType) = (form.finished(), form.contentType)
        try await server.withRouter { client in
            var headers = server.auth
            headers[.contentType] = contentType
            try await client.execute(uri: "/v1/upscale?scale=3", method: .post, headers: headers,
                                     body: body) { response in
                #expect(response.status == .badRequest)
                #expect(response.errorBody()?.message.contains("twice") == true)
            }
        }
    }

    @Test("bad bodies: not an image 415, damaged image 422, empty 400, JSON 415, multipart without image 400")
    func badBodies() async throws {
        let server = try await TestServer()
        let png = try testImage()
        var noImage = MultipartBody()
        noImage.addField("scale", "2")
        let cases: [(String, [UInt8], HTTPResponse.Status)] = [
            ("image/png", Array("hello, this is text".utf8), .unsupportedMediaType),
            ("image/png", Array(png.prefix(png.count / 2)), .unprocessableContent),
            ("image/png", [], .badRequest),
            ("application/json", Array("{}".utf8), .unsupportedMediaType),
            (noImage.contentType, Array(noImage.finished().readableBytesView), .badRequest),
        ]
        try await server.withRouter { client in
            for (contentType, body, status) in cases {
                var headers = server.auth
                headers[.contentType] = contentType
                try await client.execute(uri: "/v1/upscale", method: .post, headers: headers,
                                         body: ByteBuffer(bytes: body)) { response in
                    #expect(response.status == status, "\(contentType) \(body.count) bytes")
                    #expect(response.errorBody() != nil)
                }
            }
        }
    }

    @Test("GET /v1/models lists every registered upscaler with its scales and availability")
    func models() async throws {
        let server = try await TestServer()
        struct Models: Decodable {
            struct Entry: Decodable {
                struct Detector: Decodable { var name: String; var available: Bool }
                var name: String; var scales: [Int]; var available: Bool; var family: String
            }
            struct Engine: Decodable { var name: String; var summary: String }
            var upscalers: [Entry]
            var inpaintEngines: [Engine]
            var textDetectors: [Entry.Detector]
        }
        try await server.withRouter { client in
            try await client.execute(uri: "/v1/models", method: .get, headers: server.auth) { response in
                #expect(response.status == .ok)
                let models = try response.json(Models.self)
                #expect(models.upscalers.map(\.name) == testResources().upscalers.names)
                #expect(models.upscalers.allSatisfy { $0.available && $0.scales == [2, 3, 4] && $0.family == "resampler" })
                #expect(models.inpaintEngines.map(\.name) == InpaintEngines.registry.names)
                #expect(models.textDetectors.map(\.name) == ["dark-pixels"] && models.textDetectors[0].available)
            }
        }
    }

    @Test("an unknown route is a JSON 404")
    func unknownRoute() async throws {
        let server = try await TestServer()
        try await server.withRouter { client in
            try await client.execute(uri: "/v1/nothing", method: .get, headers: server.auth) { response in
                #expect(response.status == .notFound)
                #expect(response.errorBody()?.code == "not_found")
            }
        }
    }
}
