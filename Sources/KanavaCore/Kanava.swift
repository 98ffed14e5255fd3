import Foundation
import Logging

/// One Kanava installation: its configuration, store, event bus and services, wired together.
///
/// The HTTP server, the command line and the tests all start from here, so a service behaves the same
/// whichever door a request came in by. A class, though nothing in it ever changes: routes and every open socket's
/// tasks hold it, and a reference is 8 bytes where a copy of all the services was kilobytes in each async frame.
public final class Kanava: Sendable {
    public let config: KanavaConfig
    public let clock: any WallClock
    public let store: any KanavaStore
    public let bus: EventBus
    public let access: AccessPolicy
    /// Who did what, when and from where (sign-ins, permissions, roster syncs, content and integration changes).
    public let audit: AuditLog
    public let auth: AuthService
    public let people: PersonService
    public let accounts: AccountService
    public let events: EventService
    public let roster: RosterService
    public let documents: DocumentService
    public let memos: MemoService
    public let templates: TemplateService
    public let sections: SectionService
    public let chat: ChatService
    public let notices: NoticeService
    public let search: SearchService
    public let annualClock: AnnualClockService
    public let bots: BotService
    public let webhooks: WebhookService
    public let calendarFeeds: CalendarFeedService
    public let planner: PlannerService
    /// The feedback box and the yearly list of the most active members.
    public let feedback: FeedbackService
    public let qualityCards: QualityCardService
    /// One account's channel as a self-describing archive (`kanava export`).
    public let exports: AccountExport
    /// GDPR erasure of a person (`kanava erase-person`).
    public let erasure: PersonErasure
    /// Who is connected to this server (the WebSocket hub keeps it up to date).
    public let presence: Presence
    /// Reminds and escalates unacknowledged urgent notices (a service of `kanava serve`).
    public let noticeFollowUp: NoticeFollowUp
    /// Posts the annual clock's reminders in the channels' chats (a service of `kanava serve`).
    public let clockReminders: ClockReminders
    /// Sends the mail outbox through SMTP (a service of `kanava serve`); nil when `smtp.host` is empty.
    public let mailDelivery: MailDelivery?
    public let logger: Logger
    /// This process among the nodes that share a database: who holds a scheduled job's lease (`host:pid:random`).
    public let node: String
    /// Rate limits of message posting, uploads, webhook and bot posts (`limits.*`); checked by the server.
    public let rateLimits: RateLimits

    /// Opens the installation's database and wires the services: PostgreSQL when `database.url` names one (waiting for
    /// it with back-off, up to `database.connect_timeout_seconds`), else the SQLite file under `config.dataDir` (created
    /// if needed; backed up first when this version has migrations to run on it).
    public static func open(config: KanavaConfig, clock: any WallClock = SystemClock(), logger: Logger) async throws -> Kanava {
        try FileManager.default.createDirectory(atPath: config.dataDir, withIntermediateDirectories: true)
        let store: any KanavaStore
        if config.database.isPostgres {
            store = try await PostgresStore.open(url: try PostgresURL(config.database.url), maxConnections: config.database.maxConnections,
                                                 connectTimeout: .seconds(config.database.connectTimeoutSeconds), logger: logger)
        } else {
            if let backup = try UpgradeBackup.ifNeeded(dataDir: URL(fileURLWithPath: config.dataDir), now: clock.now()) {
                logger.notice("backed up the installation before migrating its database", metadata: ["backup": "\(backup.path)"])
            }
            store = try SQLiteStore(path: databasePath(config))
        }
        do {
            return try await Kanava(config: config, store: store, clock: clock, logger: logger)
        } catch {
            await store.close()
            throw error
        }
    }

    public static func databasePath(_ config: KanavaConfig) -> String {
        URL(fileURLWithPath: config.dataDir).appendingPathComponent("kanava.sqlite").path
    }

