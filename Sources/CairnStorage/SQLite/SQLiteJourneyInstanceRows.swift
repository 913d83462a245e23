public import CairnCore
import Foundation
import GRDB

/// Journey instances and their steps as SQLite rows.
enum SQLiteJourneyInstanceRows {
    static let columns = """
        instance_id, client_id, account_id, brand_id, journey_id, version, customer_id, user_id, event_id, data,
        status, step_id, visits, wake_at, awaiting, entered_at, ended_at
        """

    static func insert(_ instance: JourneyInstance, _ db: Database) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO journey_instances (\(columns))
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: [
            instance.instanceId, instance.tenant.clientId, instance.tenant.accountId, instance.tenant.brandId,
            instance.journeyId, instance.version, instance.customerId, instance.userId, instance.eventId.description,
            Data(JSONValue.object(instance.data).encoded()), instance.status.rawValue, instance.stepId,
            instance.visits, instance.wakeAt?.millisecondsSinceEpoch, instance.awaiting,
            instance.enteredAt.millisecondsSinceEpoch, instance.endedAt?.millisecondsSinceEpoch,
        ])
        try listen(instance, db)
    }

    /// Replaces what the instance listens for with `instance.listening`.
    static func listen(_ instance: JourneyInstance, _ db: Database) throws {
        try db.cachedStatement(sql: "DELETE FROM journey_listeners WHERE instance_id = ?")
            .execute(arguments: [instance.instanceId])
        let insert = try db.cachedStatement(
            sql: "INSERT OR IGNORE INTO journey_listeners (customer_id, event_name, instance_id) VALUES (?, ?, ?)"
        )
        for name in instance.listening.sorted() {
            try insert.execute(arguments: [instance.customerId, name, instance.instanceId])
        }
    }

    /// Tells the instances listening for a customer's event of it, and marks them to be stepped.
    static func signal(_ signal: JourneySignal, _ db: Database) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO journey_signals (instance_id, event_name, at)
                SELECT instance_id, ?, ? FROM journey_listeners WHERE customer_id = ? AND event_name = ?
                """
        ).execute(arguments: [signal.eventName, signal.at.millisecondsSinceEpoch, signal.customerId, signal.eventName])
        guard db.changesCount > 0 else { return }
        try db.cachedStatement(
            sql: """
                UPDATE journey_instances SET signalled = 1 WHERE status = 'active' AND instance_id IN (
                    SELECT instance_id FROM journey_listeners WHERE customer_id = ? AND event_name = ?)
                """
        ).execute(arguments: [signal.customerId, signal.eventName])
    }

    /// Which of `customers` have an instance listening for their events.
    static func listeners(among customers: some Sequence<CustomerProfile>, _ db: Database) throws -> Set<String> {
        // Nothing listens at all (no journey has an exitOn or a waiting customer): nothing to look up.
        guard try Bool.fetchOne(db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM journey_listeners)")) == true
        else { return [] }
        let query = try db.cachedStatement(sql: "SELECT 1 FROM journey_listeners WHERE customer_id = ? LIMIT 1")
        var found: Set<String> = []
        for profile in customers where try Bool.fetchOne(query, arguments: [profile.customerId]) != nil {
            found.insert(profile.customerId)
        }
        return found
    }

    static func decode(_ row: Row) throws -> JourneyInstance {
        guard let eventId = EventID(row["event_id"] as String) else {
            throw StorageError.unreadableRow(table: "journey_instances", detail: "event_id is not an event id")
        }
        guard let status = JourneyInstance.Status(rawValue: row["status"]) else {
            throw StorageError.unreadableRow(table: "journey_instances", detail: "unknown status")
        }
        let data = (try? JSONParser.parse([UInt8](row["data"] as Data), maxDepth: 512))?.objectValue ?? [:]
        var instance = JourneyInstance(
            instanceId: row["instance_id"],
            tenant: Tenant(clientId: row["client_id"], accountId: row["account_id"], brandId: row["brand_id"]),
            journeyId: row["journey_id"],
            version: row["version"],
            customerId: row["customer_id"],
            userId: row["user_id"],
            eventId: eventId,
            data: data,
            enteredAt: Timestamp(millisecondsSinceEpoch: row["entered_at"])
        )
        instance.status = status
        instance.stepId = row["step_id"]
        instance.visits = row["visits"]
        instance.wakeAt = (row["wake_at"] as Int64?).map(Timestamp.init(millisecondsSinceEpoch:))
        instance.awaiting = row["awaiting"]
        instance.endedAt = (row["ended_at"] as Int64?).map(Timestamp.init(millisecondsSinceEpoch:))
        return instance
    }

    /// The customers' instances of the journeys a batch's start_journey commands name.
    static func loadEnrolments(
        _ keys: Set<IdentityKey>,
        customers: some Sequence<CustomerProfile>,
        into snapshot: inout ProfileSnapshot,
        _ db: Database
    ) throws {
        guard !keys.isEmpty else { return }
        let instances = try db.cachedStatement(
            sql: """
                SELECT max(status = 'active') FROM journey_instances WHERE customer_id = ? AND journey_id = ?
                HAVING count(*) > 0
                """
        )
        let customers = Array(customers)
        for key in keys {
            if let journey = try SQLiteJourneyStore.journey(key.tenant, key.id, db) {
                snapshot.enrolments.journeys[key] = journey
            }
            for profile in customers where profile.tenant == key.tenant {
                if let active = try Bool.fetchOne(instances, arguments: [profile.customerId, key.id]) {
                    snapshot.enrolments.instances[profile.customerId, default: [:]][key.id] = active
                }
            }
        }
    }
}
