import CairnCore
import Foundation
import GRDB

/// A processor batch on SQLite, all inside one write transaction: the waiting events, the
/// profiles and groups they may touch, and the changes with each event's outcome.
extension SQLiteProcessingStore {
    static func pendingEvents(_ db: Database, limit: Int) throws -> [LoggedEvent] {
        let statement = try db.cachedStatement(
            sql: """
                SELECT seq, id, client_id, account_id, brand_id, token_id, action, event_name, user_id,
                    anonymous_id, original_timestamp, event_time, received_at, body, message_id, group_id, previous_id
                FROM events WHERE status = 'accepted' ORDER BY seq LIMIT ?
                """
        )
        return try Row.fetchAll(statement, arguments: [limit]).map { row in
            let idText: String = row[1]
            let actionText: String = row[6]
            guard let id = EventID(idText), let action = EventAction(rawValue: actionText) else {
                throw DatabaseError(resultCode: .SQLITE_CORRUPT, message: "unreadable row in events")
            }
            let event = ValidatedEvent(
                action: action,
                eventName: row[7],
                userId: row[8],
                anonymousId: row[9],
                originalTimestamp: row[10],
                eventTime: Timestamp(millisecondsSinceEpoch: row[11]),
                command: nil,
                groupId: row[15],
                previousId: row[16]
            )
            let entry = EventLogEntry(
                id: id,
                tenant: Tenant(clientId: row[2], accountId: row[3], brandId: row[4]),
                tokenId: row[5],
                event: event,
                receivedAt: Timestamp(millisecondsSinceEpoch: row[12]),
                body: [UInt8](row[13] as Data),
                messageId: row[14]
            )
            return LoggedEvent(sequence: row[0], entry: entry)
        }
    }

    /// The profiles and groups named by these ids. A userId no customer has is tried as an alias.
    /// The processor needs only the anonymousIds it asked about, so a profile's full list is read
    /// only when `withAllAnonymousIds` is set.
    static func snapshot(
        _ db: Database,
        keys: BatchKeys,
        events: [LoggedEvent] = [],
        withAllAnonymousIds: Bool = false
    ) throws -> ProfileSnapshot {
        let byUser = try db.cachedStatement(
            sql:
                "SELECT \(SQLiteProfileRows.columns) FROM customers WHERE client_id = ? AND account_id = ? AND brand_id = ? AND user_id = ?"
        )
        let byAnonymous = try db.cachedStatement(
            sql: """
                SELECT \(SQLiteProfileRows.columns) FROM customer_aliases JOIN customers ON customers.id = customer_aliases.customer_id
                WHERE customer_aliases.client_id = ? AND customer_aliases.account_id = ?
                    AND customer_aliases.brand_id = ? AND customer_aliases.anonymous_id = ?
                """
        )
        var profiles: [String: CustomerProfile] = [:]
        var anonymousIndex: [IdentityKey: String] = [:]
        func readAlias(_ key: IdentityKey) throws {
            guard anonymousIndex[key] == nil,
                let row = try Row.fetchOne(byAnonymous, arguments: SQLiteProfileRows.arguments(key))
            else { return }
            let profile =
                try profiles[row[0]] ?? SQLiteProfileRows.decodeProfile(row, db, withAnonymousIds: withAllAnonymousIds)
            profiles[profile.customerId] = profile
            anonymousIndex[key] = profile.customerId
        }
        for key in keys.userIds {
            if let row = try Row.fetchOne(byUser, arguments: SQLiteProfileRows.arguments(key)) {
                let profile = try SQLiteProfileRows.decodeProfile(row, db, withAnonymousIds: withAllAnonymousIds)
                profiles[profile.customerId] = profile
            } else {
                try readAlias(key)
            }
        }
        for key in keys.anonymousIds { try readAlias(key) }
        var groups: [GroupProfile] = []
        if !keys.groupIds.isEmpty {
            let byGroup = try db.cachedStatement(sql: SQLiteProfileRows.groupQuery)
            for key in keys.groupIds {
                if let row = try Row.fetchOne(byGroup, arguments: SQLiteProfileRows.arguments(key)) {
                    groups.append(SQLiteProfileRows.decodeGroup(row, key))
                }
            }
        }
        var snapshot = ProfileSnapshot(
            profiles.values.sorted { $0.customerId < $1.customerId },
            anonymousIndex: anonymousIndex,
            groups: groups
        )
        snapshot.suppressions = try SQLiteSuppressionRows.load(db) { [snapshot] in
            BatchKeys.suppressionKeys(of: events, keys: keys, profiles: snapshot.profiles.values)
        }
        for key in keys.assetIds {
            snapshot.assets[key] = try SQLiteAssetStore.asset(key.tenant, key.id, db)
        }
        for tenant in keys.sendTenants {
            for record in try SQLiteChannelStore.channels(tenant, db) {
                snapshot.brandChannels.insert(BrandChannel(tenant: tenant, channel: record.channel))
            }
        }
        try SQLiteJourneyInstanceRows.loadEnrolments(
            keys.journeyIds,
            customers: snapshot.profiles.values,
            into: &snapshot,
            db
        )
        snapshot.journeyListeners = try SQLiteJourneyInstanceRows.listeners(among: snapshot.profiles.values, db)
        return snapshot
    }

