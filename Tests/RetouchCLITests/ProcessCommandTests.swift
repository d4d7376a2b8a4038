import Foundation
import RetouchCodecs
import Testing

/// `retouch process` end to end: outputs, the exit status for a partly failed batch, and the
/// report's four forms (JSON, JSON Lines, HTML, thumbnails) agreeing with each other.
@Test func processWritesOutputsAndEveryFormOfTheReport() throws {
    let dir = try scratchDirectory()
    try FileManager.default.createDirectory(atPath: dir + "/in", withIntermediateDirectories: true)
    for i in 0..<3 { try writeTestImage(dir + "/in/photo\(i).png", width: 60 + i, height: 40) }
    try Data([0xFF, 0xD8, 0xFF, 0xE0, 0, 1]).write(to: URL(fileURLWithPath: dir + "/in/broken.jpg"))

    let run = try retouch("process", dir + "/in", "-o", dir + "/out", "--no-route", "--set", "steps=[\"decode\",\"upscale\",\"qa\",\"encode\"]",
                          "--scale", "2", "--upscale-model", "bilinear", "--set", "cost.gpu_hour=3.6")
    #expect(run.status == 3, "one broken file should give exit status 3: \(run.stderr)")
    for i in 0..<3 { #expect(try ImageFile.probe(dir + "/out/photo\(i).png").width == 2 * (60 + i)) }

    let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/out/report.json"))) as? [String: Any]
    let summary = report?["summary"] as? [String: Any]
    #expect(summary?["processed"] as? Int == 3 && summary?["failed"] as? Int == 1)
    let wall = summary?["wallSeconds"] as? Double ?? 0, cost = summary?["cost"] as? Double ?? 0
    #expect(cost >= wall * 3.6 / 3600, "the GPU-hour rate is charged for the run's wall time")

    let lines = try String(contentsOfFile: dir + "/out/report.jsonl", encoding: .utf8).split(separator: "\n")
    #expect(lines.count == 4)
    let records = try lines.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    #expect(records.compactMap { $0?["status"] as? String }.sorted() == ["failed", "processed", "processed", "processed"])

    let html = try String(contentsOfFile: dir + "/out/report.html", encoding: .utf8)
    #expect(html.components(separatedBy: "<svg").count == 3, "histogram and step chart")
    #expect(html.contains("broken.jpg"))
    let sources = html.components(separatedBy: "src=\"").dropFirst().compactMap { $0.split(separator: "\"").first.map(String.init) }
    #expect(sources.count == 6, "before and after for each processed image")
    for source in sources {
        let info = try ImageFile.probe(dir + "/out/" + source)
        #expect(info.format == .jpeg && max(info.width, info.height) <= 160)
    }
}
