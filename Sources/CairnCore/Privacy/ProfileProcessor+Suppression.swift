/// How the processor treats an event about a suppressed customer.
extension ProfileProcessor {
    /// The outcome of an event about a suppressed customer, which is dropped with its payload
    /// erased: every event under `suppress` (a command fails with `customer_suppressed`), and
    /// tracking (track, page and screen events that are not commands) under `noTrack`. nil when
    /// no suppression applies.
    func suppressedOutcome(_ logged: LoggedEvent, body: [String: JSONValue]) -> EventOutcome? {
        let (event, tenant) = (logged.entry.event, logged.entry.tenant)
        var keys = [event.userId, event.anonymousId, event.previousId].compactMap { id in
            id.map { SuppressionKey.identity($0, tenant: tenant) }
        }
        if event.action == .identify, let email = Self.identifyTraits(body)?["email"]?.stringValue {
            keys.append(.email(email, tenant: tenant))
        }
        let known =
            snapshot.knownCustomer(userId: event.userId, tenant: tenant)
            ?? snapshot.customer(anonymousId: event.anonymousId, tenant: tenant)
        if let profile = known.flatMap({ snapshot.profiles[$0] }) {
            if let userId = profile.userId { keys.append(.identity(userId, tenant: tenant)) }
            if let email = profile.email { keys.append(.email(email, tenant: tenant)) }
        }
        let kinds = snapshot.suppressions.kinds(for: keys)
        let isCommand = event.action == .track && event.eventName.flatMap(Command.Name.init(eventName:)) != nil
        if kinds.contains(.suppress) {
            return EventOutcome(
                sequence: logged.sequence,
                status: isCommand ? .failed : .processed,
                customerId: nil,
                errors: isCommand ? [.customerSuppressed] : [],
                erased: true
            )
        }
        if kinds.contains(.noTrack), [.track, .page, .screen].contains(event.action), !isCommand {
            return EventOutcome(
                sequence: logged.sequence,
                status: .processed,
                customerId: nil,
                errors: [],
                erased: true
            )
        }
        return nil
    }
}
