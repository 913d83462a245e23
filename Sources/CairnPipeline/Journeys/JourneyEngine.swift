public import CairnCore
public import CairnStorage
public import Logging
public import ServiceLifecycle

/// Steps customers through journeys. Each active instance whose wake time has come (a new one at
/// once, a wait when it ends, a wait_for_event when it times out) is claimed with a lease (on
/// PostgreSQL, shared by every node), stepped by `JourneyMachine` against the customer as they
/// are now, and its new state, the steps it took and the messages its sends made are written in
/// one transaction fenced by the claim: a node killed mid-step leaves the instance to be stepped
/// again once its lease ends, and nothing it did counts. A send goes through the planner that
/// send_email uses (consent is checked as the step runs) and names the start_journey as its
/// event. A paused journey's customers wait where they are; an archived journey's, and erased
/// customers', instances end.
public final class JourneyEngine: Service, Sendable {
    public struct Settings: Sendable {
        /// How long a claim holds an instance; a node that dies mid-step leaves it for this long.
        public var lease: Duration
        /// The most instances stepped per claim.
        public var batch: Int
        /// How long an idle engine waits before looking again.
        public var idleInterval: Duration
        /// How long a paused journey's due customer waits before it is looked at again.
        public var pausedRecheck: Duration

        public init(
            lease: Duration = .seconds(60),
            batch: Int = 100,
            idleInterval: Duration = .milliseconds(250),
            pausedRecheck: Duration = .seconds(30)
        ) {
            self.lease = lease
            self.batch = batch
            self.idleInterval = idleInterval
            self.pausedRecheck = pausedRecheck
        }
    }

    private let stores: CairnStores
    private let planner: SendPlanner
    private let clock: any CairnClock
    private let settings: Settings
    private let wake: WakeSignal
    private let messagesQueued: WakeSignal?
    private let metrics: CairnMetrics
    private let logger: Logger

    public init(
        stores: CairnStores,
        sends: SendContext,
        clock: any CairnClock,
        settings: Settings = Settings(),
        wake: WakeSignal = WakeSignal(),
        messagesQueued: WakeSignal? = nil,
        metrics: CairnMetrics = .none,
        logger: Logger
    ) {
        self.metrics = metrics
        self.stores = stores
        self.planner = SendPlanner(context: sends)
        self.clock = clock
        self.settings = settings
        self.wake = wake
        self.messagesQueued = messagesQueued
        self.logger = logger
    }

    public func run() async throws {
        await withGracefulShutdownHandler {
            while !Task.isShuttingDownGracefully, !Task.isCancelled {
                let stepped = (try? await self.stepDue()) ?? 0
                if stepped == 0 { await self.wake.wait(upTo: self.settings.idleInterval) }
            }
        } onGracefulShutdown: {
            self.wake.ring()
        }
    }

    /// What one round of steps reads once for all its instances: the journeys, the brands' time
    /// zones, the assets their sends name and whether the brands have their own providers.
    private struct Reads {
        var journeys: [IdentityKey: Journey?] = [:]
        var timeZones: [Tenant: String] = [:]
        var assets: [IdentityKey: Asset?] = [:]
        var ownChannels: [BrandChannel: Bool] = [:]
    }

    /// Claims what is due, steps it, and records every step of the round in one transaction;
    /// how many instances it claimed.
    @discardableResult
    public func stepDue() async throws -> Int {
        let claimed: [ClaimedInstance]
        do {
            claimed = try await stores.journeyInstances.claimDue(
                now: clock.now(),
                lease: settings.lease,
                limit: settings.batch
            )
        } catch {
            logger.error("claiming due journey steps failed", metadata: ["error": "\(String(reflecting: error))"])
            throw error
        }
        guard !claimed.isEmpty else { return 0 }
        var reads = Reads()
        var progresses: [InstanceProgress] = []
        for item in claimed {
            do {
                progresses.append(try await step(item, &reads))
            } catch {
                // Left to its lease: stepped again once it ends.
                logger.error(
                    "a journey step failed",
                    metadata: ["instanceId": "\(item.instance.instanceId)", "error": "\(String(reflecting: error))"]
                )
            }
        }
        let saved = try await stores.journeyInstances.record(progresses, at: clock.now())
        var queued = false
        for (progress, saved) in zip(progresses, saved) where saved {
            for step in progress.steps { metrics.journeyStep(type: step.type, outcome: step.outcome) }
            queued = queued || !progress.messages.isEmpty
        }
        if queued { messagesQueued?.ring() }
        return claimed.count
    }

