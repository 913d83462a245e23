import CairnChannels
import CairnCore
import CairnServer
import CairnStorage
import CairnTestFixtures
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// What sends add to the HTTP surfaces, through the router: brand channels (sealed, masked),
/// messages in the admin API and on the event status, Twilio's signed receipts, unsubscribe links.
@Suite struct SendingAPITests {
    static let brand = "/admin/v1/brands/hea/hea/HEA"
    static let twilioToken = "twilio-secret-token"
    static let twilioSid = "AC" + String(repeating: "a", count: 32)
    static let publicURL = "https://cairn.example.com"

    func adminToken(_ app: TestApp) async throws -> String {
        let (record, secret) = AdminTokenRecord.issue(name: "ops", now: app.clock.now())
        try await app.stores.adminTokens.insert(record)
        return secret.text
    }

    /// An app with a secret key, Cairn's public URL (given with a trailing slash) and a default
    /// Twilio account (at a closed local port).
    func sendingApp(key: SecretKey? = .generate(), processor: Bool = true) async throws -> TestApp {
        let twilio = try ProviderSettings(
            json: [
                "provider": "twilio", "accountSid": .string(Self.twilioSid), "authToken": .string(Self.twilioToken),
                "from": "+15005550006", "baseUrl": "http://127.0.0.1:9",
            ],
            channel: .sms
        )
        return try await TestApp { configuration in
            configuration.sending.secretKey = key
            configuration.sending.publicURL = Self.publicURL + "/"
            configuration.sending.defaultProviders = [twilio]
            // Messages stay where the tests put them: no sender runs here.
            configuration.sending.enabled = false
            configuration.processor.enabled = processor
        }
    }

    @Test func aBrandsProviderMaySetItsMostMessagesInFlight() async throws {
        let app = try await sendingApp()
        let admin = try await adminToken(app)
        let email = #""provider":"smtp","url":"smtp://mail.example.com""#
        let answers = try await app.test { client in
            (
                put: try await client.admin(
                    .put,
                    Self.brand + "/channels/email",
                    token: admin,
                    body: "{\(email),\"maxInFlight\":4}"
                ),
                list: try await client.admin(.get, Self.brand + "/channels", token: admin),
                zero: try await client.admin(
                    .put,
                    Self.brand + "/channels/email",
                    token: admin,
                    body: "{\(email),\"maxInFlight\":0}"
                ),
                text: try await client.admin(
                    .put,
                    Self.brand + "/channels/email",
                    token: admin,
                    body: "{\(email),\"maxInFlight\":\"many\"}"
                ),
                backToDefault: try await client.admin(
                    .put,
                    Self.brand + "/channels/email",
                    token: admin,
                    body: "{\(email),\"maxInFlight\":null}"
                )
            )
        }
        #expect(answers.put.status == .ok)
        #expect(answers.put.json["channel"]?["maxInFlight"] == 4)
        #expect(answers.put.json["channel"]?["settings"]?["maxInFlight"] == nil, "not a provider setting")
        let channels = try #require(answers.list.json["channels"]?.arrayValue)
        #expect(channels.map { $0["maxInFlight"] } == [4, 16], "the brand's own, then the server's default")
        for refused in [answers.zero, answers.text] {
            #expect(refused.status == .badRequest)
            #expect(refused.code == "invalid_max_in_flight")
        }
        #expect(answers.backToDefault.json["channel"]?["maxInFlight"] == 16)
        #expect(try await app.stores.channels.channel(tenant: TestApp.tenant, channel: .email)?.maxInFlight == nil)
    }

