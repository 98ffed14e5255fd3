// swift-tools-version:6.2
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "kanava",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "kanava", targets: ["kanava"]),
        .library(name: "KanavaCore", targets: ["KanavaCore"]),
        .library(name: "KanavaServer", targets: ["KanavaServer"]),
        .library(name: "KanavaMail", targets: ["KanavaMail"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", exact: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket.git", exact: "2.8.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", exact: "2.5.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", exact: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", exact: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", exact: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", exact: "2.13.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", exact: "3.12.3"),
        .package(url: "https://github.com/apple/swift-nio.git", exact: "2.101.3"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", exact: "2.37.6"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", exact: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", exact: "2.13.0"),
        .package(url: "https://github.com/jpsim/Yams.git", exact: "6.2.2"),
        .package(url: "https://github.com/yaslab/CSV.swift.git", exact: "2.5.2"),
        .package(url: "https://github.com/JohnSundell/Ink.git", exact: "0.6.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", exact: "2.0.1"),
        .package(url: "https://github.com/vapor/postgres-nio.git", exact: "1.33.2"),
    ],
    targets: [
        // The domain: people, accounts, channels, events and their storage. No HTTP in here.
        .target(
            name: "KanavaCore",
            dependencies: [
                "KanavaMail",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CSV", package: "CSV.swift"),
                .product(name: "Ink", package: "Ink"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings
        ),
        // HTTP and WebSocket on Hummingbird: thin routes over KanavaCore's services.
        .target(
            name: "KanavaServer",
            dependencies: [
                "KanavaCore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // An SMTP client on SwiftNIO for outgoing e-mail: MIME rendering, STARTTLS or implicit TLS, AUTH.
        .target(
            name: "KanavaMail",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Child processes by posix_spawn that inherit nothing but standard input, output and error, and whose end is
        // read with waitpid: for `kanava bench` and the tests (Foundation's `Process` is not used).
        .target(name: "CKanavaSpawn"),
        .target(name: "KanavaSpawn", dependencies: ["CKanavaSpawn"], swiftSettings: swiftSettings),
        // Load scenarios of `kanava bench`: `kanava serve` child processes on loopback (on SQLite, or PostgreSQL with one or more
        // nodes), driven by lean NIO WebSocket and HTTP clients.
        .target(
            name: "KanavaBench",
            dependencies: [
                "KanavaCore",
                "KanavaSpawn",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "kanava",
            dependencies: [
                "KanavaBench",
                "KanavaCore",
                "KanavaServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        // Shared test support: temporary databases, a live server on a loopback port, HTTP and WebSocket clients.
        .target(
            name: "KanavaTestSupport",
            dependencies: [
                "KanavaBench",
                "KanavaCore",
                "KanavaServer",
                "KanavaSpawn",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Tests/KanavaTestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "KanavaCoreTests",
            dependencies: ["KanavaCore", "KanavaTestSupport", .product(name: "PropertyBased", package: "swift-property-based")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "KanavaServerTests",
            dependencies: [
                "KanavaBench", "KanavaCore", "KanavaServer", "KanavaTestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings
        ),
        // Talks to a real SMTP server (Python's aiosmtpd, Tests/Support/smtp_sink.py) on loopback.
        .testTarget(
            name: "KanavaMailTests",
            dependencies: [
                "KanavaTestSupport",
                "KanavaMail",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "KanavaSpawnTests", dependencies: ["KanavaSpawn"], swiftSettings: swiftSettings),
        .testTarget(
            name: "BrowserTests",
            dependencies: [
                "KanavaCore", "KanavaServer", "KanavaSpawn", "KanavaTestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
