import CairnCore
import Foundation
import PostgresNIO

/// A processor batch on PostgreSQL: the profiles and groups it may touch, read with one query
/// per kind of id, and its changes, written in the same transaction.
extension PostgresProcessingStore {
    func snapshot(
        _ keys: BatchKeys,
        events: [LoggedEvent] = [],
        withAllAnonymousIds: Bool,
        on connection: PostgresConnection
    ) async throws -> ProfileSnapshot {
        var profiles: [String: CustomerProfile] = [:]
        var foundUsers: Set<IdentityKey> = []
        let users = PostgresKeyArrays(keys.userIds)
        if !users.isEmpty {
            let rows = try await connection.query(
                """
                SELECT \(unescaped: PostgresProfileRows.columns) FROM customers c
                JOIN unnest(\(users.clients), \(users.accounts), \(users.brands), \(users.ids)) AS k(cl, ac, br, id)
                    ON c.client_id = k.cl AND c.account_id = k.ac AND c.brand_id = k.br AND c.user_id = k.id
                """,
                logger: database.logger
            )
            for try await row in rows {
                let profile = try PostgresProfileRows.decodeProfile(row)
                profiles[profile.customerId] = profile
                if let userId = profile.userId { foundUsers.insert(IdentityKey(profile.tenant, userId)) }
            }
        }
        // A userId no customer has may be an alias; anonymousIds are looked up as aliases.
        let aliasKeys = keys.anonymousIds.union(keys.userIds.subtracting(foundUsers))
        var anonymousIndex: [IdentityKey: String] = [:]
        let aliases = PostgresKeyArrays(aliasKeys)
        if !aliases.isEmpty {
            let rows = try await connection.query(
                """
                SELECT a.anonymous_id, \(unescaped: PostgresProfileRows.columns) FROM customer_aliases a
                JOIN unnest(\(aliases.clients), \(aliases.accounts), \(aliases.brands), \(aliases.ids))
                    AS k(cl, ac, br, id)
                    ON a.client_id = k.cl AND a.account_id = k.ac AND a.brand_id = k.br AND a.anonymous_id = k.id
                JOIN customers c ON c.id = a.customer_id
                """,
                logger: database.logger
            )
            for try await row in rows {
                let anonymousId = try row.decode((String).self)
                let profile = try PostgresProfileRows.decodeProfile(row, offset: 1)
                profiles[profile.customerId] = profiles[profile.customerId] ?? profile
                anonymousIndex[IdentityKey(profile.tenant, anonymousId)] = profile.customerId
            }
        }
        if withAllAnonymousIds, !profiles.isEmpty {
            let ids = Array(profiles.keys)
            let rows = try await connection.query(
                "SELECT customer_id, anonymous_id FROM customer_aliases WHERE customer_id = ANY(\(ids))",
                logger: database.logger
            )
            for try await (customerId, anonymousId) in rows.decode((String, String).self) {
                profiles[customerId]?.anonymousIds.insert(anonymousId)
            }
        }
        var groups: [GroupProfile] = []
        let groupKeys = PostgresKeyArrays(keys.groupIds)
        if !groupKeys.isEmpty {
            let rows = try await connection.query(
                """
                SELECT g.client_id, g.account_id, g.brand_id, g.group_id, g.traits, g.trait_times, g.first_seen,
                    g.last_seen
                FROM groups g
                JOIN unnest(\(groupKeys.clients), \(groupKeys.accounts), \(groupKeys.brands), \(groupKeys.ids))
                    AS k(cl, ac, br, id)
                    ON g.client_id = k.cl AND g.account_id = k.ac AND g.brand_id = k.br AND g.group_id = k.id
                """,
                logger: database.logger
            )
            for try await row in rows { groups.append(try PostgresProfileRows.decodeGroup(row)) }
        }
        var snapshot = ProfileSnapshot(
            profiles.values.sorted { $0.customerId < $1.customerId },
            anonymousIndex: anonymousIndex,
            groups: groups
        )
        snapshot.suppressions = try await PostgresSuppressionRows.load(on: connection, logger: database.logger) {
            [snapshot] in
            BatchKeys.suppressionKeys(of: events, keys: keys, profiles: snapshot.profiles.values)
        }
        for key in keys.assetIds {
            do {
                snapshot.assets[key] = try await PostgresAssetStore.asset(
                    key.tenant,
                    key.id,
                    on: connection,
                    logger: database.logger
                )
            } catch AssetStoreError.notFound {
                continue
            }
        }
        for tenant in keys.sendTenants {
            for record in try await PostgresChannelStore.channels(tenant, on: connection, logger: database.logger) {
                snapshot.brandChannels.insert(BrandChannel(tenant: tenant, channel: record.channel))
            }
        }
        try await PostgresJourneyInstanceRows.loadEnrolments(
            keys.journeyIds,
            customers: snapshot.profiles.values,
            into: &snapshot,
            on: connection,
            logger: database.logger
        )
        snapshot.journeyListeners = try await PostgresJourneyInstanceRows.listeners(
            among: snapshot.profiles.values,
            on: connection,
            logger: database.logger
        )
        return snapshot
    }

