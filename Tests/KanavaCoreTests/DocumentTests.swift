import Foundation
import GRDB
import KanavaCore
import KanavaTestSupport
import Testing

/// A channel's sections as the default template makes them: a stand-in for the sections feature, so these
/// tests pin the documents' own rules.
struct DocumentTestSections: SectionDirectory {
    static let contracts = SectionInfo(key: "contracts", number: 2, title: "Sopimukset", restrictedTo: nil, editableBy: [.accountDirector])
    static let memos = SectionInfo(key: "memos", number: 8, title: "Muistiot", restrictedTo: nil, editableBy: [.accountDirector, .regionalDirector])
    static let billing = SectionInfo(key: "billing", number: 13, title: "Laskutus", restrictedTo: [.accountDirector, .regionalDirector, .sales],
                                     editableBy: [.accountDirector])
    var sections = [contracts, memos, billing]

    func section(_ key: String, in account: AccountID) async throws -> SectionInfo? {
        sections.first { $0.key == key }
    }
}

/// Test files whose bytes are what their names say.
enum DocumentFixture {
    static let pdf = Data("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n".utf8)
    static let pdf2 = Data("%PDF-1.7\n% second edition\ntrailer << >>\n%%EOF\n".utf8)
    static let png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13]) + Data("IHDR fake image".utf8)
    static let csv = Data("kohde;kaupunki\nWärtsi Tampere 2;Tampere\n".utf8)
    static let docx = zip(["[Content_Types].xml": "<Types/>", "_rels/.rels": "<Relationships/>", "word/document.xml": "<w:document/>"])
    static let xlsx = zip(["[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<workbook/>"])
    static let plainZip = zip(["readme.txt": "just a zip"])

    /// A minimal ZIP (stored entries) with a real central directory.
    static func zip(_ files: [String: String]) -> Data {
        var body: [UInt8] = [], directory: [UInt8] = []
        func le16(_ v: Int, _ out: inout [UInt8]) { out += [UInt8(v & 0xFF), UInt8((v >> 8) & 0xFF)] }
        func le32(_ v: Int, _ out: inout [UInt8]) {
            le16(v & 0xFFFF, &out)
            le16((v >> 16) & 0xFFFF, &out)
        }
        for (name, text) in files.sorted(by: { $0.key < $1.key }) {
            let content = Array(text.utf8), nameBytes = Array(name.utf8), offset = body.count
            let crc = crc32(Data(content))
            le32(0x0403_4B50, &body)
            for field in [20, 0, 0, 0, 0] { le16(field, &body) }
            for field in [crc, content.count, content.count] { le32(field, &body) }
            le16(nameBytes.count, &body)
            le16(0, &body)
            body += nameBytes + content
            le32(0x0201_4B50, &directory)
            for field in [20, 20, 0, 0, 0, 0] { le16(field, &directory) }
            for field in [crc, content.count, content.count] { le32(field, &directory) }
            for field in [nameBytes.count, 0, 0, 0, 0] { le16(field, &directory) }
            le32(0, &directory)
            le32(offset, &directory)
            directory += nameBytes
        }
        var end: [UInt8] = []
        le32(0x0605_4B50, &end)
        for field in [0, 0, files.count, files.count] { le16(field, &end) }
        le32(directory.count, &end)
        le32(body.count, &end)
        le16(0, &end)
        return Data(body + directory + end)
    }

    static func crc32(_ data: Data) -> Int {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in data {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return Int(crc ^ 0xFFFF_FFFF)
    }

    /// The bytes as an upload stream, in small chunks (as a socket delivers them).
    static func stream(_ data: Data, chunk: Int = 7) -> AsyncStream<Data> {
        AsyncStream { continuation in
            var offset = 0
            while offset < data.count {
                continuation.yield(data.subdata(in: offset..<min(offset + chunk, data.count)))
                offset += chunk
            }
            continuation.finish()
        }
    }
}

/// A channel with one person per role that matters here, and the documents service over the stand-in sections.
struct DocumentWorld {
    let t: TestInstallation
    let documents: DocumentService
    let files: DocumentFiles
    let account = AccountID(rawValue: "A1")!
    var director: Principal!
    var supervisor: Principal!
    var sales: Principal!
    var outsider: Principal!

