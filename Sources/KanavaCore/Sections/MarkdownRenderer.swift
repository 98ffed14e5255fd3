import Foundation
import Ink

/// Renders Markdown (section pages, memos) to HTML that is safe to insert into a page.
///
/// Ink produces the HTML; raw HTML in the text is shown as the text it was (``MarkupShield``). Modifiers make the
/// rest safe: links keep only `http`, `https` and `mailto` targets and get escaped attributes, code blocks are rebuilt
/// without Ink's unescaped language class, and images become their alt text (pictures belong in pinned documents, and
/// external images would track readers). A last pass, ``tidy(_:)``, keeps only the tags and attributes listed in
/// ``allowedTags`` and nests them properly, whatever Ink let through.
public struct MarkdownRenderer: Sendable {
    public init() {}

    public func html(_ markdown: String) -> String {
        var parser = MarkdownParser()
        parser.addModifier(Modifier(target: .links) { input in Self.safeLink(input) })
        parser.addModifier(Modifier(target: .images) { input in Self.escape(Self.altText(String(input.markdown))) })
        parser.addModifier(Modifier(target: .codeBlocks) { input in Self.codeBlock(String(input.markdown)) })
        let shielded = MarkupShield(markdown)
        return Self.tidy(shielded.restore(parser.html(from: Self.inkSafe(shielded.text))))
    }

    /// The text in a shape that Ink 0.6 reads without trapping, with the same meaning as Markdown.
    ///
    /// Ink reads past the end of its input when the text ends in white space after a list item or after a `---` line
    /// at the start ("- \n " crashes the process): trailing white space means nothing in Markdown, so it is dropped.
    /// A first line of `---` would also start Ink's front-matter block, which swallows the lines up to the next `---`;
    /// `***` is the same thematic break without that reading.
    static func inkSafe(_ text: String) -> String {
        var text = Substring(text)
        while let last = text.last, last.isWhitespace || last.unicodeScalars.allSatisfy({ $0.properties.isWhitespace }) { text.removeLast() }
        let start = text.firstIndex { !$0.isWhitespace } ?? text.endIndex
        let rest = text[start...]
        guard rest.hasPrefix("---"), rest.dropFirst(3).first == "\n" else { return String(text) }
        return String(text[..<start]) + "***" + rest.dropFirst(3)
    }

    /// Raw HTML in the text, kept away from Ink and shown as the text it was.
    ///
    /// Each `<…>` on one line is replaced by a marker of private-use characters, which Ink reads as a word: Ink neither
    /// parses it as HTML (it would loop forever on `<p` without a `>`, and let some markup through unescaped) nor finds
    /// emphasis inside it (`onerror="window.__x=1"` keeps its underscores). A `<` with no `>` after it on its line
    /// becomes a marker of its own. Markers are read scalar by scalar, so a combining mark after `<` does not hide one;
    /// private-use characters of the marker range in the text itself become U+FFFD first.
    ///
    /// Underscores inside a word or a name (`sopimus_2026_final.pdf`, `window.__x`) are kept away from Ink too: as in
    /// CommonMark, they do not make emphasis (Ink would pair them with the next ones).
    struct MarkupShield {
        private(set) var text = ""
        private var spans: [String] = []

        private static let lessThan: Unicode.Scalar = "\u{E000}"
        private static let spanStart: Unicode.Scalar = "\u{E001}"
        private static let spanEnd: Unicode.Scalar = "\u{E002}"
        private static let underscore: Unicode.Scalar = "\u{E003}"
        private static let digitZero: UInt32 = 0xE010

        init(_ markdown: String) {
            let scalars = Array(markdown.unicodeScalars)
            var out = String.UnicodeScalarView()
            var index = 0
            while index < scalars.count {
                let scalar = scalars[index]
                index += 1
                if (0xE000...0xE0FF).contains(scalar.value) {
                    out.append("\u{FFFD}")
                } else if scalar == "_" {
                    let run = scalars[(index - 1)...].prefix { $0 == "_" }.count
                    let inWord = index >= 2 && Self.isWordOrName(scalars[index - 2])
                        && index - 1 + run < scalars.count && Self.isWord(scalars[index - 1 + run])
                    out.append(contentsOf: repeatElement(inWord ? Self.underscore : "_", count: run))
                    index += run - 1
                } else if scalar != "<" {
                    out.append(scalar)
                } else if let close = scalars[index...].firstIndex(where: { $0 == ">" || $0 == "<" || $0 == "\n" }), scalars[close] == ">" {
                    var span = String.UnicodeScalarView()
                    span.append(contentsOf: scalars[(index - 1)...close])
                    out.append(Self.spanStart)
                    out.append(contentsOf: String(spans.count).unicodeScalars.map { Unicode.Scalar(Self.digitZero + $0.value - 0x30)! })
                    out.append(Self.spanEnd)
                    spans.append(String(span))
                    index = close + 1
                } else {
                    out.append(Self.lessThan)
                }
            }
            text = String(out)
        }

        private static func isWord(_ scalar: Unicode.Scalar) -> Bool {
            scalar.properties.isAlphabetic || scalar.properties.numericType != nil
        }

