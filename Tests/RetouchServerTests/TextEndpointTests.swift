import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import RetouchCodecs
import RetouchCore
import RetouchOps
import Testing
@testable import RetouchServer

@Suite("POST /v1/detect and POST /v1/erase-text")
struct TextEndpointTests {
    /// Light grey with two dark bars, the shape of a caption line and a date stamp.
    static let bars = [Rect(x: 30, y: 40, width: 90, height: 10), Rect(x: 140, y: 90, width: 40, height: 8)]

    static func captioned() throws -> [UInt8] {
        let image = Image8(width: 200, height: 120, channels: 3) { x, y, _ in
            bars.contains { x >= $0.x && x < $0.maxX && y >= $0.y && y < $0.maxY } ? 10 : 220
        }
        return try ImageEncoder.encode(Image(image), as: .png)
    }

    static func plain() throws -> [UInt8] {
        try ImageEncoder.encode(Image(Image8(width: 64, height: 48, channels: 3) { _, _, _ in 220 }), as: .png)
    }

    func post(_ server: TestServer, _ path: String, _ image: [UInt8]) async throws -> TestResponse {
        try await server.withRouter { client in
            var headers = server.auth
            headers[.contentType] = "image/png"
            return try await client.execute(uri: path, method: .post, headers: headers, body: ByteBuffer(bytes: image))
        }
    }

    @Test("detect returns a region around each bar, in image pixels")
    func detect() async throws {
        let server = try await TestServer()
        let response = try await post(server, "/v1/detect", try Self.captioned())
        #expect(response.status == .ok)
        struct Report: Decodable {
            struct Region: Decodable { var box: [Int]; var score: Double; var polygon: [[Double]] }
            var width: Int
            var height: Int
            var model: String
            var overlayProbability: Double
            var textCoverage: Double
            var regions: [Region]
        }
        let report = try response.json(Report.self)
        #expect(report.width == 200 && report.height == 120 && report.model == "DarkPixels")
        #expect(report.overlayProbability > 0.5 && report.textCoverage > 0)
        #expect(report.regions.count == 2)
        for bar in Self.bars {
            let hit = report.regions.contains { region in
                let box = Rect(x: region.box[0], y: region.box[1], width: region.box[2], height: region.box[3])
                return box.contains(bar.insetBy(2)) && region.score > 0.5
            }
            #expect(hit, "no region covers \(bar): \(report.regions.map(\.box))")
        }
    }

    @Test("detect with include_mask returns the mask erase-text would fill, as a PNG the size of the image")
    func detectMask() async throws {
        let server = try await TestServer()
        struct Report: Decodable { var maskPng: String? }
        let plain = try await post(server, "/v1/detect", try Self.captioned())
        #expect(try plain.json(Report.self).maskPng == nil)
        let response = try await post(server, "/v1/detect?include_mask=true", try Self.captioned())
        #expect(response.status == .ok)
        let encoded = try #require(try response.json(Report.self).maskPng)
        let mask = try ImageDecoder.decode(Array(try #require(Data(base64Encoded: encoded)))).pixels.eightBit
        #expect(mask.width == 200 && mask.height == 120)
        for bar in Self.bars {
            #expect(mask[bar.x + bar.width / 2, bar.y + bar.height / 2, 0] == 255, "bar \(bar) is not in the mask")
        }
        #expect(mask[5, 5, 0] == 0 && mask[190, 110, 0] == 0, "pixels far from the bars are in the mask")
    }

    @Test("erase-text removes the bars (route cleaned) and leaves a clean image alone (route direct)")
    func erase() async throws {
        let server = try await TestServer()
        let cleaned = try await post(server, "/v1/erase-text?engine=diffuse", try Self.captioned())
        #expect(cleaned.status == .ok)
        #expect(cleaned.headers[RetouchAPI.routeHeader] == "cleaned")
        #expect(cleaned.headers[RetouchAPI.regionsHeader] == "2")
        #expect(cleaned.headers[RetouchAPI.modelHeader] == "DarkPixels+diffuse")
        #expect(Double(cleaned.headers[RetouchAPI.overlayHeader] ?? "") ?? 0 > 0.5)
        let image = try ImageDecoder.decode(cleaned.bytes).pixels.eightBit
        #expect(image.width == 200 && image.height == 120)
        for bar in Self.bars {
            #expect(image[bar.x + bar.width / 2, bar.y + bar.height / 2, 0] > 150, "bar at \(bar) is still dark")
        }
        let untouched = try await post(server, "/v1/erase-text", try Self.plain())
        #expect(untouched.status == .ok)
        #expect(untouched.headers[RetouchAPI.routeHeader] == "direct")
        #expect(untouched.headers[RetouchAPI.regionsHeader] == "0")
        let p = try #require(untouched.headers[RetouchAPI.overlayHeader].flatMap(Double.init))
        #expect(p < OverlayRouter.threshold, "a photo without text scored p(overlay) \(p)")
    }

    @Test("without an installed detector both endpoints answer 503 model_missing saying what to do")
    func missingModel() async throws {
        let server = try await TestServer(textDetector: nil)
        for path in ["/v1/detect", "/v1/erase-text"] {
            let response = try await post(server, path, try Self.plain())
            #expect(response.status == .serviceUnavailable)
            #expect(response.errorBody()?.code == "model_missing")
            #expect(response.errorBody()?.message.contains("install_models") == true)
        }
    }
}

extension Rect {
    func insetBy(_ d: Int) -> Rect { Rect(x: x + d, y: y + d, width: width - 2 * d, height: height - 2 * d) }
}
