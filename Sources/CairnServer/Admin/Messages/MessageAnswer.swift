import CairnCore
import Hummingbird

/// How the admin API writes messages. `Summary` is the shape the Events API also shows on an
/// event (`MessageJSON.summary`, written by hand there): the two change together.
enum MessageAnswer {
    /// A message in a list: the optional fields are left out, not `null`, while unset.
    struct Summary: Encodable, Sendable {
        let messageId: String
        let channel: String
        let to: String
        let assetId: String
        let version: Int
        let status: String
        let attempts: Int
        let providerMessageId: String?
        let error: ProblemAnswer?
        let sentAt: String?

        init(_ message: OutboxMessage) {
            messageId = message.messageId
            channel = message.channel.rawValue
            to = message.to
            assetId = message.assetId
            version = message.version
            status = message.status.rawValue
            attempts = message.attempts
            providerMessageId = message.providerMessageId
            error = message.error.map { ProblemAnswer(code: $0.code, message: $0.message) }
            sentAt = message.sentAt?.iso8601
        }
    }

    /// Everything about a message, its rendered content included: the summary's fields and
    /// these, `userId` and `nextAttemptAt` written `null` when unset.
    struct Detail: Encodable, Sendable {
        let summary: Summary
        let eventId: String
        let customerId: String
        let userId: String?
        let purpose: String
        let content: JSONValue
        let createdAt: String
        /// When the next try is due, while the message is queued.
        let nextAttemptAt: String?

        init(_ message: OutboxMessage) {
            summary = Summary(message)
            eventId = message.eventId.description
            customerId = message.customerId
            userId = message.userId
            purpose = message.purpose.rawValue
            content = message.content
            createdAt = message.createdAt.iso8601
            nextAttemptAt = message.status == .queued ? message.nextAttemptAt.iso8601 : nil
        }

        private enum CodingKeys: String, CodingKey {
            case eventId, customerId, userId, purpose, content, createdAt, nextAttemptAt
        }

        func encode(to encoder: any Encoder) throws {
            try summary.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(eventId, forKey: .eventId)
            try container.encode(customerId, forKey: .customerId)
            try container.encode(userId, forKey: .userId)
            try container.encode(purpose, forKey: .purpose)
            try container.encode(content, forKey: .content)
            try container.encode(createdAt, forKey: .createdAt)
            try container.encode(nextAttemptAt, forKey: .nextAttemptAt)
        }
    }

    /// `GET …/messages/{messageId}`.
    struct One: ResponseEncodable, Sendable {
        let success = true
        let message: Detail
    }

    /// `GET …/messages`, newest first.
    struct List: ResponseEncodable, Sendable {
        let success = true
        let messages: [Summary]
    }
}
