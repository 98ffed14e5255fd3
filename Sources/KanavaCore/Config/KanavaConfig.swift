import Foundation

/// The installation's configuration: `config/kanava.yaml` over these defaults, then `KANAVA_…`
/// environment variables over both (see ``ConfigLoader``). Keys are snake_case in YAML.
public struct KanavaConfig: Codable, Sendable, Equatable {
    public var server = Server()
    /// Where the database and uploaded files live; relative paths are taken from the working directory.
    public var dataDir = "data"
    public var database = Database()
    public var session = Session()
    public var auth = Auth()
    public var limits = Limits()
    public var smtp = SMTP()
    public var chat = Chat()
    public var notices = Notices()
    public var clock = Clock()
    public var roster = Roster()
    public var templates = Templates()
    public var metrics = Metrics()
    public var logLevel = "info"

    public init() {}

    public struct Server: Codable, Sendable, Equatable {
        public var host = "127.0.0.1"
        public var port = 8080
        /// The address people use, e.g. `https://kanava.example.fi`; used in e-mails and for the WebSocket
        /// Origin check. Empty: the request's own Host is trusted.
        public var publicUrl = ""
        /// Folder of the browser app.
        public var webRoot = "Web"
        /// The OpenAPI document served at `/api/openapi.yaml`.
        public var openapi = "docs/openapi.yaml"
        public var tls = TLS()
        /// Mark cookies Secure even without TLS here (TLS terminated by a proxy in front).
        public var secureCookies = false
        public init() {}
    }

    public struct TLS: Codable, Sendable, Equatable {
        /// PEM certificate chain and private key; both empty: plain HTTP.
        public var certificate = ""
        public var privateKey = ""
        public var enabled: Bool { !certificate.isEmpty }
        public init() {}
    }

    /// Where the data lives: empty `url`, the embedded SQLite file under `data_dir`; `postgres://user:password@host:port/name`,
    /// a PostgreSQL database shared by any number of `kanava serve` nodes (uploaded files stay under `data_dir`, which those
    /// nodes must then share).
    public struct Database: Codable, Sendable, Equatable {
        public var url = ""
        /// Connections each node keeps to PostgreSQL at most.
        public var maxConnections = 20
        /// How long a node waits for PostgreSQL at start before giving up (it retries with back-off meanwhile).
        public var connectTimeoutSeconds = 60.0
        public var isPostgres: Bool { url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") }
        public init() {}
    }

    public struct Session: Codable, Sendable, Equatable {
        /// A session ends this long after sign-in, whatever happens.
        public var lifetimeHours = 168.0
        /// A session ends after this long without a request.
        public var idleTimeoutHours = 24.0
        public init() {}
    }

    public struct Auth: Codable, Sendable, Equatable {
        public var bcryptCost = 12
        public var maxFailuresPerEmail = 5
        public var maxFailuresPerAddress = 30
        public var failureWindowMinutes = 15.0
        public init() {}
    }

    public struct Limits: Codable, Sendable, Equatable {
        public var maxBodyBytes = 1_048_576
        public var maxUploadBytes = 26_214_400
        public var maxNameChars = 200
        public var maxWsFrameBytes = 65_536
        /// A socket whose unsent frames exceed this is a slow consumer and is disconnected.
        public var maxWsQueuedBytes = 4_194_304
        /// A reconnecting client that missed more events than this is told to reload instead.
        public var maxResumeEvents = 5_000
        public var wsPingSeconds = 30
        /// Chat messages one person may send per `messagesWindowSeconds` (HTTP and WebSocket together).
        public var messagesPerPerson = 30
        public var messagesWindowSeconds = 10.0
        /// Documents and document versions one person may upload per `uploadsWindowSeconds`.
        public var uploadsPerPerson = 30
        public var uploadsWindowSeconds = 60.0
        /// Posts to one incoming webhook, and from one network address to any webhook, per `webhookWindowSeconds`.
        public var webhookPostsPerToken = 60
        public var webhookPostsPerAddress = 120
        public var webhookWindowSeconds = 60.0
        /// Messages one bot may post per `botWindowSeconds`.
        public var botPostsPerToken = 60
        public var botWindowSeconds = 60.0
        /// Open WebSockets per person (tabs and devices together); one more handshake is refused with 429.
        public var maxSocketsPerPerson = 20
        public init() {}
    }

