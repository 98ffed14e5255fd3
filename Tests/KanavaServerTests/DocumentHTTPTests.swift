import Foundation
import HTTPTypes
import KanavaCore
import KanavaTestSupport
import Testing

/// Documents and memos over HTTP on a live server, with the real sections of the default template.
@Suite struct DocumentHTTPTests {
    struct People {
        var director: HTTPSession
        var supervisor: HTTPSession
        var sales: HTTPSession
        var outsider: HTTPSession
    }

    /// Channel A1 (director, supervisor, sales) and B2 (the outsider's); a new account gets the template's sections.
    private func setUp(_ server: TestServer) async throws -> People {
        let t = server.installation
        try await t.account("A1", "Wärtsi kirjasto kuntayhtymä")
        try await t.account("B2", "Toinen asiakas")
        for (email, name) in [("johtaja", "Johtaja"), ("esimies", "Esimies"), ("myynti", "Myynti"), ("muu", "Muu")] {
            try await t.person("\(email)@example.fi", name)
        }
        try await t.member("A1", "johtaja@example.fi", .accountDirector)
        try await t.member("A1", "esimies@example.fi", .supervisor)
        try await t.member("A1", "myynti@example.fi", .sales)
        try await t.member("B2", "muu@example.fi", .accountDirector)
        return People(director: try await server.signedIn("johtaja@example.fi"), supervisor: try await server.signedIn("esimies@example.fi"),
                      sales: try await server.signedIn("myynti@example.fi"), outsider: try await server.signedIn("muu@example.fi"))
    }

