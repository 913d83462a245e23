import CairnCore
import CairnTestFixtures
import Foundation
import GRDB
import Testing

@testable import CairnStorage

/// A database made by an earlier Cairn opens, upgrades, and keeps its events in order.
@Suite struct SQLiteUpgradeTests {
    @Test func aVersion3DatabaseUpgradesWithItsEventsIntact() async throws {
        let path = TemporaryFiles.path(named: "old.sqlite")
        // The fixtures' tenant, c/a/B, as the rows below are written.
        let tenant = EventFixtures.tenant
        // Stored with SQL in the old schema, before a store can open it: so made here, not by the fixture.
        let (token, _) = TokenRecord.issue(
            scope: .init(clientId: "c", accountId: "a", brandId: "B"),
            now: EventFixtures.receivedAt
        )
        let oldId = EventID.make(at: EventFixtures.receivedAt)
        do {
            let queue = try DatabaseQueue(path: path)
            try SQLiteMigrations.migrator.migrate(queue, upTo: "0003_profiles")
            try await queue.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO tokens (id, client_id, account_id, brand_id, secret_hash, rate, burst, created_at)
                        VALUES (?, 'c', 'a', 'B', ?, 100, 500, 0)
                        """,
                    arguments: [token.id, Data(token.secretHash)]
                )
                for _ in 0..<3 {
                    try db.execute(
                        sql: """
                            INSERT INTO events (id, client_id, account_id, brand_id, token_id, action, event_name,
                                user_id, event_time, received_at, body)
                            VALUES (?, 'c', 'a', 'B', ?, 'track', 'old', 'u', 1, 1, x'7b7d')
                            """,
                        arguments: [EventID.make(at: EventFixtures.receivedAt).description, token.id]
                    )
                }
                try db.execute(sql: "DELETE FROM events WHERE seq = 3")
                try db.execute(
                    sql: """
                        INSERT INTO events (id, client_id, account_id, brand_id, token_id, action, event_name,
                            user_id, event_time, received_at, body)
                        VALUES (?, 'c', 'a', 'B', ?, 'track', 'old', 'u', 1, 1, x'7b7d')
                        """,
                    arguments: [oldId.description, token.id]
                )
            }
        }
        let stores = try await CairnStores.open(.sqlite(path: path))
        let database = try SQLiteDatabase(path: path)
        #expect(try await database.appliedMigrations().last == "0019_journey_signals")
        #expect(try await stores.eventLog.event(id: oldId, tenant: tenant)?.entry.event.eventName == "old")
        // The brand its events named exists after the upgrade, with the defaults.
        let brand = try #require(try await stores.brands.brand(tenant))
        #expect(brand.name == tenant.brandId)
        #expect(brand.timeZone == "UTC")

        let group = EventFixtures.entry(.group, token: token, userId: "u", groupId: "acme", body: Array("{}".utf8))
        try await stores.eventLog.append([group])
        let pending = try await stores.inspection.pendingEvents(limit: 10)
        // The sequence goes on past every number the old table used, even a deleted one.
        #expect(pending.map(\.sequence) == [1, 2, 4, 5])
        #expect(pending.last?.entry.event.groupId == "acme")
    }

    @Test func messagesWaitingBeforeTheLanesAreCountedInThem() async throws {
        let path = TemporaryFiles.path(named: "outbox.sqlite")
        let (token, _) = TokenRecord.issue(
            scope: .init(clientId: "c", accountId: "a", brandId: "B"),
            now: EventFixtures.receivedAt
        )
        do {
            let queue = try DatabaseQueue(path: path)
            try SQLiteMigrations.migrator.migrate(queue, upTo: "0009_regulations")
            try await queue.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO tokens (id, client_id, account_id, brand_id, secret_hash, rate, burst, created_at)
                        VALUES (?, 'c', 'a', 'B', ?, 100, 500, 0)
                        """,
                    arguments: [token.id, Data(token.secretHash)]
                )
                let eventId = EventID.make(at: EventFixtures.receivedAt).description
                try db.execute(
                    sql: """
                        INSERT INTO events (id, client_id, account_id, brand_id, token_id, action, event_name,
                            user_id, event_time, received_at, body)
                        VALUES (?, 'c', 'a', 'B', ?, 'track', 'send_sms', 'u', 1, 1, x'7b7d')
                        """,
                    arguments: [eventId, token.id]
                )
                // Two lanes: B's sms (two queued, one sending, one sent) and B's email (one queued).
                for (channel, status) in [
                    ("sms", "queued"), ("sms", "queued"), ("sms", "sending"), ("sms", "sent"), ("email", "queued"),
                ] {
                    try db.execute(
                        sql: """
                            INSERT INTO messages (id, client_id, account_id, brand_id, event_id, customer_id, channel,
                                recipient, asset_id, version, purpose, content, status, attempts, next_attempt_at,
                                lease_until, created_at, updated_at)
                            VALUES (?, 'c', 'a', 'B', ?, 'cu', ?, 'to', 'asset', 1, 'transactional', x'7b7d', ?, 1, 0,
                                ?, 0, 0)
                            """,
                        arguments: [
                            EventID.make(at: EventFixtures.receivedAt).description, eventId, channel, status,
                            status == "sending" ? 1 : nil,
                        ]
                    )
                }
            }
        }
        let stores = try await CairnStores.open(.sqlite(path: path))
        #expect(try await stores.outbox.depth() == 4)
        // The sms lane already has one in flight: with a cap of 4 (batches of 2) it takes its two
        // queued; the email lane its one; the expired lease is taken again.
        let claimed = try await stores.outbox.claim(
            OutboxClaim(limit: 10, now: EventFixtures.receivedAt, lease: .seconds(60), defaultCap: 4)
        )
        #expect(claimed.filter { $0.message.channel == .sms }.count == 3)
        #expect(claimed.filter { $0.message.channel == .email }.count == 1)
        #expect(try await stores.outbox.depth() == 4)
    }
}
