import Foundation
import Logging
import Synchronization

/// Watches the configured roster path and syncs each new complete file once: the server calls ``poll()`` every
/// `roster.poll_seconds` on one node (a ``PeriodicJob``).
///
/// A file counts as complete when two consecutive polls see the same size and modification time, so an
/// export still being written is not picked up half-way. (Dropping the file by writing it under another
/// name and renaming it into place is safer still, and is what docs/roster.md recommends.) A file whose
/// content was already synced, applied or refused, is not synced again, also after a restart. A refused
/// file is logged and recorded in the sync history that admins see, and memberships stay as they were.
public final class RosterWatcher: Sendable {
    let path: String
    let roster: RosterService
    let store: any RosterStore
    let logger: Logger
    private let state = Mutex<State>(State())

    private struct State {
        /// Size and modification time seen by the previous poll.
        var observed: FileSignature?
        /// The file last synced (or found already synced).
        var handled: FileSignature?
        var lastHash: String?
        var loadedHistory = false
    }

    struct FileSignature: Equatable {
        var size: Int
        var modified: Date
    }

    public init(path: String, roster: RosterService, store: any RosterStore, logger: Logger) {
        self.path = path
        self.roster = roster
        self.store = store
        self.logger = logger
    }

    /// One poll: syncs the file if it is new and has been stable since the previous poll.
    /// Returns the outcome when a sync was attempted.
    @discardableResult
    public func poll() async throws -> RosterService.Outcome? {
        if !state.withLock({ $0.loadedHistory }) {
            let last = try await store.rosterSyncs(limit: 1).first?.fileHash
            state.withLock { $0.lastHash = last; $0.loadedHistory = true }
        }
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
              let size = attributes[.size] as? Int, let modified = attributes[.modificationDate] as? Date
        else { return nil }
        let signature = FileSignature(size: size, modified: modified)
        let stable = state.withLock { state -> Bool in
            defer { state.observed = signature }
            return state.observed == signature && state.handled != signature
        }
        guard stable else { return nil }

        let outcome: RosterService.Outcome
        if size > roster.maxBytes {
            // Refused by its size without being read; its recorded hash names the size, so it is refused once.
            guard state.withLock({ $0.lastHash }) != RosterService.sizeHash(size) else {
                state.withLock { $0.handled = signature }
                return nil
            }
            outcome = try await roster.sync(file: path, by: .system("watcher"))
        } else {
            guard let data = FileManager.default.contents(atPath: path) else { return nil }
            let seen = state.withLock { state in
                defer { state.handled = signature }
                return state.lastHash == RosterService.hash(data)
            }
            guard !seen else { return nil }
            outcome = try await roster.sync(data: data, source: path, by: .system("watcher"))
        }
        state.withLock {
            $0.lastHash = outcome.fileHash
            $0.handled = signature
        }
        switch outcome.status {
        case .applied, .unchanged, .dryRun:
            logger.info("roster file synced", metadata: ["path": "\(path)", "status": "\(outcome.status.rawValue)"])
        case .rejected, .refused:
            logger.error("roster file refused; memberships unchanged", metadata: [
                "path": "\(path)", "status": "\(outcome.status.rawValue)",
                "reason": "\(outcome.refusal ?? outcome.errors.first?.description ?? "")", "errors": "\(outcome.errors.count)",
            ])
        }
        return outcome
    }
}
