import Foundation
@testable import KanavaCore
import PropertyBased
import Testing

/// Property tests of the Markdown renderer (section pages, memos, chat): whatever the input, the output has no script,
/// no event-handler attribute and no link other than http(s) and mailto, and its tags nest properly.
@Suite struct MarkdownPropertyTests {
    let renderer = MarkdownRenderer()

    /// Pieces of Markdown and HTML that have broken renderers before, glued together at random.
    static let fragments = [
        "<script>alert(1)</script>", "<SCRIPT SRC=//x.fi/a.js>", "</script>", "<scr<script>ipt>", "<img src=x onerror=alert(1)>",
        "<a href=\"javascript:alert(1)\">x</a>", "<p onclick=\"x\">", "<p>", "</p>", "<div>", "</div>", "<!-- c -->", "<svg/onload=alert(1)>",
        "[a](javascript:alert(1))", "[a](JaVaScRiPt:alert(1))", "[a]( javascript:x)", "[a](java\tscript:x)", "[a](&#106;avascript:x)",
        "[a](https://example.fi \"t\")", "[a](http://x.fi/\"onmouseover=\"alert(1))", "[a](mailto:a@b.fi)", "[a][r]", "[r]: javascript:x",
        "[**b**](https://x.fi)", "[[x](javascript:y)](https://x.fi)", "[`c`](https://x.fi)", "![i](javascript:x)", "![i\" onerror=\"x](a.png)",
        "<https://x.fi>", "<javascript:alert(1)>", "`code <b>`", "```", "```js\" onload=\"x", "~~", "**", "*", "_", "__", "`",
        "# ", "## ", "###### ", "> ", "- ", "* ", "+ ", "1. ", "3) ", "---", "***", "| a | b |\n|---|:-:|\n| c | d |", "\\", "\\*",
        "\n", "\n\n", "  \n", "\r\n", "\t", "    ", " ", "&", "&amp;", "&lt;", "&#60;", "\"", "'", "<", ">", "[", "]", "(", ")", "!",
        "onload=", "style=", "href=", "=", ";", "&<svg/onload=alert(1)>;", "&<a/href=javascript:x>;", "&<em>;", "<p", "<pre>", "&#x3C;", "&x",
        "<\u{301}script>", "Hyvää päivää", "ÅÄÖ 😀", "\u{0}", "\u{1B}", "\u{202E}", "\u{FEFF}", "a", "b c",
    ]

    static let markdown = Generator<String, Shrink.None<String>> { rng in
        (0..<Int.random(in: 0...24, using: &rng)).map { _ in
            Int.random(in: 0..<8, using: &rng) == 0
                ? String(UnicodeScalar(UInt32.random(in: 0x20...0x36F, using: &rng)) ?? "?")
                : fragments.randomElement(using: &rng)!
        }.joined()
    }

    @Test(.timeLimit(.minutes(1))) func pageMarkdownRendersToSafeWellFormedHTML() async {
        await propertyCheck(count: 1500, input: Self.markdown) { markdown in
            Self.checkSafe(renderer.html(markdown), from: markdown)
        }
    }

    @Test(.timeLimit(.minutes(1))) func chatMarkdownRendersToSafeWellFormedHTML() async {
        await propertyCheck(count: 1000, input: Self.markdown) { markdown in
            Self.checkSafe(renderer.chatHTML(markdown), from: markdown)
        }
    }

    @Test(.timeLimit(.minutes(1))) func arbitraryTextRendersToSafeWellFormedHTML() async {
        let text = Gen.unicodeScalar(in: "\u{0}"..."\u{7F}").map { Character($0) }.string(of: 0...200)
        await propertyCheck(count: 1000, input: text) { markdown in
            Self.checkSafe(renderer.html(markdown), from: markdown)
        }
    }

    /// A link a browser would follow only to the web or a mail program: its scheme read the way a browser reads it
    /// (ASCII white space and controls ignored, any case).
    static func isHTTPOrMail(_ url: String) -> Bool {
        let scheme = String(url.unicodeScalars.filter { $0.value > 0x20 && $0.value != 0x7F }).lowercased().prefix { $0 != ":" }
        return ["http", "https", "mailto"].contains(scheme) && url.contains(":")
    }

    /// The elements Markdown makes (images become their alt text).
    static let elements: Set<String> = [
        "p", "br", "hr", "em", "strong", "s", "code", "pre", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6",
        "ul", "ol", "li", "table", "thead", "tbody", "tr", "th", "td", "a",
    ]

    /// Elements that have no closing tag.
    static let voidElements: Set<String> = ["br", "hr", "img"]