    // MARK: - Writing a batch's changes

    func commit(
        _ result: ProfileProcessor.Result,
        processedAt: Timestamp,
        on connection: PostgresConnection
    ) async throws {
        // Profiles first: a joined profile may move to a customer this batch created.
        for profile in result.profiles {
            try await save(profile, existing: !result.createdCustomers.contains(profile.customerId), on: connection)
        }
        for (from, to) in result.mergedCustomers.sorted(by: { $0.key < $1.key }) {
            try await connection.query(
                "UPDATE events SET customer_id = \(to) WHERE customer_id = \(from)",
                logger: database.logger
            )
            try await connection.query(
                "UPDATE customer_aliases SET customer_id = \(to) WHERE customer_id = \(from)",
                logger: database.logger
            )
            try await connection.query(
                "UPDATE messages SET customer_id = \(to) WHERE customer_id = \(from)",
                logger: database.logger
            )
            try await connection.query(
                "UPDATE journey_instances SET customer_id = \(to) WHERE customer_id = \(from)",
                logger: database.logger
            )
            try await connection.query(
                "UPDATE journey_listeners SET customer_id = \(to) WHERE customer_id = \(from)",
                logger: database.logger
            )
            try await connection.query("DELETE FROM customers WHERE id = \(from)", logger: database.logger)
        }
        let aliases = result.newAnonymousIds.sorted { $0.key.id < $1.key.id }
        if !aliases.isEmpty {
            let keys = PostgresKeyArrays(aliases.map(\.key))
            let customers = aliases.map(\.value)
            try await connection.query(
                """
                INSERT INTO customer_aliases (client_id, account_id, brand_id, anonymous_id, customer_id)
                SELECT * FROM unnest(\(keys.clients), \(keys.accounts), \(keys.brands), \(keys.ids), \(customers))
                ON CONFLICT (client_id, account_id, brand_id, anonymous_id)
                    DO UPDATE SET customer_id = excluded.customer_id
                """,
                logger: database.logger
            )
        }
        for group in result.groups {
            let traits = ByteBuffer(bytes: JSONValue.object(group.traits).encoded())
            let times = ByteBuffer(bytes: JSONValue.object(group.traitTimes).encoded())
            try await connection.query(
                """
                INSERT INTO groups (client_id, account_id, brand_id, group_id, traits, trait_times, first_seen,
                    last_seen)
                VALUES (\(group.tenant.clientId), \(group.tenant.accountId), \(group.tenant.brandId), \(group.groupId),
                    \(traits), \(times), \(group.firstSeen.millisecondsSinceEpoch),
                    \(group.lastSeen.millisecondsSinceEpoch))
                ON CONFLICT (client_id, account_id, brand_id, group_id) DO UPDATE SET traits = excluded.traits,
                    trait_times = excluded.trait_times, first_seen = excluded.first_seen,
                    last_seen = excluded.last_seen
                """,
                logger: database.logger
            )
        }
        try await markOutcomes(result.outcomes, processedAt: processedAt, on: connection)
        // In the transaction that marks their events processed: an event is processed if and only if its messages exist.
        // In lane order: each insert's trigger locks its lane's counters until commit, and every
        // writer of them locks lanes in that order (see `PostgresOutboxStore.claim`).
        let byLane = result.messages.enumerated().sorted { a, b in
            let (left, right) = (PostgresOutboxStore.LaneKey(a.element), PostgresOutboxStore.LaneKey(b.element))
            return left < right || (!(right < left) && a.offset < b.offset)
        }
        for (_, message) in byLane {
            try await PostgresMessageRows.insert(message, on: connection, logger: database.logger)
        }
        // Likewise its customers' journeys: started if and only if the start_journey is processed.
        for instance in result.journeyInstances {
            try await PostgresJourneyInstanceRows.insert(instance, on: connection, logger: database.logger)
        }
        for signal in result.journeySignals {
            try await PostgresJourneyInstanceRows.signal(signal, on: connection, logger: database.logger)
        }
    }

