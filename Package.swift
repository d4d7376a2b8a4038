// swift-tools-version: 6.0
import PackageDescription

let optimise: [SwiftSetting] = [.unsafeFlags(["-Ounchecked", "-wmo"], .when(configuration: .release))]

let package = Package(
    name: "Retouch",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "retouch", targets: ["retouch"]),
        .library(name: "RetouchCore", targets: ["RetouchCore"]),
        .library(name: "RetouchCodecs", targets: ["RetouchCodecs"]),
        .library(name: "RetouchOps", targets: ["RetouchOps"]),
        .library(name: "RetouchInference", targets: ["RetouchInference"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // C libraries from Debian's -dev packages, found through pkg-config.
        .systemLibrary(name: "CTurboJPEG", pkgConfig: "libturbojpeg",
                       providers: [.apt(["libturbojpeg0-dev"])]),
        .systemLibrary(name: "CPNG", pkgConfig: "libpng16", providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CWebP", pkgConfig: "libwebp", providers: [.apt(["libwebp-dev"])]),
        .systemLibrary(name: "CLCMS2", pkgConfig: "lcms2", providers: [.apt(["liblcms2-dev"])]),

        // Pixels, geometry, tiling, metrics. Knows nothing of files, HTTP or SQL.
        .target(name: "RetouchCore", swiftSettings: optimise),
        // Bytes <-> pixels: JPEG, PNG, WebP, EXIF orientation, ICC -> sRGB, limits, atomic writes.
        .target(name: "RetouchCodecs",
                dependencies: ["RetouchCore", "CTurboJPEG", "CPNG", "CWebP", "CLCMS2"],
                swiftSettings: optimise),
        // ONNX Runtime loaded at run time (dlopen), the model catalog and checksums.
        .target(name: "RetouchInference", dependencies: ["RetouchCore"], swiftSettings: optimise),
        // Named image operations (resample, upscale, ...) and the registry every front end reads.
        .target(name: "RetouchOps", dependencies: ["RetouchCore", "RetouchInference"], swiftSettings: optimise),
        .executableTarget(name: "retouch",
                          dependencies: ["RetouchCore", "RetouchCodecs", "RetouchOps", "RetouchInference",
                                         .product(name: "ArgumentParser", package: "swift-argument-parser")],
                          swiftSettings: optimise),

        // Super-resolution benchmark's Swift half (bench/sr/bench.py drives it).
        .executableTarget(name: "sr-bench", dependencies: ["RetouchCore", "RetouchInference", "RetouchOps"],
                          path: "bench/sr/Sources/sr-bench", swiftSettings: optimise),

        .testTarget(name: "RetouchCoreTests", dependencies: ["RetouchCore"]),
        .testTarget(name: "RetouchCodecsTests", dependencies: ["RetouchCodecs", "CLCMS2"]),
        .testTarget(name: "RetouchOpsTests", dependencies: ["RetouchOps", "RetouchCodecs"]),
        .testTarget(name: "RetouchInferenceTests", dependencies: ["RetouchInference", "RetouchOps"]),
    ]
)
