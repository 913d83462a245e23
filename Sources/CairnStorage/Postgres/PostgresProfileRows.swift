import CairnCore
import Foundation
import PostgresNIO

/// How profiles and groups are laid out in PostgreSQL rows, for the processor and the reader alike.
enum PostgresProfileRows {
    /// Columns of `customers`, in the order `decodeProfile` reads them.
    static let columns = """
        c.id, c.client_id, c.account_id, c.brand_id, c.user_id, c.identified, c.traits, c.trait_times, c.consent,
        c.first_seen, c.last_seen, c.group_ids, c.devices
        """

    /// Reads `columns` from position `offset` of a row.
    static func decodeProfile(_ row: PostgresRow, offset: Int = 0) throws -> CustomerProfile {
        let cells = Array(row)
        func cell<T: PostgresDecodable>(_ index: Int, _ type: T.Type) throws -> T {
            try cells[offset + index].decode(T.self)
        }
        return CustomerProfile(
            customerId: try cell(0, String.self),
            tenant: Tenant(
                clientId: try cell(1, String.self),
                accountId: try cell(2, String.self),
                brandId: try cell(3, String.self)
            ),
            userId: try cell(4, String?.self),
            identified: try cell(5, Bool.self),
            traits: StoredJSON.object(from: Array(try cell(6, ByteBuffer.self).readableBytesView)),
            traitTimes: StoredJSON.object(from: Array(try cell(7, ByteBuffer.self).readableBytesView)),
            consent: StoredJSON.consent(from: Array(try cell(8, ByteBuffer.self).readableBytesView)),
            groupIds: try cell(11, ByteBuffer?.self).map { StoredJSON.strings(from: Array($0.readableBytesView)) }
                ?? [],
            devices: try cell(12, ByteBuffer?.self).map { StoredJSON.devices(from: Array($0.readableBytesView)) }
                ?? [:],
            firstSeen: Timestamp(millisecondsSinceEpoch: try cell(9, Int64.self)),
            lastSeen: Timestamp(millisecondsSinceEpoch: try cell(10, Int64.self))
        )
    }

    static func decodeGroup(_ row: PostgresRow) throws -> GroupProfile {
        let (client, account, brand, groupId, traits, times, firstSeen, lastSeen) = try row.decode(
            (String, String, String, String, ByteBuffer, ByteBuffer, Int64, Int64).self
        )
        return GroupProfile(
            tenant: Tenant(clientId: client, accountId: account, brandId: brand),
            groupId: groupId,
            traits: StoredJSON.object(from: Array(traits.readableBytesView)),
            traitTimes: StoredJSON.object(from: Array(times.readableBytesView)),
            firstSeen: Timestamp(millisecondsSinceEpoch: firstSeen),
            lastSeen: Timestamp(millisecondsSinceEpoch: lastSeen)
        )
    }
}