    @Test func aBrandsProviderIsSealedAndShownMasked() async throws {
        let app = try await sendingApp()
        let admin = try await adminToken(app)
        let secret = "smtp-password-123"
        let answers = try await app.test { client in
            (
                put: try await client.admin(
                    .put,
                    Self.brand + "/channels/email",
                    token: admin,
                    body:
                        #"{"provider":"smtp","url":"smtps://mailer:\#(secret)@mail.example.com","from":"Shop <s@example.com>"}"#
                ),
                list: try await client.admin(.get, Self.brand + "/channels", token: admin),
                wrongProvider: try await client.admin(
                    .put,
                    Self.brand + "/channels/sms",
                    token: admin,
                    body: #"{"provider":"sendgrid"}"#
                ),
                noToken: try await client.admin(
                    .put,
                    Self.brand + "/channels/sms",
                    token: admin,
                    body: #"{"provider":"twilio","accountSid":"\#(Self.twilioSid)","from":"+15005550006"}"#
                ),
                unknownChannel: try await client.admin(.put, Self.brand + "/channels/fax", token: admin, body: "{}"),
                removed: try await client.admin(.delete, Self.brand + "/channels/email", token: admin),
                removedAgain: try await client.admin(.delete, Self.brand + "/channels/email", token: admin)
            )
        }
        #expect(answers.put.status == .ok)
        #expect(answers.put.json["channel"]?["settings"]?["url"] == "smtps://mailer:***@mail.example.com:465")
        let channels = try #require(answers.list.json["channels"]?.arrayValue)
        #expect(channels.map { $0["source"] } == ["brand", "default"])
        #expect(channels[1]["settings"]?["authToken"] == "********")
        for answer in [answers.put, answers.list] {
            let text = String(decoding: answer.json.encoded(), as: UTF8.self)
            #expect(!text.contains(secret) && !text.contains(Self.twilioToken), "no secret is ever answered")
        }
        #expect(answers.wrongProvider.status == .badRequest)
        #expect(answers.wrongProvider.code == "invalid_provider")
        #expect(answers.wrongProvider.message == "The sms channel's provider must be \"twilio\".")
        #expect(answers.noToken.code == "invalid_provider")
        #expect(answers.noToken.message == "A twilio provider needs authToken.")
        #expect(answers.unknownChannel.status == .notFound)
        #expect(answers.unknownChannel.code == "channel_not_found")
        #expect(answers.removed.status == .ok)
        #expect(answers.removedAgain.status == .notFound)
    }

    @Test func theSealedSettingsHoldNoSecretInTheClear() async throws {
        let app = try await sendingApp()
        let admin = try await adminToken(app)
        _ = try await app.test { client in
            try await client.admin(
                .put,
                Self.brand + "/channels/sms",
                token: admin,
                body:
                    #"{"provider":"twilio","accountSid":"\#(Self.twilioSid)","authToken":"brand-token-77","from":"+15005550006"}"#
            )
        }
        let record = try #require(try await app.stores.channels.channel(tenant: TestApp.tenant, channel: .sms))
        #expect(!String(decoding: record.sealedSettings, as: UTF8.self).contains("brand-token-77"))
        #expect(record.summary["authToken"] == "********")
    }

    @Test func withoutASecretKeyABrandCannotStoreAProvider() async throws {
        let app = try await sendingApp(key: nil)
        let admin = try await adminToken(app)
        let answer = try await app.test { client in
            try await client.admin(
                .put,
                Self.brand + "/channels/sms",
                token: admin,
                body: #"{"provider":"twilio","accountSid":"\#(Self.twilioSid)","authToken":"t","from":"+15005550006"}"#
            )
        }
        #expect(answer.status == .conflict)
        #expect(answer.code == "secret_key_missing")
    }

