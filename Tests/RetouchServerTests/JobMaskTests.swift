import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import RetouchCodecs
import RetouchCore
import RetouchJobs
import Testing
@testable import RetouchServer

@Suite("Jobs with masks, and blobs left behind")
struct JobMaskTests {
    static let inpaintOnly = #"{"steps": ["decode", "inpaint", "encode"], "output": {"format": "png"}}"#

    /// A white square on black, where the mask removes.
    static func mask(width: Int = 24, height: Int = 16) throws -> [UInt8] {
        let buffer = Image8(width: width, height: height, channels: 1) { x, y, _ in
            (4..<10).contains(x) && (4..<10).contains(y) ? 255 : 0
        }
        return try ImageEncoder.encode(Image(buffer), as: .png)
    }

    struct Part {
        var field: String
        var filename: String
        var bytes: [UInt8]
    }

    func post(_ server: TestServer, _ client: any TestClientProtocol, _ parts: [Part],
              fields: [String: String] = ["config_json": inpaintOnly], idempotencyKey: String? = nil) async throws -> TestResponse {
        var form = MultipartBody()
        for part in parts { form.addFile(part.field, filename: part.filename, part.bytes) }
        for (name, value) in fields.sorted(by: { $0.key < $1.key }) { form.addField(name, value) }
        var headers = server.auth
        headers[.contentType] = form.contentType
        if let idempotencyKey { headers[RetouchAPI.idempotencyHeader] = idempotencyKey }
        return try await client.execute(uri: "/v1/jobs", method: .post, headers: headers, body: form.finished())
    }

    /// Runs the job to the end and returns it with each item's result bytes.
    func run(_ server: TestServer, _ client: any TestClientProtocol, _ response: TestResponse) async throws -> (JobJSON, [[UInt8]]) {
        #expect(response.status == .accepted, "\(String(buffer: response.body))")
        let id = try response.json(JobJSON.self).id
        let done = try await withWorker(try server.worker()) { try await server.waitForFinal(client, id) }
        var results: [[UInt8]] = []
        for item in done.items ?? [] {
            results.append(try await client.execute(uri: "/v1/jobs/\(id)/results/\(item.index)", method: .get,
                                                    headers: server.auth).bytes)
        }
        return (done, results)
    }

    /// How many pixels differ between two encodings of same-sized images.
    static func changedPixels(_ a: [UInt8], _ b: [UInt8]) throws -> Int {
        let x = try ImageDecoder.decode(a).pixels.eightBit, y = try ImageDecoder.decode(b).pixels.eightBit
        return (0..<(x.width * x.height)).filter { p in
            (0..<3).contains { c in x.samples[p * x.channels + c] != y.samples[p * y.channels + c] }
        }.count
    }

    @Test("mask_file parts paired by name: only the named image is inpainted, under its mask", arguments: Backend.allCases)
    func masksByName(backend: Backend) async throws {
        let server = try await TestServer(backend: backend)
        let image = try testImage()
        try await server.withRouter { client in
            let response = try await post(server, client, [Part(field: "image_file", filename: "a.png", bytes: image),
                                                           Part(field: "image_file", filename: "b.png", bytes: image),
                                                           Part(field: "mask_file", filename: "b_mask.png", bytes: try Self.mask())])
            let (done, results) = try await run(server, client, response)
            #expect(done.state == "succeeded")
            let items = try #require(done.items)
            #expect(items.map(\.hasMask) == [false, true])
            #expect(items[1].result?.notes?.contains { $0.contains("masked region") } == true, "\(items[1])")
            #expect(try Self.changedPixels(results[0], image) == 0, "no mask, nothing removed")
            let changed = try Self.changedPixels(results[1], image)
            #expect(changed > 0 && changed < 24 * 16 / 2, "the masked square and its border are filled, not the rest: \(changed)")
        }
        try await server.close()
    }

