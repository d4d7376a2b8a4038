/// A sample type a `PixelBuffer` can hold: 8-bit, 16-bit or normalised float.
public protocol PixelSample: Sendable, Equatable, Hashable {
    static var zero: Self { get }
    /// The value of full intensity (255, 65535 or 1.0).
    static var maxValue: Self { get }
    var floatValue: Float { get }
    /// Converts from a value normalised to [0, 1], rounding and clamping.
    init(normalised: Float)
}

extension UInt8: PixelSample {
    public static var maxValue: UInt8 { 255 }
    @inline(__always) public var floatValue: Float { Float(self) }
    @inline(__always) public init(normalised v: Float) {
        self = UInt8(Swift.max(0, Swift.min(255, (v * 255).rounded())))
    }
}

extension UInt16: PixelSample {
    public static var maxValue: UInt16 { 65535 }
    @inline(__always) public var floatValue: Float { Float(self) }
    @inline(__always) public init(normalised v: Float) {
        self = UInt16(Swift.max(0, Swift.min(65535, (v * 65535).rounded())))
    }
}

extension Float: PixelSample {
    public static var maxValue: Float { 1 }
    @inline(__always) public var floatValue: Float { self }
    @inline(__always) public init(normalised v: Float) { self = v }
}

/// Interleaved pixels, row-major, no row padding. Channels: 1 gray, 2 gray+alpha,
/// 3 RGB, 4 RGBA. Alpha, when present, is always the last channel and never premultiplied.
public struct PixelBuffer<Sample: PixelSample>: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public let channels: Int
    public var samples: [Sample]

    public init(width: Int, height: Int, channels: Int, samples: [Sample]) {
        precondition(width >= 0 && height >= 0 && (1...4).contains(channels), "bad pixel buffer shape")
        precondition(samples.count == width * height * channels, "sample count does not match shape")
        self.width = width
        self.height = height
        self.channels = channels
        self.samples = samples
    }

    public init(width: Int, height: Int, channels: Int, fill: Sample = .zero) {
        self.init(width: width, height: height, channels: channels,
                  samples: [Sample](repeating: fill, count: width * height * channels))
    }

    /// Builds a buffer by evaluating `value(x, y, channel)` for every sample.
    public init(width: Int, height: Int, channels: Int, _ value: (Int, Int, Int) -> Sample) {
        var samples = [Sample]()
        samples.reserveCapacity(width * height * channels)
        for y in 0..<height { for x in 0..<width { for c in 0..<channels { samples.append(value(x, y, c)) } } }
        self.init(width: width, height: height, channels: channels, samples: samples)
    }

    public var size: Size { Size(width: width, height: height) }
    public var pixelCount: Int { width * height }
    public var hasAlpha: Bool { channels == 2 || channels == 4 }
    public var colorChannels: Int { hasAlpha ? channels - 1 : channels }
    public var rowLength: Int { width * channels }

    @inline(__always) public func index(_ x: Int, _ y: Int, _ c: Int = 0) -> Int {
        (y * width + x) * channels + c
    }

    @inline(__always) public subscript(x: Int, y: Int, c: Int) -> Sample {
        get { samples[index(x, y, c)] }
        set { samples[index(x, y, c)] = newValue }
    }

    /// Applies `transform` to each sample, keeping the shape.
    public func map<T: PixelSample>(_ transform: (Sample) -> T) -> PixelBuffer<T> {
        PixelBuffer<T>(width: width, height: height, channels: channels, samples: samples.map(transform))
    }
}

public typealias Image8 = PixelBuffer<UInt8>
public typealias Image16 = PixelBuffer<UInt16>
public typealias ImageF = PixelBuffer<Float>

extension PixelBuffer {
    /// The samples as floats normalised to [0, 1].
    public func normalisedFloat() -> ImageF {
        let scale = 1 / Sample.maxValue.floatValue
        return ImageF(width: width, height: height, channels: channels,
                      samples: samples.map { $0.floatValue * scale })
    }
}

extension PixelBuffer where Sample == Float {
    /// Quantises normalised floats to an integer depth, rounding and clamping.
    public func quantised<T: PixelSample>(to: T.Type = T.self) -> PixelBuffer<T> {
        map { T(normalised: $0) }
    }
}
