import Foundation
import KanavaBench
import KanavaCore
import KanavaTestSupport
import Testing

/// A bounded WebSocket frame fuzzer (docs/protocol.md): thousands of random and mutated frames from one member's
/// socket, with a fixed seed. Every frame within the size limit gets exactly one answer (a `reply` or an `error`
/// frame), none of them `internal`; a frame over the limit closes only that socket; the server keeps running, and a
/// second, well-behaved client on the same channel has its sends acknowledged and receives their events throughout.
@Suite struct WebSocketFuzzTests {
    static let seed: UInt64 = 0x6B61_6E61_7661_0009
    static let frameCount = 3_000
    static let batchSize = 50

    @Test func randomAndMutatedFramesNeverBreakTheServerOrAnotherClient() async throws {
        try await withServer { server in
            let t = server.installation
            try await t.person("johtaja@example.fi", "Jaana Järvinen")
            try await t.person("esimies@example.fi", "Ville Öhman")
            try await t.account("A1", "Östra kiinteistö Ab")
            try await t.account("A2", "Zeta Oy")
            try await t.member("A1", "johtaja@example.fi", .accountDirector)
            try await t.member("A1", "esimies@example.fi", .supervisor)
            let fuzzerSession = try await server.signedIn("esimies@example.fi")
            let observerSession = try await server.signedIn("johtaja@example.fi")
            let limit = server.kanava.config.limits.maxWsFrameBytes

            let (observer, _) = try await WSTestClient.connect(port: server.port, cookie: observerSession.cookie)
            let subscribed = try await observer.reply(to: try observer.subscribe([("A1", nil)]))
            #expect(subscribed.reply["ok"] as? Bool == true)

            var rng = SplitMix64(seed: Self.seed)
            var fuzzer = try await WSTestClient.connect(port: server.port, cookie: fuzzerSession.cookie).client
            var generator = FrameGenerator(maxFrameBytes: limit)
            var sent = 0, batch = 0, closes = 0
            while sent < Self.frameCount {
                batch += 1
                // A batch of fuzz frames, then a ping whose reply tells that every one of them has been answered.
                let frames = (0..<Self.batchSize).map { _ in generator.frame(using: &rng) }
                for frame in frames { fuzzer.sendText(frame) }
                sent += frames.count
                let sync = "sync-\(batch)"
                fuzzer.sendText(#"{"type":"ping","id":"\#(sync)"}"#)
                let before: [WSTestClient.Frame]
                do {
                    before = try await fuzzer.reply(to: sync, timeout: 30).before
                } catch {
                    Issue.record("batch \(batch) was not answered (\(error)); its frames: \(frames.map { "\($0.utf8.count) bytes: \($0.prefix(300).debugDescription)" })")
                    throw error
                }
                let answers = before.filter { ["reply", "error"].contains($0["type"] as? String) }
                #expect(answers.count == frames.count, "batch \(batch): \(answers.count) answers to \(frames.count) frames")
                for answer in answers {
                    let code = answer.value("error", "code") as? String
                    #expect(code != "internal", "batch \(batch): an internal error: \(answer)")
                    if answer["type"] as? String == "reply", answer["ok"] as? Bool == false {
                        #expect(!(answer.value("error", "message") as? String ?? "").isEmpty, "\(answer)")
                    }
                }
                #expect(before.allSatisfy { ["reply", "error", "event"].contains($0["type"] as? String) }, "batch \(batch): \(before.prefix(3))")

                // The bystander on the same channel: its send is acknowledged and its event arrives.
                let clientId = "observer-\(batch)"
                let reply = try await observer.reply(to: try observer.send("send", ["channel": "A1", "clientId": clientId, "body": "Tarkistus \(batch)"]), timeout: 30)
                #expect(reply.reply["ok"] as? Bool == true, "batch \(batch): \(reply.reply)")
                // Its event may come before or after the reply.
                let isOwnEvent = { (frame: WSTestClient.Frame) in
                    frame["kind"] as? String == "message.posted" && frame.value("data", "body") as? String == "Tarkistus \(batch)"
                }
                if !reply.before.contains(where: isOwnEvent) { _ = try await observer.next(where: isOwnEvent, timeout: 30) }

                // Now and then a frame over the limit: that socket is closed (1009), and the fuzzer reconnects.
                if batch % 10 == 0 {
                    fuzzer.sendText(generator.oversize(using: &rng))
                    try await fuzzer.waitUntilClosed(timeout: 30)
                    closes += 1
                    fuzzer = try await WSTestClient.connect(port: server.port, cookie: fuzzerSession.cookie).client
                }
            }
            #expect(closes == Self.frameCount / Self.batchSize / 10)

            // Afterwards: both still work, and so does HTTP.
            let pong = try await fuzzer.reply(to: try fuzzer.send("ping"))
            #expect(pong.reply["ok"] as? Bool == true)
            let last = try await observer.reply(to: try observer.send("send", ["channel": "A1", "clientId": "observer-last", "body": "Loppu"]))
            #expect(last.reply["ok"] as? Bool == true)
            #expect(try await observerSession.get("/api/accounts/A1").status == .ok)
            #expect(try await server.session().get("/health").status == .ok)
            await fuzzer.close()
            await observer.close()
        }
    }

    /// Regression: each of these once had to be answered, not dropped or crashed on.
    @Test(arguments: [
        "", " ", "null", "[]", "{}", "0", "\"ping\"", "{\"type\":\"ping\"}", "{\"id\":\"x\"}", "{\"type\":1,\"id\":\"x\"}",
        "{\"type\":\"ping\",\"id\":\"\(String(repeating: "x", count: 65))\"}", "{\"type\":\"send\",\"id\":\"x\",\"channel\":\"A1\"}",
        "{\"type\":\"subscribe\",\"id\":\"x\",\"channels\":[{\"channel\":\"A1\",\"after\":9223372036854775807}]}",
        "{\"type\":\"read\",\"id\":\"x\",\"channel\":\"A1\",\"upTo\":1e400}", String(repeating: "[", count: 20_000),
        "{\"type\":\"ping\",\"id\":\"x\",\"id\":\"y\"}", "{\"type\":\"ping\",\"id\":\"\\ud800\"}",
    ])
    func oddFramesGetOneAnswerEach(_ frame: String) async throws {
        try await withServer { server in
            try await server.installation.person("esimies@example.fi", "Ville Öhman")
            let session = try await server.signedIn("esimies@example.fi")
            let (client, _) = try await WSTestClient.connect(port: server.port, cookie: session.cookie)
            client.sendText(frame)
            let answer = try await client.next()
            #expect(["reply", "error"].contains(answer["type"] as? String), "\(answer)")
            #expect(answer.value("error", "code") as? String != "internal", "\(answer)")
            let pong = try await client.reply(to: try client.send("ping"))
            #expect(pong.reply["ok"] as? Bool == true)
            await client.close()
        }
    }
}

/// Found by the Markdown fuzzer: Ink trapped (ending the whole server process) on text that ends in white space after
/// a list item, or after a first line of `---`. Sent as chat messages and saved as a section page, they are stored and
/// rendered, and the server keeps serving.
@Suite struct MarkdownTrapRegressionTests {
    @Test func textThatOnceTrappedTheRendererIsStoredAndServed() async throws {
        try await withServer { server in
            let t = server.installation
            try await t.person("johtaja@example.fi", "Jaana Järvinen")
            try await t.account("A1", "Östra kiinteistö Ab")
            try await t.member("A1", "johtaja@example.fi", .accountDirector)
            let director = try await server.signedIn("johtaja@example.fi")
            let (client, _) = try await WSTestClient.connect(port: server.port, cookie: director.cookie)
            for (index, body) in ["- a\n ", "3) x  \n    ", "---\n\n- \n\t"].enumerated() {
                let sent = try await client.reply(to: try client.send("send", ["channel": "A1", "clientId": "trap-\(index)", "body": body]))
                #expect(sent.reply["ok"] as? Bool == true, "\(body.debugDescription): \(sent.reply)")
            }
            let saved = try await director.request(.put, "/api/accounts/A1/sections/overview", json: ["body": "- kohta\n  ", "baseRevision": 0])
            #expect(saved.status == .ok, "\(saved.text)")
            let page = try await director.get("/api/accounts/A1/sections/overview")
            #expect(page.text.contains("<li>kohta"), "\(page.text)")
            let history = try await director.get("/api/accounts/A1/messages")
            #expect(history.status == .ok)
            #expect(try await server.session().get("/health").status == .ok)
            await client.close()
        }
    }
}

/// Client frames: valid requests of every type, the same with fields dropped, retyped, huge or nested, invalid JSON,
/// binary-looking text, and frames just under the size limit.
struct FrameGenerator {
    let maxFrameBytes: Int
    private var counter = 0