    static func commit(_ db: Database, _ result: ProfileProcessor.Result, processedAt: Timestamp) throws {
        // Profiles first: a joined anonymous profile may move to a customer this batch created.
        for profile in result.profiles {
            try SQLiteProfileRows.save(profile, existing: !result.createdCustomers.contains(profile.customerId), db)
        }
        for (from, to) in result.mergedCustomers.sorted(by: { $0.key < $1.key }) {
            try db.cachedStatement(sql: "UPDATE events SET customer_id = ? WHERE customer_id = ?")
                .execute(arguments: [to, from])
            try db.cachedStatement(sql: "UPDATE customer_aliases SET customer_id = ? WHERE customer_id = ?")
                .execute(arguments: [to, from])
            try db.cachedStatement(sql: "UPDATE messages SET customer_id = ? WHERE customer_id = ?")
                .execute(arguments: [to, from])
            try db.cachedStatement(sql: "UPDATE journey_instances SET customer_id = ? WHERE customer_id = ?")
                .execute(arguments: [to, from])
            try db.cachedStatement(sql: "UPDATE OR IGNORE journey_listeners SET customer_id = ? WHERE customer_id = ?")
                .execute(arguments: [to, from])
            try db.cachedStatement(sql: "DELETE FROM customers WHERE id = ?").execute(arguments: [from])
        }
        let insertAlias = try db.cachedStatement(
            sql: """
                INSERT INTO customer_aliases (client_id, account_id, brand_id, anonymous_id, customer_id)
                VALUES (?, ?, ?, ?, ?)
                ON CONFLICT DO UPDATE SET customer_id = excluded.customer_id
                """
        )
        for (key, customerId) in result.newAnonymousIds.sorted(by: { $0.key.id < $1.key.id }) {
            try insertAlias.execute(arguments: SQLiteProfileRows.arguments(key) + [customerId])
        }
        let saveGroup = try db.cachedStatement(
            sql: """
                INSERT INTO groups (client_id, account_id, brand_id, group_id, traits, trait_times, first_seen, last_seen)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT DO UPDATE SET traits = excluded.traits, trait_times = excluded.trait_times,
                    first_seen = excluded.first_seen, last_seen = excluded.last_seen
                """
        )
        for group in result.groups {
            try saveGroup.execute(
                arguments: SQLiteProfileRows.arguments(group.key) + [
                    Data(JSONValue.object(group.traits).encoded()),
                    Data(JSONValue.object(group.traitTimes).encoded()),
                    group.firstSeen.millisecondsSinceEpoch, group.lastSeen.millisecondsSinceEpoch,
                ]
            )
        }
        let update = try db.cachedStatement(
            sql: """
                UPDATE events SET status = ?, customer_id = ?, errors = ?, processed_at = ?
                WHERE seq = ? AND status = 'accepted'
                """
        )
        for outcome in result.outcomes {
            try update.execute(arguments: [
                outcome.status.rawValue, outcome.customerId,
                outcome.errors.isEmpty ? nil : Data(StoredJSON.encode(outcome.errors)),
                processedAt.millisecondsSinceEpoch, outcome.sequence,
            ])
            guard db.changesCount == 1 else {
                throw DatabaseError(
                    resultCode: .SQLITE_ABORT,
                    message: "event \(outcome.sequence) was already processed"
                )
            }
            if outcome.erased {
                try SQLiteErasure.eraseEvents([outcome.sequence], db)
            }
        }
        // In the transaction that marks their events processed: an event is processed if and only if its messages exist.
        for message in result.messages { try SQLiteMessageRows.insert(message, db) }
        // Likewise its customers' journeys: started if and only if the start_journey is processed.
        for instance in result.journeyInstances { try SQLiteJourneyInstanceRows.insert(instance, db) }
        for signal in result.journeySignals { try SQLiteJourneyInstanceRows.signal(signal, db) }
    }
}
