import CairnCore
import CairnStorage

/// The steps of one regulation: its plan, walked over the stores.
extension RegulationWorker {
    /// Carries out `regulation`'s plan; returns what was done, counted, and an access export.
    /// A step that throws is told by its name (`StepFailed`).
    func perform(_ regulation: Regulation, holder: String) async throws -> (result: [String: Int], export: [UInt8]?) {
        let tenant = regulation.tenant
        let plan = RegulationPlan(for: regulation.type)
        if plan.awaitsEarlierEvents {
            let waiting = try await named("wait for earlier events") {
                try await eventLog.eventsWaiting(
                    tenant: tenant,
                    receivedBefore: regulation.requestedAt.adding(.milliseconds(1))
                )
            }
            if waiting { throw RegulationLost.eventsWaiting }
        }
        let customers = try await named("find the customers") {
            try await profiles.customers(of: regulation.subject, tenant: tenant)
        }
        var done = Done(result: ["customers": customers.count])
        for step in plan.steps {
            try await named(step.name) {
                try await perform(step, of: customers, regulation, holder: holder, into: &done)
            }
        }
        return (done.result, done.export)
    }

    /// What the steps did so far.
    private struct Done {
        var result: [String: Int]
        var export: [UInt8]?
    }

    /// Runs `body`, the step named `step`: what it throws (but a lost lease) is told with its name.
    private func named<T>(_ step: String, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as RegulationLost {
            throw error
        } catch let error as CancellationError {
            throw error
        } catch {
            throw StepFailed(step: step, error: error)
        }
    }

    /// Carries out one step of the plan, adding what it did to `done`.
    private func perform(
        _ step: RegulationStep,
        of customers: [CustomerProfile],
        _ regulation: Regulation,
        holder: String,
        into done: inout Done
    ) async throws {
        let subject = DataSubject(regulation.subject, customers: customers, tenant: regulation.tenant)
        switch step {
        case .suppress(let kind):
            done.result["suppressions"] = try await suppressions.suppress(
                subject.keys,
                kind: kind,
                customerIds: subject.customerIds,
                regulationId: regulation.id,
                at: clock.now()
            )
        case .unsuppress(let kind):
            done.result["suppressionsLifted"] = try await suppressions.unsuppress(
                subject.keys,
                kind: kind,
                customerIds: subject.customerIds
            )
        case .cancelWaiting:
            for store in personalData {
                if let cancelled = try await store.cancelWaiting(subject, page: eventSlice, at: clock.now()) {
                    done.result[store.personalData.cancelledKey, default: 0] += cancelled
                }
            }
        case .erase(let kind):
            done.result[kind.rawValue] = try await erase(kind, of: subject, regulation, holder: holder)
        case .export(let kinds):
            var exported: [(kind: PersonalData, entries: [String: [JSONValue]])] = []
            for kind in kinds {
                for store in personalData where store.personalData == kind {
                    exported.append((kind, try await store.export(subject, page: eventSlice)))
                }
            }
            let made = RegulationExport.make(regulation, customers: customers, exported: exported, at: clock.now())
            for kind in kinds { done.result[kind.rawValue] = made.counts[kind] ?? 0 }
            done.export = made.bytes
        }
    }

    /// Erases one kind of the subject's data in every store holding it, a slice at a time when
    /// it is erased in slices, renewing the lease after each transaction; returns how many.
    private func erase(
        _ kind: PersonalData,
        of subject: DataSubject,
        _ regulation: Regulation,
        holder: String
    ) async throws -> Int {
        var total = 0
        for store in personalData where store.personalData == kind {
            while true {
                let erased = try await store.erase(subject, limit: eventSlice, at: clock.now())
                total += erased
                try await hold(regulation, holder: holder)
                if !kind.isErasedInSlices || erased < eventSlice { break }
            }
        }
        return total
    }
}
