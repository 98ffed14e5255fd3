import Hummingbird
import KanavaCore
import Prometheus

/// `/health` (the process is up), `/ready` (it can reach its database) and `/metrics` (Prometheus text).
struct HealthRoutes {
    let store: any KanavaStore
    let metrics: KanavaConfig.Metrics
    let registry: PrometheusCollectorRegistry

    struct Status: ResponseEncodable {
        var status: String
    }

    func addRoutes(to router: Router<KanavaRequestContext>) {
        router.get("health") { _, _ in Status(status: "ok") }
        router.get("ready") { _, context -> Status in
            do {
                try await store.ping()
                return Status(status: "ready")
            } catch {
                context.logger.warning("readiness check failed", metadata: ["error": "\(error)"])
                throw KanavaError(.unavailable, "the database cannot be reached")
            }
        }
        guard metrics.enabled else { return }
        router.get("metrics") { request, _ -> Response in
            if !metrics.bearerToken.isEmpty {
                guard CSRFMiddleware.constantTimeEquals(request.headers[.authorization] ?? "", "Bearer \(metrics.bearerToken)") else {
                    throw KanavaError(.unauthenticated, "metrics need the configured bearer token")
                }
            }
            var buffer = ByteBuffer()
            buffer.writeBytes(registry.emitToBuffer())
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"], body: .init(byteBuffer: buffer))
        }
    }
}
