/// Keeps each customer's events in log order when partitions are processed side by side.
///
/// A batch holds one partition's waiting events, in log order. It must stop before the first
/// event that shares an id with a waiting event of another partition that came earlier in the
/// log: that event goes first (its partition's batch is not stopped by this one, as it is
/// earlier). The ids of a batch event are its own and every id of the customers they name; they
/// accumulate through the batch, because an earlier event of the batch (a join, an alias) can
/// tie the later ones to another customer. Stopping where ids merely overlap may stop a batch
/// sooner than needed, never too late.
public struct PartitionBarrier: Sendable {
    /// A waiting event of another partition that is earlier than some event of the batch.
    public struct Waiting: Sendable, Equatable {
        public var sequence: Int64
        public var ids: [String]

        public init(sequence: Int64, ids: [String]) {
            self.sequence = sequence
            self.ids = ids
        }
    }

    private let sequences: [Int64]
    /// The index of the batch event at which each id came into play.
    private let entered: [String: Int]

    public init(_ events: [LoggedEvent], snapshot: ProfileSnapshot) {
        sequences = events.map(\.sequence)
        var entered: [String: Int] = [:]
        for (index, event) in events.enumerated() {
            for id in Self.ids(of: event, in: snapshot) where entered[id] == nil { entered[id] = index }
        }
        self.entered = entered
    }

    /// Every id the batch may touch: what to ask the log about waiting events of other partitions.
    public var ids: Set<String> { Set(entered.keys) }

    /// How many events of the batch (a prefix) may be processed now.
    public func admitted(waiting: [Waiting]) -> Int {
        var admitted = sequences.count
        for other in waiting {
            guard let from = other.ids.compactMap({ entered[$0] }).min(), from < admitted else { continue }
            if let first = sequences[from..<admitted].firstIndex(where: { $0 > other.sequence }) {
                admitted = first
            }
        }
        return admitted
    }

    static func ids(of event: LoggedEvent, in snapshot: ProfileSnapshot) -> Set<String> {
        let tenant = event.entry.tenant
        let own = [event.entry.event.userId, event.entry.event.anonymousId, event.entry.event.previousId]
            .compactMap { $0 }
        var ids = Set(own)
        for id in own {
            for customerId in [
                snapshot.customer(userId: id, tenant: tenant), snapshot.customer(anonymousId: id, tenant: tenant),
            ] {
                guard let customerId, let profile = snapshot.profiles[customerId] else { continue }
                if let userId = profile.userId { ids.insert(userId) }
                ids.formUnion(profile.anonymousIds)
            }
        }
        return ids
    }
}
