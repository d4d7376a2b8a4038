import RetouchCore
import RetouchOps

/// Lanczos3 enlargements of the small photo and a reduction of the large one.
enum ResampleCases {
    static func run(small: Image8, large: Image8, threads: [Int], runs: Int) {
        let cases: [(op: String, image: Image8, width: Int, height: Int)] = [
            ("lanczos3-up2", small, small.width * 2, small.height * 2),
            ("lanczos3-up4", small, small.width * 4, small.height * 4),
            ("lanczos3-down2", large, large.width / 2, large.height / 2),
        ]
        for item in cases {
            for t in threads {
                Timing.measure(item.op, input: "\(item.image.width)x\(item.image.height)",
                               output: "\(item.width)x\(item.height)", threads: t, runs: runs) {
                    _ = Resampler.resize(item.image, width: item.width, height: item.height,
                                         filter: .lanczos3, threads: t)
                }
            }
        }
    }
}