    public struct SMTP: Codable, Sendable, Equatable {
        /// Empty: no e-mail (reminders reach connected members only).
        public var host = ""
        public var port = 587
        /// `starttls` (port 587), `tls` (implicit TLS, port 465) or `none` (loopback relays only).
        public var security = "starttls"
        /// A PEM file of the CA to trust for the mail server instead of the system's roots (an internal CA).
        public var caCertificate = ""
        public var username = ""
        public var password = ""
        /// The From address, e.g. `kanava@yritys.fi`.
        public var sender = ""
        public var enabled: Bool { !host.isEmpty }
        public init() {}
    }

    public struct Chat: Codable, Sendable, Equatable {
        /// The longest message, in characters.
        public var maxMessageChars = 4_000
        public init() {}
    }

    public struct Notices: Codable, Sendable, Equatable {
        /// Members who have not acknowledged an urgent notice are reminded this often.
        public var remindEveryMinutes = 60.0
        /// After this long unacknowledged (from the notice, or from joining later), a member is escalated to
        /// the regional directors of their cities, and the sender is told.
        public var escalateAfterMinutes = 240.0
        /// How often the reminder and escalation check runs.
        public var checkSeconds = 30.0
        /// The longest notice text, in characters.
        public var maxBodyChars = 10_000
        public init() {}
    }

    public struct Clock: Codable, Sendable, Equatable {
        /// How often the annual-clock reminder bot looks for reminders that are due.
        public var checkSeconds = 60.0
        public init() {}
    }

    public struct Roster: Codable, Sendable, Equatable {
        /// A roster file to watch and sync; empty: no watching.
        public var path = ""
        public var pollSeconds = 60
        public var maxBytes = 52_428_800
        /// A sync that would remove more than this share of roster memberships is refused unless forced …
        public var removalGuardShare = 0.2
        /// … when it removes at least this many.
        public var removalGuardMin = 10
        public init() {}
    }

    public struct Templates: Codable, Sendable, Equatable {
        /// The table of contents every channel is made from.
        public var toc = "config/toc.yaml"
        /// The events every new channel's annual clock starts with.
        public var annualClock = "config/annual-clock.yaml"
        /// The directory of planner templates a director may apply (one `*.yaml` file each: takeover, after-care).
        public var planner = "config/planner"
        public init() {}
    }

    public struct Metrics: Codable, Sendable, Equatable {
        public var enabled = true
        /// When set, `/metrics` requires `Authorization: Bearer <token>`.
        public var bearerToken = ""
        public init() {}
    }

