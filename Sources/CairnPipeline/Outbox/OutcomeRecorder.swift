import CairnCore
import CairnStorage
import Logging
import Synchronization

/// Records the outcomes of attempts in groups: outcomes that arrive while a group is being
/// written go into the next one, one transaction each (a transaction per message sent would
/// cap the sends per second at the database's commits per second).
final class OutcomeRecorder: Sendable {
    private struct Waiting {
        var outcome: AttemptOutcome
        var continuation: CheckedContinuation<Bool?, Never>
    }

    private struct State {
        var waiting: [Waiting] = []
        var writing = false
    }

    private let store: any OutboxStore
    private let clock: any CairnClock
    private let logger: Logger
    private let state = Mutex(State())

    init(store: any OutboxStore, clock: any CairnClock, logger: Logger) {
        self.store = store
        self.clock = clock
        self.logger = logger
    }

    /// Records one outcome with the group it joins: whether the claim was still the message's,
    /// nil when the database refused five times (the message is then sent again after its lease).
    func record(_ outcome: AttemptOutcome) async -> Bool? {
        await withCheckedContinuation { continuation in
            let leads = state.withLock { state in
                state.waiting.append(Waiting(outcome: outcome, continuation: continuation))
                defer { state.writing = true }
                return !state.writing
            }
            if leads { Task { await self.writeGroups() } }
        }
    }

    /// Writes what waits, group after group, until nothing does.
    private func writeGroups() async {
        while true {
            let group = state.withLock { state in
                let group = state.waiting
                state.waiting = []
                if group.isEmpty { state.writing = false }
                return group
            }
            guard !group.isEmpty else { return }
            let saved = await write(group.map(\.outcome))
            for (waiting, saved) in zip(group, saved) { waiting.continuation.resume(returning: saved) }
        }
    }

    /// One group in one transaction; tried again on a passing database error, since an outcome
    /// lost means a message sent again.
    private func write(_ outcomes: [AttemptOutcome]) async -> [Bool?] {
        for attempt in 1...5 {
            do {
                return try await store.record(outcomes, at: clock.now()).map { $0 }
            } catch {
                logger.error(
                    "recording outcomes of sends failed",
                    metadata: [
                        "messages": "\(outcomes.count)", "attempt": "\(attempt)",
                        "error": "\(String(reflecting: error))",
                    ]
                )
                try? await clock.sleep(for: .milliseconds(200 * attempt))
            }
        }
        return Array(repeating: nil, count: outcomes.count)
    }
}
