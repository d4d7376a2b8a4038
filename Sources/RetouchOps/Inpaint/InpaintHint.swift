import Foundation
import RetouchCore

/// Deterministic steering of a fill, as given to `--hint`:
///
/// - `auto`: no steering; the engine decides.
/// - `source=x,y,w,h`: take texture only from that rectangle (image pixels). Needs the
///   `patch` or `auto` engine (with `auto`, every region then uses `patch`). The rectangle is
///   clipped to the image and must hold at least one 7x7 patch outside the mask.
/// - `color=#RRGGBB`: a flat fill in that colour (studio backdrops); the hole becomes exactly
///   that colour, opaque, and the edge is feathered over `--feather` pixels (3 if not given).
/// - `blur`: a smooth fill, the membrane (harmonic) interpolation of the hole's edge.
///
/// `color` and `blur` replace the engine for every region.
public enum InpaintHint: Sendable, Equatable {
    case auto
    case source(Rect)
    case color(r: UInt8, g: UInt8, b: UInt8)
    case blur

    public static let syntax = ["auto", "source=x,y,w,h", "color=#RRGGBB", "blur"]

    public init(parsing text: String) throws {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let (key, value) = Self.split(trimmed)
        switch (key.lowercased(), value) {
        case ("auto", nil): self = .auto
        case ("blur", nil): self = .blur
        case ("source", let value?):
            guard case .box(let rect) = try? MaskShape.box(parsing: value) else {
                throw RetouchError(.invalidArgument, "hint '\(text)': source needs x,y,w,h with a positive width and height, e.g. source=0,0,200,100")
            }
            self = .source(rect)
        case ("color", let value?), ("colour", let value?):
            guard let rgb = Self.hexColour(value) else {
                throw RetouchError(.invalidArgument, "hint '\(text)': color needs #RRGGBB, e.g. color=#F0F0F0")
            }
            self = .color(r: rgb.0, g: rgb.1, b: rgb.2)
        default:
            throw RetouchError(.invalidArgument,
                               "unknown hint '\(text)'; valid hints are: \(Self.syntax.joined(separator: ", "))")
        }
    }

    private static func split(_ text: String) -> (String, String?) {
        guard let eq = text.firstIndex(of: "=") else { return (text, nil) }
        return (String(text[..<eq]), String(text[text.index(after: eq)...]))
    }

    private static func hexColour(_ text: String) -> (UInt8, UInt8, UInt8)? {
        let digits = text.hasPrefix("#") ? String(text.dropFirst()) : text
        guard digits.count == 6, let value = UInt32(digits, radix: 16) else { return nil }
        return (UInt8(value >> 16), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF))
    }
}
