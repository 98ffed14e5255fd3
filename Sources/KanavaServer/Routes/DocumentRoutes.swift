import Foundation
import HTTPTypes
import Hummingbird
import KanavaCore

/// Documents pinned to a channel's sections: `/api/accounts/:account/sections/:section/documents` and
/// `/api/accounts/:account/documents/…`. Thin: decode, call ``DocumentService``, encode.
///
/// A file is uploaded as the raw request body (`fetch(url, {method: "POST", body: file})`), its name in
/// `X-File-Name` (percent-encoded) and its metadata in the query; a link is a JSON body.
struct DocumentRoutes {
    let kanava: Kanava

    struct DocumentResponse: ResponseEncodable {
        var document: Document
        var versions: [DocumentVersion]
        var canEdit: Bool

        init(_ detail: DocumentDetail) {
            document = detail.document
            versions = detail.versions
            canEdit = detail.canEdit
        }
    }

    struct DocumentListResponse: ResponseEncodable {
        var section: SectionInfo
        var canEdit: Bool
        var documents: [Document]

        init(_ list: DocumentList) {
            section = list.section
            canEdit = list.canEdit
            documents = list.documents
        }
    }

    struct NewLink: JSONBody {
        var url: String
        var title: String?
        var kind: String?
        var status: String?
        var validFrom: String?
        var validUntil: String?
        enum CodingKeys: String, CodingKey, CaseIterable { case url, title, kind, status, validFrom, validUntil }
    }

    struct NewLinkVersion: JSONBody {
        var url: String
        enum CodingKeys: String, CodingKey, CaseIterable { case url }
    }

    struct Change: JSONBody {
        var title: String?
        var status: String?
        var validFrom: String?
        var validUntil: String??
        enum CodingKeys: String, CodingKey, CaseIterable { case title, status, validFrom, validUntil }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            title = try container.decodeIfPresent(String.self, forKey: .title)
            status = try container.decodeIfPresent(String.self, forKey: .status)
            validFrom = try container.decodeIfPresent(String.self, forKey: .validFrom)
            // Present-but-null: valid until further notice; absent: unchanged.
            validUntil = container.contains(.validUntil) ? .some(try container.decodeIfPresent(String.self, forKey: .validUntil)) : nil
        }
    }

    /// Query parameters of a file upload.
    static let uploadParameters: Set<String> = ["title", "kind", "status", "validFrom", "validUntil", "fileName"]

    func addRoutes(to channel: RouterGroup<KanavaRequestContext>) {
        let documents = kanava.documents
        let limit = kanava.config.limits.maxBodyBytes

        channel.get("sections/:section/documents") { _, context -> DocumentListResponse in
            DocumentListResponse(try await documents.list(try context.accountID(), section: sectionKey(context), for: context.principal()))
        }

        channel.post("sections/:section/documents") { request, context -> EditedResponse<DocumentResponse> in
            let account = try context.accountID(), principal = try context.principal()
            let detail: DocumentDetail
            if Self.isJSON(request) {
                let body = try await request.decodeJSON(NewLink.self, limit: limit)
                let input = DocumentInput(title: body.title, kind: body.kind, status: body.status, validFrom: body.validFrom, validUntil: body.validUntil)
                detail = try await documents.addLink(account, section: sectionKey(context), input, url: body.url, by: principal)
            } else {
                try await kanava.rateLimits.uploads.take(try context.signedInKey())
                let query = try Self.uploadQuery(request)
                let input = DocumentInput(title: query["title"], kind: query["kind"], status: query["status"],
                                          validFrom: query["validFrom"], validUntil: query["validUntil"])
                detail = try await documents.addFile(account, section: sectionKey(context), input, file: try Self.fileInput(request, query),
                                                     content: request.body.map { Data(buffer: $0) }, by: principal)
            }
            return EditedResponse(status: .created, response: DocumentResponse(detail))
        }

        channel.get("documents/:document") { _, context -> DocumentResponse in
            DocumentResponse(try await documents.detail(try context.accountID(), document: context.rowID("document"), for: context.principal()))
        }

        channel.patch("documents/:document") { request, context -> DocumentResponse in
            let body = try await request.decodeJSON(Change.self, limit: limit)
            let change = DocumentChange(title: body.title, status: body.status, validFrom: body.validFrom, validUntil: body.validUntil)
            return DocumentResponse(try await documents.update(try context.accountID(), document: context.rowID("document"), change, by: context.principal()))
        }

        channel.delete("documents/:document") { _, context -> Response in
            try await documents.remove(try context.accountID(), document: context.rowID("document"), by: context.principal())
            return Response(status: .noContent)
        }

        channel.post("documents/:document/versions") { request, context -> EditedResponse<DocumentResponse> in
            let account = try context.accountID(), id: DocumentID = try context.rowID("document"), principal = try context.principal()
            let detail: DocumentDetail
            if Self.isJSON(request) {
                let body = try await request.decodeJSON(NewLinkVersion.self, limit: limit)
                detail = try await documents.addLinkVersion(account, document: id, url: body.url, by: principal)
            } else {
                try await kanava.rateLimits.uploads.take(try context.signedInKey())
                let query = try Self.uploadQuery(request, allowed: ["fileName"])
                detail = try await documents.addFileVersion(account, document: id, file: try Self.fileInput(request, query),
                                                            content: request.body.map { Data(buffer: $0) }, by: principal)
            }
            return EditedResponse(status: .created, response: DocumentResponse(detail))
        }

        channel.get("documents/:document/versions/:version/download") { _, context -> Response in
            guard let raw = context.parameters.get("version"), let number = Int(raw), number >= 1 else {
                throw KanavaError.invalid("version", "must be a version number")
            }
            let download = try await documents.download(try context.accountID(), document: context.rowID("document"), version: number, for: context.principal())
            let headers: HTTPFields = [
                .contentType: download.contentType,
                .contentDisposition: FileName.contentDisposition(download.fileName),
                .cacheControl: "private, no-store",
            ]
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(data: download.data)))
        }
    }

    static func isJSON(_ request: Request) -> Bool {
        let type = request.headers[.contentType]?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased()
        return type == "application/json"
    }

    /// The query of an upload; an unknown parameter is an error, so a typo never looks like success.
    static func uploadQuery(_ request: Request, allowed: Set<String> = uploadParameters) throws -> [String: String] {
        var query: [String: String] = [:]
        for (key, value) in request.uri.queryParameters {
            let key = String(key)
            guard allowed.contains(key) else { throw KanavaError(.badRequest, "unknown parameter '\(key.prefix(60))'") }
            query[key] = String(value)
        }
        return query
    }

    /// The file's name (`X-File-Name`, percent-encoded, or `?fileName=`), declared type and length.
    static func fileInput(_ request: Request, _ query: [String: String]) throws -> FileInput {
        var name = query["fileName"]
        if let header = request.headers[.fileName] {
            guard let decoded = header.removingPercentEncoding else { throw KanavaError.invalid("X-File-Name", "is not valid percent-encoded UTF-8") }
            name = decoded
        }
        guard let name else { throw KanavaError.invalid("fileName", "send the file's name in the X-File-Name header (percent-encoded)") }
        let length = request.headers[.contentLength].flatMap { Int($0) }
        return FileInput(name: name, contentType: request.headers[.contentType], length: length)
    }

    private func sectionKey(_ context: KanavaRequestContext) -> String {
        context.parameters.get("section") ?? ""
    }
}

extension HTTPField.Name {
    static let fileName = Self("X-File-Name")!
}
