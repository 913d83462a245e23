public import CairnCore
import Foundation
import GRDB

/// Regulations in SQLite: the `regulations` records and their leases.
public struct SQLiteRegulationStore: RegulationStore {
    let database: SQLiteDatabase

    public init(database: SQLiteDatabase) {
        self.database = database
    }

    public func create(_ regulation: Regulation) async throws {
        try await database.write { db in
            try db.execute(
                sql: """
                    INSERT INTO regulations (id, client_id, account_id, brand_id, type, subject_kind, subject_value,
                        subject_digest, status, requested_by, requested_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    regulation.id, regulation.tenant.clientId, regulation.tenant.accountId,
                    regulation.tenant.brandId, regulation.type.rawValue, regulation.subject.kind.rawValue,
                    regulation.subject.value, regulation.subject.digest, regulation.status.rawValue,
                    regulation.requestedBy, regulation.requestedAt.millisecondsSinceEpoch,
                ]
            )
        }
    }

    public func regulation(id: String, tenant: Tenant) async throws -> Regulation? {
        try await database.read { db in
            try Row.fetchOne(
                db,
                sql: """
                    SELECT \(RegulationRecord.columns) FROM regulations
                    WHERE id = ? AND client_id = ? AND account_id = ? AND brand_id = ?
                    """,
                arguments: [id, tenant.clientId, tenant.accountId, tenant.brandId]
            ).map(Self.decode)
        }
    }

    public func regulations(tenant: Tenant, limit: Int, before: String?) async throws -> [Regulation] {
        try await database.read { db in
            var sql =
                "SELECT \(RegulationRecord.columns) FROM regulations WHERE client_id = ? AND account_id = ? AND brand_id = ?"
            var arguments: StatementArguments = [tenant.clientId, tenant.accountId, tenant.brandId]
            if let before {
                sql += " AND (requested_at, id) < (SELECT requested_at, id FROM regulations WHERE id = ?)"
                arguments += [before]
            }
            sql += " ORDER BY requested_at DESC, id DESC LIMIT ?"
            arguments += [limit]
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map(Self.decode)
        }
    }

    /// A part of the export; an export stored whole before exports were kept in parts is its own part 0.
    public func exportPart(id: String, tenant: Tenant, part: Int) async throws -> [UInt8]? {
        try await database.read { db in
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT coalesce(p.bytes, CASE WHEN ? = 0 AND length(r.export) > 0 THEN r.export END)
                    FROM regulations r
                    LEFT JOIN regulation_export_parts p ON p.regulation_id = r.id AND p.part = ?
                    WHERE r.id = ? AND r.client_id = ? AND r.account_id = ? AND r.brand_id = ?
                        AND r.export IS NOT NULL
                    """,
                arguments: [part, part, id, tenant.clientId, tenant.accountId, tenant.brandId]
            )
            return (row?[0] as Data?).map { [UInt8]($0) }
        }
    }

    public func claim(at time: Timestamp, leaseUntil: Timestamp, holder: String) async throws -> Regulation? {
        // A rewrite an erasure could not finish (readers held the log) is tried again here.
        if try await database.read({ db in try Int.fetchOne(db, sql: "PRAGMA user_version") })
            == SQLiteDatabase.compactionOwed
        {
            try await database.compactAfterErasure()
        }
        return try await database.write { db in
            try Row.fetchOne(
                db,
                sql: """
                    UPDATE regulations SET lease_until = ?, lease_holder = ?, attempts = attempts + 1
                    WHERE id = (SELECT id FROM regulations
                                WHERE status = 'pending' AND (lease_until IS NULL OR lease_until <= ?)
                                ORDER BY requested_at, id LIMIT 1)
                    RETURNING \(RegulationRecord.columns)
                    """,
                arguments: [leaseUntil.millisecondsSinceEpoch, holder, time.millisecondsSinceEpoch]
            ).map(Self.decode)
        }
    }

