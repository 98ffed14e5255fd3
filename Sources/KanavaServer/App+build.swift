import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import HummingbirdWebSocket
import KanavaCore
import Logging
import Metrics
import NIOCore
import NIOSSL
import Prometheus
import ServiceLifecycle

/// Builds the HTTP/WebSocket application of an installation.
public enum KanavaServer {
    /// Builds the application. `onServerRunning` gets the listening channel (tests read the bound port from it);
    /// `inspectRouter` sees the router once every route is registered (tests list its routes).
    public static func buildApplication(
        kanava: Kanava,
        onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in },
        inspectRouter: (Router<KanavaRequestContext>) -> Void = { _ in }
    ) throws -> some ApplicationProtocol {
        let config = kanava.config
        let hub = Hub(presence: kanava.presence)
        kanava.bus.addSink(hub)
        let origins = OriginPolicy(publicURL: config.server.publicUrl)
        let address = PublicAddress(config: config.server)
        let secureCookies = config.server.secureCookies || config.server.tls.enabled

        let router = Router(context: KanavaRequestContext.self)
        router.middlewares.add(LogRequestsMiddleware(.info))
        router.middlewares.add(MetricsMiddleware())
        router.middlewares.add(SecurityHeadersMiddleware(tls: config.server.tls.enabled))
        router.middlewares.add(ErrorMiddleware())
        router.middlewares.add(AuditContextMiddleware())
        router.middlewares.add(FileMiddleware(config.server.webRoot, cacheControl: .init([(MediaType(type: .any), [.noCache])]), searchForIndexHtml: true, logger: kanava.logger))

        HealthRoutes(store: kanava.store, metrics: config.metrics, registry: KanavaMetrics.registry).addRoutes(to: router)
        let api = router.group("api")
            .add(middleware: SessionMiddleware(auth: kanava.auth))
            .add(middleware: CSRFMiddleware(origins: origins))
        AuthRoutes(kanava: kanava, hub: hub, secureCookies: secureCookies).addRoutes(to: api)
        // Everything of one channel sits behind its guard: non-members get 404 before anything is read.
        let channel = api.group("accounts/:account").add(middleware: ChannelGuardMiddleware(access: kanava.access))
        AccountRoutes(kanava: kanava).addRoutes(to: api, channel: channel)
        SectionRoutes(kanava: kanava).addRoutes(to: channel)
        DocumentRoutes(kanava: kanava).addRoutes(to: channel)
        MemoRoutes(kanava: kanava).addRoutes(to: channel)
        ClockRoutes(kanava: kanava).addRoutes(to: channel)
        PlannerRoutes(kanava: kanava).addRoutes(to: channel)
        ChatRoutes(kanava: kanava).addRoutes(to: channel)
        NoticeRoutes(kanava: kanava).addRoutes(to: api, channel: channel)
        SearchRoutes(kanava: kanava).addRoutes(to: api)
        WebhookRoutes(kanava: kanava, address: address).addRoutes(to: channel, router: router)
        CalendarFeedRoutes(kanava: kanava, address: address).addRoutes(to: api, router: router)
        FeedbackRoutes(kanava: kanava).addRoutes(to: api, channel: channel)
        // Quality cards have their own access rules (the board reads them without membership): not behind the guard.
        CardRoutes(kanava: kanava).addRoutes(to: api)
        let admin = api.group("admin").add(middleware: AdminGuardMiddleware())
        AdminRosterRoutes(kanava: kanava).addRoutes(to: admin)
        AdminTemplateRoutes(kanava: kanava).addRoutes(to: admin)
        AdminBotRoutes(kanava: kanava).addRoutes(to: admin)
        AdminAuditRoutes(kanava: kanava).addRoutes(to: admin)
        // Bots are judged by their bearer token alone: not under `api`'s session and CSRF middleware.
        BotRoutes(kanava: kanava).addRoutes(to: router.group("api/bot").add(middleware: BotAuthMiddleware(bots: kanava.bots)))
        WebSocketRoutes(kanava: kanava, hub: hub, origins: origins).addRoutes(to: router)
        OpenAPIRoutes(path: config.server.openapi, logger: kanava.logger).addRoutes(to: router)
        inspectRouter(router)

        var server = HTTPServerBuilder.http1WebSocketUpgrade(
            webSocketRouter: router,
            configuration: .init(ws: .init(
                maxFrameSize: config.limits.maxWsFrameBytes,
                autoPing: .enabled(timePeriod: .seconds(config.limits.wsPingSeconds))
            ))
        )
        if config.server.tls.enabled {
            server = try .tls(server, tlsConfiguration: tlsConfiguration(config.server.tls))
        }
        func job(_ name: String, every seconds: Double, startAtOnce: Bool, _ round: @escaping @Sendable () async throws -> Void) -> PeriodicJob {
            let interval = Duration.milliseconds(Int64(seconds * 1000))
            return PeriodicJob(schedule: ExclusiveSchedule(leases: kanava.store, job: name, holder: kanava.node, interval: interval, logger: kanava.logger),
                               interval: interval, startAtOnce: startAtOnce, logger: kanava.logger, round: round)
        }
        var services: [any Service] = [
            kanava.bus,
            EventLogFollower(log: kanava.store, bus: kanava.bus, logger: kanava.logger),
            SessionSweeper(auth: kanava.auth, logger: kanava.logger),
            job("notice-follow-up", every: config.notices.checkSeconds, startAtOnce: false) { _ = try await kanava.noticeFollowUp.round() },
            job("clock-reminders", every: config.clock.checkSeconds, startAtOnce: false) { _ = try await kanava.clockReminders.round() },
        ]
        if let mail = kanava.mailDelivery {
            services.append(job("mail", every: 2, startAtOnce: true) { _ = try await mail.deliverDue() })
        }
        if !config.roster.path.isEmpty {
            kanava.logger.info("watching the roster file", metadata: ["path": "\(config.roster.path)"])
            let watcher = RosterWatcher(path: config.roster.path, roster: kanava.roster, store: kanava.store, logger: kanava.logger)
            services.append(job("roster-watch", every: Double(config.roster.pollSeconds), startAtOnce: true) { _ = try await watcher.poll() })
        }
        return Application(
            router: router,
            server: server,
            configuration: .init(address: .hostname(config.server.host, port: config.server.port), serverName: "Kanava"),
            services: services,
            onServerRunning: onServerRunning,
            logger: kanava.logger
        )
    }

    static func tlsConfiguration(_ tls: KanavaConfig.TLS) throws -> TLSConfiguration {
        do {
            let chain = try NIOSSLCertificate.fromPEMFile(tls.certificate).map { NIOSSLCertificateSource.certificate($0) }
            let key = try NIOSSLPrivateKey(file: tls.privateKey, format: .pem)
            return TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key))
        } catch {
            throw ConfigError(key: "server.tls", problem: "the certificate or key cannot be read: \(error)")
        }
    }
}

/// The process-wide Prometheus registry behind swift-metrics (bootstrapped once, on first use).
public enum KanavaMetrics {
    public static let registry: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        return registry
    }()
}

/// Deletes ended sessions every ten minutes.
struct SessionSweeper: Service {
    let auth: AuthService
    let logger: Logger

    func run() async throws {
        try await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try await Task.sleep(for: .seconds(600))
                do {
                    let purged = try await auth.purgeEndedSessions()
                    if purged > 0 { logger.info("purged ended sessions", metadata: ["count": "\(purged)"]) }
                } catch {
                    logger.warning("could not purge ended sessions", metadata: ["error": "\(error)"])
                }
            }
        }
    }
}
