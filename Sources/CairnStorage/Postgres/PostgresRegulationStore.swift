public import CairnCore
import PostgresNIO

/// Regulations in PostgreSQL: the `regulations` records. A claim locks the row it takes and
/// skips rows other nodes hold (`FOR UPDATE SKIP LOCKED`), so nodes share the work.
public struct PostgresRegulationStore: RegulationStore {
    let database: PostgresDatabase

    public init(database: PostgresDatabase) {
        self.database = database
    }

    public func create(_ regulation: Regulation) async throws {
        let tenant = regulation.tenant
        try await database.query(
            """
            INSERT INTO regulations (id, client_id, account_id, brand_id, type, subject_kind, subject_value,
                subject_digest, status, requested_by, requested_at)
            VALUES (\(regulation.id), \(tenant.clientId), \(tenant.accountId), \(tenant.brandId),
                \(regulation.type.rawValue), \(regulation.subject.kind.rawValue), \(regulation.subject.value),
                \(regulation.subject.digest), \(regulation.status.rawValue), \(regulation.requestedBy),
                \(regulation.requestedAt.millisecondsSinceEpoch))
            """
        )
    }

    public func regulation(id: String, tenant: Tenant) async throws -> Regulation? {
        try await database.query(
            """
            SELECT \(unescaped: RegulationRecord.columns) FROM regulations
            WHERE id = \(id) AND client_id = \(tenant.clientId) AND account_id = \(tenant.accountId)
                AND brand_id = \(tenant.brandId)
            """
        ).first.map(Self.decode)
    }

    public func regulations(tenant: Tenant, limit: Int, before: String?) async throws -> [Regulation] {
        try await database.query(
            """
            SELECT \(unescaped: RegulationRecord.columns) FROM regulations
            WHERE client_id = \(tenant.clientId) AND account_id = \(tenant.accountId) AND brand_id = \(tenant.brandId)
                AND (\(before)::text IS NULL
                    OR (requested_at, id) < (SELECT requested_at, id FROM regulations WHERE id = \(before)))
            ORDER BY requested_at DESC, id DESC LIMIT \(limit)
            """
        ).map(Self.decode)
    }

    /// A part of the export; an export stored whole before exports were kept in parts is its own part 0.
    public func exportPart(id: String, tenant: Tenant, part: Int) async throws -> [UInt8]? {
        try await database.query(
            """
            SELECT coalesce(p.bytes, CASE WHEN \(part) = 0 AND length(r.export) > 0 THEN r.export END)
            FROM regulations r
            LEFT JOIN regulation_export_parts p ON p.regulation_id = r.id AND p.part = \(part)
            WHERE r.id = \(id) AND r.client_id = \(tenant.clientId) AND r.account_id = \(tenant.accountId)
                AND r.brand_id = \(tenant.brandId) AND r.export IS NOT NULL
            """
        ).first.flatMap { row in try row.decode(ByteBuffer?.self).map { Array($0.readableBytesView) } }
    }

    public func claim(at time: Timestamp, leaseUntil: Timestamp, holder: String) async throws -> Regulation? {
        try await database.query(
            """
            UPDATE regulations SET lease_until = \(leaseUntil.millisecondsSinceEpoch), lease_holder = \(holder),
                attempts = attempts + 1
            WHERE id = (SELECT id FROM regulations
                        WHERE status = 'pending'
                            AND (lease_until IS NULL OR lease_until <= \(time.millisecondsSinceEpoch))
                        ORDER BY requested_at, id LIMIT 1
                        FOR UPDATE SKIP LOCKED)
            RETURNING \(unescaped: RegulationRecord.columns)
            """
        ).first.map(Self.decode)
    }

    public func renew(id: String, holder: String, leaseUntil: Timestamp) async throws -> Bool {
        try await !database.query(
            """
            UPDATE regulations SET lease_until = \(leaseUntil.millisecondsSinceEpoch)
            WHERE id = \(id) AND status = 'pending' AND lease_holder = \(holder) RETURNING id
            """
        ).isEmpty
    }

    public func release(id: String, holder: String) async throws -> Bool {
        try await !database.query(
            """
            UPDATE regulations SET lease_until = NULL, lease_holder = NULL, attempts = greatest(attempts - 1, 0)
            WHERE id = \(id) AND status = 'pending' AND lease_holder = \(holder) RETURNING id
            """
        ).isEmpty
    }

    public func retry(id: String, holder: String, error: EventError, retryAt: Timestamp) async throws -> Bool {
        try await !database.query(
            """
            UPDATE regulations SET lease_until = \(retryAt.millisecondsSinceEpoch), lease_holder = NULL,
                error_code = \(error.code), error_message = \(error.message)
            WHERE id = \(id) AND status = 'pending' AND lease_holder = \(holder) RETURNING id
            """
        ).isEmpty
    }

    public func finish(
        _ regulation: Regulation,
        holder: String,
        export: [UInt8]?,
        eraseSubject: Bool
    ) async throws -> Bool {
        let result = regulation.result.map { ByteBuffer(bytes: RegulationRecord.encode($0)) }
        let logger = database.logger
        return try await database.transaction { connection in
            // The export in parts; `export` holds an empty marker.
            let finished = try await !connection.query(
                """
                UPDATE regulations SET status = \(regulation.status.rawValue),
                    completed_at = \(regulation.completedAt?.millisecondsSinceEpoch), result = \(result),
                    error_code = \(regulation.error?.code), error_message = \(regulation.error?.message),
                    export = \(export.map { _ in ByteBuffer() }), lease_until = NULL, lease_holder = NULL,
                    subject_value = CASE WHEN \(eraseSubject) THEN NULL ELSE subject_value END
                WHERE id = \(regulation.id) AND status = 'pending' AND lease_holder = \(holder)
                RETURNING id
                """,
                logger: logger
            ).collect().isEmpty
            if finished, let export {
                for (part, bytes) in RegulationExportParts.parts(of: export).enumerated() {
                    try await connection.query(
                        """
                        INSERT INTO regulation_export_parts (regulation_id, part, bytes)
                        VALUES (\(regulation.id), \(part), \(ByteBuffer(bytes: bytes)))
                        """,
                        logger: logger
                    )
                }
            }
            return finished
        }
    }

    static func decode(_ row: PostgresRow) throws -> Regulation {
        let cells = Array(row)
        func cell<T: PostgresDecodable>(_ index: Int, _ type: T.Type) throws -> T {
            try cells[index].decode(T.self)
        }
        return try RegulationRecord.decode(
            RegulationRecord.Columns(
                id: cell(0, String.self),
                tenant: Tenant(
                    clientId: cell(1, String.self),
                    accountId: cell(2, String.self),
                    brandId: cell(3, String.self)
                ),
                type: cell(4, String.self),
                subjectKind: cell(5, String.self),
                subjectValue: cell(6, String?.self),
                subjectDigest: cell(7, String.self),
                status: cell(8, String.self),
                requestedBy: cell(9, String?.self),
                requestedAt: cell(10, Int64.self),
                completedAt: cell(11, Int64?.self),
                result: cell(12, ByteBuffer?.self).map { Array($0.readableBytesView) },
                errorCode: cell(13, String?.self),
                errorMessage: cell(14, String?.self),
                hasExport: cell(15, Bool.self),
                attempts: cell(16, Int.self)
            )
        )
    }
}
