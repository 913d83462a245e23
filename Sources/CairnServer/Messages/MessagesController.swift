import CairnCore
import CairnStorage
import Foundation
import Hummingbird

/// A brand's messages under `/admin/v1/brands/{clientId}/{accountId}/{brandId}/messages`:
/// a list, newest first (`?status=&channel=&userId=&before=&limit=`), and one message with its
/// rendered content.
struct MessagesController: Sendable {
    let outbox: any OutboxStore

    func addRoutes(to group: RouterGroup<AdminContext>) {
        group.get("messages", use: self.list)
        group.get("messages/:messageId", use: self.show)
    }

    @Sendable func list(request: Request, context: AdminContext) async throws -> Response {
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
        if let text = parameters["before"] {
            // Pages run by message id (ids grow with time): anything else would quietly page wrong.
            guard UUID(uuidString: String(text)) != nil else {
                throw APIError(
                    .badRequest,
                    code: "invalid_before",
                    message: "before must be the messageId of the last message of the previous page."
                )
            }
            filter.before = String(text)
        }
        if let text = parameters["limit"] {
            guard let limit = Int(text), (1...1000).contains(limit) else {
                throw APIError(
                    .badRequest,
                    code: "invalid_limit",
                    message: "limit must be a whole number from 1 to 1000."
                )
            }
            filter.limit = limit
        }
        let messages = try await outbox.messages(tenant: try context.pathTenant(), filter: filter)
        return JSONResponse.make(
            body: AdminJSON.success(["messages": .array(messages.map(MessageJSON.summary))])
        )
    }

    @Sendable func show(request: Request, context: AdminContext) async throws -> Response {
        let messageId = try context.parameters.require("messageId")
        guard let message = try await outbox.message(tenant: try context.pathTenant(), messageId: messageId) else {
            throw APIError(.notFound, code: "message_not_found", message: "This brand has no message \(messageId).")
        }
        return JSONResponse.make(body: AdminJSON.success(["message": MessageJSON.detail(message)]))
    }
}
