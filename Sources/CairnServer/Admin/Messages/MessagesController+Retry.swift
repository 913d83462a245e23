import CairnCore
import CairnStorage
import Hummingbird

/// Sending `dead` and `failed` messages again, once whatever stopped them is mended (a provider's
/// outage longer than the retry schedule, settings fixed): each is queued at once with its
/// attempts counted from zero. Messages failed or erased by a data-protection request are never
/// sent again.
extension MessagesController {
    /// `POST …/messages/{messageId}/retry`: the message, queued again.
    @Sendable func retryOne(request: Request, context: AdminContext) async throws -> MessageAnswer.One {
        let tenant = try context.administeredTenant()
        let messageId = try context.parameters.require("messageId")
        guard let message = try await outbox.message(tenant: tenant, messageId: messageId) else {
            throw APIError(.notFound, code: "message_not_found", message: "This brand has no message \(messageId).")
        }
        let retried = try await outbox.retry(MessageRetry(messageId: messageId), tenant: tenant, at: clock.now())
        guard retried == [messageId], let queued = try await outbox.message(tenant: tenant, messageId: messageId) else {
            throw APIError(
                .conflict,
                code: "message_not_retryable",
                message: "The message is \(message.status.rawValue); only a dead or failed message can be sent again, "
                    + "and never one a data-protection request failed or erased."
            )
        }
        return MessageAnswer.One(message: .init(queued))
    }

    /// `POST …/messages/retry` with `{"status", "channel", "createdFrom", "createdUntil", "limit"}`
    /// (each optional: `status` is "dead", "failed" or a list of them, every retryable one when
    /// absent; times are ISO 8601; `limit` 1…10,000, 1,000 when absent): the oldest matching
    /// messages queued again. Repeat until `retried` is 0.
    @Sendable func retryMany(request: Request, context: AdminContext) async throws -> RetryAnswer {
        let tenant = try context.administeredTenant()
        let body = try await AdminBody.read(request)
        let allowed: Set<String> = ["status", "channel", "createdFrom", "createdUntil", "limit"]
        if let unknown = body.fields.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw APIError(
                .badRequest,
                code: "unknown_field",
                message:
                    "\(unknown) is not a field of a retry; the fields are \(allowed.sorted().joined(separator: ", "))."
            )
        }
        var retry = MessageRetry(statuses: try Self.statuses(body.fields["status"]))
        if let channel = try body.string("channel") {
            guard let value = AssetChannel(rawValue: channel) else {
                throw APIError(
                    .badRequest,
                    code: "invalid_channel",
                    message: "channel must be email, sms, push or print."
                )
            }
            retry.channel = value
        }
        retry.createdFrom = try Self.time(body, "createdFrom")
        retry.createdUntil = try Self.time(body, "createdUntil")
        if let limit = try body.number("limit") {
            guard limit == limit.rounded(), (1...Double(MessageRetry.maximumLimit)).contains(limit) else {
                throw APIError(
                    .badRequest,
                    code: "invalid_limit",
                    message: "limit must be a whole number from 1 to \(MessageRetry.maximumLimit)."
                )
            }
            retry.limit = Int(limit)
        }
        let ids = try await outbox.retry(retry, tenant: tenant, at: clock.now())
        return RetryAnswer(retried: ids.count, messageIds: ids.sorted())
    }

    /// What a bulk retry did.
    struct RetryAnswer: ResponseEncodable, Sendable {
        let success = true
        var retried: Int
        var messageIds: [String]
    }

    private static func statuses(_ value: JSONValue?) throws -> Set<MessageStatus> {
        let names: [JSONValue]
        switch value {
        case .none, .null?: return []
        case .string?: names = [value ?? .null]
        case .array(let items)?: names = items
        default: names = [.null]
        }
        var statuses: Set<MessageStatus> = []
        for name in names {
            guard case .string(let text) = name, let status = MessageStatus(rawValue: text),
                MessageRetry.retryable.contains(status)
            else {
                throw APIError(
                    .badRequest,
                    code: "invalid_status",
                    message: "status must be \"dead\", \"failed\" or a list of them: only those can be sent again."
                )
            }
            statuses.insert(status)
        }
        return statuses
    }

    private static func time(_ body: AdminBody, _ name: String) throws -> Timestamp? {
        guard let text = try body.string(name) else { return nil }
        guard let time = Timestamp(iso8601: text) else {
            throw APIError(
                .badRequest,
                code: "invalid_\(name == "createdFrom" ? "created_from" : "created_until")",
                message: "\(name) must be an ISO 8601 time, such as 2026-12-07T09:00:00Z."
            )
        }
        return time
    }
}
