import Foundation
import GRDB
import Synchronization

/// Group commit: writes that arrive together share one transaction, and so the one disk sync of its commit.
///
/// Each write runs in its own savepoint inside the group's transaction, so one that fails (a constraint, a missing
/// row) is rolled back alone and gets its own error while the others commit. Nobody hears back before the commit:
/// a write's result is handed over only once the transaction is on disk, so an acknowledgement still means
/// "stored". A group forms while the previous one commits; the first write of a quiet moment goes alone, without
/// waiting for company.
final class GroupCommit: Sendable {
    private struct Job: Sendable {
        /// Runs the write in a savepoint of the group's transaction and keeps its outcome.
        let run: @Sendable (Database) -> Void
        /// Hands the outcome over once the transaction committed (nil), or the transaction's error.
        let finish: @Sendable ((any Error)?) -> Void
    }

    private struct State {
        var waiting: [Job] = []
        var committing = false
    }

    private let pool: DatabasePool
    private let maxGroup: Int
    private let state = Mutex(State())

    init(pool: DatabasePool, maxGroup: Int = 500) {
        self.pool = pool
        self.maxGroup = maxGroup
    }

    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        let outcome = Outcome<T>()
        return try await withCheckedThrowingContinuation { continuation in
            let job = Job(
                run: { db in
                    outcome.set(Result {
                        var value: T?
                        try db.inSavepoint {
                            value = try body(db)
                            return .commit
                        }
                        return value!
                    })
                },
                finish: { failure in continuation.resume(with: failure.map { .failure($0) } ?? outcome.result) }
            )
            let leads = state.withLock { state in
                state.waiting.append(job)
                guard !state.committing else { return false }
                state.committing = true
                return true
            }
            if leads { Task { await self.commitGroups() } }
        }
    }

    /// Commits groups until nobody is waiting.
    private func commitGroups() async {
        while let group = nextGroup() {
            do {
                try await pool.write { db in
                    for job in group { job.run(db) }
                }
                for job in group { job.finish(nil) }
            } catch {
                for job in group { job.finish(error) }
            }
        }
    }

    private func nextGroup() -> [Job]? {
        state.withLock { state in
            guard !state.waiting.isEmpty else {
                state.committing = false
                return nil
            }
            let group = Array(state.waiting.prefix(maxGroup))
            state.waiting.removeFirst(group.count)
            return group
        }
    }

    /// One write's result, set inside the transaction and read after it.
    private final class Outcome<T: Sendable>: Sendable {
        private let value = Mutex<Result<T, any Error>?>(nil)

        func set(_ result: Result<T, any Error>) {
            value.withLock { $0 = result }
        }

        var result: Result<T, any Error> {
            value.withLock { $0 } ?? .failure(KanavaError(.internal, "a grouped write did not run"))
        }
    }
}
