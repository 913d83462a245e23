public import CairnCore
import Foundation
import GRDB

/// Journeys and their versions in SQLite: each change is one write transaction (SQLite's single
/// writer), so reading a journey and changing it cannot race another change.
public struct SQLiteJourneyStore: JourneyStore {
    let database: SQLiteDatabase

    public init(database: SQLiteDatabase) {
        self.database = database
    }

    public func create(
        tenant: Tenant,
        journeyId: String,
        name: String,
        definition: JSONValue,
        at time: Timestamp
    )
        async throws -> Journey
    {
        try await database.write { db in
            try SQLiteBrandStore.ensure(tenant, at: time, db)
            let now = time.millisecondsSinceEpoch
            try db.execute(
                sql: """
                    INSERT INTO journeys (client_id, account_id, brand_id, journey_id, name, status, created_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, 'draft', ?, ?)
                    """,
                arguments: Self.key(tenant, journeyId) + [name, now, now]
            )
            try Self.addVersion(tenant, journeyId, definition, now, db)
            return try Self.journey(tenant, journeyId, db)!
        }
    }

    public func saveDraft(
        tenant: Tenant,
        journeyId: String,
        name: String,
        definition: JSONValue,
        at time: Timestamp
    )
        async throws -> Journey
    {
        try await database.write { db in
            let journey = try Self.changeable(tenant, journeyId, db)
            let now = time.millisecondsSinceEpoch
            try db.execute(
                sql: "UPDATE journeys SET name = ?, updated_at = ? WHERE \(Self.match)",
                arguments: [name, now] + Self.key(tenant, journeyId)
            )
            try Self.addVersion(tenant, journeyId, definition, now, db)
            _ = journey
            return try Self.journey(tenant, journeyId, db)!
        }
    }

    public func publish(tenant: Tenant, journeyId: String, at time: Timestamp) async throws -> Journey {
        try await database.write { db in
            let journey = try Self.changeable(tenant, journeyId, db)
            guard let draft = journey.draft else { throw JourneyStoreError.noDraft }
            let now = time.millisecondsSinceEpoch
            try db.execute(
                sql: "UPDATE journey_versions SET published_at = ? WHERE \(Self.match) AND version = ?",
                arguments: [now] + Self.key(tenant, journeyId) + [draft.version]
            )
            let status = journey.status == .paused ? "paused" : "live"
            try db.execute(
                sql: "UPDATE journeys SET live_version = ?, status = ?, updated_at = ? WHERE \(Self.match)",
                arguments: [draft.version, status, now] + Self.key(tenant, journeyId)
            )
            return try Self.journey(tenant, journeyId, db)!
        }
    }

    public func setPaused(_ paused: Bool, tenant: Tenant, journeyId: String, at time: Timestamp) async throws -> Journey
    {
        try await database.write { db in
            let journey = try Self.changeable(tenant, journeyId, db)
            guard journey.liveVersion != nil else { throw JourneyStoreError.notLive }
            try db.execute(
                sql: "UPDATE journeys SET status = ?, updated_at = ? WHERE \(Self.match)",
                arguments: [paused ? "paused" : "live", time.millisecondsSinceEpoch] + Self.key(tenant, journeyId)
            )
            return try Self.journey(tenant, journeyId, db)!
        }
    }

    public func archive(tenant: Tenant, journeyId: String, at time: Timestamp) async throws -> Bool {
        try await database.write { db in
            try db.execute(
                sql:
                    "UPDATE journeys SET status = 'archived', updated_at = ? WHERE \(Self.match) AND status <> 'archived'",
                arguments: [time.millisecondsSinceEpoch] + Self.key(tenant, journeyId)
            )
            return db.changesCount > 0
        }
    }

    public func journey(tenant: Tenant, journeyId: String) async throws -> Journey? {
        try await database.read { db in try Self.journey(tenant, journeyId, db) }
    }