    public func renew(id: String, holder: String, leaseUntil: Timestamp) async throws -> Bool {
        try await database.write { db in
            try db.execute(
                sql: "UPDATE regulations SET lease_until = ? WHERE id = ? AND status = 'pending' AND lease_holder = ?",
                arguments: [leaseUntil.millisecondsSinceEpoch, id, holder]
            )
            return db.changesCount == 1
        }
    }

    public func release(id: String, holder: String) async throws -> Bool {
        try await database.write { db in
            try db.execute(
                sql: """
                    UPDATE regulations SET lease_until = NULL, lease_holder = NULL, attempts = max(attempts - 1, 0)
                    WHERE id = ? AND status = 'pending' AND lease_holder = ?
                    """,
                arguments: [id, holder]
            )
            return db.changesCount == 1
        }
    }

    public func retry(id: String, holder: String, error: EventError, retryAt: Timestamp) async throws -> Bool {
        try await database.write { db in
            try db.execute(
                sql: """
                    UPDATE regulations SET lease_until = ?, lease_holder = NULL, error_code = ?, error_message = ?
                    WHERE id = ? AND status = 'pending' AND lease_holder = ?
                    """,
                arguments: [retryAt.millisecondsSinceEpoch, error.code, error.message, id, holder]
            )
            return db.changesCount == 1
        }
    }

    public func finish(
        _ regulation: Regulation,
        holder: String,
        export: [UInt8]?,
        eraseSubject: Bool
    ) async throws -> Bool {
        // A finished erasure is done only once the file is rewritten: until then it stays pending,
        // held by no worker (see SQLiteDatabase+Compaction.swift).
        let awaitsRewrite = eraseSubject && regulation.status == .done
        let finished = try await database.write { db in
            try db.execute(
                sql: """
                    UPDATE regulations SET status = ?, completed_at = ?, result = ?, error_code = ?, error_message = ?,
                        export = ?, lease_until = ?, lease_holder = ?,
                        subject_value = CASE WHEN ? THEN NULL ELSE subject_value END
                    WHERE id = ? AND status = 'pending' AND lease_holder = ?
                    """,
                arguments: [
                    awaitsRewrite ? RegulationStatus.pending.rawValue : regulation.status.rawValue,
                    regulation.completedAt?.millisecondsSinceEpoch,
                    regulation.result.map { Data(RegulationRecord.encode($0)) }, regulation.error?.code,
                    regulation.error?.message, export.map { _ in Data() }, awaitsRewrite ? Int64.max : nil,
                    awaitsRewrite ? SQLiteDatabase.awaitingCompaction : nil, eraseSubject, regulation.id, holder,
                ]
            )
            let finished = db.changesCount == 1
            if finished, let export {
                // The export in parts; `export` holds an empty marker.
                let insert = try db.cachedStatement(
                    sql: "INSERT INTO regulation_export_parts (regulation_id, part, bytes) VALUES (?, ?, ?)"
                )
                for (part, bytes) in RegulationExportParts.parts(of: export).enumerated() {
                    try insert.execute(arguments: [regulation.id, part, Data(bytes)])
                }
            }
            if finished, awaitsRewrite { try SQLiteDatabase.oweCompaction(db) }
            return finished
        }
        // Pages SQLite rebuilt still hold old copies of the erased rows in their unused space,
        // and the log holds the pages as they were: rewrite the file, then empty the log.
        if finished, awaitsRewrite { try await database.compactAfterErasure() }
        return finished
    }

    static func decode(_ row: Row) throws -> Regulation {
        try RegulationRecord.decode(
            RegulationRecord.Columns(
                id: row[0],
                tenant: Tenant(clientId: row[1], accountId: row[2], brandId: row[3]),
                type: row[4],
                subjectKind: row[5],
                subjectValue: row[6],
                subjectDigest: row[7],
                status: row[8],
                requestedBy: row[9],
                requestedAt: row[10],
                completedAt: row[11],
                result: (row[12] as Data?).map { [UInt8]($0) },
                errorCode: row[13],
                errorMessage: row[14],
                hasExport: row[15],
                attempts: row[16]
            )
        )
    }
}
