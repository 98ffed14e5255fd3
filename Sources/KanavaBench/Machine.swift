import Foundation

/// What the figures were measured on: cores, memory, build configuration and operating system.
public struct Machine: Encodable, Sendable, CustomStringConvertible {
    public var cores: Int
    public var memoryGiB: Int
    /// `debug` or `release`: the configuration this benchmark (and the server it starts, the same binary) was built in.
    public var build: String
    public var os: String
    /// The 1-minute load average when the run began: about 0 on a quiet machine, near the core count on a busy one.
    public var loadAverage: Double

    public static var current: Machine {
        #if DEBUG
        let build = "debug"
        #else
        let build = "release"
        #endif
        return Machine(
            cores: ProcessInfo.processInfo.activeProcessorCount,
            memoryGiB: Int((Double(ProcessInfo.processInfo.physicalMemory) / 1_073_741_824).rounded()),
            build: build, os: ProcessInfo.processInfo.operatingSystemVersionString, loadAverage: Self.loadAverage()
        )
    }

    public var description: String {
        "\(cores) cores, \(memoryGiB) GiB, \(build) build, load \(String(format: "%.2f", loadAverage)) at start"
    }

    private static func loadAverage() -> Double {
        guard let text = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8) else { return 0 }
        return text.split(separator: " ").first.flatMap { Double($0) } ?? 0
    }
}
