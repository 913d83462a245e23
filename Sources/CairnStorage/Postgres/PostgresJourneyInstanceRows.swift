public import CairnCore
import Foundation
import PostgresNIO

/// Journey instances as PostgreSQL rows (as SQLiteJourneyInstanceRows).
enum PostgresJourneyInstanceRows {
    static let columns = """
        instance_id, client_id, account_id, brand_id, journey_id, version, customer_id, user_id, event_id, data,
        status, step_id, visits, wake_at, awaiting, entered_at, ended_at
        """

    static func insert(_ instance: JourneyInstance, on connection: PostgresConnection, logger: Logger) async throws {
        let tenant = instance.tenant
        try await connection.query(
            """
            INSERT INTO journey_instances (instance_id, client_id, account_id, brand_id, journey_id, version,
                customer_id, user_id, event_id, data, status, step_id, visits, wake_at, awaiting, entered_at, ended_at)
            VALUES (\(instance.instanceId), \(tenant.clientId), \(tenant.accountId), \(tenant.brandId),
                \(instance.journeyId), \(instance.version), \(instance.customerId), \(instance.userId),
                \(instance.eventId.description), \(ByteBuffer(bytes: JSONValue.object(instance.data).encoded())),
                \(instance.status.rawValue), \(instance.stepId), \(instance.visits),
                \(instance.wakeAt?.millisecondsSinceEpoch), \(instance.awaiting),
                \(instance.enteredAt.millisecondsSinceEpoch), \(instance.endedAt?.millisecondsSinceEpoch))
            """,
            logger: logger
        )
        try await listen(instance, on: connection, logger: logger)
    }

    /// Replaces what the instance listens for with `instance.listening`.
    static func listen(_ instance: JourneyInstance, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query(
            "DELETE FROM journey_listeners WHERE instance_id = \(instance.instanceId)",
            logger: logger
        )
        let names = instance.listening.sorted()
        guard !names.isEmpty else { return }
        try await connection.query(
            """
            INSERT INTO journey_listeners (customer_id, event_name, instance_id)
            SELECT \(instance.customerId), name, \(instance.instanceId) FROM unnest(\(names)) AS name
            ON CONFLICT DO NOTHING
            """,
            logger: logger
        )
    }

    /// Tells the instances listening for a customer's event of it, and marks them to be stepped.
    static func signal(_ signal: JourneySignal, on connection: PostgresConnection, logger: Logger) async throws {
        let told = try await connection.query(
            """
            INSERT INTO journey_signals (instance_id, event_name, at)
            SELECT instance_id, \(signal.eventName), \(signal.at.millisecondsSinceEpoch) FROM journey_listeners
            WHERE customer_id = \(signal.customerId) AND event_name = \(signal.eventName)
            RETURNING instance_id
            """,
            logger: logger
        ).collect().map { try $0.decode(String.self) }
        guard !told.isEmpty else { return }
        try await connection.query(
            "UPDATE journey_instances SET signalled = true WHERE status = 'active' AND instance_id = ANY(\(told))",
            logger: logger
        )
    }

    /// Which of `customers` have an instance listening for their events.
    static func listeners(
        among customers: some Sequence<CustomerProfile>,
        on connection: PostgresConnection,
        logger: Logger
    ) async throws -> Set<String> {
        let ids = customers.map(\.customerId)
        guard !ids.isEmpty else { return [] }
        // One statement for the batch, which the index answers whether or not anything listens.
        return Set(
            try await connection.query(
                "SELECT DISTINCT customer_id FROM journey_listeners WHERE customer_id = ANY(\(ids))",
                logger: logger
            ).collect().map { try $0.decode(String.self) }
        )
    }

    static func decode(_ row: PostgresRow) throws -> JourneyInstance {
        let (id, client, account, brand, journeyId, version, customerId, userId, eventText) = try row.decode(
            (String, String, String, String, String, Int, String, String?, String).self
        )
        let (data, statusText, stepId, visits, wakeAt, awaiting, enteredAt, endedAt) = try decodeRest(row)
        guard let eventId = EventID(eventText) else {
            throw StorageError.unreadableRow(table: "journey_instances", detail: "event_id is not an event id")
        }
        guard let status = JourneyInstance.Status(rawValue: statusText) else {
            throw StorageError.unreadableRow(table: "journey_instances", detail: "unknown status")
        }
        var instance = JourneyInstance(
            instanceId: id,
            tenant: Tenant(clientId: client, accountId: account, brandId: brand),
            journeyId: journeyId,
            version: version,
            customerId: customerId,
            userId: userId,
            eventId: eventId,
            data: (try? JSONParser.parse(Array(data.readableBytesView), maxDepth: 512))?.objectValue ?? [:],
            enteredAt: Timestamp(millisecondsSinceEpoch: enteredAt)
        )
        instance.status = status
        instance.stepId = stepId
        instance.visits = visits
        instance.wakeAt = wakeAt.map(Timestamp.init(millisecondsSinceEpoch:))
        instance.awaiting = awaiting
        instance.endedAt = endedAt.map(Timestamp.init(millisecondsSinceEpoch:))
        return instance
    }

    private static func decodeRest(
        _ row: PostgresRow
    ) throws -> (
        ByteBuffer, String, String?, Int, Int64?, String?, Int64, Int64?
    ) {
        let cells = row.makeRandomAccess()
        return (
            try cells[9].decode(ByteBuffer.self), try cells[10].decode(String.self), try cells[11].decode(String?.self),
            try cells[12].decode(Int.self), try cells[13].decode(Int64?.self), try cells[14].decode(String?.self),
            try cells[15].decode(Int64.self), try cells[16].decode(Int64?.self)
        )
    }

    /// The customers' instances of the journeys a batch's start_journey commands name.
    static func loadEnrolments(
        _ keys: Set<IdentityKey>,
        customers: some Sequence<CustomerProfile>,
        into snapshot: inout ProfileSnapshot,
        on connection: PostgresConnection,
        logger: Logger
    ) async throws {
        guard !keys.isEmpty else { return }
        let customers = Array(customers)
        for key in keys {
            do {
                snapshot.enrolments.journeys[key] = try await PostgresJourneyStore.journey(
                    key.tenant,
                    key.id,
                    on: connection,
                    logger: logger
                )
            } catch JourneyStoreError.notFound {}
            let ids = customers.filter { $0.tenant == key.tenant }.map(\.customerId)
            guard !ids.isEmpty else { continue }
            for row in try await connection.query(
                """
                SELECT customer_id, bool_or(status = 'active') FROM journey_instances
                WHERE journey_id = \(key.id) AND customer_id = ANY(\(ids))
                GROUP BY customer_id
                """,
                logger: logger
            ).collect() {
                let (customerId, active) = try row.decode((String, Bool).self)
                snapshot.enrolments.instances[customerId, default: [:]][key.id] = active
            }
        }
    }
}