    static let pdf = Data("%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n".utf8)
    static let pdf2 = Data("%PDF-1.7\n% toinen versio\n%%EOF\n".utf8)
    static let png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 1, 2, 3])
    static let fileName = HTTPField.Name("X-File-Name")!

    static func encoded(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
    }

    private func upload(_ session: HTTPSession, _ path: String, name: String, type: String, _ data: Data) async throws -> HTTPSession.Response {
        try await session.request(.post, path, body: data, headers: [.contentType: type, Self.fileName: Self.encoded(name)])
    }

    private func message(_ response: HTTPSession.Response) -> String? {
        ((try? response.json())?["error"] as? [String: Any])?["message"] as? String
    }

    private func blobs(_ server: TestServer) -> [String] {
        let root = URL(fileURLWithPath: server.kanava.config.dataDir).appendingPathComponent("files").path
        let all = (FileManager.default.enumerator(atPath: root)?.allObjects as? [String]) ?? []
        return all.filter { !$0.hasPrefix("tmp") && $0.split(separator: "/").count == 3 }
    }

    @Test func uploadListVersionDownloadChangeAndUnpin() async throws {
        try await withServer { server in
            let people = try await setUp(server)
            let query = "kind=contract&validFrom=2025-01-01&validUntil=2027-12-31&status=in_force&title=\(Self.encoded("Palvelusopimus 2025–2027"))"
            let created = try await upload(people.director, "/api/accounts/A1/sections/contracts/documents?\(query)",
                                           name: "Palvelusopimus ÄÖ 2025.pdf", type: "application/pdf", Self.pdf)
            #expect(created.status == .created, "\(created.text)")
            let document = try #require(try created.json()["document"] as? [String: Any])
            let id = try #require(document["id"] as? Int)
            #expect(document["title"] as? String == "Palvelusopimus 2025–2027")
            #expect(document["status"] as? String == "in_force")
            #expect(document["section"] as? String == "contracts")
            #expect((document["latest"] as? [String: Any])?["file"].flatMap { ($0 as? [String: Any])?["name"] as? String } == "Palvelusopimus ÄÖ 2025.pdf")

            // Everyone who sees the section lists it; only editors may change it.
            let list = try await people.supervisor.get("/api/accounts/A1/sections/contracts/documents").json()
            #expect((list["documents"] as? [[String: Any]])?.map { $0["id"] as? Int } == [id])
            #expect(list["canEdit"] as? Bool == false)
            #expect((list["section"] as? [String: Any])?["key"] as? String == "contracts")
            let refused = try await upload(people.supervisor, "/api/accounts/A1/sections/contracts/documents", name: "x.pdf", type: "application/pdf", Self.pdf2)
            #expect(refused.status == .forbidden)

            let versioned = try await upload(people.director, "/api/accounts/A1/documents/\(id)/versions", name: "Palvelusopimus v2.pdf", type: "application/pdf", Self.pdf2)
            #expect(versioned.status == .created)
            #expect((try versioned.json()["versions"] as? [[String: Any]])?.count == 2)

            for (number, bytes) in [(1, Self.pdf), (2, Self.pdf2)] {
                let download = try await people.supervisor.get("/api/accounts/A1/documents/\(id)/versions/\(number)/download")
                #expect(download.status == .ok)
                #expect(download.body == bytes)
                #expect(download.headers[.contentType] == "application/pdf")
                #expect(download.headers[.xContentTypeOptions] == "nosniff")
                #expect(download.headers[.cacheControl]?.contains("no-store") == true)
            }
            let first = try await people.supervisor.get("/api/accounts/A1/documents/\(id)/versions/1/download")
            #expect(first.headers[.contentDisposition] == #"attachment; filename="Palvelusopimus AO 2025.pdf"; filename*=UTF-8''Palvelusopimus%20%C3%84%C3%96%202025.pdf"#)
            #expect(try await people.supervisor.get("/api/accounts/A1/documents/\(id)/versions/3/download").status == .notFound)
            #expect(try await people.supervisor.get("/api/accounts/A1/documents/\(id)/versions/x/download").status == .badRequest)

            let patched = try await people.director.request(.patch, "/api/accounts/A1/documents/\(id)", json: ["title": "Palvelusopimus", "validUntil": NSNull()])
            #expect(patched.status == .ok, "\(patched.text)")
            let patchedDocument = try #require(try patched.json()["document"] as? [String: Any])
            #expect(patchedDocument["title"] as? String == "Palvelusopimus")
            #expect(patchedDocument["validUntil"] == nil)
            let badPatch = try await people.director.request(.patch, "/api/accounts/A1/documents/\(id)", json: ["status": "expired"])
            #expect(badPatch.status == .badRequest)
            #expect(message(badPatch)?.contains("expired is not set by hand") == true)
            #expect(try await people.director.request(.patch, "/api/accounts/A1/documents/\(id)", json: ["titel": "x"]).status == .badRequest)

            #expect(try await people.supervisor.request(.delete, "/api/accounts/A1/documents/\(id)").status == .forbidden)
            #expect(try await people.director.request(.delete, "/api/accounts/A1/documents/\(id)").status == .noContent)
            #expect(try await people.director.get("/api/accounts/A1/documents/\(id)").status == .notFound)
            #expect(try await people.director.get("/api/accounts/A1/documents/\(id)/versions/1/download").status == .notFound)
        }
    }

    @Test func anUploadOverTheLimitGets413AndNothingIsStored() async throws {
        try await withServer(configure: { $0.limits.maxUploadBytes = 2048 }) { server in
            let people = try await setUp(server)
            let head = try await server.kanava.store.head(of: try AccountID.parse("A1"))
            let big = Data("%PDF-1.4\n".utf8) + Data(repeating: 0x20, count: 100_000)
            let response = try await upload(people.director, "/api/accounts/A1/sections/contracts/documents", name: "iso.pdf", type: "application/pdf", big)
            #expect(response.status == .contentTooLarge)
            #expect(response.errorCode == "payload_too_large")
            #expect(blobs(server).isEmpty)
            #expect(try await server.kanava.store.head(of: try AccountID.parse("A1")) == head)
            let listed = try await people.director.get("/api/accounts/A1/sections/contracts/documents").json()
            #expect((listed["documents"] as? [Any])?.isEmpty == true)
            // The server goes on serving, and a file within the limit is taken.
            #expect(try await upload(people.director, "/api/accounts/A1/sections/contracts/documents", name: "pieni.pdf", type: "application/pdf", Self.pdf).status == .created)
        }
    }

    @Test func typeMismatchesAndNameTricksAreRefusedOrNeutralised() async throws {
        try await withServer { server in
            let people = try await setUp(server)
            let path = "/api/accounts/A1/sections/contracts/documents"
            let disguised = try await upload(people.director, path, name: "sopimus.pdf", type: "application/pdf", Self.png)
            #expect(disguised.status == .badRequest)
            #expect(disguised.errorCode == "invalid_input")
            #expect(message(disguised) == "file: the name says a PDF document (.pdf) but the content is a PNG image")
            let declared = try await upload(people.director, path, name: "sopimus.pdf", type: "image/png", Self.pdf)
            #expect(message(declared) == "file: the name says a PDF document (.pdf) but the declared Content-Type is 'image/png'")
            let noName = try await people.director.request(.post, path, body: Self.pdf, headers: [.contentType: "application/pdf"])
            #expect(noName.status == .badRequest)
            #expect(message(noName)?.contains("X-File-Name") == true)
            #expect(try await people.director.request(.post, path + "?titel=x", body: Self.pdf, headers: [.contentType: "application/pdf", Self.fileName: "a.pdf"]).status == .badRequest)
            #expect(blobs(server).isEmpty)

            // A path and a header-splitting attempt in the name: only the last part is kept, without control characters.
            let tricky = try await upload(people.director, path, name: "../../etc/x\r\nSet-Cookie: kanava_session=evil; \"a.pdf", type: "application/pdf", Self.pdf)
            #expect(tricky.status == .created, "\(tricky.text)")
            let stored = try #require(((try tricky.json()["document"] as? [String: Any])?["latest"] as? [String: Any])?["file"] as? [String: Any])
            #expect(stored["name"] as? String == "xSet-Cookie: kanava_session=evil; \"a.pdf")
            let id = try #require((try tricky.json()["document"] as? [String: Any])?["id"] as? Int)
            let download = try await people.director.get("/api/accounts/A1/documents/\(id)/versions/1/download")
            #expect(download.headers[.setCookie] == nil)
            #expect(download.headers[.contentDisposition] == #"attachment; filename="xSet-Cookie: kanava_session=evil; _a.pdf"; filename*=UTF-8''xSet-Cookie%3A%20kanava_session%3Devil%3B%20%22a.pdf"#)
        }
    }

    @Test func restrictedSectionsAndOtherChannelsAnswerNotFound() async throws {
        try await withServer { server in
            let people = try await setUp(server)
            let created = try await upload(people.director, "/api/accounts/A1/sections/billing/documents", name: "Hinnasto.pdf", type: "application/pdf", Self.pdf)
            #expect(created.status == .created)
            let id = try #require((try created.json()["document"] as? [String: Any])?["id"] as? Int)

            for session in [people.supervisor, people.outsider] {
                for path in ["/api/accounts/A1/sections/billing/documents", "/api/accounts/A1/documents/\(id)",
                             "/api/accounts/A1/documents/\(id)/versions/1/download", "/api/accounts/A1/documents/99999/versions/1/download"] {
                    let response = try await session.get(path)
                    #expect(response.status == .notFound, "\(path)")
                    #expect(response.errorCode == "not_found")
                    #expect(!response.body.starts(with: Self.pdf.prefix(5)))
                }
                #expect(try await upload(session, "/api/accounts/A1/sections/billing/documents", name: "x.pdf", type: "application/pdf", Self.pdf2).status == .notFound)
            }
            // A denied document reads exactly like a missing one.
            let denied = try await people.supervisor.get("/api/accounts/A1/documents/\(id)/versions/1/download")
            let missing = try await people.supervisor.get("/api/accounts/A1/documents/99999/versions/1/download")
            #expect(denied.text.replacingOccurrences(of: "document \(id) ", with: "document N ") == missing.text.replacingOccurrences(of: "document 99999 ", with: "document N "))
            // Another channel's id does not reach it either.
            #expect(try await people.outsider.get("/api/accounts/B2/documents/\(id)").status == .notFound)

            #expect(try await people.sales.get("/api/accounts/A1/documents/\(id)/versions/1/download").body == Self.pdf)

            // The event log tells the supervisor nothing of it; the director sees it.
            let supervisorKinds = ((try await people.supervisor.get("/api/accounts/A1/events").json()["events"] as? [[String: Any]]) ?? []).compactMap { $0["kind"] as? String }
            let directorKinds = ((try await people.director.get("/api/accounts/A1/events").json()["events"] as? [[String: Any]]) ?? []).compactMap { $0["kind"] as? String }
            #expect(!supervisorKinds.contains("document.added"))
            #expect(directorKinds.contains("document.added"))
        }
    }

    @Test func aDamagedStoredFileIsAServerErrorNotBytes() async throws {
        try await withServer { server in
            let people = try await setUp(server)
            let created = try await upload(people.director, "/api/accounts/A1/sections/contracts/documents", name: "a.pdf", type: "application/pdf", Self.pdf)
            let document = try #require(try created.json()["document"] as? [String: Any])
            let id = try #require(document["id"] as? Int)
            let stored = try #require(blobs(server).first)
            var damaged = Self.pdf
            damaged[12] ^= 0x20
            try damaged.write(to: URL(fileURLWithPath: server.kanava.config.dataDir).appendingPathComponent("files").appendingPathComponent(stored))
            let response = try await people.director.get("/api/accounts/A1/documents/\(id)/versions/1/download")
            #expect(response.status == .internalServerError)
            #expect(response.errorCode == "internal")
            #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
            #expect(response.body != damaged)
        }
    }

    @Test func linksAreJSONAndOnlyHTTPOrHTTPS() async throws {
        try await withServer { server in
            let people = try await setUp(server)
            let path = "/api/accounts/A1/sections/services/documents"
            let evil = try await people.director.request(.post, path, json: ["title": "Ohje", "url": "javascript:alert(document.cookie)"])
            #expect(evil.status == .badRequest)
            #expect(message(evil) == "url: only http:// and https:// links are allowed")
            #expect(try await people.director.request(.post, path, json: ["url": "https://x.fi", "owner": "me"]).status == .badRequest)
            let link = try await people.director.request(.post, path, json: ["title": "Työohjeet intrassa", "url": "https://intra.example.fi/työohjeet"])
            #expect(link.status == .created, "\(link.text)")
            let id = try #require((try link.json()["document"] as? [String: Any])?["id"] as? Int)
            let version = try await people.director.request(.post, "/api/accounts/A1/documents/\(id)/versions", json: ["url": "https://intra.example.fi/v2"])
            #expect(version.status == .created)
            #expect((try version.json()["versions"] as? [[String: Any]])?.compactMap { $0["url"] as? String }
                == ["https://intra.example.fi/työohjeet", "https://intra.example.fi/v2"])
            #expect(try await upload(people.director, "/api/accounts/A1/documents/\(id)/versions", name: "a.pdf", type: "application/pdf", Self.pdf).status == .badRequest)
        }
    }

    @Test func memosOverHTTP() async throws {
        try await withServer { server in
            let people = try await setUp(server)
            let older = try await people.director.request(.post, "/api/accounts/A1/memos", json: [
                "title": "Ohjausryhmä 1/2025", "meetingDate": "2025-02-12", "participants": ["Ville Mäkinen"], "body": "# Päätökset\n- jatketaan",
            ])
            #expect(older.status == .created, "\(older.text)")
            let olderID = try #require((try older.json()["memo"] as? [String: Any])?["id"] as? Int)
            let newer = try await people.director.request(.post, "/api/accounts/A1/memos", json: ["title": "Kehityspalaveri", "meetingDate": "2025-05-03"])
            #expect(newer.status == .created)

            let list = try await people.supervisor.get("/api/accounts/A1/memos").json()
            #expect((list["memos"] as? [[String: Any]])?.compactMap { $0["title"] as? String } == ["Kehityspalaveri", "Ohjausryhmä 1/2025"])
            #expect((list["memos"] as? [[String: Any]])?.first?["body"] == nil, "the list leaves bodies out")
            #expect(list["canEdit"] as? Bool == false)
            let one = try await people.supervisor.get("/api/accounts/A1/memos/\(olderID)").json()
            #expect((one["memo"] as? [String: Any])?["body"] as? String == "# Päätökset\n- jatketaan")

            #expect(try await people.supervisor.request(.post, "/api/accounts/A1/memos", json: ["title": "x", "meetingDate": "2025-01-01"]).status == .forbidden)
            #expect(try await people.outsider.get("/api/accounts/A1/memos").status == .notFound)
            #expect(try await people.outsider.get("/api/accounts/A1/memos/\(olderID)").status == .notFound)
            let bad = try await people.director.request(.post, "/api/accounts/A1/memos", json: ["title": "x", "meetingDate": "12.2.2025"])
            #expect(message(bad) == "meetingDate: must be a real date written YYYY-MM-DD")

            let patched = try await people.director.request(.patch, "/api/accounts/A1/memos/\(olderID)", json: ["meetingDate": "2025-06-01"])
            #expect(patched.status == .ok)
            let relisted = try await people.director.get("/api/accounts/A1/memos").json()
            #expect((relisted["memos"] as? [[String: Any]])?.first?["id"] as? Int == olderID)
            #expect(try await people.director.request(.delete, "/api/accounts/A1/memos/\(olderID)").status == .noContent)
            #expect(try await people.director.get("/api/accounts/A1/memos/\(olderID)").status == .notFound)
        }
    }
}
