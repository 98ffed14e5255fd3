import Foundation
import HTTPTypes
import KanavaCore
import KanavaTestSupport
import Testing

/// Incoming webhooks: the director makes and deletes them; real Slack tooling (Python's slack_sdk) and the
/// form-encoded `payload=` variant post through them; bad bodies are refused and store nothing.
@Suite struct WebhookTests {
    /// A1 with a director and a supervisor, B2 with another director; an admin.
    private func setUp(_ server: TestServer) async throws {
        let t = server.installation
        try await t.person("johtaja@example.fi", "Jaana Järvinen")
        try await t.person("esimies@example.fi", "Ville Mäkinen")
        try await t.person("muu@example.fi", "Muu Ihminen")
        try await t.person("admin@example.fi", "Pääkäyttäjä", global: .admin)
        try await t.account("A1", "Östra kiinteistö Ab")
        try await t.account("B2", "Wärtsi kirjasto")
        try await t.member("A1", "johtaja@example.fi", .accountDirector)
        try await t.member("A1", "esimies@example.fi", .supervisor)
        try await t.member("B2", "muu@example.fi", .accountDirector)
    }

    /// Makes a webhook of A1 as the director; returns its id, URL and the URL's path.
    private func createWebhook(_ director: HTTPSession, name: String) async throws -> (id: Int, url: String, path: String) {
        let response = try await director.request(.post, "/api/accounts/A1/webhooks", json: ["name": name])
        #expect(response.status == .created, "\(response.text)")
        let url = try #require(try response.json()["url"] as? String)
        let path = try #require(URL(string: url)?.path)
        return (try #require(try response.json().value("webhook", "id") as? Int), url, path)
    }

    private func messages(_ server: TestServer, _ account: String = "A1") async throws -> [Message] {
        try await server.kanava.store.messages(in: AccountID.parse(account), .channel, before: nil, limit: 200).messages
    }

    @Test func theDirectorAndAdminsManageWebhooksAndSecretsAreShownOnce() async throws {
        try await withServer { server in
            try await setUp(server)
            let director = try await server.signedIn("johtaja@example.fi")
            let supervisor = try await server.signedIn("esimies@example.fi")
            let outsider = try await server.signedIn("muu@example.fi")
            let admin = try await server.signedIn("admin@example.fi")

            let created = try await director.request(.post, "/api/accounts/A1/webhooks", json: ["name": "Jira"])
            #expect(created.status == .created, "\(created.text)")
            let json = try created.json()
            let url = try #require(json["url"] as? String)
            #expect(url.hasPrefix("http://127.0.0.1:\(server.port)/hooks/"), "the request's own origin when no public_url is set")
            let secret = String(url.split(separator: "/").last ?? "")
            #expect(secret.count == 43)
            #expect(json.value("webhook", "name") as? String == "Jira")
            #expect(json.value("webhook", "createdBy", "name") as? String == "Jaana Järvinen")
            #expect(json.value("webhook", "account") == nil && json.value("webhook", "secret") == nil)
            let id = try #require(json.value("webhook", "id") as? Int)

            let list = try await admin.get("/api/accounts/A1/webhooks")
            #expect(list.status == .ok)
            #expect((try list.json()["webhooks"] as? [[String: Any]])?.map { $0["name"] as? String } == ["Jira"])
            #expect(!list.text.contains(secret), "the list never shows the secret")
            #expect(try await admin.request(.post, "/api/accounts/A1/webhooks", json: ["name": "Zabbix"]).status == .created)

            // Members who do not manage the channel: 403; outsiders do not see it at all.
            #expect(try await supervisor.get("/api/accounts/A1/webhooks").status == .forbidden)
            #expect(try await supervisor.request(.post, "/api/accounts/A1/webhooks", json: ["name": "x"]).status == .forbidden)
            #expect(try await supervisor.request(.delete, "/api/accounts/A1/webhooks/\(id)").status == .forbidden)
            #expect(try await outsider.get("/api/accounts/A1/webhooks").status == .notFound)
            #expect(try await outsider.request(.post, "/api/accounts/A1/webhooks", json: ["name": "x"]).status == .notFound)
            #expect(try await outsider.request(.delete, "/api/accounts/B2/webhooks/\(id)").status == .notFound, "another channel's webhook")

            for (body, expected) in [(["name": ""], "name: must not be empty"), (["name": String(repeating: "w", count: 81)], "name: must be at most 80"),
                                     (["name": "x", "url": "y"], "unknown field 'url'"), ([:], "name: is required")] as [([String: Any], String)] {
                let response = try await director.request(.post, "/api/accounts/A1/webhooks", json: body)
                #expect(response.status == .badRequest, "\(body)")
                #expect((try response.json().value("error", "message") as? String)?.contains(expected) == true, "\(response.text)")
            }

            // Deleting stops the URL at once.
            #expect(try await server.session().request(.post, "/hooks/\(secret)", json: ["text": "Ennen"]).status == .ok)
            #expect(try await director.request(.delete, "/api/accounts/A1/webhooks/\(id)").status == .noContent)
            let after = try await server.session().request(.post, "/hooks/\(secret)", json: ["text": "Jälkeen"])
            #expect(after.status == .notFound)
            #expect(try await director.request(.delete, "/api/accounts/A1/webhooks/\(id)").status == .notFound)
            #expect(try await messages(server).compactMap(\.body) == ["Ennen"])
        }
    }

    @Test func theURLUsesThePublicAddressWhenOneIsSet() async throws {
        try await withServer(configure: { $0.server.publicUrl = "https://kanava.example.fi/" }) { server in
            try await setUp(server)
            let director = try await server.signedIn("johtaja@example.fi")
            director.origin = "https://kanava.example.fi"
            let response = try await director.request(.post, "/api/accounts/A1/webhooks", json: ["name": "Jira"])
            #expect((try response.json()["url"] as? String)?.hasPrefix("https://kanava.example.fi/hooks/") == true, "\(response.text)")
        }
    }

    @Test func slackSDKsWebhookClientPostsUnchanged() async throws {
        try await withServer { server in
            try await setUp(server)
            let director = try await server.signedIn("johtaja@example.fi")
            let hook = try await createWebhook(director, name: "Jenkins")
            let sends: [[String: Any]] = [
                ["send": ["text": "Build *green* ✅ — Jyväskylän työmaa"]],
                ["send_dict": ["text": "Hälytys: lämpötila 31 °C", "username": "Zabbix", "icon_emoji": ":fire:", "channel": "#yleinen"]],
                ["send": ["text": "Liitteet ohitetaan", "attachments": [["color": "good", "text": "ei näy"]], "unfurl_links": false]],
                ["send": ["blocks": [["type": "section", "text": ["type": "mrkdwn", "text": "vain lohkoja"]]]]],
            ]
            let result = try await Python.script("slack_webhook.py", [hook.url], input: JSONSerialization.data(withJSONObject: sends),
                                                 needs: [(module: "slack_sdk", package: "slack_sdk")])
            #expect(result.status == 0, "\(result.standardError)")
            let responses = try #require(try JSONSerialization.jsonObject(with: result.output) as? [[String: Any]], "\(result.standardError)")
            #expect(responses.map { $0["status"] as? Int } == [200, 200, 200, 400])
            #expect(responses.prefix(3).allSatisfy { $0["body"] as? String == "ok" })
            #expect((responses.last?["body"] as? String)?.contains("no_text") == true, "\(responses)")

            let posted = try await messages(server)
            #expect(posted.map(\.authorName) == ["Jenkins", "Zabbix", "Jenkins"])
            #expect(posted.map(\.body) == ["Build *green* ✅ — Jyväskylän työmaa", "Hälytys: lämpötila 31 °C", "Liitteet ohitetaan"])
            #expect(posted.allSatisfy { $0.author == nil })
        }
    }

    @Test func theFormEncodedPayloadWorksAndBadBodiesAreRefusedStoringNothing() async throws {
        try await withServer { server in
            try await setUp(server)
            let director = try await server.signedIn("johtaja@example.fi")
            let hook = try await createWebhook(director, name: "Lomake")
            let client = server.session()
            let form: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]

            // Mattermost's and old Slack tools' form: payload=<JSON>, percent-encoded, + for spaces.
            let payload = #"{"text":"Lomake toimii & ääkköset: 100%","username":"curl"}"#
                .addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            let ok = try await client.request(.post, hook.path, body: Data("payload=\(payload)".utf8), headers: form)
            #expect(ok.status == .ok, "\(ok.text)")
            #expect(ok.text == "ok")
            #expect(ok.headers[.contentType]?.hasPrefix("text/plain") == true)
            let plus = try await client.request(.post, hook.path, body: Data(#"channel=x&payload={"text":"plus+merkit+välilyönteinä"}"#.utf8), headers: form)
            #expect(plus.status == .ok, "\(plus.text)")
            #expect(try await messages(server).map(\.body) == ["Lomake toimii & ääkköset: 100%", "plus merkit välilyönteinä"])
            #expect(try await messages(server).first?.authorName == "curl")

            let json: HTTPFields = [.contentType: "application/json"]
            let bad: [(Data, HTTPFields, HTTPResponse.Status, String)] = [
                (Data("hello".utf8), json, .badRequest, "not valid JSON"),
                (Data("[1, 2]".utf8), json, .badRequest, "must be a JSON object"),
                (Data(#""text""#.utf8), json, .badRequest, "must be a JSON object"),
                (Data(), json, .badRequest, "the body is empty"),
                (Data("{}".utf8), json, .badRequest, "no_text"),
                (Data(#"{"text": null}"#.utf8), json, .badRequest, "no_text"),
                (Data(#"{"text": "  \n "}"#.utf8), json, .badRequest, "no_text"),
                (Data(#"{"username": "x", "attachments": []}"#.utf8), json, .badRequest, "no_text"),
                (Data(#"{"text": 5}"#.utf8), json, .badRequest, "text: must be a string"),
                (Data(#"{"text": "x", "username": ["a"]}"#.utf8), json, .badRequest, "username: must be a string"),
                (Data(#"{"text": "x", "username": "kaksi\nriviä"}"#.utf8), json, .badRequest, "username: must be one line"),
                (Data(#"{"text": "x", "username": "\#(String(repeating: "u", count: 81))"}"#.utf8), json, .badRequest, "username: must be at most 80"),
                (Data(#"{"text": "\#(String(repeating: "t", count: 4001))"}"#.utf8), json, .badRequest, "text: must be at most 4000 characters"),
                (Data(#"{"text": "\#(String(repeating: "t", count: 70_000))"}"#.utf8), json, .contentTooLarge, "larger than 65536 bytes"),
                (Data("text=hei".utf8), form, .badRequest, "payload=<JSON>"),
                (Data("payload=%7Bnot json".utf8), form, .badRequest, "not valid JSON"),
                (Data("payload=%E4%ZZ".utf8), form, .badRequest, "not percent-encoded"),
            ]
            for (body, headers, status, expected) in bad {
                let response = try await client.request(.post, hook.path, body: body, headers: headers)
                #expect(response.status == status, "\(String(decoding: body.prefix(60), as: UTF8.self)): \(response.text)")
                #expect((try? response.json().value("error", "message") as? String)?.contains(expected) == true,
                        "\(String(decoding: body.prefix(60), as: UTF8.self)): \(response.text)")
            }

            // Unknown secrets are 404 whatever the body; a secret is not a session, so no cookie or CSRF token is needed.
            for path in ["/hooks/\(SecretToken.random())", "/hooks/abc", "/hooks/\(hook.path.split(separator: "/").last ?? "")x"] {
                #expect(try await client.request(.post, path, json: ["text": "Hei"]).status == .notFound, "\(path)")
                #expect(try await client.request(.post, path, body: Data("hello".utf8)).status == .notFound, "\(path)")
            }
            #expect(try await messages(server).count == 2, "nothing more was stored")
            #expect(try await messages(server, "B2").isEmpty)
        }
    }
}