    init(maxFrameBytes: Int) {
        self.maxFrameBytes = maxFrameBytes
    }

    /// A valid request of a random type (channel A1 is the fuzzer's, A2 is not, the rest do not exist).
    private mutating func valid(using rng: inout some RandomNumberGenerator) -> [String: Any] {
        counter += 1
        let channel = ["A1", "A1", "A1", "A2", "ZZ9", "a1"].randomElement(using: &rng)!
        func number(_ rng: inout some RandomNumberGenerator) -> Int { Int.random(in: 0...40, using: &rng) }
        let id = "f\(counter)"
        switch Int.random(in: 0..<9, using: &rng) {
        case 0: return ["type": "subscribe", "id": id, "channels": [["channel": channel, "after": number(&rng)], ["channel": "A1"]]]
        case 1: return ["type": "unsubscribe", "id": id, "channels": [channel]]
        case 2: return ["type": "ping", "id": id]
        case 3, 4:
            var frame: [String: Any] = ["type": "send", "id": id, "channel": channel, "clientId": "c-\(counter)", "body": "Viesti **\(counter)** <b>x</b>"]
            if Bool.random(using: &rng) { frame["threadRoot"] = number(&rng) }
            if Bool.random(using: &rng) { frame["privateWith"] = number(&rng) }
            return frame
        case 5: return ["type": "edit", "id": id, "channel": channel, "message": number(&rng), "body": "Muokattu \(counter)"]
        case 6: return ["type": "delete", "id": id, "channel": channel, "message": number(&rng)]
        case 7: return ["type": "read", "id": id, "channel": channel, "upTo": number(&rng)]
        default: return ["type": "ack", "id": id, "channel": channel, "notice": number(&rng)]
        }
    }