    /// Reads every tag of `html`: names and attributes, and checks them and their nesting. Reads Unicode scalars, as a
    /// browser does: a combining character after `<` or `>` does not hide it.
    static func checkSafe(_ html: String, from markdown: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let context = "markdown \(markdown.debugDescription) gave \(html.debugDescription)"
        #expect(!html.lowercased().contains("<script"), "\(context)", sourceLocation: sourceLocation)
        var open: [String] = []
        var rest = html.unicodeScalars[...]
        while let start = rest.firstIndex(of: "<") {
            guard let end = rest[start...].firstIndex(of: ">") else {
                Issue.record("an unclosed '<': \(context)", sourceLocation: sourceLocation)
                return
            }
            guard let tag = Tag(rest[rest.index(after: start)..<end]) else {
                Issue.record("not a tag: \(String(String.UnicodeScalarView(rest[start...end])).debugDescription) in \(context)", sourceLocation: sourceLocation)
                return
            }
            rest = rest[rest.index(after: end)...]
            #expect(Self.elements.contains(tag.name), "element <\(tag.name)>: \(context)", sourceLocation: sourceLocation)
            for (name, value) in tag.attributes {
                #expect(!name.hasPrefix("on"), "an event handler attribute \(name): \(context)", sourceLocation: sourceLocation)
                if ["href", "src", "action", "formaction"].contains(name) {
                    #expect(Self.isHTTPOrMail(value), "a link to \(value.debugDescription): \(context)", sourceLocation: sourceLocation)
                }
                #expect(["href", "rel", "start", "align"].contains(name), "attribute \(name): \(context)", sourceLocation: sourceLocation)
            }
            if tag.closing {
                guard open.last == tag.name else {
                    Issue.record("</\(tag.name)> closes \(open.last.map { "<\($0)>" } ?? "nothing"): \(context)", sourceLocation: sourceLocation)
                    return
                }
                open.removeLast()
            } else if !voidElements.contains(tag.name) && !tag.selfClosing {
                open.append(tag.name)
            }
        }
        #expect(open.isEmpty, "unclosed \(open): \(context)", sourceLocation: sourceLocation)
    }

    /// `name attr="value" …` or `/name` between `<` and `>`; nil when it is not in that shape.
    struct Tag {
        var name: String
        var closing: Bool
        var selfClosing: Bool
        var attributes: [(String, String)] = []

        init?(_ text: String.UnicodeScalarView.SubSequence) {
            var text = text
            closing = text.first == "/"
            if closing { text = text.dropFirst() }
            selfClosing = text.last == "/"
            if selfClosing { text = text.dropLast() }
            func isLetter(_ scalar: Unicode.Scalar) -> Bool { ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) }
            let name = text.prefix { isLetter($0) || ("0"..."9").contains($0) }
            guard !name.isEmpty else { return nil }
            self.name = String(String.UnicodeScalarView(name)).lowercased()
            text = text.dropFirst(name.count)
            while !text.isEmpty {
                guard text.first == " " else { return nil }
                text = text.drop { $0 == " " }
                let attribute = text.prefix { $0 != "=" && $0 != " " }
                text = text.dropFirst(attribute.count)
                guard !attribute.isEmpty, attribute.allSatisfy({ isLetter($0) || $0 == "-" }), text.starts(with: "=\"".unicodeScalars) else { return nil }
                text = text.dropFirst(2)
                guard let quote = text.firstIndex(of: "\"") else { return nil }
                attributes.append((String(String.UnicodeScalarView(attribute)).lowercased(), Self.unescape(String(String.UnicodeScalarView(text[..<quote])))))
                text = text[text.index(after: quote)...]
            }
            if closing && (!attributes.isEmpty || selfClosing) { return nil }
        }

        /// The few entities the renderer writes, so that a `&#106;avascript:` would be read as a browser reads it.
        static func unescape(_ value: String) -> String {
            value.replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
                .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
                .replacingOccurrences(of: "&amp;", with: "&")
        }
    }
}

/// What the property tests found, kept as fixed cases.
@Suite struct MarkdownFuzzRegressionTests {
    let renderer = MarkdownRenderer()

    /// Ink looped forever on `<p` with no `>` after it (a chat message could hang a server thread).
    @Test(.timeLimit(.minutes(1)), arguments: ["<p", "<P", "a <p b", "<p#\u{0329}[a][r]", "x\n\n<p\n\n**y**", "- <p\n- <pre"])
    func anUnclosedPTagRendersAsText(_ markdown: String) {
        let html = renderer.html(markdown)
        #expect(html.contains("&lt;p") || html.contains("&lt;P"), "\(html)")
        MarkdownPropertyTests.checkSafe(html, from: markdown)
    }