    /// Sets every event's outcome in one statement; throws (rolling the batch back) unless every
    /// one of them was still waiting.
    func markOutcomes(
        _ outcomes: [EventOutcome],
        processedAt: Timestamp,
        on connection: PostgresConnection
    ) async throws {
        guard !outcomes.isEmpty else { return }
        let sequences = outcomes.map(\.sequence)
        let statuses = outcomes.map(\.status.rawValue)
        // unnest cannot carry NULLs here: empty values stand for them.
        let customers = outcomes.map { $0.customerId ?? "" }
        let errors = outcomes.map { ByteBuffer(bytes: $0.errors.isEmpty ? [] : StoredJSON.encode($0.errors)) }
        let updated = try await connection.query(
            """
            UPDATE events e SET status = o.status, customer_id = NULLIF(o.customer_id, ''),
                errors = NULLIF(o.errors, ''::bytea), processed_at = \(processedAt.millisecondsSinceEpoch)
            FROM unnest(\(sequences), \(statuses), \(customers), \(errors)) AS o(seq, status, customer_id, errors)
            WHERE e.seq = o.seq AND e.status = 'accepted'
            RETURNING e.seq
            """,
            logger: database.logger
        ).collect()
        guard updated.count == outcomes.count else {
            throw StorageError.alreadyProcessed(count: outcomes.count - updated.count)
        }
        let erased = outcomes.filter(\.erased).map(\.sequence)
        if !erased.isEmpty {
            try await connection.query(
                """
                WITH target AS (SELECT unnest(\(erased)) AS seq), \(unescaped: PostgresErasure.forgetTargetMessageIds)
                UPDATE events SET \(unescaped: PostgresErasure.erasedEvent) WHERE seq IN (SELECT seq FROM target)
                """,
                logger: database.logger
            )
        }
    }

    /// Stores a profile. One the batch read (`existing`) is updated only if it still exists: a
    /// regulation may have deleted it since, and writing it back would bring the person back.
    func save(_ profile: CustomerProfile, existing: Bool, on connection: PostgresConnection) async throws {
        let traits = ByteBuffer(bytes: JSONValue.object(profile.traits).encoded())
        let times = ByteBuffer(bytes: JSONValue.object(profile.traitTimes).encoded())
        let consent = ByteBuffer(bytes: StoredJSON.encode(profile.consent))
        let groups = profile.groupIds.isEmpty ? nil : ByteBuffer(bytes: StoredJSON.encode(profile.groupIds))
        let devices = StoredJSON.encode(profile.devices).map { ByteBuffer(bytes: $0) }
        let tenant = profile.tenant
        if existing {
            let updated = try await connection.query(
                """
                UPDATE customers SET user_id = \(profile.userId), email = \(profile.email),
                    identified = \(profile.identified), traits = \(traits), trait_times = \(times),
                    consent = \(consent), first_seen = \(profile.firstSeen.millisecondsSinceEpoch),
                    last_seen = \(profile.lastSeen.millisecondsSinceEpoch), group_ids = \(groups),
                    devices = \(devices)
                WHERE id = \(profile.customerId)
                RETURNING id
                """,
                logger: database.logger
            ).collect()
            guard !updated.isEmpty else { throw StorageError.customerDeleted }
            return
        }
        try await connection.query(
            """
            INSERT INTO customers (id, client_id, account_id, brand_id, user_id, email, identified, traits,
                trait_times, consent, first_seen, last_seen, group_ids, devices)
            VALUES (\(profile.customerId), \(tenant.clientId), \(tenant.accountId), \(tenant.brandId),
                \(profile.userId), \(profile.email), \(profile.identified), \(traits), \(times), \(consent),
                \(profile.firstSeen.millisecondsSinceEpoch), \(profile.lastSeen.millisecondsSinceEpoch), \(groups),
                \(devices))
            ON CONFLICT (id) DO UPDATE SET user_id = excluded.user_id, email = excluded.email,
                identified = excluded.identified, traits = excluded.traits, trait_times = excluded.trait_times,
                consent = excluded.consent, first_seen = excluded.first_seen, last_seen = excluded.last_seen,
                group_ids = excluded.group_ids, devices = excluded.devices
            """,
            logger: database.logger
        )
    }
}
