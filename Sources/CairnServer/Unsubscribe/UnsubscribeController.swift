import CairnCore
import CairnStorage
import HTTPTypes
import Hummingbird
import NIOCore

/// Unsubscribe links, as mailbox providers require of bulk senders: `POST /u/{token}` (RFC 8058's
/// one-click, which mail clients send as `List-Unsubscribe=One-Click`) withdraws the customer's
/// consent at once; `GET /u/{token}` shows a page with a button that posts. The token is sealed
/// (opaque) and names brand, customer and channel, so no login is needed. The change goes through
/// the event log as an identify, so it reaches consent and the timeline like any other; a repeat
/// for a customer already unsubscribed writes nothing. Each link may be used 10 times a minute
/// (`UnsubscribeLimiter`); beyond, `429 rate_limit_exceeded` with `Retry-After`.
struct UnsubscribeController: Sendable {
    let signer: UnsubscribeSigner
    let profiles: any ProfileReader
    let eventLog: any EventLogStore
    let clock: any CairnClock
    var limiter = UnsubscribeLimiter()

    func addRoutes(to router: Router<CairnRequestContext>) {
        router.get("u/:token", use: self.page)
        router.post("u/:token", use: self.unsubscribe)
    }

    @Sendable func page(request: Request, context: CairnRequestContext) async throws -> Response {
        guard let subject = try subject(context) else { return Self.invalidLink }
        if let refusal = limited(subject) { return refusal }
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
        if let refusal = limited(subject) { return refusal }
        // The body (`List-Unsubscribe=One-Click`) says nothing more; it is not needed.
        _ = try? await request.body.collect(upTo: 4096)
        // By userId, which finds the customer it was merged into, if it was.
        guard let profile = try await profiles.profile(userId: subject.userId, tenant: subject.tenant),
            let userId = profile.userId
        else { return Self.invalidLink }
        let now = clock.now()
        let unsubscribed = try await isUnsubscribed(profile, from: subject, at: now)
        if !unsubscribed {
            try await eventLog.append([
                SystemEvents.withdrawal(
                    tenant: subject.tenant,
                    userId: userId,
                    channel: subject.channel,
                    reason: .unsubscribeLink,
                    at: now
                )
            ])
        }
        // The same answer either way: a repeat is as good as the first.
        return Self.html(
            .ok,
            title: "Unsubscribed",
            body: "<p>You are unsubscribed: no more marketing \(Self.words(subject.channel)) will be sent to you.</p>"
        )
    }

    private func subject(_ context: CairnRequestContext) throws -> UnsubscribeSubject? {
        signer.subject(of: try context.parameters.require("token"))
    }

    /// Whether the customer's stored consent already says unsubscribed from the link's channel,
    /// with no event of the brand waiting for the processor (one could be a later subscribe, or
    /// this link's own withdrawal not yet applied; then the withdrawal is written again, which
    /// changes nothing, rather than lost). A channel never stated gets the withdrawal, once.
    private func isUnsubscribed(
        _ profile: CustomerProfile,
        from subject: UnsubscribeSubject,
        at now: Timestamp
    ) async throws -> Bool {
        guard profile.consent[subject.channel.rawValue]?.subscribed == false else { return false }
        // Events received up to now, this millisecond included.
        let waiting = try await eventLog.eventsWaiting(
            tenant: subject.tenant,
            receivedBefore: now.adding(.milliseconds(1))
        )
        return !waiting
    }

    /// The refusal when the link was used too often just now; nil to go on.
    private func limited(_ subject: UnsubscribeSubject) -> Response? {
        guard case .limited(let retryAfter) = limiter.take(for: subject, now: clock.uptime()) else { return nil }
        let refusal = APIError(
            .tooManyRequests,
            code: "rate_limit_exceeded",
            message:
                "Rate limit exceeded: an unsubscribe link may be used \(limiter.burst) times at once, then once "
                + "every \(NumberText.of(1 / limiter.rate)) seconds. Retry after the Retry-After seconds.",
            headers: [.retryAfter: String(RateLimitHeaders.wholeSeconds(retryAfter)), .cacheControl: "no-store"]
        )
        return refusal.makeResponse()
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