        /// A letter or digit, or what joins the parts of a name, a path or an address.
        private static func isWordOrName(_ scalar: Unicode.Scalar) -> Bool {
            isWord(scalar) || [".", "-", "/", ":"].contains(scalar)
        }

        /// Ink's HTML with each marker replaced by its text, escaped.
        func restore(_ html: String) -> String {
            var out = ""
            var number: Int?
            for scalar in html.unicodeScalars {
                switch scalar {
                case Self.lessThan: out += "&lt;"
                case Self.underscore: out += "_"
                case Self.spanStart: number = 0
                case Self.spanEnd:
                    out += number.flatMap { spans.indices.contains($0) ? MarkdownRenderer.escape(spans[$0]) : nil } ?? "\u{FFFD}"
                    number = nil
                case _ where number != nil && (Self.digitZero..<Self.digitZero + 10).contains(scalar.value):
                    number = number! * 10 + Int(scalar.value - Self.digitZero)
                default: out.unicodeScalars.append(scalar)
                }
            }
            return out
        }
    }

    /// Chat messages: as ``html(_:)``, but a single line break is kept as a line break (people write chat line by
    /// line; in a page's Markdown a single break only wraps the paragraph).
    public func chatHTML(_ markdown: String) -> String {
        html(Self.hardBreaks(markdown))
    }

