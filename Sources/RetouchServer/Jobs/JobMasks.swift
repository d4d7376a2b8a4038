import Foundation
import RetouchCodecs
import RetouchCore
import RetouchOps

/// The masks of a job's images, from `mask_file` parts or from `boxes`; what the pipeline's
/// inpaint step removes (white = remove). Each mask is checked here, at submission, so a bad one
/// is a 400 now rather than a failed item later.
///
/// `mask_file` parts are paired with images by name when every mask is named after an image
/// (`photo.jpg` takes `photo.png` or `photo_mask.png`), otherwise by order, one mask per image.
/// `boxes` is the regions JSON of `POST /v1/inpaint`, either one list for every image
/// (`[{"box": [x, y, w, h]}]`) or a list of lists, one per image in order (`null` or `[]` for
/// none); it is drawn into a PNG mask at each image's displayed size.
enum JobMasks {
    static let boxesField = "boxes"

    /// One entry per image: its mask's encoded bytes, or nil.
    static func pair(images: [UploadedFile], sizes: [Size], masks: [UploadedFile], boxes: String?,
                     maxPixels: Int) throws -> [[UInt8]?] {
        switch (masks.isEmpty, boxes) {
        case (true, nil):
            return images.map { _ in nil }
        case (false, .some):
            throw APIError.badRequest("give either \(RequestInput.maskField) parts or `boxes`, not both")
        case (true, let boxes?):
            return try drawn(boxes, sizes: sizes)
        case (false, nil):
            let paired = try byName(images: images, masks: masks) ?? byOrder(images: images, masks: masks)
            for (index, mask) in paired.enumerated() {
                guard let mask else { continue }
                try check(mask, for: index, name: images[index].filename, size: sizes[index], maxPixels: maxPixels)
            }
            return paired
        }
    }

    /// Pairs by file name, or nil when some mask is not named after exactly one image.
    private static func byName(images: [UploadedFile], masks: [UploadedFile]) -> [[UInt8]?]? {
        let stems = images.map { stem($0.filename) }
        var paired = [[UInt8]?](repeating: nil, count: images.count)
        for mask in masks {
            guard var maskStem = stem(mask.filename) else { return nil }
            if !stems.contains(maskStem), maskStem.hasSuffix("_mask") { maskStem = String(maskStem.dropLast(5)) }
            let matches = stems.indices.filter { stems[$0] == maskStem }
            guard matches.count == 1, paired[matches[0]] == nil else { return nil }
            paired[matches[0]] = mask.bytes
        }
        return paired
    }

    private static func byOrder(images: [UploadedFile], masks: [UploadedFile]) throws -> [[UInt8]?] {
        guard masks.count == images.count else {
            throw APIError.badRequest("\(masks.count) \(RequestInput.maskField) part(s) for \(images.count) image(s): "
                                      + "name each mask after its image (photo.jpg takes photo.png or photo_mask.png) "
                                      + "or send one mask per image, in the images' order")
        }
        return masks.map(\.bytes)
    }

    /// The file name without folders and extension.
    private static func stem(_ filename: String?) -> String? {
        guard let name = filename?.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last, !name.isEmpty else { return nil }
        return (String(name) as NSString).deletingPathExtension
    }

    /// Decodes the mask and fits it to its image, as the inpaint step will.
    private static func check(_ bytes: [UInt8], for index: Int, name: String?, size: Size, maxPixels: Int) throws {
        let what = "the mask of image \(index)\(name.map { " (\($0))" } ?? "")"
        do {
            let info = try ImageDecoder.probe(bytes)
            guard info.pixelCount <= maxPixels else {
                throw APIError(.contentTooLarge, "image_too_large",
                               "\(what) is \(info.width)x\(info.height), over the limit of \(maxPixels) pixels")
            }
            let image = try ImageDecoder.decode(bytes, options: DecodeOptions(maxPixels: maxPixels))
            _ = try Mask(image: image.pixels.eightBit).fitted(to: size, resize: true)
        } catch let error as RetouchError {
            throw error.about(file: what)
        }
    }

    private static func drawn(_ boxes: String, sizes: [Size]) throws -> [[UInt8]?] {
        let perImage = try regionLists(boxes, count: sizes.count)
        return try sizes.indices.map { index in
            guard let json = perImage.map({ $0[index] }) ?? Array(boxes.utf8) else { return nil }
            do {
                let drawn = try Mask.drawing(try MaskShape.regions(json: json), size: sizes[index])
                return try ImageEncoder.encode(Image(drawn.mask.image), as: .png)
            } catch let error as RetouchError {
                throw error.about(file: "`boxes` for image \(index)")
            }
        }
    }

    /// For the per-image form, each image's regions JSON (nil for none); nil for the shared form.
    private static func regionLists(_ boxes: String, count: Int) throws -> [[UInt8]?]? {
        guard let root = try? JSONSerialization.jsonObject(with: Data(boxes.utf8)) as? [Any], !root.isEmpty,
              root.allSatisfy({ $0 is [Any] || $0 is NSNull }) else { return nil }
        guard root.count == count else {
            throw APIError.badRequest("`boxes` has \(root.count) lists for \(count) image(s); give one per image, "
                                      + "in order (null or [] for none), or one list of regions for every image")
        }
        return try root.map { entry in
            guard let list = entry as? [Any], !list.isEmpty else { return nil }
            return Array(try JSONSerialization.data(withJSONObject: list))
        }
    }
}
