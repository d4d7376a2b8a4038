import ArgumentParser
import RetouchCodecs

struct Info: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show an image's format, size, channels, bit depth, orientation and colour profile without decoding its pixels.")

    @Argument(help: "Image file.") var input: String
    @Flag(name: .long, help: "Print JSON.") var json = false

    func run() async throws {
        let info = try ImageFile.probe(input)
        if json { return try printJSON(info) }
        print("""
        \(input)
          format:      \(info.format.rawValue)
          size:        \(info.width)x\(info.height)\(info.orientation != 1 ? " (stored \(info.storedWidth)x\(info.storedHeight))" : "")
          channels:    \(info.channels)\(info.hasAlpha ? " (with alpha)" : "")
          bit depth:   \(info.bitDepth)
          colour:      \(info.colorModel)
          orientation: \(info.orientation)
          ICC profile: \(info.iccProfile ?? "none")
        """)
    }
}
