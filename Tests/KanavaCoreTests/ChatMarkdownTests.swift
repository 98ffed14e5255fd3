import KanavaCore
import Testing

@Suite struct ChatMarkdownTests {
    let renderer = MarkdownRenderer()

    @Test func singleLineBreaksStayLineBreaksInChat() {
        #expect(renderer.chatHTML("Hei\nhuomenna klo 8\nterveisin") == "<p>Hei<br>huomenna klo 8<br>terveisin</p>")
        #expect(renderer.chatHTML("Kaksi\n\nkappaletta") == "<p>Kaksi</p><p>kappaletta</p>")
        // Lists, code and headings are left as Markdown writes them.
        #expect(renderer.chatHTML("Lista:\n- yksi\n- kaksi") == renderer.html("Lista:\n- yksi\n- kaksi"))
        #expect(renderer.chatHTML("```\na\nb\n```") == "<pre><code>a\nb</code></pre>")
        // And still safe.
        #expect(renderer.chatHTML("<script>x</script>\nrivi") .contains("<script>") == false)
    }
}
