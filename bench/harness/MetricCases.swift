import RetouchCore
import RetouchOps

/// PSNR and SSIM of the small photo against its Lanczos3 halved-then-doubled copy.
enum MetricCases {
    static func run(small: Image8, runs: Int) throws {
        let half = Resampler.resize(small, width: small.width / 2, height: small.height / 2, filter: .lanczos3)
        let restored = Resampler.resize(half, width: small.width, height: small.height, filter: .lanczos3)
        let size = "\(small.width)x\(small.height)"
        for (op, onY) in [("psnr-rgb", false), ("psnr-y", true)] {
            try Timing.measure(op, input: size, output: size, threads: 1, runs: runs) {
                _ = try Metrics.psnr(small, restored, onY: onY)
            }
        }
        for (op, onY) in [("ssim-rgb", false), ("ssim-y", true)] {
            try Timing.measure(op, input: size, output: size, threads: 1, runs: runs) {
                _ = try Metrics.ssim(small, restored, onY: onY)
            }
        }
    }
}
