public import CairnCore
public import CairnStorage
import Foundation
public import Logging
public import ServiceLifecycle

/// Carries out data-protection requests in the background, oldest first. A regulation is held
/// by a lease while it is worked on; its steps (its `RegulationPlan`, walked over the stores
/// that hold personal data) are idempotent, so one whose node died is taken up again from the
/// start when the lease ends, by any node (claims skip rows others hold). Each claim counts an
/// attempt: a step that throws holds the regulation back for `retry`'s backoff, its error kept,
/// and past `retry.maxAttempts` the regulation ends `failed` with that error.
public struct RegulationWorker: Service {
    let store: any RegulationStore
    let suppressions: any SuppressionStore
    let eventLog: any EventLogStore
    let profiles: any ProfileReader
    /// Every store that holds personal data: each erases and exports its own.
    let personalData: [any PersonalDataStore]
    let clock: any CairnClock
    /// Rung when a regulation is asked for on this node; other nodes' are found by polling.
    let requested: WakeSignal
    let lease: Duration
    let pollInterval: Duration
    let metrics: CairnMetrics
    let logger: Logger

    /// Events (and messages) erased per transaction: small enough not to hold the writer long;
    /// also the rows a store reads or changes per statement for an export or a cancellation.
    let eventSlice: Int
    /// Attempts before a regulation whose steps keep failing ends `failed`, and the backoff
    /// between them.
    let retry: RetryPolicy

    public init(
        store: any RegulationStore,
        suppressions: any SuppressionStore,
        eventLog: any EventLogStore,
        profiles: any ProfileReader,
        personalData: [any PersonalDataStore],
        clock: any CairnClock,
        requested: WakeSignal,
        lease: Duration = .seconds(30),
        pollInterval: Duration = .seconds(2),
        eventSlice: Int = 1000,
        retry: RetryPolicy = .regulations,
        metrics: CairnMetrics = .none,
        logger: Logger
    ) {
        self.retry = retry
        self.metrics = metrics
        self.eventSlice = eventSlice
        self.store = store
        self.suppressions = suppressions
        self.eventLog = eventLog
        self.profiles = profiles
        self.personalData = personalData
        self.clock = clock
        self.requested = requested
        self.lease = lease
        self.pollInterval = pollInterval
        self.logger = logger
    }

    public func run() async throws {
        while !Task.isCancelled, !Task.isShuttingDownGracefully {
            var didWork = false
            do {
                didWork = try await performNext()
            } catch is CancellationError {
                return
            } catch {
                logger.warning(
                    "a regulation step failed; it is retried",
                    metadata: ["error": "\(String(reflecting: error))"]
                )
            }
            if !didWork {
                try? await cancelWhenGracefulShutdown { await requested.wait(upTo: pollInterval) }
            }
        }
    }

    /// Claims and carries out the oldest waiting regulation; false when none waits.
    @discardableResult
    public func performNext() async throws -> Bool {
        let now = clock.now()
        // This claim's own id: a lease that ended and was taken over is not this worker's to
        // renew or finish.
        let holder = UUID().uuidString
        guard var regulation = try await store.claim(at: now, leaseUntil: now.adding(lease), holder: holder) else {
            return false
        }
        if regulation.attempts > retry.maxAttempts {
            // Its earlier attempts ended without a word (a node died on it): it is not tried again.
            return try await fail(regulation, holder: holder, error: regulation.error ?? Self.attemptsExhausted)
        }
        var export: [UInt8]?
        do {
            (regulation.result, export) = try await perform(regulation, holder: holder)
            regulation.status = .done
        } catch RegulationLost.eventsWaiting {
            // Let it go at once, to be taken again (by any node) after the next poll.
            _ = try await store.release(id: regulation.id, holder: holder)
            return false
        } catch let error as RegulationLost {
            logger.info(
                "regulation \(regulation.id) was taken over",
                metadata: ["reason": "\(String(reflecting: error))"]
            )
            return true
        } catch let error as CancellationError {
            throw error
        } catch {
            return try await failed(regulation, holder: holder, error: error)
        }
        regulation.completedAt = clock.now()
        guard try await store.finish(regulation, holder: holder, export: export, eraseSubject: regulation.type.erases)
        else {
            logger.info("regulation \(regulation.id) was taken over before it was recorded")
            return true
        }
        let waited = regulation.completedAt.map {
            $0.millisecondsSinceEpoch - regulation.requestedAt.millisecondsSinceEpoch
        }
        metrics.regulationDone(type: regulation.type.rawValue, seconds: Double(waited ?? 0) / 1000)
        logger.info(
            "regulation done",
            metadata: [
                "regulation": "\(regulation.id)", "type": "\(regulation.type.rawValue)",
                "result": "\(regulation.result ?? [:])",
            ]
        )
        return true
    }

    /// Renews the lease between steps; throws when the regulation is no longer this worker's.
    func hold(_ regulation: Regulation, holder: String) async throws {
        guard try await store.renew(id: regulation.id, holder: holder, leaseUntil: clock.now().adding(lease)) else {
            throw RegulationLost.noLongerPending
        }
    }

    enum RegulationLost: Error {
        case noLongerPending
        /// Events received before the request still wait for the processor: the erasure waits.
        case eventsWaiting
    }
}
