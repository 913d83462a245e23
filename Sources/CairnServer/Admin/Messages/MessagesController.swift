import CairnCore
import CairnStorage
import Foundation
import Hummingbird

/// A brand's messages under `/admin/v1/brands/{clientId}/{accountId}/{brandId}/messages`:
/// a list, newest first (`?status=&channel=&userId=&before=&limit=`), one message with its
/// rendered content, and `dead` or `failed` messages sent again: one (`POST …/{messageId}/retry`)
/// or many (`POST …/messages/retry`, see `MessagesController+Retry`).
struct MessagesController: Sendable {
    let outbox: any OutboxStore
    let clock: any CairnClock

    func addRoutes(to group: RouterGroup<AdminContext>) {
        group.get("messages", use: self.list)
        group.get("messages/:messageId", use: self.show)
        group.post("messages/retry", use: self.retryMany)
        group.post("messages/:messageId/retry", use: self.retryOne)
    }

    @Sendable func list(request: Request, context: AdminContext) async throws -> MessageAnswer.List {
        let parameters = FormQuery(request.uri.query)
        try QueryReader.refuseUnknown(parameters, allowed: ["status", "channel", "userId", "before", "limit"])
        var filter = MessageFilter()
        if let text = parameters["status"] {
            guard let status = MessageStatus(rawValue: String(text)) else {
                throw APIError(
                    .badRequest,
                    code: "invalid_status",
                    message: "status must be one of "
                        + MessageStatus.allCases.map(\.rawValue).joined(separator: ", ") + "."
                )
            }
            filter.status = status
        }
        if let text = parameters["channel"] {
            guard let channel = AssetChannel(rawValue: String(text)) else {
                throw APIError(
                    .badRequest,
                    code: "invalid_channel",
                    message: "channel must be email, sms, push or print."
                )
            }
            filter.channel = channel
        }
        filter.userId = parameters["userId"].map(String.init)
        filter.before = try QueryReader.before(parameters, naming: "message")
        filter.limit = try QueryReader.limit(parameters, default: filter.limit)
        let messages = try await outbox.messages(tenant: try context.administeredTenant(), filter: filter)
        return MessageAnswer.List(messages: messages.map(MessageAnswer.Summary.init))
    }

    @Sendable func show(request: Request, context: AdminContext) async throws -> MessageAnswer.One {
        let messageId = try context.parameters.require("messageId")
        guard let message = try await outbox.message(tenant: try context.administeredTenant(), messageId: messageId)
        else {
            throw APIError(.notFound, code: "message_not_found", message: "This brand has no message \(messageId).")
        }
        return MessageAnswer.One(message: .init(message))
    }
}