    /// One instance's step: its new state, the steps it took, the messages its sends made.
    private func step(_ claimed: ClaimedInstance, _ reads: inout Reads) async throws -> InstanceProgress {
        let instance = claimed.instance
        let now = clock.now()
        let key = IdentityKey(instance.tenant, instance.journeyId)
        if reads.journeys[key] == nil {
            reads.journeys[key] = .some(
                try await stores.journeys.journey(tenant: instance.tenant, journeyId: instance.journeyId)
            )
        }
        let journey = reads.journeys[key] ?? nil
        let profile = try await stores.profiles.profile(customerId: instance.customerId, tenant: instance.tenant)
        guard let journey, journey.status != .archived, let profile,
            let version = journey.versions.first(where: { $0.version == instance.version }),
            let definition = try? JourneyDefinition(json: version.definition)
        else {
            return end(claimed, now: now)
        }
        let signalsThrough = claimed.signals.last?.id
        if journey.status == .paused {
            // It waits where it is; the events that came meanwhile are kept for when it resumes.
            var waiting = instance
            waiting.wakeAt = now.adding(settings.pausedRecheck)
            waiting.listening = JourneyMachine.listening(instance, definition)
            return InstanceProgress(attempt: claimed.attempt, instance: waiting, steps: [], messages: [])
        }
        if reads.timeZones[instance.tenant] == nil {
            reads.timeZones[instance.tenant] =
                try await stores.brands.brand(instance.tenant)?.timeZone ?? Brand.defaultTimeZone
        }
        let timeZone = reads.timeZones[instance.tenant] ?? Brand.defaultTimeZone
        let customer = JourneyMachine.Customer(traits: profile.traits, consent: profile.consent)
        // A new instance enters; then the events it was told of, in order, each after the wake
        // time it came after (an event after a wait_for_event's timeout does not match it); then
        // its own wake time.
        var progress = JourneyMachine.Progress(instance: instance)
        func apply(_ input: JourneyMachine.Input, at time: Timestamp) {
            let next = JourneyMachine.advance(
                progress.instance,
                in: definition,
                on: input,
                customer: customer,
                timeZone: timeZone,
                at: time
            )
            progress.instance = next.instance
            progress.sends += next.sends
            progress.steps += next.steps
        }
        if instance.isNew { apply(.enter(stepId: instance.stepId ?? definition.entryStepId), at: now) }
        for signal in claimed.signals {
            if let wakeAt = progress.instance.wakeAt, wakeAt <= signal.at, wakeAt <= now { apply(.wake, at: wakeAt) }
            apply(.event(name: signal.eventName), at: now)
        }
        apply(.wake, at: now)
        var messages: [OutboxMessage] = []
        for send in progress.sends {
            let outcome = try await plan(send, for: progress.instance, profile: profile, at: now, &reads)
            guard let index = progress.steps.firstIndex(where: { $0.stepId == send.stepId && $0.visit == send.visit })
            else { continue }
            switch outcome {
            case .success(let planned):
                messages += planned
                progress.steps[index].messageIds = planned.map(\.messageId)
            case .failure(let error):
                progress.steps[index].outcome = error.code
            }
        }
        return InstanceProgress(
            attempt: claimed.attempt,
            instance: progress.instance,
            steps: progress.steps,
            messages: messages,
            signalsThrough: signalsThrough
        )
    }

    /// A send step's message for the customer as they are now: the asset's live version with the
    /// journey's data at the root and as `journey`.
    private func plan(
        _ send: JourneyMachine.Send,
        for instance: JourneyInstance,
        profile: CustomerProfile,
        at now: Timestamp,
        _ reads: inout Reads
    ) async throws -> Result<[OutboxMessage], EventError> {
        let assetKey = IdentityKey(instance.tenant, send.assetId)
        if reads.assets[assetKey] == nil {
            reads.assets[assetKey] = .some(
                try await stores.assets.asset(tenant: instance.tenant, assetId: send.assetId)
            )
        }
        let asset = reads.assets[assetKey] ?? nil
        let channel = asset?.channel ?? .email
        let lane = BrandChannel(tenant: instance.tenant, channel: channel)
        if reads.ownChannels[lane] == nil {
            reads.ownChannels[lane] =
                try await stores.channels.channel(tenant: instance.tenant, channel: channel) != nil
        }
        let own = reads.ownChannels[lane] ?? false
        var body = instance.data
        body["journey"] = .object(instance.data)
        return planner.plan(
            SendPlanner.Request(
                eventId: instance.eventId,
                body: body,
                channel: channel,
                assetId: send.assetId,
                profile: profile,
                asset: asset,
                brandHasProvider: own
            ),
            makeId: { EventID.make(at: now).description },
            at: now
        )
    }

    /// Ends an instance whose journey was archived or whose customer is gone.
    private func end(_ claimed: ClaimedInstance, now: Timestamp) -> InstanceProgress {
        var ended = claimed.instance
        ended.status = .exited
        ended.endedAt = now
        ended.wakeAt = nil
        ended.awaiting = nil
        let record = JourneyStepRecord(
            at: now,
            stepId: ended.stepId ?? "",
            type: "end",
            outcome: "exited",
            visit: ended.visits
        )
        ended.stepId = nil
        ended.listening = []
        return InstanceProgress(
            attempt: claimed.attempt,
            instance: ended,
            steps: [record],
            messages: [],
            signalsThrough: claimed.signals.last?.id
        )
    }
}
