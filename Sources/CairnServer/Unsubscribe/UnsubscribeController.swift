import CairnCore
import CairnStorage
import HTTPTypes
import Hummingbird
import NIOCore

/// Unsubscribe links, as mailbox providers require of bulk senders: `POST /u/{token}` (RFC 8058's
/// one-click, which mail clients send as `List-Unsubscribe=One-Click`) withdraws the customer's
/// consent at once; `GET /u/{token}` shows a page with a button that posts. The token is signed and
/// names brand, customer and channel, so no login is needed. The change goes through the event
/// log as an identify, so it reaches consent and the timeline like any other.
struct UnsubscribeController: Sendable {
    let signer: UnsubscribeSigner
    let profiles: any ProfileReader
    let eventLog: any EventLogStore
    let clock: any CairnClock

    func addRoutes(to router: Router<CairnRequestContext>) {
        router.get("u/:token", use: self.page)
        router.post("u/:token", use: self.unsubscribe)
    }

    @Sendable func page(request: Request, context: CairnRequestContext) async throws -> Response {
        guard let subject = try subject(context) else { return Self.invalidLink }
        return Self.html(
            .ok,
            title: "Unsubscribe",
            body: """
                <p>Stop receiving marketing \(Self.words(subject.channel)) from this sender?</p>
                <form method="post"><button type="submit">Unsubscribe</button></form>
                """
        )
    }

    @Sendable func unsubscribe(request: Request, context: CairnRequestContext) async throws -> Response {
        guard let subject = try subject(context) else { return Self.invalidLink }
        // The body (`List-Unsubscribe=One-Click`) says nothing more; it is not needed.
        _ = try? await request.body.collect(upTo: 4096)
        // By userId, which finds the customer it was merged into, if it was.
        guard let profile = try await profiles.profile(userId: subject.userId, tenant: subject.tenant),
            let userId = profile.userId
        else { return Self.invalidLink }
        try await eventLog.append([
            SystemEvents.withdrawal(
                tenant: subject.tenant,
                userId: userId,
                channel: subject.channel,
                reason: .unsubscribeLink,
                at: clock.now()
            )
        ])
        return Self.html(
            .ok,
            title: "Unsubscribed",
            body: "<p>You are unsubscribed: no more marketing \(Self.words(subject.channel)) will be sent to you.</p>"
        )
    }

    private func subject(_ context: CairnRequestContext) throws -> UnsubscribeSubject? {
        signer.subject(of: try context.parameters.require("token"))
    }

    private static func words(_ channel: AssetChannel) -> String {
        switch channel {
        case .email: return "emails"
        case .sms: return "text messages"
        case .push: return "notifications"
        case .print: return "letters"
        }
    }

    static var invalidLink: Response {
        html(.notFound, title: "Link not valid", body: "<p>This unsubscribe link is not valid.</p>")
    }

    static func html(_ status: HTTPResponse.Status, title: String, body: String) -> Response {
        let page = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
            <title>\(title)</title></head><body><h1>\(title)</h1>\(body)</body></html>
            """
        return Response(
            status: status,
            headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(string: page))
        )
    }
}
