import Foundation
import Hummingbird
import KanavaCore

/// `/api/accounts/{id}/sections…`: the table of contents, section pages, revisions and must-read.
struct SectionRoutes {
    let kanava: Kanava

    struct SectionList: ResponseEncodable { var sections: [Section] }
    struct SectionResponse: ResponseEncodable { var section: Section }
    struct PageResponse: ResponseEncodable {
        var page: SectionPage
        func encode(to encoder: any Encoder) throws { try page.encode(to: encoder) }
    }
    struct RevisionList: ResponseEncodable { var revisions: [SectionRevision] }
    struct DiffResponse: ResponseEncodable { var from: Int; var to: Int; var lines: [DiffLine] }
    struct ReadersResponse: ResponseEncodable {
        var status: MustReadStatus
        func encode(to encoder: any Encoder) throws { try status.encode(to: encoder) }
    }

    struct Save: JSONBody {
        var body: String
        var baseRevision: Int
        enum CodingKeys: String, CodingKey, CaseIterable { case body, baseRevision }
    }
    struct NewSection: JSONBody {
        var title: String
        enum CodingKeys: String, CodingKey, CaseIterable { case title }
    }
    struct Use: JSONBody {
        var inUse: Bool
        enum CodingKeys: String, CodingKey, CaseIterable { case inUse }
    }
    struct Confirm: JSONBody {
        var revision: Int
        enum CodingKeys: String, CodingKey, CaseIterable { case revision }
    }

    func addRoutes(to channel: RouterGroup<KanavaRequestContext>) {
        let sections = kanava.sections
        let limit = kanava.config.limits.maxBodyBytes

        channel.get("sections") { _, context -> SectionList in
            SectionList(sections: try await sections.list(try context.accountID(), for: context.principal()))
        }
        channel.post("sections") { request, context -> EditedResponse<SectionResponse> in
            let body = try await request.decodeJSON(NewSection.self, limit: limit)
            let section = try await sections.addCustom(try context.accountID(), title: body.title, by: context.principal())
            return EditedResponse(status: .created, response: SectionResponse(section: section))
        }
        channel.get("sections/:section") { _, context -> PageResponse in
            PageResponse(page: try await sections.page(try context.accountID(), key: try Self.key(context), for: context.principal()))
        }
        channel.put("sections/:section") { request, context -> SectionResponse in
            let body = try await request.decodeJSON(Save.self, limit: limit)
            let section = try await sections.save(try context.accountID(), key: try Self.key(context), body: body.body,
                                                  baseRevision: body.baseRevision, by: context.principal())
            return SectionResponse(section: section)
        }
        channel.patch("sections/:section") { request, context -> SectionResponse in
            let body = try await request.decodeJSON(Use.self, limit: limit)
            return SectionResponse(section: try await sections.setInUse(try context.accountID(), key: try Self.key(context), inUse: body.inUse, by: context.principal()))
        }
        channel.get("sections/:section/revisions") { _, context -> RevisionList in
            RevisionList(revisions: try await sections.history(try context.accountID(), key: try Self.key(context), for: context.principal()))
        }
        channel.get("sections/:section/diff") { request, context -> DiffResponse in
            // Missing or not a number: the service refuses it once the section is known to be visible.
            let query = request.uri.queryParameters
            let diff = try await sections.diff(try context.accountID(), key: try Self.key(context), from: query["from"].flatMap { Int($0) },
                                               to: query["to"].flatMap { Int($0) }, for: context.principal())
            return DiffResponse(from: diff.from, to: diff.to, lines: diff.lines)
        }
        channel.post("sections/:section/confirm") { request, context -> Response in
            let body = try await request.decodeJSON(Confirm.self, limit: limit)
            try await sections.confirm(try context.accountID(), key: try Self.key(context), revision: body.revision, by: context.principal())
            return Response(status: .noContent)
        }
        channel.get("sections/:section/readers") { _, context -> ReadersResponse in
            ReadersResponse(status: try await sections.readers(try context.accountID(), key: try Self.key(context), by: context.principal()))
        }
    }

    private static func key(_ context: KanavaRequestContext) throws -> String {
        guard let key = context.parameters.get("section"), !key.isEmpty, key.count <= 40 else { throw KanavaError.invalid("section", "not a section key") }
        return key
    }
}
