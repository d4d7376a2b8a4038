import ArgumentParser

@main
struct Retouch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retouch",
        abstract: "Clean up and upscale catalog photos: erase text and objects, upscale, batch, serve.",
        version: "0.1.0",
        subcommands: [Process.self, AB.self, Upscale.self, Resize.self, Inpaint.self, Detect.self, EraseText.self, Compare.self, Info.self, Models.self,
                      Serve.self, Worker.self, Keys.self]
    )
}