    static func make(_ t: TestInstallation, maxUploadBytes: Int = 1_000_000, sections: DocumentTestSections = DocumentTestSections()) async throws -> DocumentWorld {
        let files = try DocumentFiles(root: t.directory.appendingPathComponent("files"), logger: t.kanava.logger)
        let documents = DocumentService(store: t.store, access: t.kanava.access, sections: sections, files: files, bus: t.kanava.bus,
                                        clock: t.clock, maxUploadBytes: maxUploadBytes, maxNameChars: 200, logger: t.kanava.logger,
                                        audit: t.kanava.audit)
        var world = DocumentWorld(t: t, documents: documents, files: files)
        try await t.account("A1", "Wärtsi kirjasto kuntayhtymä")
        try await t.account("B2", "Toinen asiakas")
        world.director = .person(try await t.person("johtaja@example.fi", "Johtaja"))
        world.supervisor = .person(try await t.person("esimies@example.fi", "Esimies"))
        world.sales = .person(try await t.person("myynti@example.fi", "Myynti"))
        world.outsider = .person(try await t.person("muu@example.fi", "Toisen asiakkaan esimies"))
        try await t.member("A1", "johtaja@example.fi", .accountDirector)
        try await t.member("A1", "esimies@example.fi", .supervisor)
        try await t.member("A1", "myynti@example.fi", .sales)
        try await t.member("B2", "muu@example.fi", .accountDirector)
        return world
    }

    func upload(_ name: String, _ data: Data, section: String = "contracts", type: String? = nil, _ input: DocumentInput = DocumentInput(),
                by principal: Principal? = nil) async throws -> DocumentDetail {
        try await documents.addFile(account, section: section, input, file: FileInput(name: name, contentType: type, length: data.count),
                                    content: DocumentFixture.stream(data), by: principal ?? director)
    }

    func blobs() -> [String] {
        let root = files.root.path
        let all = (FileManager.default.enumerator(atPath: root)?.allObjects as? [String]) ?? []
        return all.filter { !$0.hasPrefix("tmp") && $0.split(separator: "/").count == 3 }
    }

    func staged() -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: files.root.appendingPathComponent("tmp").path)) ?? []
    }

    func events(after: Int64 = 0) async throws -> [StreamEvent] {
        try await t.store.events(in: account, after: after, limit: 1000)
    }

    func head() async throws -> Int64 { try await t.store.head(of: account) }

    /// Today (Europe/Helsinki) shifted by `days`, as the API writes it.
    func day(_ days: Int) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Europe/Helsinki")!
        let date = calendar.date(byAdding: .day, value: days, to: t.clock.now())!
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return LocalDate(year: parts.year!, month: parts.month!, day: parts.day!)!.description
    }
}

