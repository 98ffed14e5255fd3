import Foundation
import Ink

/// Renders Markdown (section pages, memos) to HTML that is safe to insert into a page.
///
/// Ink produces the HTML; modifiers make it safe: raw HTML in the text (blocks and inline) is shown as
/// text, links keep only `http`, `https` and `mailto` targets and get escaped attributes, code blocks are
/// rebuilt without Ink's unescaped language class, and images become their alt text (pictures belong in
/// pinned documents, and external images would track readers).
public struct MarkdownRenderer: Sendable {
    public init() {}

    public func html(_ markdown: String) -> String {
        var parser = MarkdownParser()
        parser.addModifier(Modifier(target: .html) { input in Self.escape(String(input.markdown)) })
        parser.addModifier(Modifier(target: .links) { input in Self.safeLink(input) })
        parser.addModifier(Modifier(target: .images) { input in Self.escape(Self.altText(String(input.markdown))) })
        parser.addModifier(Modifier(target: .codeBlocks) { input in Self.codeBlock(String(input.markdown)) })
        return parser.html(from: markdown)
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
}
