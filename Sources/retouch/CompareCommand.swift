import Foundation
import ArgumentParser
import RetouchCodecs
import RetouchCore

struct Compare: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print PSNR and SSIM between two images of the same size.",
        discussion: "With --y both are measured on BT.601 luma, as super-resolution papers do; --crop ignores a border. Identical images have infinite PSNR (JSON: null, identical: true).")

    @Argument(help: "Reference image.") var reference: String
    @Argument(help: "Image to measure.") var candidate: String
    @Flag(name: .long, help: "Measure on the Y (luma) channel only.") var y = false
    @Option(name: .long, help: "Pixels to ignore at each border.") var crop: Int = 0
    @Flag(name: .long, help: "Print JSON.") var json = false
    @OptionGroup var inputOptions: InputOptions

    func validate() throws {
        guard crop >= 0 else { throw ValidationError("--crop must be 0 or more") }
    }

    func run() async throws {
        let a = try ImageFile.read(reference, options: inputOptions.decodeOptions).pixels.eightBit
        let b = try ImageFile.read(candidate, options: inputOptions.decodeOptions).pixels.eightBit
        let psnr = try Metrics.psnr(a, b, onY: y, crop: crop)
        let ssim = try Metrics.ssim(a, b, onY: y, crop: crop)
        if json {
            try printJSON(CompareReport(psnr: psnr.isFinite ? psnr : nil, ssim: ssim, identical: !psnr.isFinite))
        } else {
            print("PSNR \(psnr.isFinite ? String(format: "%.4f dB", psnr) : "inf")  SSIM \(String(format: "%.6f", ssim))")
        }
    }
}

struct CompareReport: Codable {
    var psnr: Double?
    var ssim: Double
    var identical: Bool
}
