import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import RetouchCodecs
import RetouchCore
import Testing
@testable import RetouchServer

@Suite("POST /v1/inpaint")
struct InpaintEndpointTests {
    /// A grey gradient with a black square at (8, 8)-(16, 16): the thing to remove.
    static func photoWithBlot() throws -> [UInt8] {
        let buffer = Image8(width: 32, height: 24, channels: 3) { x, y, _ in
            (8..<16).contains(x) && (8..<16).contains(y) ? 0 : UInt8(120 + x * 2 + y)
        }
        return try ImageEncoder.encode(Image(buffer), as: .png)
    }

    static func decoded(_ bytes: [UInt8]) throws -> Image8 {
        try ImageDecoder.decode(bytes).pixels.eightBit
    }

    /// The darkest pixel inside the blot's square: the blot is 0, a good fill is near the gradient.
    static func darkestInBlot(_ image: Image8) -> UInt8 {
        var darkest: UInt8 = 255
        for y in 8..<16 { for x in 8..<16 { darkest = min(darkest, image[x, y, 0]) } }
        return darkest
    }

    func post(_ server: TestServer, _ form: MultipartBody, query: String = "") async throws -> TestResponse {
        let (body, contentType) = (form.finished(), form.contentType)
        return try await server.withRouter { client in
            var headers = server.auth
            headers[.contentType] = contentType
            return try await client.execute(uri: "/v1/inpaint\(query)", method: .post, headers: headers, body: body)
        }
    }

    @Test("a mask file removes the blot; the size and format are kept; headers name the engine and regions")
    func maskFile() async throws {
        let server = try await TestServer()
        let mask = Image8(width: 16, height: 12, channels: 1) { x, y, _ in (4..<8).contains(x) && (4..<8).contains(y) ? 255 : 0 }
        var form = MultipartBody()
        form.addFile("image_file", filename: "photo.png", try Self.photoWithBlot())
        // Half the image's size: resized nearest-neighbour onto it.
        form.addFile("mask_file", filename: "mask.png", try ImageEncoder.encode(Image(mask), as: .png))
        let response = try await post(server, form, query: "?engine=diffuse")
        #expect(response.status == .ok)
        #expect(response.headers[.contentType] == "image/png")
        #expect(response.headers[RetouchAPI.modelHeader] == "diffuse")
        #expect(response.headers[RetouchAPI.regionsHeader] == "1")
        let result = try Self.decoded(response.bytes)
        #expect(result.width == 32 && result.height == 24)
        #expect(Self.darkestInBlot(result) > 100)
        #expect(result[0, 0, 0] == 120, "pixels outside the mask are untouched")
    }

    @Test("boxes JSON works like a mask; a colour hint fills flat")
    func boxes() async throws {
        let server = try await TestServer()
        var form = MultipartBody()
        form.addFile("image_file", filename: "photo.png", try Self.photoWithBlot())
        form.addField("boxes", #"[{"box": [8, 8, 8, 8]}]"#)
        form.addField("hint", "color=#C8C8C8")
        form.addField("dilate", "0")
        let response = try await post(server, form)
        #expect(response.status == .ok)
        let result = try Self.decoded(response.bytes)
        #expect(result[11, 11, 0] == 200 && result[12, 12, 2] == 200)
    }

    @Test("no mask, both kinds, bad boxes, an unknown engine: 400 naming the problem", arguments: [
        ([String: String](), false, "boxes"),
        (["boxes": #"[{"box": [1, 1, 2, 2]}]"#], true, "not both"),
        (["boxes": "[{"], false, "JSON"),
        (["boxes": #"[{"box": [100, 100, 5, 5]}]"#], false, "outside"),
        (["boxes": #"[{"box": [1, 1, 2, 2]}]"#, "engine": "magic"], false, "magic"),
        (["boxes": #"[{"box": [1, 1, 2, 2]}]"#, "hint": "sparkle"], false, "sparkle"),
    ])
    func refused(fields: [String: String], withMask: Bool, mentioned: String) async throws {
        let server = try await TestServer()
        var form = MultipartBody()
        form.addFile("image_file", filename: "photo.png", try Self.photoWithBlot())
        if withMask { form.addFile("mask_file", filename: "m.png", try Self.photoWithBlot()) }
        for (name, value) in fields.sorted(by: { $0.key < $1.key }) { form.addField(name, value) }
        let response = try await post(server, form)
        #expect(response.status == .badRequest)
        #expect(response.errorBody()?.message.contains(mentioned) == true, "\(response.errorBody()?.message ?? "")")
    }
}
