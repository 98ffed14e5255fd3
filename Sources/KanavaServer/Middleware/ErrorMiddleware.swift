import Foundation
import Hummingbird
import HTTPTypes
import KanavaCore

/// Turns every error into one JSON shape, `{"error": {"code", "message"}}`, with a matching status.
/// Unexpected errors are logged with the request id and answered as `internal` without details.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as KanavaError {
            return Self.response(for: error)
        } catch let error as HTTPError {
            return Self.response(for: KanavaError(Self.code(for: error.status), error.body ?? error.status.reasonPhrase), status: error.status, headers: error.headers)
        } catch let error as any HTTPResponseError {
            return Self.response(for: KanavaError(Self.code(for: error.status), error.status.reasonPhrase), status: error.status)
        } catch {
            context.logger.error("request failed", metadata: ["error": "\(String(reflecting: error))", "path": "\(request.uri.path)"])
            return Self.response(for: KanavaError(.internal, "something went wrong on the server; the request id is \(context.id)"))
        }
    }

    static func response(for error: KanavaError, status: HTTPResponse.Status? = nil, headers: HTTPFields = [:]) -> Response {
        var headers = headers
        headers[.contentType] = "application/json; charset=utf-8"
        if let retryAfter = error.retryAfter { headers[.retryAfter] = String(retryAfter) }
        let body = ErrorBody(error: .init(code: error.code.rawValue, message: error.message))
        let data = (try? EventCoding.encoder.encode(body)) ?? Data(#"{"error":{"code":"internal","message":""}}"#.utf8)
        return Response(status: status ?? Self.status(for: error.code), headers: headers, body: .init(byteBuffer: ByteBuffer(data: data)))
    }

    static func status(for code: KanavaError.Code) -> HTTPResponse.Status {
        switch code {
        case .badRequest, .invalidInput: .badRequest
        case .unauthenticated, .invalidCredentials: .unauthorized
        case .csrfFailed, .forbidden: .forbidden
        case .notFound: .notFound
        case .conflict, .alreadySubmitted: .conflict
        case .payloadTooLarge: .contentTooLarge
        case .rateLimited: .tooManyRequests
        case .unavailable: .serviceUnavailable
        case .internal: .internalServerError
        }
    }

    static func code(for status: HTTPResponse.Status) -> KanavaError.Code {
        switch status.code {
        case 400: .badRequest
        case 401: .unauthenticated
        case 403: .forbidden
        case 404, 405: .notFound
        case 409: .conflict
        case 413: .payloadTooLarge
        case 429: .rateLimited
        case 503: .unavailable
        case 400..<500: .badRequest
        default: .internal
        }
    }

    struct ErrorBody: Encodable {
        struct Detail: Encodable {
            var code: String
            var message: String
        }
        var error: Detail
    }
}
