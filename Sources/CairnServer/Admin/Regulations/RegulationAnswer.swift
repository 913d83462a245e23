import CairnCore
import Hummingbird

/// How the admin API writes data-protection requests. Every field is written, `null` when unset.
enum RegulationAnswer {
    struct Regulation: Encodable, Sendable {
        let id: String
        let type: String
        /// `{"userId"|"email"|"anonymousId": value}`, the value `null` once an erasure forgot it.
        let subject: [String: String?]
        let subjectHash: String
        let status: String
        let requestedBy: String?
        let requestedAt: String
        let completedAt: String?
        let result: [String: Int]?
        let error: ProblemAnswer?
        /// Where an access regulation's export is fetched, while it has one.
        let exportURL: String?

        init(_ regulation: CairnCore.Regulation) {
            let tenant = regulation.tenant
            let base = "/admin/v1/brands/\(tenant.clientId)/\(tenant.accountId)/\(tenant.brandId)/regulations/"
            id = regulation.id
            type = regulation.type.rawValue
            subject = [regulation.subject.kind.rawValue: regulation.subject.value]
            subjectHash = regulation.subject.digest
            status = regulation.status.rawValue
            requestedBy = regulation.requestedBy
            requestedAt = regulation.requestedAt.iso8601
            completedAt = regulation.completedAt?.iso8601
            result = regulation.result
            error = regulation.error.map { ProblemAnswer(code: $0.code, message: $0.message) }
            exportURL = regulation.type == .access && regulation.hasExport ? base + regulation.id + "/export" : nil
        }

        private enum CodingKeys: String, CodingKey {
            case id, type, subject, subjectHash, status, requestedBy, requestedAt, completedAt, result, error, exportURL
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(id, forKey: .id)
            try container.encode(type, forKey: .type)
            try container.encode(subject, forKey: .subject)
            try container.encode(subjectHash, forKey: .subjectHash)
            try container.encode(status, forKey: .status)
            try container.encode(requestedBy, forKey: .requestedBy)
            try container.encode(requestedAt, forKey: .requestedAt)
            try container.encode(completedAt, forKey: .completedAt)
            try container.encode(result, forKey: .result)
            try container.encode(error, forKey: .error)
            try container.encode(exportURL, forKey: .exportURL)
        }
    }

    /// `POST …/regulations` (answered `202`) and `GET …/regulations/{regulationId}`.
    struct One: ResponseEncodable, Sendable {
        let success = true
        let regulation: Regulation
    }

    /// `GET …/regulations`, newest first.
    struct List: ResponseEncodable, Sendable {
        let success = true
        let regulations: [Regulation]
    }
}
