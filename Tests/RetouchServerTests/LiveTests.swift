import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import RetouchCodecs
import Testing
@testable import RetouchServer

@Suite("End to end over loopback")
struct LiveTests {
    @Test("upscale, auth refusal, error JSON and health over a real socket")
    func overLoopback() async throws {
        let server = try await TestServer()
        var form = MultipartBody()
        form.addFile("image_file", filename: "a.png", try testImage(width: 30, height: 20))
        form.addField("scale", "4")
        let (body, contentType) = (form.finished(), form.contentType)
        try await server.application.test(.live) { client in
            try await client.execute(uri: "/healthz", method: .get) { #expect($0.status == .ok) }
            try await client.execute(uri: "/v1/models", method: .get) { response in
                #expect(response.status == .unauthorized)
                #expect(response.errorBody()?.code == "unauthorized")
            }
            var headers = server.auth
            headers[.contentType] = contentType
            try await client.execute(uri: "/v1/upscale", method: .post, headers: headers, body: body) { response in
                #expect(response.status == .ok)
                let info = try ImageDecoder.probe(response.bytes)
                #expect(info.width == 120 && info.height == 80)
            }
        }
    }
}