    /// Odd values for a field: other JSON types, extremes, huge and deeply nested ones.
    private func oddValue(using rng: inout some RandomNumberGenerator) -> Any {
        switch Int.random(in: 0..<14, using: &rng) {
        case 0: return NSNull()
        case 1: return true
        case 2: return Int64.max
        case 3: return Int64.min
        case 4: return -1
        case 5: return 1.5e300
        case 6: return ""
        case 7: return String(repeating: "ä", count: Int.random(in: 1...(maxFrameBytes / 4), using: &rng))
        case 8: return ["nested": ["deeper": [1, 2, 3]]]
        case 9: return [[[[[["x"]]]]]]
        case 10: return "\u{0}\u{1B}\u{7F}\u{202E}\u{FEFF}"
        case 11: return String(repeating: "x", count: 65)
        case 12: return Array(repeating: ["channel": "A1"], count: Int.random(in: 400...600, using: &rng))
        default: return "A1"
        }
    }

    mutating func frame(using rng: inout some RandomNumberGenerator) -> String {
        var frame = valid(using: &rng)
        switch Int.random(in: 0..<10, using: &rng) {
        case 0, 1:  // as it is
            break
        case 2:  // a field dropped
            frame.removeValue(forKey: frame.keys.sorted().randomElement(using: &rng)!)
        case 3, 4:  // a field retyped, made huge or nested
            frame[frame.keys.sorted().randomElement(using: &rng)!] = oddValue(using: &rng)
        case 5:  // an unknown field
            frame[["extra", "Type", "ID", "__proto__", ""].randomElement(using: &rng)!] = oddValue(using: &rng)
        case 6:  // invalid JSON: the text cut short or a byte changed
            var text = Array(Self.json(frame).unicodeScalars)
            if Bool.random(using: &rng) {
                text = Array(text.prefix(Int.random(in: 0..<text.count, using: &rng)))
            } else {
                text[Int.random(in: 0..<text.count, using: &rng)] = ["\"", "{", "}", ",", ":", "\\", "\u{0}"].randomElement(using: &rng)!
            }
            return String(String.UnicodeScalarView(text))
        case 7:  // binary-looking text
            return String(String.UnicodeScalarView((0..<Int.random(in: 0...200, using: &rng)).map { _ in
                UnicodeScalar(UInt8.random(in: 0...255, using: &rng))
            }))
        case 8:  // deeply nested JSON
            let depth = Int.random(in: 100...20_000, using: &rng)
            return #"{"type":"ping","id":"n","x":"# + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + "}"
        default:  // just under the size limit
            let text = Self.json(frame)
            let padding = max(0, maxFrameBytes - Int.random(in: 0...64, using: &rng) - text.utf8.count - 12)
            frame["body"] = String(repeating: "x", count: padding)
            return Self.json(frame)
        }
        return Self.json(frame)
    }

    /// A frame over the size limit: well-formed, or not.
    mutating func oversize(using rng: inout some RandomNumberGenerator) -> String {
        let over = maxFrameBytes + Int.random(in: 1...4096, using: &rng)
        return Bool.random(using: &rng)
            ? #"{"type":"ping","id":"big","pad":""# + String(repeating: "y", count: over) + #""}"#
            : String(repeating: "{", count: over)
    }

    private static func json(_ frame: [String: Any]) -> String {
        String(decoding: (try? JSONSerialization.data(withJSONObject: frame, options: [.sortedKeys])) ?? Data("{}".utf8), as: UTF8.self)
    }
}
