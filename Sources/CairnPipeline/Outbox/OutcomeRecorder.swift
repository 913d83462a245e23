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
    private let maxBackoff: Duration
    private let logger: Logger
    private let state = Mutex(State())

    init(store: any OutboxStore, clock: any CairnClock, maxBackoff: Duration = .seconds(5), logger: Logger) {
        self.store = store
        self.maxBackoff = maxBackoff
        self.clock = clock
        self.logger = logger
    }

    /// Records one outcome with the group it joins: whether the claim was still the message's.
    /// Nil only if the task writing groups were cancelled, which nothing does: a node shutting
    /// down waits for its outcomes to be recorded.
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

    /// Writes what waits, group after group, until nothing does. A group the database refuses a
    /// few times leaves this loop: each of its outcomes is then tried on its own, in a task of its
    /// own, so an outcome the database cannot take holds up no other.
    private func writeGroups() async {
        while true {
            let group = state.withLock { state in
                let group = state.waiting
                state.waiting = []
                if group.isEmpty { state.writing = false }
                return group
            }
            guard !group.isEmpty else { return }
            if let saved = await write(group.map(\.outcome), tries: Self.triesBeforeSplitting) {
                for (waiting, saved) in zip(group, saved) { waiting.continuation.resume(returning: saved) }
            } else {
                for waiting in group {
                    Task {
                        let saved = await self.write([waiting.outcome], tries: nil)
                        waiting.continuation.resume(returning: saved?.first ?? nil)
                    }
                }
            }
        }
    }

    /// How many times a group is tried whole before its outcomes are tried one by one, apart.
    static let triesBeforeSplitting = 3

    /// One group in one transaction, tried again after a database error, waiting longer each time
    /// up to `maxBackoff`: `tries` times, or for as long as it takes when nil (an outcome lost
    /// means a message sent again; the dispatcher renews the messages' leases meanwhile). Nil when
    /// the tries ran out; a nil in it when the wait was cancelled.
    private func write(_ outcomes: [AttemptOutcome], tries: Int?) async -> [Bool?]? {
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try await store.record(outcomes, at: clock.now()).map { $0 }
            } catch {
                logger.error(
                    "recording outcomes of sends failed; trying again",
                    metadata: [
                        "messages": "\(outcomes.count)", "attempt": "\(attempt)",
                        "error": "\(String(reflecting: error))",
                    ]
                )
            }
            if let tries, attempt >= tries { return nil }
            do {
                try await clock.sleep(for: min(maxBackoff, .milliseconds(200 * attempt)))
            } catch {
                return Array(repeating: nil, count: outcomes.count)
            }
        }
    }
}
