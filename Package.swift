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
        .library(name: "RetouchJobs", targets: ["RetouchJobs"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
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
        // Named image operations (resample, upscale, ...) and the registry every front end reads.
        .target(name: "RetouchOps", dependencies: ["RetouchCore"], swiftSettings: optimise),
        // Durable jobs and blobs (SQLite or PostgreSQL, a shared directory). Knows nothing of HTTP or pixels.
        .target(name: "RetouchJobs",
                dependencies: ["RetouchCore",
                               .product(name: "GRDB", package: "GRDB.swift"),
                               .product(name: "PostgresNIO", package: "postgres-nio"),
                               .product(name: "Crypto", package: "swift-crypto")]),
        .executableTarget(name: "retouch",
                          dependencies: ["RetouchCore", "RetouchCodecs", "RetouchOps",
                                         .product(name: "ArgumentParser", package: "swift-argument-parser")],
                          swiftSettings: optimise),

        .testTarget(name: "RetouchCoreTests", dependencies: ["RetouchCore"]),
        .testTarget(name: "RetouchCodecsTests", dependencies: ["RetouchCodecs", "CLCMS2"]),
        .testTarget(name: "RetouchOpsTests", dependencies: ["RetouchOps", "RetouchCodecs"]),
        .testTarget(name: "RetouchCLITests", dependencies: ["retouch", "RetouchCodecs"]),
        .testTarget(name: "RetouchJobsTests",
                    dependencies: ["RetouchJobs", .product(name: "PostgresNIO", package: "postgres-nio")]),
    ]
)
