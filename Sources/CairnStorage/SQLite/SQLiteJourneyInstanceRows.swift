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
