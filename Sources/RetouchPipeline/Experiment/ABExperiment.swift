import Foundation
import RetouchCore

/// Compares the two pipeline orders on a reproducible sample of a batch.
public enum ABExperiment {
    /// Picks `size` entries with a seeded shuffle, so the same seed always picks the same images.
    public static func sample(_ entries: [BatchEntry], size: Int, seed: UInt64) -> [BatchEntry] {
        var rng = SplitMix64(seed: seed)
        var pool = entries
        for i in stride(from: pool.count - 1, to: 0, by: -1) {
            pool.swapAt(i, Int(rng.next() % UInt64(i + 1)))
        }
        return Array(pool.prefix(size)).sorted { $0.relativePath < $1.relativePath }
    }

    /// Splits a sample into two halves for the two arms (alternating, so both get a similar mix).
    public static func split(_ sample: [BatchEntry]) -> (a: [BatchEntry], b: [BatchEntry]) {
        (sample.enumerated().filter { $0.offset % 2 == 0 }.map(\.element),
         sample.enumerated().filter { $0.offset % 2 == 1 }.map(\.element))
    }
}

/// One arm of the experiment: an order and how it did.
public struct ABArm: Codable, Sendable {
    public var order: String
    public var summary: BatchSummary
    /// Mean PSNR/SSIM against clean references, where references exist.
    public var meanPSNR: Double?
    public var meanSSIM: Double?
    public var referenced: Int
    public var images: [ImageRecord]

    public init(order: String, summary: BatchSummary, meanPSNR: Double?, meanSSIM: Double?,
                referenced: Int, images: [ImageRecord]) {
        self.order = order; self.summary = summary; self.meanPSNR = meanPSNR; self.meanSSIM = meanSSIM
        self.referenced = referenced; self.images = images
    }
}

/// A measure on which one arm beat the other, and by how much.
public struct ABVerdict: Codable, Sendable {
    public var measure: String
    public var winner: String
    public var a: Double
    public var b: Double
    /// Relative difference of the winner over the loser, e.g. 0.12 = 12% better.
    public var margin: Double
}

public struct ABReport: Codable, Sendable {
    public var sampleSize: Int
    public var seed: UInt64
    public var bothOrdersOnEveryImage: Bool
    public var a: ABArm
    public var b: ABArm
    public var verdicts: [ABVerdict]

    public init(sampleSize: Int, seed: UInt64, bothOrdersOnEveryImage: Bool, a: ABArm, b: ABArm) {
        self.sampleSize = sampleSize
        self.seed = seed
        self.bothOrdersOnEveryImage = bothOrdersOnEveryImage
        self.a = a
        self.b = b
        var verdicts: [ABVerdict] = []
        func compare(_ measure: String, _ va: Double?, _ vb: Double?, higherIsBetter: Bool) {
            guard let va, let vb, va.isFinite, vb.isFinite else { return }
            let aWins = higherIsBetter ? va >= vb : va <= vb
            let (best, worst) = aWins ? (va, vb) : (vb, va)
            let margin = worst != 0 ? abs(best - worst) / abs(worst) : 0
            verdicts.append(ABVerdict(measure: measure, winner: aWins ? a.order : b.order, a: va, b: vb, margin: margin))
        }
        compare("throughput (images/s)", a.summary.throughput, b.summary.throughput, higherIsBetter: true)
        compare("reject rate", a.summary.rejectRate, b.summary.rejectRate, higherIsBetter: false)
        compare("cost per approved image", a.summary.costPerApproved, b.summary.costPerApproved, higherIsBetter: false)
        compare("PSNR vs reference (dB)", a.meanPSNR, b.meanPSNR, higherIsBetter: true)
        compare("SSIM vs reference", a.meanSSIM, b.meanSSIM, higherIsBetter: true)
        self.verdicts = verdicts
    }

    /// A self-contained HTML page stating which order won on each measure and by how much.
    public func html() -> String {
        let rows = verdicts.map { v in
            "<tr><td>\(HTML.escape(v.measure))</td><td>\(HTML.number(v.a))</td><td>\(HTML.number(v.b))</td>"
                + "<td><b>\(HTML.escape(v.winner))</b></td><td>\(String(format: "%.1f%%", v.margin * 100))</td></tr>"
        }.joined(separator: "\n")
        let design = bothOrdersOnEveryImage ? "both orders on every image" : "sample split in two halves"
        return HTML.page(title: "Retouch A/B report", body: """
        <h1>A/B: \(HTML.escape(a.order)) vs \(HTML.escape(b.order))</h1>
        <p>\(sampleSize) images, seed \(seed), \(design). A = \(HTML.escape(a.order)), B = \(HTML.escape(b.order)).</p>
        <table><tr><th>measure</th><th>A</th><th>B</th><th>winner</th><th>by</th></tr>
        \(rows)
        </table>
        <h2>A: \(HTML.escape(a.order))</h2>\(HTML.imageTable(a.images))
        <h2>B: \(HTML.escape(b.order))</h2>\(HTML.imageTable(b.images))
        """)
    }
}

/// A small, fast, seedable generator (SplitMix64), so samples are reproducible across platforms.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