    @Test func messagesShowOnTheEventAndInTheAdminAPI() async throws {
        let app = try await sendingApp()
        let admin = try await adminToken(app)
        let token = try await app.token()
        let eventId = try #require(try await SendFixtures.queueSMS(in: app.stores, tenant: TestApp.tenant).first)
        let message = try #require(try await app.stores.outbox.messages(eventId: eventId).first)
        let answers = try await app.test { client in
            (
                status: try await client.get("\(TestApp.base)/events/\(eventId)", token: token),
                list: try await client.admin(.get, Self.brand + "/messages?channel=sms&userId=u1", token: admin),
                sent: try await client.admin(.get, Self.brand + "/messages?status=sent", token: admin),
                badStatus: try await client.admin(.get, Self.brand + "/messages?status=lost", token: admin),
                badLimit: try await client.admin(.get, Self.brand + "/messages?limit=0", token: admin),
                one: try await client.admin(.get, Self.brand + "/messages/\(message.messageId)", token: admin),
                otherBrand: try await client.admin(
                    .get,
                    "/admin/v1/brands/hea/hea/OTHER/messages/\(message.messageId)",
                    token: admin
                )
            )
        }
        let shown = try #require(answers.status.json["messages"]?.arrayValue?.first)
        #expect(shown["messageId"] == .string(message.messageId))
        #expect(shown["status"] == "queued")
        #expect(shown["to"] == "+447700900123")
        #expect(shown["content"] == nil, "the event status does not carry the rendered content")
        #expect(answers.list.json["messages"]?.arrayValue?.count == 1)
        #expect(answers.sent.json["messages"] == [])
        #expect(answers.badStatus.status == .badRequest)
        #expect(answers.badStatus.code == "invalid_status")
        #expect(answers.badLimit.code == "invalid_limit")
        #expect(answers.one.json["message"]?["content"]?["body"] == "Hi Ada, booking B0")
        #expect(answers.otherBrand.status == .notFound)
        #expect(answers.otherBrand.code == "message_not_found")
    }

    @Test func aBrandsMessagesArePagedNewestFirstAndBadParametersAreRefused() async throws {
        let app = try await sendingApp()
        let admin = try await adminToken(app)
        try await SendFixtures.queueSMS(in: app.stores, count: 3, tenant: TestApp.tenant)
        let list = Self.brand + "/messages"
        let first = try await app.test { client in try await client.admin(.get, list + "?limit=2", token: admin) }
        let page = first.json["messages"]?.arrayValue?.compactMap { $0["messageId"]?.stringValue } ?? []
        #expect(page.count == 2)
        #expect(page == page.sorted(by: >), "newest first")
        let last = try #require(page.last)
        let answers = try await app.test { client in
            (
                next: try await client.admin(.get, list + "?limit=2&before=\(last)", token: admin),
                badBefore: try await client.admin(.get, list + "?before=zzz", token: admin),
                badChannel: try await client.admin(.get, list + "?channel=fax", token: admin),
                unknown: try await client.admin(.get, list + "?page=2", token: admin)
            )
        }
        let rest = answers.next.json["messages"]?.arrayValue?.compactMap { $0["messageId"]?.stringValue } ?? []
        #expect(rest.count == 1)
        #expect(rest.allSatisfy { $0 < last })
        #expect(answers.badBefore.status == .badRequest)
        #expect(answers.badBefore.code == "invalid_before")
        #expect(answers.badChannel.code == "invalid_channel")
        #expect(answers.unknown.code == "unknown_parameter")
    }

    /// An SMS of the test brand, claimed and recorded sent as Twilio's `SM1`.
    func smsSentAsSM1(_ app: TestApp) async throws -> OutboxMessage {
        let eventId = try #require(try await SendFixtures.queueSMS(in: app.stores, tenant: TestApp.tenant).first)
        let message = try #require(try await app.stores.outbox.messages(eventId: eventId).first)
        let now = app.clock.now()
        _ = try await app.stores.outbox.claim(OutboxClaim(limit: 1, now: now, lease: .seconds(3600)))
        _ = try await app.stores.outbox.record(
            .sent(providerMessageId: "SM1"),
            messageId: message.messageId,
            attempt: 1,
            at: now
        )
        return message
    }

    /// A Twilio status callback to `path`: its form body and Twilio's signature of it.
    static func twilioCallback(_ form: [(String, String)], to path: String) -> (body: String, signature: String) {
        (
            form.map { "\($0.0)=\($0.1)" }.joined(separator: "&"),
            TwilioSignature.sign(url: publicURL + path, parameters: form, authToken: twilioToken)
        )
    }

