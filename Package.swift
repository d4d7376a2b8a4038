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
        .library(name: "RetouchJobs", targets: ["RetouchJobs"]),
        .library(name: "RetouchServer", targets: ["RetouchServer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
    ],
    targets: [
        // C libraries from Debian's -dev packages, found through pkg-config.
        .systemLibrary(name: "CTurboJPEG", pkgConfig: "libturbojpeg",
                       providers: [.apt(["libturbojpeg0-dev"])]),
        .systemLibrary(name: "CPNG", pkgConfig: "libpng16", providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CWebP", pkgConfig: "libwebp", providers: [.apt(["libwebp-dev"])]),
        .systemLibrary(name: "CLCMS2", pkgConfig: "lcms2", providers: [.apt(["liblcms2-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // libpng's full API reports errors by longjmp, which Swift frames cannot survive; this
        // C target holds the setjmp. The simplified png_image API is not enough: it hands back
        // 16-bit data linear and premultiplied, writes 16-bit files as gamma 1.0, and has no
        // compression level.
        .target(name: "CPNGBridge", dependencies: ["CPNG"]),

        // Pixels, geometry, tiling, metrics. Knows nothing of files, HTTP or SQL.
        .target(name: "RetouchCore", swiftSettings: optimise),
        // Bytes <-> pixels: JPEG, PNG, WebP, EXIF orientation, ICC -> sRGB, limits, atomic writes.
        .target(name: "RetouchCodecs",
                dependencies: ["RetouchCore", "CTurboJPEG", "CPNGBridge", "CWebP", "CLCMS2", "CZlib"],
                swiftSettings: optimise),
        // ONNX Runtime loaded at run time (dlopen), the model catalog and checksums.
        .target(name: "RetouchInference", dependencies: ["RetouchCore"], swiftSettings: optimise),
        // Named image operations (resample, upscale, ...) and the registry every front end reads.
        .target(name: "RetouchOps", dependencies: ["RetouchCore", "RetouchInference"], swiftSettings: optimise),
        // Steps, routing, batch runs, QA, cost and A/B experiments over the operations.
        .target(name: "RetouchPipeline", dependencies: ["RetouchCore", "RetouchCodecs", "RetouchOps", "RetouchInference"],
                swiftSettings: optimise),
        // Durable jobs and blobs (SQLite or PostgreSQL, a shared directory). Knows nothing of HTTP or pixels.
        .target(name: "RetouchJobs",
                dependencies: ["RetouchCore",
                               .product(name: "GRDB", package: "GRDB.swift"),
                               .product(name: "PostgresNIO", package: "postgres-nio"),
                               .product(name: "Crypto", package: "swift-crypto")]),
        // The HTTP API: synchronous endpoints, jobs, API keys, limits, metrics; and the job worker.
        // Front end only: every operation comes from the registries it is handed.
        .target(name: "RetouchServer",
                dependencies: ["RetouchCore", "RetouchCodecs", "RetouchInference", "RetouchOps", "RetouchPipeline",
                               "RetouchJobs",
                               .product(name: "Hummingbird", package: "hummingbird"),
                               .product(name: "HummingbirdCore", package: "hummingbird"),
                               .product(name: "HTTPTypes", package: "swift-http-types"),
                               .product(name: "NIOCore", package: "swift-nio"),
                               .product(name: "NIOHTTP1", package: "swift-nio"),
                               .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                               .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                               .product(name: "Prometheus", package: "swift-prometheus"),
                               .product(name: "Logging", package: "swift-log"),
                               .product(name: "Crypto", package: "swift-crypto"),
                               .product(name: "GRDB", package: "GRDB.swift"),
                               .product(name: "PostgresNIO", package: "postgres-nio")],
                resources: [.embedInCode("Resources/openapi.yaml"), .embedInCode("Resources/web")]),
        // The fuzz targets' entry points (fuzz/run.sh drives them; RetouchFuzzTests replays their crashes and seeds).
        .target(name: "RetouchFuzzEntries", dependencies: ["RetouchCore", "RetouchCodecs", "RetouchOps", "RetouchPipeline"]),
        .target(name: "RetouchServerFuzzEntries",
                dependencies: ["RetouchFuzzEntries", "RetouchCore", "RetouchCodecs", "RetouchServer",
                               .product(name: "NIOCore", package: "swift-nio")]),
        .executableTarget(name: "retouch",
                          dependencies: ["RetouchCore", "RetouchCodecs", "RetouchOps", "RetouchInference", "RetouchPipeline",
                                         "RetouchServer",
                                         .product(name: "ArgumentParser", package: "swift-argument-parser"),
                                         .product(name: "Logging", package: "swift-log"),
                                         .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")],
                          swiftSettings: optimise),
        // Times our codecs and resampling on real photos (bench/run.sh compares with peers).
        .executableTarget(name: "retouch-bench", dependencies: ["RetouchCore", "RetouchCodecs", "RetouchOps"],
                          path: "bench/harness", swiftSettings: optimise),
        // Times the inpainting engines on PNM files for bench/inpaint (no codecs involved).
        .executableTarget(name: "inpaint-bench", dependencies: ["RetouchCore", "RetouchOps"],
                          path: "bench/inpaint/harness", swiftSettings: optimise),

        // Super-resolution benchmark's Swift half (bench/sr/bench.py drives it).
        .executableTarget(name: "sr-bench", dependencies: ["RetouchCore", "RetouchInference", "RetouchOps"],
                          path: "bench/sr/Sources/sr-bench", swiftSettings: optimise),
        // Server and queue benchmarks (bench/server/run.sh drives them).
        .executableTarget(name: "retouch-server-bench",
                          dependencies: ["RetouchCore", "RetouchCodecs", "RetouchOps", "RetouchPipeline", "RetouchJobs"],
                          path: "bench/server", exclude: ["run.sh", "load.sh", "statuses.sh", "upscale.lua", "jobs.lua"]),

        .testTarget(name: "RetouchCoreTests", dependencies: ["RetouchCore"]),
        .testTarget(name: "RetouchCodecsTests",
                    dependencies: ["RetouchCodecs", "CLCMS2", "CTurboJPEG", "CWebP", "CZlib"]),
        .testTarget(name: "RetouchOpsTests", dependencies: ["RetouchOps", "RetouchCodecs"]),
        .testTarget(name: "RetouchInferenceTests", dependencies: ["RetouchInference", "RetouchOps"]),
        .testTarget(name: "RetouchPipelineTests", dependencies: ["RetouchPipeline"]),
        .testTarget(name: "RetouchCLITests", dependencies: ["retouch", "RetouchCodecs"]),
        .testTarget(name: "RetouchJobsTests",
                    dependencies: ["RetouchJobs", .product(name: "PostgresNIO", package: "postgres-nio")]),
        .testTarget(name: "RetouchFuzzTests", dependencies: ["RetouchFuzzEntries", "RetouchServerFuzzEntries"],
                    exclude: ["Regressions"]),
        .testTarget(name: "RetouchServerTests",
                    dependencies: ["RetouchServer", "RetouchCodecs", "RetouchJobs", "retouch",
                                   .product(name: "HummingbirdTesting", package: "hummingbird"),
                                   .product(name: "HTTPTypes", package: "swift-http-types"),
                                   .product(name: "Logging", package: "swift-log"),
                                   .product(name: "PostgresNIO", package: "postgres-nio"),
                                   .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")]),
    ]
)

// The libFuzzer binaries exist only for fuzz/run.sh (RETOUCH_FUZZ=1, built with --sanitize=fuzzer),
// so ordinary and CI builds never compile or link them.
if Context.environment["RETOUCH_FUZZ"] == "1" {
    package.targets += [
        .target(name: "FuzzDriver", path: "fuzz/Sources/FuzzDriver"),
        .executableTarget(name: "retouch-fuzz", dependencies: ["FuzzDriver", "RetouchFuzzEntries"],
                          path: "fuzz/Sources/retouch-fuzz"),
        .executableTarget(name: "retouch-fuzz-multipart", dependencies: ["FuzzDriver", "RetouchServerFuzzEntries"],
                          path: "fuzz/Sources/retouch-fuzz-multipart"),
    ]
}
