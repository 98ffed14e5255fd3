import Foundation

/// The `kanava serve` nodes of one installation, all on its database and data directory. Clients are spread over them
/// round-robin: client `i` talks to node `i % count`, so what one node commits reaches the others' clients through
/// the database (PostgreSQL's LISTEN/NOTIFY).
struct BenchNodes: Sendable {
    let servers: [BenchServer]

    /// Starts `launcher.nodes` nodes one after another (each once the one before listens); if one fails, stops those
    /// already started.
    static func start(_ launcher: ServerLauncher, _ installation: BenchInstallation) async throws -> BenchNodes {
        var servers: [BenchServer] = []
        do {
            for node in 1...launcher.nodes { servers.append(try await BenchServer.start(launcher, installation, node: node)) }
            return BenchNodes(servers: servers)
        } catch {
            await BenchNodes(servers: servers).stop()
            throw error
        }
    }

    var count: Int { servers.count }

    /// The node client number `index` talks to, both counted from 0.
    func node(for index: Int) -> Int { index % servers.count }

    /// That node's port.
    func port(for index: Int) -> Int { servers[node(for: index)].port }

    /// All the nodes' resident memory now (VmRSS), in bytes.
    func residentBytes() throws -> Int {
        try servers.reduce(0) { $0 + (try $1.residentBytes()) }
    }

    /// Stops every node, all at once.
    func stop() async {
        await withTaskGroup(of: Void.self) { tasks in
            for server in servers { tasks.addTask { await server.stop() } }
        }
    }
}