    @Test func aTwilioReceiptCountsOnlyWithTwiliosSignature() async throws {
        let app = try await sendingApp()
        let message = try await smsSentAsSM1(app)
        let path = "/webhooks/twilio/\(message.messageId)"
        let form = [("MessageSid", "SM1"), ("MessageStatus", "delivered"), ("AccountSid", Self.twilioSid)]
        let (body, good) = Self.twilioCallback(form, to: path)
        let bad = TwilioSignature.sign(url: Self.publicURL + path, parameters: form, authToken: "someone-else")
        let answers = try await app.test { client in
            (
                forged: try await client.post(path, token: nil, body: body, headers: [.twilioSignature: bad]),
                unsigned: try await client.post(path, token: nil, body: body),
                unknown: try await client.post(
                    "/webhooks/twilio/nope",
                    token: nil,
                    body: body,
                    headers: [.twilioSignature: good]
                ),
                signed: try await client.post(path, token: nil, body: body, headers: [.twilioSignature: good]),
                tooLarge: try await client.post(
                    path,
                    token: nil,
                    body: String(repeating: "a", count: 70_000),
                    headers: [.twilioSignature: good]
                )
            )
        }
        #expect(answers.tooLarge.status == .contentTooLarge)
        #expect(answers.tooLarge.code == "request_too_large", "Cairn's own refusal, not the framework's bare 413")
        #expect(answers.forged.status == .forbidden)
        #expect(answers.forged.code == "invalid_signature")
        #expect(answers.unsigned.status == .forbidden)
        // An unknown message is told apart from a known one by nothing: the signature is checked first.
        #expect(answers.unknown.status == .forbidden)
        #expect(answers.unknown.code == "invalid_signature")
        #expect(answers.signed.status == .noContent)
        #expect(try await app.stores.outbox.message(messageId: message.messageId)?.status == .delivered)
        // A final status only moves forward (a signed callback replayed later changes nothing), and
        // a callback about another message sid than the one recorded changes nothing.
        let undelivered = Self.twilioCallback(
            [
                ("MessageSid", "SM1"), ("MessageStatus", "undelivered"), ("ErrorCode", "30003"),
                ("AccountSid", Self.twilioSid),
            ],
            to: path
        )
        let replayed = try await app.test { client in
            try await client.post(
                path,
                token: nil,
                body: undelivered.body,
                headers: [.twilioSignature: undelivered.signature]
            )
        }
        #expect(replayed.status == .noContent)
        #expect(try await app.stores.outbox.message(messageId: message.messageId)?.status == .delivered)
    }

    @Test func aTwilioReceiptAboutAnotherSidChangesNothing() async throws {
        let app = try await sendingApp()
        let message = try await smsSentAsSM1(app)
        let path = "/webhooks/twilio/\(message.messageId)"
        let answer = try await app.test { client in
            var answers: [Answer] = []
            for sid in ["SM000", ""] {
                var form = [("MessageStatus", "delivered"), ("AccountSid", Self.twilioSid)]
                if !sid.isEmpty { form.insert(("MessageSid", sid), at: 0) }
                let (body, signature) = Self.twilioCallback(form, to: path)
                answers.append(
                    try await client.post(path, token: nil, body: body, headers: [.twilioSignature: signature])
                )
            }
            return answers
        }
        #expect(answer.map(\.status) == [.noContent, .noContent])
        #expect(try await app.stores.outbox.message(messageId: message.messageId)?.status == .sent)
    }

    @Test func anUnsubscribeLinkWithdrawsConsentWithoutALogin() async throws {
        let key = SecretKey.generate()
        let app = try await sendingApp(key: key)
        try await SendFixtures.queueSMS(in: app.stores, tenant: TestApp.tenant)
        let link = Self.unsubscribeLink(key)
        let forged = Self.unsubscribeLink(.generate())
        let answers = try await app.test { client in
            (
                page: try await client.get(link, token: nil),
                forged: try await client.post(forged, token: nil, body: "List-Unsubscribe=One-Click", contentType: nil),
                done: try await client.post(link, token: nil, body: "List-Unsubscribe=One-Click", contentType: nil)
            )
        }
        #expect(answers.page.status == .ok)
        #expect(answers.page.json.stringValue?.contains(#"<form method="post">"#) == true)
        #expect(answers.forged.status == .notFound)
        #expect(answers.done.status == .ok)
        try await app.processAll()
        let after = try #require(try await app.stores.profiles.profile(userId: "u1", tenant: TestApp.tenant))
        #expect(after.consent["sms"]?.subscribed == false)
        let timeline = try await app.stores.profiles.timeline(
            customerId: after.customerId,
            tenant: TestApp.tenant,
            from: 0,
            size: 10
        )
        #expect(timeline.first?.entry.tokenId == SystemEvents.tokenId, "the change is on the timeline")
    }

