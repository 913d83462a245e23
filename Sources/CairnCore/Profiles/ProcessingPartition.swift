/// The processing partition of an event, fixed when it is logged: a hash of the id that names
/// its person (userId, else anonymousId, else the alias's previousId, else the groupId), so one
/// person's events usually share a partition. Nodes on one database each claim a partition at a
/// time and process its events in log order; `PartitionBarrier` holds the order for a customer
/// whose ids fall in several partitions.
public enum ProcessingPartition {
    /// How many partitions there are. Changing it only moves where new events go: order holds
    /// through the barrier whatever the partition of an event.
    public static let count = 64

    public static func of(_ entry: EventLogEntry) -> Int16 {
        let event = entry.event
        let person = event.userId ?? event.anonymousId ?? event.previousId ?? event.groupId ?? ""
        // FNV-1a, 64 bits: stable across processes and releases, unlike Hasher.
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for part in [entry.tenant.clientId, entry.tenant.accountId, entry.tenant.brandId, person] {
            for byte in part.utf8 {
                hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
            }
            hash = (hash ^ 0x1f) &* 0x0000_0100_0000_01b3
        }
        return Int16(hash % UInt64(count))
    }
}
