import Foundation
import Testing
import RetouchCodecs
import RetouchCore
@testable import RetouchPipeline

/// File names a catalog export or a stranger's archive can hold: dots that look like parent
/// folders, control characters, backslashes, terminal escapes, and links that point outside.
/// Every output must land inside the output folder, and every input be processed once.
@Test func hostileFileNamesStayInsideTheOutputFolder() async throws {
    let names = ["..png", "...png", "a\nb.png", "tab\there.png", "\u{1B}[31mred.png", "..\\..\\escape.png",
                 " leading space.png", "ünïcödé.png", "cr\rlf.png"]
    let image = Image8(width: 12, height: 10, channels: 3) { x, y, c in UInt8((x * 20 + y * 9 + c * 70) % 256) }
    let (input, output) = try makeBatchFolder(images: 0)
    for name in names { try ImageFile.write(Image(image), to: input + "/" + name) }
    // Links out of the folder, to a file and to the parent folder, are not followed.
    let outside = input + "/../outside.png"
    try ImageFile.write(Image(image), to: outside)
    try FileManager.default.createSymbolicLink(atPath: input + "/link.png", withDestinationPath: outside)
    try FileManager.default.createSymbolicLink(atPath: input + "/up", withDestinationPath: "..")

    var config = upscaleOnly(2)
    config.outputFormat = "png"
    let records = try await runBatch(input, output, config)
    // Names starting with a dot are hidden files, skipped by design, like dot-folders.
    #expect(Set(records.map(\.input)) == Set(names.filter { !$0.hasPrefix(".") }))
    let root = URL(fileURLWithPath: output).standardizedFileURL.path + "/"
    for record in records {
        #expect(record.status == .processed, "\(record.input): \(record.error ?? "")")
        let resolved = URL(fileURLWithPath: record.output).standardizedFileURL.resolvingSymlinksInPath().path
        #expect(resolved.hasPrefix(root), "\(record.input) was written to \(resolved)")
        #expect(try ImageFile.probe(record.output).width == 24)
    }
    // Nothing was written beside the input or output folders.
    let parent = (input as NSString).deletingLastPathComponent
    #expect(try FileManager.default.contentsOfDirectory(atPath: parent).sorted() == ["in", "out", "outside.png"])
    // The resume ledger reads back every hostile name, so a rerun skips them all.
    let again = try await runBatch(input, output, config)
    #expect(again.allSatisfy { $0.status == .skipped }, "\(again.map { "\($0.input): \($0.status)" })")
}

@Test func outputNamesKeepTheirFolderAndNeverClimbOut() {
    for relative in ["a/..png", "sub/a\nb.jpg", "x/y/z.webp"] {
        let planned = BatchInputs.outputRelativePath(relative, format: "png")
        #expect(!planned.split(separator: "/").contains(".."), "\(planned)")
        #expect(planned.hasSuffix(".png"))
    }
}
