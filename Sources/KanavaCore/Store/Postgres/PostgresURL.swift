import Foundation
import NIOSSL
import PostgresNIO

/// `database.url` taken apart: `postgres://user:password@host:port/database?sslmode=disable|prefer|require`.
///
/// The password may be percent-encoded (`p%40ss` for `p@ss`). It is never part of ``description``, so the URL can be
/// logged.
public struct PostgresURL: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var user: String
    public var password: String?
    public var database: String
    public var sslMode: SSLMode

    public enum SSLMode: String, Sendable {
        case disable, prefer, require
    }

    public init(_ text: String) throws(KanavaError) {
        guard let url = URLComponents(string: text), url.scheme == "postgres" || url.scheme == "postgresql" else {
            throw KanavaError.invalid("database.url", "must start with postgres://")
        }
        guard let host = url.host, !host.isEmpty else { throw KanavaError.invalid("database.url", "names no host") }
        guard let user = url.user, !user.isEmpty else { throw KanavaError.invalid("database.url", "names no user (postgres://user@host/database)") }
        let database = String(url.path.drop { $0 == "/" })
        guard !database.isEmpty, !database.contains("/") else {
            throw KanavaError.invalid("database.url", "names no database (postgres://user@host/database)")
        }
        let mode = url.queryItems?.first { $0.name == "sslmode" }?.value ?? "prefer"
        guard let sslMode = SSLMode(rawValue: mode) else {
            throw KanavaError.invalid("database.url", "sslmode must be disable, prefer or require")
        }
        self.host = host
        self.port = url.port ?? 5432
        self.user = user
        self.password = url.password?.removingPercentEncoding
        self.database = database
        self.sslMode = sslMode
    }

    public var description: String {
        "postgres://\(user)@\(host):\(port)/\(database)?sslmode=\(sslMode.rawValue)"
    }

    /// The URL with its password, as `database.url` takes it.
    public var connectionString: String {
        var components = URLComponents()
        components.scheme = "postgres"
        components.user = user
        components.password = password
        components.host = host
        components.port = port
        components.path = "/\(database)"
        components.queryItems = [URLQueryItem(name: "sslmode", value: sslMode.rawValue)]
        return components.string ?? description
    }

    /// The same server, another database (tests make one database per installation; `kanava migrate` checks the target).
    public func with(database: String) -> PostgresURL {
        var copy = self
        copy.database = database
        return copy
    }

    func clientConfiguration(maxConnections: Int) -> PostgresClient.Configuration {
        let tls: PostgresClient.Configuration.TLS = switch sslMode {
        case .disable: .disable
        case .prefer: .prefer(.makeClientConfiguration())
        case .require: .require(.makeClientConfiguration())
        }
        var configuration = PostgresClient.Configuration(host: host, port: port, username: user, password: password, database: database, tls: tls)
        configuration.options.maximumConnections = maxConnections
        configuration.options.connectTimeout = .seconds(5)
        return configuration
    }

    /// A connection of its own, outside the pool (the node's LISTEN connection; `kanava bench` creating and dropping
    /// its databases).
    public func connectionConfiguration() throws -> PostgresConnection.Configuration {
        let tls: PostgresConnection.Configuration.TLS = switch sslMode {
        case .disable: .disable
        case .prefer: .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
        case .require: .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
        }
        return PostgresConnection.Configuration(host: host, port: port, username: user, password: password, database: database, tls: tls)
    }
}
