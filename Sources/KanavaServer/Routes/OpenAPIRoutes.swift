import Foundation
import Hummingbird
import KanavaCore
import Logging

/// `GET /api/openapi.yaml`: the REST API's OpenAPI document (`server.openapi`, by default the repository's
/// `docs/openapi.yaml`), for anyone, without a session. Read once at start-up; a missing file is logged and
/// answered `not_found`, so a server without its docs still runs.
struct OpenAPIRoutes {
    let document: ByteBuffer?

    init(path: String, logger: Logger) {
        if let data = FileManager.default.contents(atPath: path) {
            document = ByteBuffer(data: data)
        } else {
            document = nil
            logger.warning("the OpenAPI document cannot be read; /api/openapi.yaml answers not_found", metadata: ["server.openapi": "\(path)"])
        }
    }

    func addRoutes(to router: Router<KanavaRequestContext>) {
        router.get("api/openapi.yaml") { _, _ -> Response in
            guard let document else { throw KanavaError.notFound("the OpenAPI document (server.openapi)") }
            return Response(status: .ok, headers: [.contentType: "application/yaml; charset=utf-8"], body: .init(byteBuffer: document))
        }
    }
}