    /// Ink read past the end of the text (a trap that ends the process) when it ended in white space after a list
    /// item or after a first line of `---`.
    @Test(arguments: ["- \n ", "- a\n  ", "3) x  \n    ", "+ ***\n  \n\t", "- <div>[a][r]  \n     ", "---\n\n", "---\n", " \n---\n \t"])
    func textEndingInWhiteSpaceDoesNotTrap(_ markdown: String) {
        MarkdownPropertyTests.checkSafe(renderer.html(markdown), from: markdown)
        MarkdownPropertyTests.checkSafe(renderer.chatHTML(markdown), from: markdown)
    }

    /// Raw HTML reads as typed: no emphasis found inside it, whatever its underscores and asterisks.
    @Test func rawHTMLReadsAsTyped() {
        #expect(renderer.html(#"Perustiedot <img src=x onerror="window.__xss=1"><b>**x**</b>"#)
            == "<p>Perustiedot &lt;img src=x onerror=&quot;window.__xss=1&quot;&gt;&lt;b&gt;<strong>x</strong>&lt;/b&gt;</p>")
        #expect(renderer.html("a < b and c > d") == "<p>a &lt; b and c &gt; d</p>")
        #expect(renderer.html("`<p>` ja <p") == "<p><code>&lt;p&gt;</code> ja &lt;p</p>")
        #expect(renderer.html("\u{E001}\u{E010}\u{E002}<i>") == "<p>\u{FFFD}\u{FFFD}\u{FFFD}&lt;i&gt;</p>")
    }

    /// Underscores inside words and names are text, as in CommonMark; around words they still make emphasis.
    @Test func underscoresInsideWordsAreText() {
        #expect(renderer.html("sopimus_2026_final.pdf ja _tärkeä_ ja __hyvin tärkeä__") ==
            "<p>sopimus_2026_final.pdf ja <em>tärkeä</em> ja <strong>hyvin tärkeä</strong></p>")
        #expect(renderer.html("<b>window.__x=2</b> parent.__x=5") == "<p>&lt;b&gt;window.__x=2&lt;/b&gt; parent.__x=5</p>")
        #expect(renderer.html("`a_b_c` [d_e_f](https://x.fi/a_b_c)") ==
            #"<p><code>a_b_c</code> <a href="https://x.fi/a_b_c" rel="noopener noreferrer nofollow">d_e_f</a></p>"#)
    }

    /// A first line of `---` is a thematic break, not the start of a front-matter block that hides the next lines.
    @Test func aLeadingRuleDoesNotHideText() {
        #expect(renderer.html("---\nsalainen: arvo\n---\nloput") == "<hr><p>salainen: arvo</p><hr><p>loput</p>")
        #expect(renderer.html("- a\n- b\n\n") == "<ul><li>a</li><li>b</li></ul>")
    }

    /// Ink passed a trailing `<` and an `&…;` run through unescaped.
    @Test func strayMarkupCharactersAreEscaped() {
        #expect(renderer.html("<") == "<p>&lt;</p>")
        #expect(renderer.html("a \"<") == "<p>a &quot;&lt;</p>")
        let entity = renderer.html("&<svg/onload=alert(1)>;")
        #expect(!entity.contains("<svg"), "\(entity)")
        MarkdownPropertyTests.checkSafe(entity, from: "&<svg/onload=alert(1)>;")
        #expect(renderer.html("a &amp; b &#228; &x") == "<p>a &amp; b &#228; &amp;x</p>")
    }

    /// The last pass keeps the renderer's own tags, closes what is left open and escapes what is not allowed.
    @Test func tidyKeepsAllowedTagsAndBalancesThem() {
        #expect(MarkdownRenderer.tidy("<p><em>a</p>") == "<p><em>a</em></p>")
        #expect(MarkdownRenderer.tidy("<p>a</em></p>") == "<p>a</p>")
        #expect(MarkdownRenderer.tidy("<p>a") == "<p>a</p>")
        #expect(MarkdownRenderer.tidy(#"<a href="javascript:x">y</a>"#) == "&lt;a href=&quot;javascript:x&quot;&gt;y")
        #expect(MarkdownRenderer.tidy(#"<a href="&#106;avascript:x">y</a>"#) == "&lt;a href=&quot;&#106;avascript:x&quot;&gt;y")
        #expect(MarkdownRenderer.tidy(#"<a href="https://x.fi/?a=1&amp;b=2" rel="noopener">y</a>"#) == #"<a href="https://x.fi/?a=1&amp;b=2" rel="noopener">y</a>"#)
        #expect(MarkdownRenderer.tidy(#"<p onclick="x">"#) == "&lt;p onclick=&quot;x&quot;&gt;")
        #expect(MarkdownRenderer.tidy("<img src=x>") == "&lt;img src=x&gt;")
        #expect(MarkdownRenderer.tidy("<br><hr>") == "<br><hr>")
    }
}