    @Test("masks by order, and boxes for every image or one list per image")
    func masksByOrderAndBoxes() async throws {
        let server = try await TestServer()
        let image = try testImage()
        try await server.withRouter { client in
            let byOrder = try await post(server, client, [Part(field: "image_file", filename: "a.png", bytes: image),
                                                          Part(field: "image_file", filename: "b.png", bytes: image),
                                                          Part(field: "mask_file", filename: "m1.png", bytes: try Self.mask()),
                                                          Part(field: "mask_file", filename: "m2.png", bytes: try Self.mask())])
            let (ordered, _) = try await run(server, client, byOrder)
            #expect(ordered.items?.map(\.hasMask) == [true, true])

            let twoImages = [Part(field: "image_file", filename: "a.png", bytes: image),
                             Part(field: "image_file", filename: "b.png", bytes: image)]
            var fields = ["config_json": Self.inpaintOnly, "boxes": #"[{"box": [4, 4, 6, 6]}]"#]
            let (shared, sharedResults) = try await run(server, client, try await post(server, client, twoImages, fields: fields))
            #expect(shared.items?.map(\.hasMask) == [true, true])
            #expect(try Self.changedPixels(sharedResults[0], image) > 0)

            fields["boxes"] = #"[null, [{"box": [4, 4, 6, 6]}]]"#
            let (perImage, perImageResults) = try await run(server, client, try await post(server, client, twoImages, fields: fields))
            #expect(perImage.items?.map(\.hasMask) == [false, true])
            #expect(try Self.changedPixels(perImageResults[0], image) == 0)
            #expect(try Self.changedPixels(perImageResults[1], image) > 0)
        }
        try await server.close()
    }

    @Test("bad masks are refused at submission with a message naming the problem")
    func badMasks() async throws {
        let server = try await TestServer()
        let image = try testImage()
        let a = Part(field: "image_file", filename: "a.png", bytes: image)
        let b = Part(field: "image_file", filename: "b.png", bytes: image)
        let mask = Part(field: "mask_file", filename: "m.png", bytes: try Self.mask())
        let cases: [([Part], [String: String], HTTPResponse.Status, String)] = [
            ([a, b, mask], ["config_json": Self.inpaintOnly], .badRequest, "1 mask_file part(s) for 2 image(s)"),
            ([a, mask], ["config_json": Self.inpaintOnly, "boxes": #"[{"box": [1, 1, 2, 2]}]"#], .badRequest, "not both"),
            ([a, b], ["config_json": Self.inpaintOnly, "boxes": #"[[{"box": [1, 1, 2, 2]}]]"#], .badRequest, "1 lists for 2 image(s)"),
            ([a], ["config_json": Self.inpaintOnly, "boxes": #"[{"box": [500, 500, 2, 2]}]"#], .badRequest, "outside"),
            ([a, Part(field: "mask_file", filename: "m.png", bytes: Array("no image".utf8))], ["config_json": Self.inpaintOnly],
             .unsupportedMediaType, "mask of image 0"),
            ([a, mask], ["config_json": #"{"steps": ["decode", "upscale", "encode"]}"#], .badRequest, "no inpaint step"),
        ]
        try await server.withRouter { client in
            for (parts, fields, status, text) in cases {
                let response = try await post(server, client, parts, fields: fields)
                #expect(response.status == status, "\(text): \(String(buffer: response.body))")
                #expect(response.errorBody()?.message.contains(text) == true, "\(text): \(String(buffer: response.body))")
            }
        }
        #expect(try await server.jobs.store.counts().byState.values.reduce(0, +) == 0, "no job was queued")
        try await server.close()
    }

    @Test("uploads of a job that was refused after they were stored are swept once past the grace period; the job's are kept")
    func orphanedUploadsSwept() async throws {
        let server = try await TestServer()
        let first = try testImage(width: 20, height: 10), second = try testImage(width: 10, height: 20)
        try await server.withRouter { client in
            let created = try await post(server, client, [Part(field: "image_file", filename: "a.png", bytes: first)],
                                         fields: [:], idempotencyKey: "k1")
            #expect(created.status == .accepted)
            // Same key, other image: refused with 409 after the image was stored.
            let refused = try await post(server, client, [Part(field: "image_file", filename: "a.png", bytes: second)],
                                         fields: [:], idempotencyKey: "k1")
            #expect(refused.status == .conflict)
        }
        let orphan = try await server.jobs.blobs.put(Data(second))
        let kept = try await server.jobs.blobs.put(Data(first))
        let purger = RetentionPurger(store: server.jobs.store, blobs: server.jobs.blobs, graceSeconds: 3600, logger: quietLogger)
        #expect(await purger.sweepOnce()?.deleted == 0, "within the grace period nothing goes")
        let report = try #require(await purger.sweepOnce(now: Date().addingTimeInterval(7200)))
        #expect(report.deleted == 1)
        #expect(try await !server.jobs.blobs.exists(orphan))
        #expect(try await server.jobs.blobs.exists(kept))
        try await server.close()
    }
}