func expectKanavaError(_ code: KanavaError.Code, _ fragment: String = "", _ body: () async throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) async {
    do {
        try await body()
        Issue.record("expected \(code.rawValue), nothing was thrown", sourceLocation: sourceLocation)
    } catch let error as KanavaError {
        #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
        if !fragment.isEmpty { #expect(error.message.contains(fragment), "\(error.message)", sourceLocation: sourceLocation) }
    } catch {
        Issue.record("expected \(code.rawValue), got \(error)", sourceLocation: sourceLocation)
    }
}

/// The error `body` throws, if it is a ``KanavaError``.
func kanavaError(_ body: () async throws -> Void) async -> KanavaError? {
    do {
        try await body()
        return nil
    } catch {
        return error as? KanavaError
    }
}

@Suite struct DocumentTests {
    @Test(arguments: Backend.all) func newVersionsKeepTheOlderOnesDownloadableAndIdenticalContentIsStoredOnce(_ backend: Backend) async throws {
        try await withInstallation(backend) { t in
            let w = try await DocumentWorld.make(t)
            let first = try await w.upload("Palvelusopimus.pdf", DocumentFixture.pdf)
            let id = first.document.id
            #expect(first.document.title == "Palvelusopimus")
            #expect(first.document.latest.number == 1)
            #expect(first.document.latest.file?.contentType == "application/pdf")
            #expect(first.document.latest.file?.size == Int64(DocumentFixture.pdf.count))

            let second = try await w.documents.addFileVersion(w.account, document: id, file: FileInput(name: "Palvelusopimus v2.pdf", contentType: "application/pdf", length: nil),
                                                              content: DocumentFixture.stream(DocumentFixture.pdf2), by: w.director)
            #expect(second.document.latest.number == 2)
            #expect(second.versions.map(\.number) == [1, 2])
            #expect(second.versions.map { $0.file?.name } == ["Palvelusopimus.pdf", "Palvelusopimus v2.pdf"])
            #expect(second.document.title == "Palvelusopimus", "a version does not rename the document")

            #expect(try await w.documents.download(w.account, document: id, version: 1, for: w.supervisor).data == DocumentFixture.pdf)
            #expect(try await w.documents.download(w.account, document: id, version: 2, for: w.supervisor).data == DocumentFixture.pdf2)
            await expectKanavaError(.notFound) { _ = try await w.documents.download(w.account, document: id, version: 3, for: w.director) }

            // The same bytes pinned again (another document, even another section) are stored once.
            _ = try await w.upload("kopio.pdf", DocumentFixture.pdf, section: "billing")
            #expect(w.blobs().count == 2)
            #expect(w.staged().isEmpty)
            #expect(try await w.documents.detail(w.account, document: id, for: w.supervisor).versions.count == 2)
        }
    }

    @Test(arguments: Backend.all) func contractStatusFollowsTheDatesAndPuttingOneInForceSupersedesTheOthers(_ backend: Backend) async throws {
        try await withInstallation(backend) { t in
            let w = try await DocumentWorld.make(t)
            let old = try await w.upload("Sopimus 2024.pdf", DocumentFixture.pdf,
                                         DocumentInput(kind: "contract", status: "in_force", validFrom: w.day(-400), validUntil: w.day(30)))
            #expect(old.document.status == .inForce)
            let draft = try await w.upload("Sopimus 2025 luonnos.pdf", DocumentFixture.pdf2,
                                           DocumentInput(kind: "contract", validFrom: w.day(31), validUntil: w.day(400)))
            #expect(draft.document.status == .draft, "a contract starts as a draft")
            let openEnded = try await w.upload("Lisäsopimus.png", DocumentFixture.png, type: "image/png",
                                               DocumentInput(kind: "contract", validFrom: w.day(-10))).document
            #expect(openEnded.validUntil == nil)
            #expect(openEnded.status == .draft)

            // Putting the draft in force supersedes the contract in force, in the same write, with an event for each.
            let before = try await w.head()
            let inForce = try await w.documents.update(w.account, document: draft.document.id, DocumentChange(status: "in_force"), by: w.director)
            #expect(inForce.document.status == .inForce)
            #expect(try await w.documents.detail(w.account, document: old.document.id, for: w.director).document.status == .superseded)
            let events = try await w.events(after: before)
            #expect(events.map(\.kind) == [.documentUpdated, .documentUpdated])
            #expect(try events.map { try JSONSerialization.jsonObject(with: $0.payload) as? [String: Any] }.map { $0?["status"] as? String }
                == ["in_force", "superseded"])
            #expect(try await w.documents.detail(w.account, document: openEnded.id, for: w.director).document.status == .draft, "drafts stay drafts")

            // Expired is computed from validUntil against the clock, never stored.
            t.clock.advance(by: 401 * 86400)
            let later = try await w.documents.list(w.account, section: "contracts", for: w.director).documents
            #expect(later.first { $0.id == draft.document.id }?.status == .expired)
            #expect(later.first { $0.id == old.document.id }?.status == .superseded, "superseded stays superseded after its end")
            #expect(later.first { $0.id == openEnded.id }?.status == .draft, "no end date: never expires")
            t.clock.advance(by: -401 * 86400)
            #expect(try await w.documents.detail(w.account, document: draft.document.id, for: w.director).document.status == .inForce)

            // Superseding by hand, and back in force.
            #expect(try await w.documents.update(w.account, document: draft.document.id, DocumentChange(status: "superseded"), by: w.director).document.status == .superseded)
            #expect(try await w.documents.update(w.account, document: draft.document.id, DocumentChange(validUntil: .some(nil)), by: w.director).document.validUntil == nil)
        }
    }

    /// PostgreSQL runs writes side by side: contracts put in force at the same moment still leave exactly one in force.
    @Test(arguments: Backend.all) func contractsPutInForceAtOnceLeaveOneInForce(_ backend: Backend) async throws {
        try await withInstallation(backend) { t in
            let w = try await DocumentWorld.make(t)
            var drafts: [DocumentID] = []
            for index in 1...6 {
                let draft = try await w.upload("Sopimus \(index).pdf", DocumentFixture.pdf, DocumentInput(kind: "contract", validFrom: w.day(-10)))
                drafts.append(draft.document.id)
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for id in drafts {
                    group.addTask { _ = try await w.documents.update(w.account, document: id, DocumentChange(status: "in_force"), by: w.director) }
                }
                try await group.waitForAll()
            }
            let statuses = try await w.documents.list(w.account, section: "contracts", for: w.director).documents.map(\.status)
            #expect(statuses.filter { $0 == .inForce }.count == 1)
            #expect(statuses.filter { $0 == .superseded }.count == 5)
        }
    }

    @Test(arguments: Backend.all) func contractMetadataIsChecked(_ backend: Backend) async throws {
        try await withInstallation(backend) { t in
            let w = try await DocumentWorld.make(t)
            await expectKanavaError(.invalidInput, "validFrom") { _ = try await w.upload("a.pdf", DocumentFixture.pdf, DocumentInput(kind: "contract")) }
            await expectKanavaError(.invalidInput, "validUntil: must not be before validFrom") {
                _ = try await w.upload("a.pdf", DocumentFixture.pdf, DocumentInput(kind: "contract", validFrom: "2025-06-01", validUntil: "2025-05-31"))
            }
            await expectKanavaError(.invalidInput, "validFrom: must be a real date") {
                _ = try await w.upload("a.pdf", DocumentFixture.pdf, DocumentInput(kind: "contract", validFrom: "2025-02-29"))
            }
            await expectKanavaError(.invalidInput, "expired is not set by hand") {
                _ = try await w.upload("a.pdf", DocumentFixture.pdf, DocumentInput(kind: "contract", status: "expired", validFrom: "2025-01-01"))
            }
            await expectKanavaError(.invalidInput, "only contracts") { _ = try await w.upload("a.pdf", DocumentFixture.pdf, DocumentInput(status: "draft")) }
            await expectKanavaError(.invalidInput, "not a kind") { _ = try await w.upload("a.pdf", DocumentFixture.pdf, DocumentInput(kind: "invoice")) }
            await expectKanavaError(.invalidInput, "title: must not be empty") { _ = try await w.upload("a.pdf", DocumentFixture.pdf, DocumentInput(title: "  ")) }

            let general = try await w.upload("Ohje.pdf", DocumentFixture.pdf).document
            await expectKanavaError(.invalidInput, "only contracts") {
                _ = try await w.documents.update(w.account, document: general.id, DocumentChange(status: "in_force"), by: w.director)
            }
            let contract = try await w.upload("S.pdf", DocumentFixture.pdf2, DocumentInput(kind: "contract", validFrom: "2025-01-01", validUntil: "2025-12-31")).document
            await expectKanavaError(.invalidInput, "validUntil") {
                _ = try await w.documents.update(w.account, document: contract.id, DocumentChange(validFrom: "2026-01-01"), by: w.director)
            }
            #expect(w.blobs().count == 2, "refused uploads leave no files")
            #expect(w.staged().isEmpty)
        }
    }

    @Test(arguments: Backend.all) func aSectionListsContractsInForceThenDraftsThenOldOnesThenTheRestByFinnishTitle(_ backend: Backend) async throws {
        try await withInstallation(backend) { t in
            let w = try await DocumentWorld.make(t)
            var pdfs = (0..<20).map { Data("%PDF-1.4\n\($0)\n%%EOF".utf8) }.makeIterator()
            func pin(_ title: String, _ input: DocumentInput = DocumentInput()) async throws {
                var input = input
                input.title = title
                _ = try await w.upload("\(title).pdf", pdfs.next()!, input)
            }
            try await pin("Östra ohje")
            try await pin("Ämpärilista")
            try await pin("Zeta-ohje")
            try await pin("Aamuvuoro")
            try await pin("Åland-liite")
            try await pin("Vanha 2019", DocumentInput(kind: "contract", status: "in_force", validFrom: "2019-01-01", validUntil: "2019-12-31"))
            try await pin("Vanha 2018", DocumentInput(kind: "contract", status: "superseded", validFrom: "2018-01-01", validUntil: "2018-12-31"))
            try await pin("Luonnos B", DocumentInput(kind: "contract", validFrom: w.day(100)))
            try await pin("Luonnos A", DocumentInput(kind: "contract", validFrom: w.day(200)))
            try await pin("Voimassa", DocumentInput(kind: "contract", status: "in_force", validFrom: w.day(-100), validUntil: w.day(100)))
            let titles = try await w.documents.list(w.account, section: "contracts", for: w.supervisor).documents.map(\.title)
            #expect(titles == ["Voimassa", "Luonnos A", "Luonnos B", "Vanha 2019", "Vanha 2018",
                               "Aamuvuoro", "Zeta-ohje", "Åland-liite", "Ämpärilista", "Östra ohje"])
        }
    }

    @Test(arguments: Backend.all) func anUploadOverTheLimitIsRefusedAndNothingIsStored(_ backend: Backend) async throws {
        try await withInstallation(backend) { t in
            let w = try await DocumentWorld.make(t, maxUploadBytes: 4096)
            let big = Data("%PDF-1.4\n".utf8) + Data(repeating: 0x41, count: 5000)
            let head = try await w.head()
            // Declared too large: refused before a byte is read.
            let untouched = AsyncStream<Data>(unfolding: {
                Issue.record("the body was read")
                return nil
            })
            await expectKanavaError(.payloadTooLarge, "4096") {
                _ = try await w.documents.addFile(w.account, section: "contracts", DocumentInput(), file: FileInput(name: "iso.pdf", contentType: "application/pdf", length: 5009),
                                                  content: untouched, by: w.director)
            }
            // No length given (chunked): refused once the stream passes the limit.
            await expectKanavaError(.payloadTooLarge) {
                _ = try await w.documents.addFile(w.account, section: "contracts", DocumentInput(), file: FileInput(name: "iso.pdf", contentType: nil, length: nil),
                                                  content: DocumentFixture.stream(big, chunk: 1000), by: w.director)
            }
            #expect(w.blobs().isEmpty)
            #expect(w.staged().isEmpty)
            #expect(try await w.head() == head)
            #expect(try await w.documents.list(w.account, section: "contracts", for: w.director).documents.isEmpty)
            // Exactly at the limit is fine.
            _ = try await w.upload("raja.pdf", big.prefix(4096))
        }
    }

    @Test(arguments: Backend.all) func theNameTheTypeAndTheBytesMustAgree(_ backend: Backend) async throws {
        try await withInstallation(backend) { t in
            let w = try await DocumentWorld.make(t)
            await expectKanavaError(.invalidInput, "the name says a PDF document (.pdf) but the content is a PNG image") {
                _ = try await w.upload("sopimus.pdf", DocumentFixture.png, type: "application/pdf")
            }
            await expectKanavaError(.invalidInput, "declared Content-Type is 'image/png'") { _ = try await w.upload("sopimus.pdf", DocumentFixture.pdf, type: "image/png") }
            await expectKanavaError(.invalidInput, "not an allowed type") { _ = try await w.upload("asennus.exe", Data("MZ".utf8)) }
            await expectKanavaError(.invalidInput, "not an allowed type") { _ = try await w.upload("kuva.svg", Data("<svg onload=alert(1)>".utf8), type: "image/svg+xml") }
            await expectKanavaError(.invalidInput, "not an allowed type") { _ = try await w.upload("README", Data("text".utf8)) }
            await expectKanavaError(.invalidInput, "but the content is an Excel workbook (XLSX)") { _ = try await w.upload("raportti.docx", DocumentFixture.xlsx) }
            await expectKanavaError(.invalidInput, "(.docx) but not a Word document") { _ = try await w.upload("raportti.docx", DocumentFixture.plainZip) }
            await expectKanavaError(.invalidInput, "(.txt) but not a text file") { _ = try await w.upload("muistio.txt", Data("abc\u{0}def".utf8)) }
            await expectKanavaError(.invalidInput, "(.csv) but not a CSV file") { _ = try await w.upload("data.csv", Data([0x61, 0xC3, 0x28, 0x62])) }
            await expectKanavaError(.invalidInput, "the content is a PDF document") { _ = try await w.upload("vanha.doc", DocumentFixture.pdf, type: "application/msword") }
            await expectKanavaError(.invalidInput, "is empty") { _ = try await w.upload("tyhjä.txt", Data()) }

            // What browsers really send is accepted: .csv as application/vnd.ms-excel (Windows), no type at all, octet-stream.
            #expect(try await w.upload("kohteet.csv", DocumentFixture.csv, type: "application/vnd.ms-excel").document.latest.file?.contentType == "text/csv; charset=utf-8")
            #expect(try await w.upload("Raportti.DOCX", DocumentFixture.docx, type: "application/octet-stream").document.latest.file?.contentType
                == "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
            #expect(try await w.upload("taulukko.xlsx", DocumentFixture.xlsx).document.latest.file != nil)
            #expect(try await w.upload("kuva.jpg", Data([0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3]), type: "image/jpeg; charset=binary").document.latest.file?.contentType == "image/jpeg")
            #expect(try await w.upload("vanha.xls", Data([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0]), type: "application/vnd.ms-excel").document.latest.file != nil)
            // A UTF-8 character split across the stream's chunks is still valid text.
            #expect(try await w.documents.addFile(w.account, section: "contracts", DocumentInput(), file: FileInput(name: "ääkköset.txt", contentType: "text/plain", length: nil),
                                                  content: DocumentFixture.stream(Data("ääkkösiä öisin".utf8), chunk: 1), by: w.director).document.latest.file?.size
                == Int64(Data("ääkkösiä öisin".utf8).count))
            #expect(w.staged().isEmpty)
        }
    }

    @Test(arguments: Backend.all) func pathTricksAndControlCharactersInNamesAreNeutralised(_ backend: Backend) async throws {
        try await withInstallation(backend) { t in
            let w = try await DocumentWorld.make(t)
            let cases: [(String, String)] = [
                ("../../etc/passwd.txt", "passwd.txt"),
                ("..\\..\\Windows\\win.ini.txt", "win.ini.txt"),
                ("C:\\Users\\ville\\Työohje ä.pdf", "Työohje ä.pdf"),
                ("/abs/path/ohje.pdf", "ohje.pdf"),
                ("rivin\r\nvaihto\u{7}.pdf", "rivinvaihto.pdf"),
                ("lasku\u{202E}fdp.txt", "laskufdp.txt"),
                ("Tyo\u{308}ohje.pdf", "Työohje.pdf"),
                ("  ..hidden.pdf ", "hidden.pdf"),
            ]
            for (raw, clean) in cases {
                #expect(try FileName.sanitize(raw, maxChars: 200) == clean, "\(raw.debugDescription)")
            }
            for raw in ["", "..", "../", "/", "\u{0}\u{1}", " . "] {
                await expectKanavaError(.invalidInput, "fileName: must not be empty") { _ = try FileName.sanitize(raw, maxChars: 200) }
            }
            await expectKanavaError(.invalidInput, "fileName: must be at most 200 characters") {
                _ = try await w.upload(String(repeating: "ä", count: 197) + ".pdf", DocumentFixture.pdf)
            }
            let stored = try await w.upload("../../../kanava.sqlite/../Sopimus \"2025\".pdf", DocumentFixture.pdf).document.latest.file
            #expect(stored?.name == "Sopimus \"2025\".pdf")
            // Only the hash names the file on disk.
            #expect(w.blobs().count == 1)
            #expect(w.blobs().first?.hasSuffix(stored?.sha256 ?? "-") == true)

            // The download header keeps the name and cannot be broken out of.
            #expect(FileName.contentDisposition("Sopimus \"2025\";x=1.pdf")
                == #"attachment; filename="Sopimus _2025_;x=1.pdf"; filename*=UTF-8''Sopimus%20%222025%22%3Bx%3D1.pdf"#)
            #expect(FileName.contentDisposition("Työohje ä.pdf") == #"attachment; filename="Tyoohje a.pdf"; filename*=UTF-8''Ty%C3%B6ohje%20%C3%A4.pdf"#)
        }
    }

    @Test(arguments: Backend.all) func whoMayNotSeeARestrictedSectionGetsNotFoundExactlyAsForNothing(_ backend: Backend) async throws {
        try await withInstallation(backend) { t in
            let w = try await DocumentWorld.make(t)
            let billing = try await w.upload("Laskutus 2025.pdf", DocumentFixture.pdf, section: "billing").document
            let missing = DocumentID(9999)
            // The supervisor is a member, but billing is for directors, regional directors and sales.
            // A supervisor is told "section billing not found"; a member of another account "channel A1 not found".
            for principal in [w.supervisor!, w.outsider!] {
                await expectKanavaError(.notFound, "not found") { _ = try await w.documents.list(w.account, section: "billing", for: principal) }
                for id in [billing.id, missing] {
                    await expectKanavaError(.notFound, "", { _ = try await w.documents.detail(w.account, document: id, for: principal) })
                    await expectKanavaError(.notFound, "", { _ = try await w.documents.download(w.account, document: id, version: 1, for: principal) })
                    await expectKanavaError(.notFound, "", { try await w.documents.remove(w.account, document: id, by: principal) })
                }
            }
            // The denial reads the same as a document that does not exist.
            let denied = await kanavaError { _ = try await w.documents.download(w.account, document: billing.id, version: 1, for: w.supervisor) }
            let absent = await kanavaError { _ = try await w.documents.download(w.account, document: missing, version: 1, for: w.supervisor) }
            #expect(denied?.code == absent?.code)
            #expect(denied?.message.replacingOccurrences(of: " \(billing.id) ", with: " N ") == absent?.message.replacingOccurrences(of: " \(missing) ", with: " N "))
            // A document id of another account is not found through this one.
            await expectKanavaError(.notFound) { _ = try await w.documents.detail(try AccountID.parse("B2"), document: billing.id, for: w.outsider) }

            // Sales may see (not edit) billing; the supervisor may see (not edit) contracts; an admin may do anything.
            #expect(try await w.documents.download(w.account, document: billing.id, version: 1, for: w.sales).data == DocumentFixture.pdf)
            #expect(try await w.documents.list(w.account, section: "billing", for: w.sales).canEdit == false)
            await expectKanavaError(.forbidden) { _ = try await w.upload("x.pdf", DocumentFixture.pdf2, section: "billing", by: w.sales) }
            await expectKanavaError(.forbidden) { _ = try await w.upload("x.pdf", DocumentFixture.pdf2, by: w.supervisor) }
            await expectKanavaError(.forbidden) { _ = try await w.documents.update(w.account, document: billing.id, DocumentChange(title: "x"), by: w.sales) }
            #expect(try await w.documents.list(w.account, section: "contracts", for: w.supervisor).canEdit == false)
            let admin = Principal.person(try await t.person("admin@example.fi", global: .admin))
            #expect(try await w.documents.list(w.account, section: "billing", for: admin).canEdit)
            await expectKanavaError(.notFound, "section nope") { _ = try await w.documents.list(w.account, section: "nope", for: w.director) }
            await expectKanavaError(.notFound, "section") { _ = try await w.documents.list(w.account, section: "../billing", for: w.director) }
        }
    }

    @Test(arguments: Backend.all) func everyReadChecksTheHashAndADamagedFileIsAnErrorNotBytes(_ backend: Backend) async throws {
        try await withInstallation(backend) { t in
            let w = try await DocumentWorld.make(t)
            let document = try await w.upload("Sopimus.pdf", DocumentFixture.pdf).document
            let file = try #require(document.latest.file)
            let path = w.files.root.appendingPathComponent(String(file.sha256.prefix(2))).appendingPathComponent(String(file.sha256.dropFirst(2).prefix(2)))
                .appendingPathComponent(file.sha256)
            #expect(FileManager.default.contents(atPath: path.path) == DocumentFixture.pdf)

            // Same length, one byte changed.
            var damaged = DocumentFixture.pdf
            damaged[10] ^= 0x01
            try damaged.write(to: path)
            await expectKanavaError(.internal, "damaged or missing") { _ = try await w.documents.download(w.account, document: document.id, version: 1, for: w.director) }
            try FileManager.default.removeItem(at: path)
            await expectKanavaError(.internal, "damaged or missing") { _ = try await w.documents.download(w.account, document: document.id, version: 1, for: w.director) }
            try Data("%PDF-short".utf8).write(to: path)
            await expectKanavaError(.internal) { _ = try await w.documents.download(w.account, document: document.id, version: 1, for: w.director) }

            // Uploading the same content again repairs the stored copy.
            _ = try await w.upload("Sopimus kopio.pdf", DocumentFixture.pdf)
            #expect(try await w.documents.download(w.account, document: document.id, version: 1, for: w.director).data == DocumentFixture.pdf)
        }
    }

    @Test(arguments: Backend.all) func linksAcceptOnlyHTTPAndHTTPS(_ backend: Backend) async throws {
        try await withInstallation(backend) { t in
            let w = try await DocumentWorld.make(t)
            let refused: [(String, String)] = [
                ("javascript:alert(1)", "only http:// and https://"),
                ("JAVASCRIPT:alert(1)//https://x", "only http:// and https://"),
                ("data:text/html,<script>alert(1)</script>", "only http:// and https://"),
                ("file:///etc/passwd", "only http:// and https://"),
                ("ftp://tiedostot.example.fi/a.pdf", "only http:// and https://"),
                ("//evil.example/x", "only http:// and https://"),
                ("intra/ohjeet", "only http:// and https://"),
                ("https://", "not a valid web address"),
                ("https://user:salasana@intra.example.fi/", "user name or password"),
                ("https://intra.example.fi/a b", "spaces or control characters"),
                ("https://intra.example.fi/\u{0}", "spaces or control characters"),
                ("", "must not be empty"),
                ("https://x.fi/" + String(repeating: "a", count: 2000), "at most 2000"),
            ]
            for (url, problem) in refused {
                await expectKanavaError(.invalidInput, problem) { _ = try await w.documents.addLink(w.account, section: "contracts", DocumentInput(), url: url, by: w.director) }
            }
            let link = try await w.documents.addLink(w.account, section: "contracts", DocumentInput(title: "Intran ohjeet"),
                                                     url: "https://intra.example.fi/ohjeet/työohje", by: w.director)
            #expect(link.document.source == .link)
            #expect(link.document.latest.url == "https://intra.example.fi/ohjeet/työohje")
            #expect(link.document.latest.file == nil)
            let untitled = try await w.documents.addLink(w.account, section: "contracts", DocumentInput(), url: "http://example.fi/a?b=1#c", by: w.director)
            #expect(untitled.document.title == "http://example.fi/a?b=1#c")

            let next = try await w.documents.addLinkVersion(w.account, document: link.document.id, url: "https://intra.example.fi/ohjeet/v2", by: w.director)
            #expect(next.versions.map(\.url) == ["https://intra.example.fi/ohjeet/työohje", "https://intra.example.fi/ohjeet/v2"])
            await expectKanavaError(.invalidInput, "only http") {
                _ = try await w.documents.addLinkVersion(w.account, document: link.document.id, url: "javascript:x", by: w.director)
            }
            await expectKanavaError(.invalidInput, "is a link") {
                _ = try await w.documents.addFileVersion(w.account, document: link.document.id, file: FileInput(name: "a.pdf", contentType: nil, length: nil),
                                                         content: DocumentFixture.stream(DocumentFixture.pdf), by: w.director)
            }
            await expectKanavaError(.notFound, "it is a link") { _ = try await w.documents.download(w.account, document: link.document.id, version: 1, for: w.director) }
            let file = try await w.upload("a.pdf", DocumentFixture.pdf).document
            await expectKanavaError(.invalidInput, "is a file") { _ = try await w.documents.addLinkVersion(w.account, document: file.id, url: "https://x.fi", by: w.director) }
        }
    }

    @Test(arguments: Backend.all) func unpinningKeepsTheDataButHidesTheDocument(_ backend: Backend) async throws {
        try await withInstallation(backend) { t in
            let w = try await DocumentWorld.make(t)
            let document = try await w.upload("Poistuva.pdf", DocumentFixture.pdf).document
            try await w.documents.remove(w.account, document: document.id, by: w.director)
            #expect(try await w.documents.list(w.account, section: "contracts", for: w.director).documents.isEmpty)
            await expectKanavaError(.notFound) { _ = try await w.documents.detail(w.account, document: document.id, for: w.director) }
            await expectKanavaError(.notFound) { _ = try await w.documents.download(w.account, document: document.id, version: 1, for: w.director) }
            await expectKanavaError(.notFound) { try await w.documents.remove(w.account, document: document.id, by: w.director) }
            await expectKanavaError(.notFound) { _ = try await w.documents.update(w.account, document: document.id, DocumentChange(title: "x"), by: w.director) }
            // Kept: the row (marked removed, by whom) and the file.
            let kept = try await t.texts("""
                SELECT CAST(removed_by AS TEXT) FROM document WHERE id = \(document.id.rawValue) AND removed_at IS NOT NULL
                """)
            #expect(kept == [w.director.person.map { String($0.id.rawValue) }])
            #expect(w.blobs().count == 1)
        }
    }

    @Test(arguments: Backend.all) func everyChangeAppendsAnEventVisibleToTheSectionsRoles(_ backend: Backend) async throws {
        try await withInstallation(backend) { t in
            let w = try await DocumentWorld.make(t)
            let start = try await w.head()
            let open = try await w.upload("Yleinen.pdf", DocumentFixture.pdf).document
            let secret = try await w.upload("Hinnasto.pdf", DocumentFixture.pdf2, section: "billing").document
            _ = try await w.documents.addFileVersion(w.account, document: secret.id, file: FileInput(name: "Hinnasto 2.pdf", contentType: nil, length: nil),
                                                     content: DocumentFixture.stream(DocumentFixture.pdf + Data("x".utf8)), by: w.director)
            _ = try await w.documents.update(w.account, document: secret.id, DocumentChange(title: "Hinnasto 2026"), by: w.director)
            try await w.documents.remove(w.account, document: secret.id, by: w.director)
            try await w.documents.remove(w.account, document: open.id, by: w.director)

            let events = try await w.events(after: start)
            #expect(events.map(\.kind) == [.documentAdded, .documentAdded, .documentVersioned, .documentUpdated, .documentRemoved, .documentRemoved])
            let billingRoles: Set<ChannelRole> = [.accountDirector, .regionalDirector, .sales]
            #expect(events.map(\.visibleTo) == [nil, billingRoles, billingRoles, billingRoles, billingRoles, nil])
            let data = try events.map { try #require(try JSONSerialization.jsonObject(with: $0.payload) as? [String: Any]) }
            #expect(data.map { $0["id"] as? Int } == [open.id, secret.id, secret.id, secret.id, secret.id, open.id].map { Optional(Int($0.rawValue)) })
            #expect((data[2]["latest"] as? [String: Any])?["number"] as? Int == 2)
            #expect(data[3]["title"] as? String == "Hinnasto 2026")
            #expect(data[4]["removedAt"] != nil)
            #expect(data[1]["section"] as? String == "billing")

            // The same rule the HTTP log and the sockets apply: a supervisor's page skips the billing events.
            let supervisorPage = try await t.kanava.events.page(w.account, after: start, limit: 100, for: w.supervisor)
            #expect(supervisorPage.events.map(\.kind) == [.documentAdded, .documentRemoved])
        }
    }
}
