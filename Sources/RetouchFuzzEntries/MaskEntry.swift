import RetouchCodecs
import RetouchCore
import RetouchOps

/// Masks as the CLI and the inpaint endpoint build them. An input that is an image file goes
/// through the decoder (as an uploaded mask does); any other input is read as raw samples:
/// byte 0 picks 1-4 channels, bytes 1-2 the width and the target size, the rest the samples.
enum MaskEntry {
    static func run(_ bytes: [UInt8]) {
        guard let (image, target) = maskImage(bytes), let mask = try? Mask(image: image) else { return }
        require(mask.size == image.size, "a \(image.size) image gave a \(mask.size) mask")
        let inverted = mask.inverted()
        require(inverted.holeCount == mask.size.pixelCount - mask.holeCount, "inverting lost pixels")
        require(inverted.inverted() == mask, "inverting twice changed the mask")
        require(mask.isEmpty == (mask.boundingBox == nil), "an empty mask has a bounding box or the reverse")
        if let box = mask.boundingBox {
            require(Rect(size: mask.size).contains(box), "bounding box \(box) outside the \(mask.size) mask")
            require(mask.cropped(to: box).holeCount == mask.holeCount, "cropping to the bounding box lost holes")
        }
        guard let fitted = try? mask.fitted(to: target, resize: true) else {
            return require(false, "a \(mask.size) mask could not be fitted to \(target)")
        }
        require(fitted.size == target, "fitting to \(target) gave \(fitted.size)")
        require(mask.isEmpty ? fitted.isEmpty : true, "resizing an empty mask created holes")
        require(mask.isFull ? fitted.isFull : true, "resizing a full mask lost holes")
        require((try? mask.fitted(to: target, resize: false)) == nil || target == mask.size,
                "a mask of another size was accepted without resizing")
    }

    private static func maskImage(_ bytes: [UInt8]) -> (Image8, Size)? {
        if ImageFormat.detect(bytes) != nil {
            let options = DecodeOptions(maxPixels: DecodeEntry.maxPixels)
            guard let image = try? ImageDecoder.decode(bytes, options: options) else { return nil }
            let size = image.size
            return (image.pixels.eightBit, Size(width: size.width * 3 / 2 + 1, height: max(1, size.height / 2)))
        }
        guard bytes.count >= 4 else { return nil }
        let channels = Int(bytes[0] % 4) + 1
        let width = Int(bytes[1] % 64) + 1
        let target = Size(width: Int(bytes[2] % 97) + 1, height: Int(bytes[3] % 89) + 1)
        let samples = Array(bytes.dropFirst(4))
        let height = max(1, samples.count / (width * channels))
        let count = width * height * channels
        let filled = (0..<count).map { samples.isEmpty ? 0 : samples[$0 % samples.count] }
        return (Image8(width: width, height: height, channels: channels, samples: filled), target)
    }
}