    /// Checks the values that decoding cannot: ranges, formats, combinations.
    public func validate() throws(ConfigError) {
        func require(_ ok: Bool, _ key: String, _ problem: String) throws(ConfigError) {
            if !ok { throw ConfigError(key: key, problem: problem) }
        }
        try require((1...65535).contains(server.port) || server.port == 0, "server.port", "must be 0–65535")
        try require(!server.host.isEmpty, "server.host", "must not be empty")
        try require(server.publicUrl.isEmpty || URL(string: server.publicUrl)?.host != nil, "server.public_url", "must be a full URL like https://kanava.example.fi")
        try require(server.tls.certificate.isEmpty == server.tls.privateKey.isEmpty, "server.tls", "certificate and private_key must be given together")
        try require(!dataDir.isEmpty, "data_dir", "must not be empty")
        try require(database.url.isEmpty || (try? PostgresURL(database.url)) != nil, "database.url",
                    "must be empty (SQLite) or postgres://user:password@host:port/database")
        try require((1...1000).contains(database.maxConnections), "database.max_connections", "must be 1–1000")
        try require(database.connectTimeoutSeconds > 0, "database.connect_timeout_seconds", "must be positive")
        try require(session.lifetimeHours > 0, "session.lifetime_hours", "must be positive")
        try require(session.idleTimeoutHours > 0, "session.idle_timeout_hours", "must be positive")
        try require((4...31).contains(auth.bcryptCost), "auth.bcrypt_cost", "must be 4–31")
        try require(auth.maxFailuresPerEmail > 0, "auth.max_failures_per_email", "must be positive")
        try require(auth.maxFailuresPerAddress > 0, "auth.max_failures_per_address", "must be positive")
        try require(auth.failureWindowMinutes > 0, "auth.failure_window_minutes", "must be positive")
        try require((1024...104_857_600).contains(limits.maxBodyBytes), "limits.max_body_bytes", "must be 1 KiB–100 MiB")
        try require((1024...4_294_967_296).contains(limits.maxUploadBytes), "limits.max_upload_bytes", "must be 1 KiB–4 GiB")
        try require((10...10_000).contains(limits.maxNameChars), "limits.max_name_chars", "must be 10–10000")
        try require((1024...16_777_216).contains(limits.maxWsFrameBytes), "limits.max_ws_frame_bytes", "must be 1 KiB–16 MiB")
        try require(limits.maxWsQueuedBytes >= limits.maxWsFrameBytes, "limits.max_ws_queued_bytes", "must be at least limits.max_ws_frame_bytes")
        try require(limits.maxResumeEvents > 0, "limits.max_resume_events", "must be positive")
        try require((1...3600).contains(limits.wsPingSeconds), "limits.ws_ping_seconds", "must be 1–3600")
        for (key, count) in [("limits.messages_per_person", limits.messagesPerPerson), ("limits.uploads_per_person", limits.uploadsPerPerson),
                             ("limits.webhook_posts_per_token", limits.webhookPostsPerToken),
                             ("limits.webhook_posts_per_address", limits.webhookPostsPerAddress), ("limits.bot_posts_per_token", limits.botPostsPerToken)] {
            try require((1...1_000_000).contains(count), key, "must be 1–1000000")
        }
        for (key, seconds) in [("limits.messages_window_seconds", limits.messagesWindowSeconds), ("limits.uploads_window_seconds", limits.uploadsWindowSeconds),
                               ("limits.webhook_window_seconds", limits.webhookWindowSeconds), ("limits.bot_window_seconds", limits.botWindowSeconds)] {
            try require(seconds > 0 && seconds <= 86_400, key, "must be more than 0 and at most 86400 seconds")
        }
        try require((1...10_000).contains(limits.maxSocketsPerPerson), "limits.max_sockets_per_person", "must be 1–10000")
        try require((1...65535).contains(smtp.port), "smtp.port", "must be 1–65535")
        try require(["starttls", "tls", "none"].contains(smtp.security), "smtp.security", "must be starttls, tls or none")
        try require(!smtp.enabled || (try? EmailAddress.validate(smtp.sender)) != nil, "smtp.sender", "must be an e-mail address when smtp.host is set")
        try require((1...100_000).contains(chat.maxMessageChars), "chat.max_message_chars", "must be 1–100000")
        try require(notices.remindEveryMinutes > 0, "notices.remind_every_minutes", "must be positive")
        try require(notices.escalateAfterMinutes > 0, "notices.escalate_after_minutes", "must be positive")
        try require(notices.checkSeconds > 0, "notices.check_seconds", "must be positive")
        try require((1...100_000).contains(notices.maxBodyChars), "notices.max_body_chars", "must be 1–100000")
        try require(clock.checkSeconds > 0, "clock.check_seconds", "must be positive")
        try require(roster.pollSeconds > 0, "roster.poll_seconds", "must be positive")
        try require(roster.maxBytes > 0, "roster.max_bytes", "must be positive")
        try require((0...1).contains(roster.removalGuardShare), "roster.removal_guard_share", "must be 0–1")
        try require(roster.removalGuardMin >= 0, "roster.removal_guard_min", "must be ≥ 0")
        try require(["trace", "debug", "info", "notice", "warning", "error", "critical"].contains(logLevel), "log_level", "must be one of trace, debug, info, notice, warning, error, critical")
    }
}

/// A configuration problem, naming the key (and the file and line when it came from a file).
public struct ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String?
    public var line: Int?
    public var key: String
    public var problem: String

    public init(file: String? = nil, line: Int? = nil, key: String, problem: String) {
        self.file = file
        self.line = line
        self.key = key
        self.problem = problem
    }

    public var description: String {
        var location = file ?? "configuration"
        if let line { location += ":\(line)" }
        return "\(location): \(key): \(problem)"
    }
}