    public func journeys(tenant: Tenant, limit: Int, before: String?) async throws -> [Journey] {
        try await database.read { db in
            var sql = "SELECT journey_id FROM journeys WHERE client_id = ? AND account_id = ? AND brand_id = ?"
            var arguments: StatementArguments = [tenant.clientId, tenant.accountId, tenant.brandId]
            if let before,
                let cursor = try Row.fetchOne(
                    db,
                    sql: "SELECT created_at FROM journeys WHERE \(Self.match)",
                    arguments: Self.key(tenant, before)
                )
            {
                sql += " AND (created_at, journey_id) < (?, ?)"
                arguments += [cursor[0] as Int64, before]
            }
            sql += " ORDER BY created_at DESC, journey_id DESC LIMIT ?"
            arguments += [limit]
            return try String.fetchAll(db, sql: sql, arguments: arguments).compactMap {
                try Self.journey(tenant, $0, db)
            }
        }
    }

    static let match = "client_id = ? AND account_id = ? AND brand_id = ? AND journey_id = ?"

    static func key(_ tenant: Tenant, _ journeyId: String) -> StatementArguments {
        [tenant.clientId, tenant.accountId, tenant.brandId, journeyId]
    }

    /// The journey, unless it is missing or archived.
    private static func changeable(_ tenant: Tenant, _ journeyId: String, _ db: Database) throws -> Journey {
        guard let journey = try journey(tenant, journeyId, db) else { throw JourneyStoreError.notFound }
        guard journey.status != .archived else { throw JourneyStoreError.archived }
        return journey
    }

    private static func addVersion(
        _ tenant: Tenant,
        _ journeyId: String,
        _ definition: JSONValue,
        _ now: Int64,
        _ db: Database
    ) throws {
        try db.execute(
            sql: """
                INSERT INTO journey_versions (client_id, account_id, brand_id, journey_id, version, definition, created_at)
                SELECT ?, ?, ?, ?, coalesce(max(version), 0) + 1, ?, ? FROM journey_versions WHERE \(match)
                """,
            arguments: key(tenant, journeyId) + [Data(definition.encoded()), now] + key(tenant, journeyId)
        )
    }

    static func journey(_ tenant: Tenant, _ journeyId: String, _ db: Database) throws -> Journey? {
        guard
            let row = try Row.fetchOne(
                db,
                sql: "SELECT * FROM journeys WHERE \(match)",
                arguments: key(tenant, journeyId)
            )
        else { return nil }
        let versions = try Row.fetchAll(
            db,
            sql: "SELECT * FROM journey_versions WHERE \(match) ORDER BY version",
            arguments: key(tenant, journeyId)
        ).map { row in
            let publishedAt: Int64? = row["published_at"]
            return JourneyVersion(
                version: row["version"],
                definition: try JourneyRows.definition([UInt8](row["definition"] as Data)),
                createdAt: Timestamp(millisecondsSinceEpoch: row["created_at"]),
                publishedAt: publishedAt.map(Timestamp.init(millisecondsSinceEpoch:))
            )
        }
        return Journey(
            tenant: tenant,
            journeyId: journeyId,
            name: row["name"],
            status: try JourneyRows.status(row["status"]),
            liveVersion: row["live_version"],
            versions: versions,
            createdAt: Timestamp(millisecondsSinceEpoch: row["created_at"]),
            updatedAt: Timestamp(millisecondsSinceEpoch: row["updated_at"])
        )
    }
}

/// Journey columns both backends read alike.
enum JourneyRows {
    static func definition(_ bytes: [UInt8]) throws -> JSONValue {
        do throws(JSONParseError) {
            return try JSONParser.parse(bytes, maxDepth: 512)
        } catch {
            throw StorageError.unreadableRow(table: "journey_versions", detail: "definition is not JSON")
        }
    }

    static func status(_ text: String) throws -> Journey.Status {
        guard let status = Journey.Status(rawValue: text) else {
            throw StorageError.unreadableRow(table: "journeys", detail: "unknown status \(text)")
        }
        return status
    }
}