    @Test func anUnsubscribeLinkStillWorksAfterItsCustomerIsMergedIntoAnother() async throws {
        let key = SecretKey.generate()
        let app = try await sendingApp(key: key)
        let token = try await app.token()
        // The link was mailed to "old"; then "old" became "new" (an alias merges the two).
        let link = Self.unsubscribeLink(key, userId: "old", channel: .email)
        let done = try await app.test { client in
            for body in [#"{"userId":"old","traits":{"a":1}}"#, #"{"userId":"new","traits":{"b":2}}"#] {
                _ = try await client.compatPost("/v1/identify", body: body, basicUser: token)
            }
            _ = try await client.compatPost(
                "/v1/alias",
                body: #"{"userId":"new","previousId":"old"}"#,
                basicUser: token
            )
            try await app.processAll()
            let done = try await client.post(link, token: nil, body: "List-Unsubscribe=One-Click", contentType: nil)
            try await app.processAll()
            return done
        }
        #expect(done.status == .ok)
        let merged = try #require(try await app.stores.profiles.profile(userId: "new", tenant: TestApp.tenant))
        #expect(merged.consent["email"]?.subscribed == false, "the customer it was merged into is unsubscribed")
    }

    /// The withdrawals Cairn wrote for customer u1 of the test brand, processed or not.
    func withdrawals(_ app: TestApp) async throws -> [StoredEvent] {
        var query = EventQuery(tenant: TestApp.tenant)
        query.userId = "u1"
        query.size = 1000
        query.withBodies = false
        return try await app.stores.eventLog.events(matching: query).filter { $0.entry.tokenId == SystemEvents.tokenId }
    }

    @Test func aRepeatedUnsubscribeWritesNothingMore() async throws {
        let key = SecretKey.generate()
        let app = try await sendingApp(key: key)
        try await SendFixtures.queueSMS(in: app.stores, tenant: TestApp.tenant)
        let link = Self.unsubscribeLink(key)
        // Another link to the same customer and channel (each token issued is new) is a repeat too.
        let again = Self.unsubscribeLink(key)
        let statuses = try await app.test { client in
            var statuses: [HTTPResponse.Status] = []
            for path in [link, link, again] {
                let answer = try await client.post(
                    path,
                    token: nil,
                    body: "List-Unsubscribe=One-Click",
                    contentType: nil
                )
                statuses.append(answer.status)
                try await app.processAll()
            }
            return statuses
        }
        #expect(statuses == [.ok, .ok, .ok], "a repeat is answered as the first was")
        #expect(try await withdrawals(app).count == 1, "only the first wrote an event")
        let after = try #require(try await app.stores.profiles.profile(userId: "u1", tenant: TestApp.tenant))
        #expect(after.consent["sms"]?.subscribed == false)
    }