    public init(config: KanavaConfig, store: any KanavaStore, clock: any WallClock, logger: Logger) async throws {
        self.config = config
        self.clock = clock
        self.store = store
        self.logger = logger
        node = "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier):\(UUID().uuidString.prefix(8))"
        rateLimits = RateLimits(config.limits, clock: clock)
        bus = try await EventBus.make(log: store, logger: logger)
        let memberships = MembershipCache()
        bus.addCache(memberships)
        access = AccessPolicy(store: store, memberships: memberships)
        audit = AuditLog(store: store, clock: clock, logger: logger)
        let hasher = PasswordHasher(cost: config.auth.bcryptCost)
        let throttle = SignInThrottle(
            maxPerEmail: config.auth.maxFailuresPerEmail,
            maxPerAddress: config.auth.maxFailuresPerAddress,
            window: config.auth.failureWindowMinutes * 60,
            clock: clock
        )
        auth = AuthService(
            store: store, hasher: hasher, throttle: throttle, clock: clock,
            lifetime: config.session.lifetimeHours * 3600, idleTimeout: config.session.idleTimeoutHours * 3600,
            logger: logger, decoyHash: await hasher.decoyHash(), audit: audit
        )
        people = PersonService(store: store, access: access, hasher: hasher, clock: clock, maxNameChars: config.limits.maxNameChars, logger: logger, audit: audit)
        events = EventService(store: store, access: access)
        let toc = try TableOfContents.load(path: config.templates.toc)
        let clockTemplate = try ClockTemplate.load(path: config.templates.annualClock)
        templates = TemplateService(toc: toc, annualClock: clockTemplate, store: store, bus: bus, clock: clock, logger: logger)
        sections = SectionService(store: store, access: access, bus: bus, clock: clock, renderer: MarkdownRenderer(),
                                       maxBodyChars: 200_000, maxNameChars: config.limits.maxNameChars, audit: audit)
        roster = RosterService(
            store: store, bus: bus, clock: clock, parser: RosterParser(maxNameChars: config.limits.maxNameChars),
            removalGuard: RemovalGuard(maxShare: config.roster.removalGuardShare, minimum: config.roster.removalGuardMin),
            maxBytes: config.roster.maxBytes, templates: templates, logger: logger, audit: audit
        )
        accounts = AccountService(store: store, access: access, bus: bus, templates: templates, clock: clock,
                                  maxNameChars: config.limits.maxNameChars, logger: logger, audit: audit)
        documents = DocumentService(
            store: store, access: access, sections: store,
            files: try DocumentFiles(root: URL(fileURLWithPath: config.dataDir).appendingPathComponent("files", isDirectory: true), logger: logger),
            bus: bus, clock: clock, maxUploadBytes: config.limits.maxUploadBytes, maxNameChars: config.limits.maxNameChars, logger: logger,
            audit: audit
        )
        let renderer = MarkdownRenderer()
        chat = ChatService(store: store, access: access, bus: bus, clock: clock, renderer: renderer,
                           maxMessageChars: config.chat.maxMessageChars, logger: logger)
        notices = NoticeService(store: store, access: access, bus: bus, clock: clock, renderer: renderer,
                                maxBodyChars: config.notices.maxBodyChars, maxTitleChars: config.limits.maxNameChars, logger: logger, audit: audit)
        search = SearchService(store: store, access: access)
        presence = Presence()
        noticeFollowUp = NoticeFollowUp(store: store, bus: bus, clock: clock, presence: presence,
                                        mail: config.smtp.enabled ? NoticeMail(publicURL: config.server.publicUrl) : nil,
                                        config: config.notices, logger: logger)
        mailDelivery = config.smtp.enabled
            ? MailDelivery(outbox: store, transport: try SMTPTransport(config: config.smtp, logger: logger), clock: clock, logger: logger)
            : nil
        annualClock = AnnualClockService(store: store, access: access, bus: bus, clock: clock, maxNameChars: config.limits.maxNameChars, logger: logger)
        bots = BotService(store: store, access: access, chat: chat, annualClock: annualClock, clock: clock, logger: logger, audit: audit)
        webhooks = WebhookService(store: store, access: access, chat: chat, clock: clock, logger: logger, audit: audit)
        calendarFeeds = CalendarFeedService(store: store, clock: clock, logger: logger)
        clockReminders = ClockReminders(store: store, chat: chat, clock: clock, logger: logger)
        memos = MemoService(store: store, access: access, sections: store, bus: bus, clock: clock, maxNameChars: config.limits.maxNameChars, logger: logger)
        planner = PlannerService(store: store, access: access, bus: bus, clock: clock,
                                 templates: try PlannerTemplate.loadAll(directory: config.templates.planner), logger: logger)
        feedback = FeedbackService(store: store, access: access, sections: store, bus: bus, clock: clock, logger: logger)
        qualityCards = QualityCardService(store: store, access: access, bus: bus, clock: clock,
                                          figures: CardFigureCalculator(store: store, annualClock: annualClock, clock: clock), logger: logger)
        exports = AccountExport(store: store, filesRoot: URL(fileURLWithPath: config.dataDir).appendingPathComponent("files", isDirectory: true),
                                clock: clock, audit: audit)
        erasure = PersonErasure(store: store, bus: bus, clock: clock, audit: audit, logger: logger)
    }
}
