import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KanavaCore
import KanavaServer
import NIOCore
import ServiceLifecycle

/// A live Kanava server on a free loopback port over a ``TestInstallation``.
public struct TestServer: Sendable {
    public let installation: TestInstallation
    public let port: Int
    public var kanava: Kanava { installation.kanava }
    public var clock: ManualClock { installation.clock }

    /// A new cookie-less HTTP client of this server.
    public func session() -> HTTPSession { HTTPSession(port: port) }

    /// A client signed in as `email` (with the test password).
    public func signedIn(_ email: String, password: String = TestInstallation.password) async throws -> HTTPSession {
        let session = session()
        let response = try await session.signIn(email, password: password)
        guard response.status == .ok else { throw TestFailure("sign-in as \(email) failed: \(response.status) \(response.text)") }
        return session
    }
}

/// Starts a server, runs `body`, and shuts the server down (gracefully) afterwards.
public func withServer<T: Sendable>(
    configure: (inout KanavaConfig) -> Void = { _ in },
    _ body: @Sendable (TestServer) async throws -> T
) async throws -> T {
    try await withInstallation(configure: configure, runBus: false) { installation in
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let app = try KanavaServer.buildApplication(kanava: installation.kanava) { channel in
            portContinuation.yield(channel.localAddress?.port ?? 0)
        }
        let services = ServiceGroup(configuration: .init(services: [app], logger: installation.kanava.logger))
        let running = Task { try await services.run() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next(), port > 0 else { throw TestFailure("the server did not start") }
        let result: Result<T, any Error>
        do {
            result = .success(try await body(TestServer(installation: installation, port: port)))
        } catch {
            result = .failure(error)
        }
        await services.triggerGracefulShutdown()
        _ = await running.result
        return try result.get()
    }
}

public struct TestFailure: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// An HTTP client that keeps its session cookie and CSRF token like a browser tab. Each request uses a new
/// loopback connection, so a server that closes one (after an oversized body) does not break the next.
public final class HTTPSession: @unchecked Sendable {
    public let port: Int
    public var cookie: String?
    public var csrfToken: String?
    /// Sent as `Origin` when set (browsers send it on cross-site and state-changing requests).
    public var origin: String?

    public init(port: Int) {
        self.port = port
    }

    public struct Response: Sendable {
        public var status: HTTPResponse.Status
        public var headers: HTTPFields
        public var body: Data
        public var text: String { String(decoding: body, as: UTF8.self) }
        public func json() throws -> [String: Any] {
            guard let object = try JSONSerialization.jsonObject(with: body) as? [String: Any] else { throw TestFailure("not a JSON object: \(text)") }
            return object
        }
        /// The `code` of a `{"error": {...}}` body.
        public var errorCode: String? {
            ((try? json())?["error"] as? [String: Any])?["code"] as? String
        }
    }

    @discardableResult
    public func signIn(_ email: String, password: String = TestInstallation.password) async throws -> Response {
        let response = try await request(.post, "/api/auth/sign-in", json: ["email": email, "password": password])
        if response.status == .ok {
            csrfToken = try response.json()["csrfToken"] as? String
            if let setCookie = response.headers[.setCookie], let pair = setCookie.split(separator: ";").first {
                cookie = String(pair)
            }
        }
        return response
    }

    /// A WebSocket handshake with this session's cookie and a browser-style `Origin`; 101 means it was accepted.
    public func webSocketHandshake(origin: String) async throws -> Response {
        try await request(.get, "/ws", body: nil, headers: [
            .origin: origin, .upgrade: "websocket", .connection: "Upgrade",
            .secWebSocketVersion: "13", .secWebSocketKey: "dGhlIHNhbXBsZSBub25jZQ==",
        ])
    }

    public func get(_ path: String) async throws -> Response {
        try await request(.get, path)
    }

    public func request(_ method: HTTPRequest.Method, _ path: String, json: Any? = nil, headers extra: HTTPFields = [:]) async throws -> Response {
        let body = try json.map { try JSONSerialization.data(withJSONObject: $0) }
        return try await request(method, path, body: body, headers: extra)
    }

    /// A request with a raw body (for malformed and oversized inputs) and the session's cookie and CSRF token.
    public func request(_ method: HTTPRequest.Method, _ path: String, body: Data?, headers extra: HTTPFields = [:]) async throws -> Response {
        var headers: HTTPFields = [:]
        if let cookie { headers[.cookie] = cookie }
        if let csrfToken, ![.get, .head].contains(method) { headers[HTTPField.Name("X-CSRF-Token")!] = csrfToken }
        if let origin { headers[.origin] = origin }
        if body != nil { headers[.contentType] = "application/json" }
        for field in extra { headers[field.name] = field.value }
        let client = TestClient(host: "127.0.0.1", port: port)
        client.connect()
        do {
            let response = try await client.execute(.init(path, method: method, authority: "127.0.0.1:\(port)", headers: headers, body: body.map { ByteBuffer(data: $0) }))
            try? await client.shutdown()
            return Response(status: response.status, headers: response.headers, body: response.body.map { Data(buffer: $0) } ?? Data())
        } catch {
            try? await client.shutdown()
            throw error
        }
    }
}
