import Foundation
import HTTPTypes
import Hummingbird
import RetouchCodecs
import RetouchCore
import RetouchOps

/// The synchronous image endpoints: the request holds a slot of the work limiter from before its
/// body is read until its result is ready, and every byte of image work runs on the limiter's pool.
extension RetouchAPI {
    static let modelHeader = HTTPField.Name("X-Retouch-Model")!
    static let secondsHeader = HTTPField.Name("X-Retouch-Seconds")!
    static let routeHeader = HTTPField.Name("X-Retouch-Route")!
    static let scaleHeader = HTTPField.Name("X-Retouch-Scale")!
    static let widthHeader = HTTPField.Name("X-Retouch-Width")!
    static let heightHeader = HTTPField.Name("X-Retouch-Height")!

    func addImageRoutes(_ routes: RouteRecorder) {
        routes.on(.post, "/v1/upscale") { [self] request, _ in
            try await imageRequest(request) { input in try self.upscale(input) }
        }
        addInpaintRoute(routes)
    }

    /// Admission, body, then `work` on the pool; the result becomes the response.
    func imageRequest(_ request: Request,
                      _ work: @escaping @Sendable (RequestInput) throws -> ImageResult) async throws -> Response {
        let query = Self.queryPairs(request)
        let contentType = request.headers[.contentType]
        do {
            return try await limiter.withSlot {
                let body = try await collectBody(request)
                let result = try await limiter.run {
                    try work(try RequestInput.parse(body: body, contentType: contentType, query: query))
                }
                for (step, seconds) in result.steps { metrics.stepFinished(step, seconds: seconds) }
                return result.response()
            }
        } catch let error as APIError where error.status == .tooManyRequests {
            metrics.rejectedOverload()
            throw error
        }
    }

    /// `POST /v1/upscale`: options `model` (default lanczos3), `scale` (2-4), `format`, `quality`,
    /// `keep_metadata`.
    func upscale(_ input: RequestInput) throws -> ImageResult {
        var options = RequestOptions(input.fields)
        let upscaler = try resources.upscalers.lookup(options.string("model", default: "lanczos3"))
        let scale = try options.int("scale", default: 2, in: 2...4)
        let output = try OutputChoice(&options)
        let keepMetadata = try options.bool("keep_metadata", default: false)
        try options.rejectUnknown()
        guard upscaler.scales.contains(scale) else {
            throw APIError.badRequest("model \(upscaler.name) upscales by \(upscaler.scales.map(String.init).joined(separator: ", ")), not \(scale)")
        }

        var timer = StepTimer()
        let (info, image) = try decodeSingleImage(input, scale: scale, keepMetadata: keepMetadata)
        timer.lap("decode")
        let context = OperationContext(threads: settings.threadsPerImage)
        let pixels = try upscaler.upscale(image.pixels, scale: scale, context: context)
        timer.lap("upscale")
        let result = Image(pixels, metadata: image.metadata)
        let format = output.format(for: info.format)
        let bytes = try ImageEncoder.encode(result, as: format,
                                            options: EncodeOptions(quality: output.quality, keepMetadata: keepMetadata))
        timer.lap("encode")
        return ImageResult(bytes: bytes, format: format, size: result.size, steps: timer.laps,
                           headers: [Self.modelHeader: upscaler.name, Self.scaleHeader: String(scale)])
    }

    /// The request's one image: its header checked against the pixel limits, then decoded.
    func decodeSingleImage(_ input: RequestInput, scale: Int = 1, keepMetadata: Bool = false) throws -> (info: ImageInfo, image: Image) {
        let file = try input.singleImage()
        let info = try checkedProbe(file.bytes, scale: scale)
        let image = try ImageDecoder.decode(file.bytes, options: DecodeOptions(maxPixels: settings.maxPixels,
                                                                               keepMetadata: keepMetadata))
        return (info, image)
    }

    /// Reads the header and refuses images over the pixel limits before any pixel memory exists.
    func checkedProbe(_ bytes: [UInt8], scale: Int = 1) throws -> ImageInfo {
        let info = try ImageDecoder.probe(bytes)
        guard info.pixelCount <= settings.maxPixels else {
            throw APIError(.contentTooLarge, "image_too_large",
                           "the image is \(info.width)x\(info.height) (\(info.pixelCount) pixels), over this server's "
                           + "limit of \(settings.maxPixels) pixels; send a smaller image")
        }
        let output = info.pixelCount * scale * scale
        guard output <= settings.maxOutputPixels else {
            throw APIError(.contentTooLarge, "image_too_large",
                           "a \(scale)x result would be \(info.width * scale)x\(info.height * scale) (\(output) pixels), "
                           + "over this server's output limit of \(settings.maxOutputPixels) pixels; use a smaller scale or image")
        }
        return info
    }
}

/// An image endpoint's output and what to say about it in headers.
struct ImageResult: Sendable {
    var bytes: [UInt8]
    var format: ImageFormat
    var size: Size
    /// Seconds per step, for the metrics and `X-Retouch-Seconds`.
    var steps: [(String, Double)]
    var headers: HTTPFields

    func response() -> Response {
        var headers = self.headers
        headers[.contentType] = format.mimeType
        headers[RetouchAPI.secondsHeader] = String(format: "%.4f", steps.map(\.1).reduce(0, +))
        headers[RetouchAPI.widthHeader] = String(size.width)
        headers[RetouchAPI.heightHeader] = String(size.height)
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}

/// Wall time between laps, named by the step that just ended.
struct StepTimer {
    private var last = ContinuousClock.now
    private(set) var laps: [(String, Double)] = []

    mutating func lap(_ step: String) {
        let now = ContinuousClock.now
        let elapsed = now - last
        laps.append((step, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18))
        last = now
    }
}
