import CairnCore
import CairnStorage

/// The steps of one regulation: its plan, walked over the stores.
extension RegulationWorker {
    /// Carries out `regulation`'s plan; returns what was done, counted, and an access export.
    func perform(_ regulation: Regulation, holder: String) async throws -> (result: [String: Int], export: [UInt8]?) {
        let tenant = regulation.tenant
        let plan = RegulationPlan(for: regulation.type)
        if plan.awaitsEarlierEvents,
            try await eventLog.eventsWaiting(
                tenant: tenant,
                receivedBefore: regulation.requestedAt.adding(.milliseconds(1))
            )
        {
            throw RegulationLost.eventsWaiting
        }
        let customers = try await profiles.customers(of: regulation.subject, tenant: tenant)
        let subject = DataSubject(regulation.subject, customers: customers, tenant: tenant)
        var result = ["customers": customers.count]
        var export: [UInt8]?
        for step in plan.steps {
            switch step {
            case .suppress(let kind):
                result["suppressions"] = try await suppressions.suppress(
                    subject.keys,
                    kind: kind,
                    customerIds: subject.customerIds,
                    regulationId: regulation.id,
                    at: clock.now()
                )
            case .unsuppress(let kind):
                result["suppressionsLifted"] = try await suppressions.unsuppress(
                    subject.keys,
                    kind: kind,
                    customerIds: subject.customerIds
                )
            case .cancelWaiting:
                for store in personalData {
                    if let cancelled = try await store.cancelWaiting(subject, at: clock.now()) {
                        result[store.personalData.cancelledKey, default: 0] += cancelled
                    }
                }
            case .erase(let kind):
                result[kind.rawValue] = try await erase(kind, of: subject, regulation, holder: holder)
            case .export(let kinds):
                var exported: [(kind: PersonalData, entries: [String: [JSONValue]])] = []
                for kind in kinds {
                    for store in personalData where store.personalData == kind {
                        exported.append((kind, try await store.export(subject)))
                    }
                }
                let made = RegulationExport.make(regulation, customers: customers, exported: exported, at: clock.now())
                for kind in kinds { result[kind.rawValue] = made.counts[kind] ?? 0 }
                export = made.bytes
            }
        }
        return (result, export)
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
