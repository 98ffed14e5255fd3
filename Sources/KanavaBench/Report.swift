import Foundation
import KanavaCore

/// A figure table: one row per measured thing, printed with aligned columns.
public struct BenchTable: Sendable {
    public var columns: [String]
    public var rows: [[String]]

    public init(columns: [String], rows: [[String]] = []) {
        self.columns = columns
        self.rows = rows
    }

    /// The table as aligned text lines.
    public var lines: [String] {
        let all = [columns] + rows
        let widths = columns.indices.map { column in all.map { $0.indices.contains(column) ? $0[column].count : 0 }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { $0.element.padding(toLength: widths[$0.offset], withPad: " ", startingAt: 0) }
                .joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }
        return [line(columns), line(widths.map { String(repeating: "-", count: $0) })] + rows.map(line)
    }
}

/// The outcome of one scenario: its figures as a table, and as JSON.
public protocol ScenarioResult: Encodable, Sendable {
    /// The scenario's name (`connections`, `fanout`, …).
    static var scenario: String { get }
    var table: BenchTable { get }
    /// Whether everything the server acknowledged was found afterwards (and every expected delivery arrived).
    var nothingLost: Bool { get }
    /// Whether the scenario runs in the benchmark's own process instead of driving `kanava serve` nodes.
    static var runsInProcess: Bool { get }
}

extension ScenarioResult {
    public static var runsInProcess: Bool { false }
}

/// What was measured: the database the installation was on and how many `kanava serve` nodes served it.
public struct Deployment: Encodable, Sendable, CustomStringConvertible {
    /// `SQLite` or `PostgreSQL`.
    public var database: String
    /// 0 for a scenario that runs in the benchmark's own process (roster).
    public var nodes: Int

    public var description: String {
        "\(database), " + (nodes == 0 ? "in process" : "\(nodes) node\(nodes == 1 ? "" : "s")")
    }
}

/// One scenario's result with the machine it ran on and what it measured: what `--json` prints.
public struct BenchReport<Result: ScenarioResult>: Encodable, Sendable {
    public var scenario: String
    public var machine: Machine
    public var deployment: Deployment
    public var result: Result

    public init(_ result: Result, machine: Machine, launcher: ServerLauncher) {
        scenario = Result.scenario
        self.machine = machine
        deployment = Deployment(database: launcher.database.description, nodes: Result.runsInProcess ? 0 : launcher.nodes)
        self.result = result
    }

    public var text: String {
        (["kanava bench \(scenario) — \(deployment) — \(machine)"] + result.table.lines + ["nothing lost: \(result.nothingLost ? "yes" : "NO")"])
            .joined(separator: "\n")
    }

    public func json() throws -> String {
        String(decoding: try EventCoding.encoder.encode(self), as: UTF8.self)
    }
}

/// Number formatting shared by the tables.
enum Figure {
    static func ms(_ value: Double) -> String { String(format: "%.2f ms", value) }
    static func rate(_ value: Double) -> String { String(format: "%.0f/s", value) }
    static func kib(_ bytes: Double) -> String { String(format: "%.1f KiB", bytes / 1024) }
    static func mib(_ bytes: Double) -> String { String(format: "%.1f MiB", bytes / 1_048_576) }
    static func seconds(_ value: Double) -> String { String(format: "%.3f s", value) }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
    var milliseconds: Double { seconds * 1000 }
}
