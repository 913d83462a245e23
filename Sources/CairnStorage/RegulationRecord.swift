import CairnCore

/// How a regulation's columns read and write, the same on every backend.
enum RegulationRecord {
    /// The columns, in the order `decode` reads them.
    static let columns = """
        id, client_id, account_id, brand_id, type, subject_kind, subject_value, subject_digest, status,
        requested_by, requested_at, completed_at, result, error_code, error_message, export IS NOT NULL,
        attempts
        """

    struct Columns {
        var id: String
        var tenant: Tenant
        var type: String
        var subjectKind: String
        var subjectValue: String?
        var subjectDigest: String
        var status: String
        var requestedBy: String?
        var requestedAt: Int64
        var completedAt: Int64?
        var result: [UInt8]?
        var errorCode: String?
        var errorMessage: String?
        var hasExport: Bool
        var attempts: Int
    }

    static func decode(_ columns: Columns) throws -> Regulation {
        guard let type = RegulationType(rawValue: columns.type),
            let kind = RegulationSubject.Kind(rawValue: columns.subjectKind),
            let status = RegulationStatus(rawValue: columns.status)
        else { throw StorageError.unreadableRow(table: "regulations", detail: "an unknown type, subject or status") }
        return Regulation(
            id: columns.id,
            tenant: columns.tenant,
            type: type,
            subject: RegulationSubject(kind: kind, value: columns.subjectValue, digest: columns.subjectDigest),
            status: status,
            requestedBy: columns.requestedBy,
            requestedAt: Timestamp(millisecondsSinceEpoch: columns.requestedAt),
            completedAt: columns.completedAt.map(Timestamp.init(millisecondsSinceEpoch:)),
            result: columns.result.map(counts(from:)),
            error: columns.errorCode.map { EventError(code: $0, message: columns.errorMessage ?? "") },
            hasExport: columns.hasExport,
            attempts: columns.attempts
        )
    }

    static func encode(_ counts: [String: Int]) -> [UInt8] {
        JSONValue.object(counts.mapValues { .number(String($0)) }).encoded()
    }

    static func counts(from bytes: [UInt8]) -> [String: Int] {
        guard case .object(let object)? = try? JSONParser.parse(bytes) else { return [:] }
        return object.compactMapValues { value in
            guard case .number(let text) = value else { return nil }
            return Int(text)
        }
    }
}