    @Test func anUnsubscribeLinkIsRateLimited() async throws {
        let key = SecretKey.generate()
        // No processor: a withdrawal it applied meanwhile would make the last POST a repeat (no event).
        let app = try await sendingApp(key: key, processor: false)
        try await SendFixtures.queueSMS(in: app.stores, tenant: TestApp.tenant)
        let link = Self.unsubscribeLink(key)
        let other = Self.unsubscribeLink(key, channel: .email)
        let answers = try await app.test { client in
            var posts: [Answer] = []
            for _ in 0..<11 {
                posts.append(
                    try await client.post(link, token: nil, body: "List-Unsubscribe=One-Click", contentType: nil)
                )
            }
            let page = try await client.get(link, token: nil)
            let otherLink = try await client.get(other, token: nil)
            app.clock.advance(by: .seconds(6))
            let later = try await client.post(link, token: nil, body: "List-Unsubscribe=One-Click", contentType: nil)
            return (posts: posts, page: page, otherLink: otherLink, later: later)
        }
        #expect(answers.posts.count == 11)
        #expect(answers.posts.prefix(10).allSatisfy { $0.status == .ok })
        let refused = try #require(answers.posts.last)
        #expect(refused.status == .tooManyRequests)
        #expect(refused.code == "rate_limit_exceeded")
        #expect(refused.headers[.retryAfter] == "6")
        #expect(answers.page.status == .tooManyRequests, "the page shares the link's budget")
        #expect(answers.otherLink.status == .ok, "another link has its own")
        #expect(answers.later.status == .ok, "a request comes back every 6 seconds")
        // Each allowed POST wrote (none was applied yet, so none is a repeat); no refused one did.
        let written = try await withdrawals(app)
        #expect(written.count == 11, "\(written.map(\.entry.receivedAt))")
    }

    /// A link mailed before links were sealed: `["u2","hea","hea","HEA","u1","sms"]` and its
    /// HMAC-SHA256, under the secret key of the bytes 0 to 31, as the server that sent it made it.
    @Test func anUnsubscribeLinkSignedBeforeLinksWereSealedStillWorks() async throws {
        let key = try #require(SecretKey(base64: "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="))
        let app = try await sendingApp(key: key)
        try await SendFixtures.queueSMS(in: app.stores, tenant: TestApp.tenant)
        let payload = "WyJ1MiIsImhlYSIsImhlYSIsIkhFQSIsInUxIiwic21zIl0"
        let signature = "g9BTapoJn1SGfxIvr0HI5dSk2qrzFSaVJKS4hzy5q6w"
        // The same payload under an altered signature, and the sealed form with one byte altered.
        let sealed = UnsubscribeSigner(key: key).token(
            for: UnsubscribeSubject(tenant: TestApp.tenant, userId: "u1", channel: .sms)
        )
        let answers = try await app.test { client in
            (
                forged: try await client.post(
                    "/u/\(payload).\(signature.dropLast())A",
                    token: nil,
                    body: "List-Unsubscribe=One-Click",
                    contentType: nil
                ),
                tampered: try await client.post(
                    "/u/" + Self.altered(sealed),
                    token: nil,
                    body: "List-Unsubscribe=One-Click",
                    contentType: nil
                ),
                page: try await client.get("/u/\(payload).\(signature)", token: nil),
                done: try await client.post(
                    "/u/\(payload).\(signature)",
                    token: nil,
                    body: "List-Unsubscribe=One-Click",
                    contentType: nil
                )
            )
        }
        #expect(answers.forged.status == .notFound)
        #expect(answers.tampered.status == .notFound)
        #expect(answers.page.status == .ok)
        #expect(answers.done.status == .ok)
        try await app.processAll()
        let after = try #require(try await app.stores.profiles.profile(userId: "u1", tenant: TestApp.tenant))
        #expect(after.consent["sms"]?.subscribed == false)
    }

    /// A base64url token with the lowest bit of its middle byte flipped.
    /// A fresh one-click link for the test brand's customer and channel, sealed under `key`.
    static func unsubscribeLink(_ key: SecretKey, userId: String = "u1", channel: AssetChannel = .sms) -> String {
        "/u/"
            + UnsubscribeSigner(key: key).token(
                for: UnsubscribeSubject(tenant: TestApp.tenant, userId: userId, channel: channel)
            )
    }

    static func altered(_ token: String) -> String {
        var base64 = token.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        guard var bytes = Data(base64Encoded: base64) else { return token + "x" }
        bytes[bytes.count / 2] ^= 0x01
        return bytes.base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }
}

extension HTTPField.Name {
    // A valid header name written out: the initializer fails only for invalid ones.
    // swift-format-ignore: NeverForceUnwrap
    static let twilioSignature = HTTPField.Name("X-Twilio-Signature")!
}