    /// Marks each single line break inside a paragraph as a hard break (two trailing spaces), outside code fences
    /// and before lines that start a block of their own (lists, headings, quotes, fences).
    static func hardBreaks(_ markdown: String) -> String {
        let lines = markdown.components(separatedBy: "\n")
        var inFence = false
        var out: [String] = []
        for (index, line) in lines.enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("```") { inFence.toggle() }
            guard !inFence, index + 1 < lines.count, !trimmed.isEmpty, !trimmed.hasPrefix("```") else {
                out.append(line)
                continue
            }
            let next = lines[index + 1].trimmingCharacters(in: .whitespaces)
            out.append(next.isEmpty || startsBlock(next) ? line : line + "  ")
        }
        return out.joined(separator: "\n")
    }

    private static func startsBlock(_ line: String) -> Bool {
        if ["- ", "* ", "+ ", "#", ">", "```"].contains(where: { line.hasPrefix($0) }) { return true }
        let digits = line.prefix { $0.isNumber }
        return !digits.isEmpty && line.dropFirst(digits.count).hasPrefix(". ")
    }

    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }

    /// `[text](target)`: the target from the Markdown (not from Ink's unescaped attribute), the inner HTML from Ink.
    private static func safeLink(_ input: Modifier.Input) -> String {
        let html = input.html
        guard let open = html.firstIndex(of: ">"), let close = html.range(of: "</a>", options: .backwards) else { return escape(String(input.markdown)) }
        let inner = String(html[html.index(after: open)..<close.lowerBound])
        guard let target = linkTarget(String(input.markdown)), isAllowed(target) else { return inner }
        return "<a href=\"\(escape(target))\" rel=\"noopener noreferrer nofollow\">\(inner)</a>"
    }

    private static func linkTarget(_ markdown: String) -> String? {
        guard let start = markdown.range(of: "](", options: .backwards), markdown.hasSuffix(")") else { return nil }
        var target = String(markdown[start.upperBound..<markdown.index(before: markdown.endIndex)]).trimmingCharacters(in: .whitespaces)
        if let space = target.firstIndex(of: " ") { target = String(target[..<space]) }  // drop a "title"
        return target
    }

    /// Absolute http(s) and mailto only; the scheme is read as a browser would (case, whitespace, controls).
    static func isAllowed(_ target: String) -> Bool {
        let cleaned = String(target.unicodeScalars.filter { $0.value > 0x20 && $0.value != 0x7F }).lowercased()
        return cleaned.hasPrefix("https://") || cleaned.hasPrefix("http://") || cleaned.hasPrefix("mailto:")
    }

    private static func altText(_ markdown: String) -> String {
        guard let start = markdown.firstIndex(of: "["), let end = markdown.firstIndex(of: "]"), start < end else { return "" }
        return String(markdown[markdown.index(after: start)..<end])
    }

    private static func codeBlock(_ markdown: String) -> String {
        var lines = markdown.components(separatedBy: "\n")
        if lines.first?.hasPrefix("```") == true { lines.removeFirst() }
        if let last = lines.last, last.trimmingCharacters(in: .whitespaces).hasPrefix("```") { lines.removeLast() }
        return "<pre><code>" + escape(lines.joined(separator: "\n")) + "</code></pre>"
    }

    // MARK: - The last pass

    /// The elements the renderer writes, each with the attributes it may have.
    static let allowedTags: [String: Set<String>] = [
        "p": [], "br": [], "hr": [], "em": [], "strong": [], "s": [], "code": [], "pre": [], "blockquote": [],
        "h1": [], "h2": [], "h3": [], "h4": [], "h5": [], "h6": [], "ul": [], "ol": ["start"], "li": [],
        "table": [], "thead": [], "tbody": [], "tr": [], "th": ["align"], "td": ["align"], "a": ["href", "rel"],
    ]
    private static let voidTags: Set<String> = ["br", "hr"]

    /// Ink passes some text through unescaped (a trailing `<`, an `&…;` run) and can leave tags unclosed. This keeps
    /// each tag that is allowed, written `<name attr="value">` with allowed attributes (an `href` only to an allowed
    /// target) and properly nested; escapes every other `<`, `>`, quote and `&` that does not start an entity (text that
    /// was HTML reads as it did when written); closes what
    /// is left open and drops closing tags that close nothing. It reads bytes, so no combining character can hide a
    /// `<` from it (a browser would still see one).
    static func tidy(_ html: String) -> String {
        let bytes = Array(html.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 16)
        var open: [String] = []
        var index = 0
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "<"):
                guard let tag = readTag(bytes, at: index) else {
                    out += Array("&lt;".utf8)
                    index += 1
                    continue
                }
                if tag.closing {
                    if let position = open.lastIndex(of: tag.name) {
                        for name in open[position...].reversed() { out += Array("</\(name)>".utf8) }
                        open.removeSubrange(position...)
                    }
                } else {
                    out += bytes[index..<tag.end]
                    if !voidTags.contains(tag.name) { open.append(tag.name) }
                }
                index = tag.end
            case UInt8(ascii: ">"):
                out += Array("&gt;".utf8)
                index += 1
            case UInt8(ascii: "\""):
                out += Array("&quot;".utf8)
                index += 1
            case UInt8(ascii: "'"):
                out += Array("&#39;".utf8)
                index += 1
            case UInt8(ascii: "&"):
                out += startsEntity(bytes[index...]) ? [UInt8(ascii: "&")] : Array("&amp;".utf8)
                index += 1
            case let byte:
                out.append(byte)
                index += 1
            }
        }
        for name in open.reversed() { out += Array("</\(name)>".utf8) }
        return String(decoding: out, as: UTF8.self)
    }

    /// The allowed tag that starts at `start` (a `<`), and the index after its `>`; nil for anything else.
    private static func readTag(_ bytes: [UInt8], at start: Int) -> (name: String, closing: Bool, end: Int)? {
        guard let close = bytes[start...].firstIndex(of: UInt8(ascii: ">")) else { return nil }
        var inside = bytes[(start + 1)..<close]
        let closing = inside.first == UInt8(ascii: "/")
        if closing { inside = inside.dropFirst() }
        let nameBytes = inside.prefix { (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) }
        let name = String(decoding: nameBytes, as: UTF8.self)
        guard let attributes = allowedTags[name] else { return nil }
        inside = inside.dropFirst(nameBytes.count)
        while !inside.isEmpty {
            guard !closing, inside.first == UInt8(ascii: " ") else { return nil }
            inside = inside.dropFirst()
            let attribute = inside.prefix { $0 != UInt8(ascii: "=") }
            inside = inside.dropFirst(attribute.count)
            guard attributes.contains(String(decoding: attribute, as: UTF8.self)), inside.starts(with: Array("=\"".utf8)),
                  let quote = inside.dropFirst(2).firstIndex(of: UInt8(ascii: "\""))
            else { return nil }
            let value = inside[(inside.startIndex + 2)..<quote]
            guard !value.contains(UInt8(ascii: "<")),
                  value.indices.allSatisfy({ value[$0] != UInt8(ascii: "&") || startsEntity(value[$0...]) })
            else { return nil }
            if attribute.elementsEqual("href".utf8), !isAllowed(unescape(String(decoding: value, as: UTF8.self))) { return nil }
            inside = inside[(quote + 1)...]
        }
        return (name, closing, close + 1)
    }

    /// `&name;`, `&#123;` or `&#x1F;` at the start of `text`.
    private static func startsEntity(_ text: ArraySlice<UInt8>) -> Bool {
        let body = text.dropFirst().prefix(33)
        guard let semicolon = body.firstIndex(of: UInt8(ascii: ";")) else { return false }
        let name = body[..<semicolon]
        func isDigit(_ byte: UInt8) -> Bool { (0x30...0x39).contains(byte) }
        func isLetter(_ byte: UInt8) -> Bool { (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) }
        if name.starts(with: Array("#x".utf8)) || name.starts(with: Array("#X".utf8)) {
            return (1...6).contains(name.count - 2) && name.dropFirst(2).allSatisfy { isDigit($0) || (0x41...0x46).contains($0) || (0x61...0x66).contains($0) }
        }
        if name.first == UInt8(ascii: "#") { return (1...7).contains(name.count - 1) && name.dropFirst().allSatisfy(isDigit) }
        return name.first.map(isLetter) == true && name.allSatisfy { isLetter($0) || isDigit($0) }
    }

    /// Undoes ``escape(_:)`` for an attribute value; any other entity stays as written, so a target spelled with
    /// one (`&#106;avascript:`) is not taken for an allowed one.
    private static func unescape(_ value: String) -> String {
        value.replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
            .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&amp;", with: "&")
    }
}
