import CairnCore
import Foundation
import Testing

/// The processor's checks of a send command, in the issue's order, and the message it makes.
@Suite struct SendPlannerTests {
    let tenant = Tenant(clientId: "c", accountId: "a", brandId: "b")
    let now = Timestamp(millisecondsSinceEpoch: 1_700_000_000_000)

    func profile(identified: Bool = true, traits: [String: JSONValue], subscribed: Bool? = nil) -> CustomerProfile {
        var consent: [String: ChannelConsent] = [:]
        if let subscribed { consent["email"] = ChannelConsent(subscribed: subscribed, changedAt: now, statedAt: now) }
        return CustomerProfile(
            customerId: "cust",
            tenant: tenant,
            userId: "u1",
            identified: identified,
            traits: traits,
            consent: consent,
            firstSeen: now,
            lastSeen: now
        )
    }

    func asset(
        channel: AssetChannel = .email,
        purpose: AssetPurpose = .marketing,
        live: Bool = true,
        archived: Bool = false
    ) -> Asset {
        let content: JSONValue =
            channel == .email
            ? ["from": "Shop <s@example.com>", "subject": "Hi {{customer.firstName}} {{note}}", "text": "x"]
            : ["body": "Hi"]
        return Asset(
            tenant: tenant,
            assetId: "welcome",
            name: nil,
            channel: channel,
            createdAt: now,
            updatedAt: now,
            archivedAt: archived ? now : nil,
            liveVersion: live ? 1 : nil,
            versions: [AssetVersion(version: 1, purpose: purpose, content: content, createdAt: now, publishedAt: now)]
        )
    }

    func plan(
        _ profile: CustomerProfile,
        _ asset: Asset?,
        channel: AssetChannel = .email,
        configured: Bool = true,
        body: [String: JSONValue] = [:]
    ) -> Result<OutboxMessage, EventError> {
        let planner = SendPlanner(
            context: SendContext(
                defaultChannels: [],
                publicBaseURL: "https://cairn.example.com",
                unsubscribe: UnsubscribeSigner(key: .generate())
            )
        )
        return planner.plan(
            SendPlanner.Request(
                eventId: EventID.make(at: now),
                body: body,
                channel: channel,
                assetId: "welcome",
                profile: profile,
                asset: asset,
                brandHasProvider: configured
            ),
            makeId: { "m1" },
            at: now
        ).map { $0[0] }
    }

    func code(_ result: Result<OutboxMessage, EventError>) -> String? {
        if case .failure(let error) = result { return error.code }
        return nil
    }

    @Test func eachCheckFailsWithItsOwnCodeInOrder() {
        let ready = profile(traits: ["email": "ada@example.org", "firstName": "Ada"], subscribed: true)
        #expect(code(plan(profile(identified: false, traits: [:]), nil)) == "customer_not_identified")
        #expect(code(plan(ready, nil)) == "asset_not_found")
        #expect(code(plan(ready, asset(archived: true))) == "asset_not_found")
        #expect(code(plan(ready, asset(live: false))) == "asset_not_live")
        #expect(code(plan(ready, asset(channel: .sms))) == "asset_channel_mismatch")
        #expect(
            code(plan(profile(traits: ["email": "ada@example.org"], subscribed: false), asset()))
                == "channel_not_subscribed"
        )
        #expect(
            code(plan(profile(traits: ["email": "not an address"], subscribed: true), asset())) == "no_email_address"
        )
        #expect(
            code(
                plan(
                    profile(traits: ["phone": "07700 900123"]),
                    asset(channel: .sms, purpose: .transactional),
                    channel: .sms
                )
            ) == "no_phone_number"
        )
        #expect(code(plan(ready, asset(), configured: false)) == "channel_not_configured")
        #expect(code(plan(ready, asset())) == nil)
    }

    @Test func aTransactionalSendNeedsNoConsentAndAPhoneLosesItsSpaces() throws {
        let result = plan(
            profile(traits: ["phone": " +44 7700 900123 "]),
            asset(channel: .sms, purpose: .transactional),
            channel: .sms
        )
        let message = try result.get()
        #expect(message.to == "+447700900123")
        #expect(message.content["unsubscribeUrl"] == nil, "only marketing messages carry an unsubscribe link")
    }

    @Test func theMessageIsRenderedAndItsHeadersStayOnOneLine() throws {
        let message = try plan(
            profile(traits: ["email": "ada@example.org", "firstName": "Ada"], subscribed: true),
            asset(),
            body: ["note": "x\r\nBcc: victim@example.com"]
        ).get()
        #expect(message.content["subject"] == "Hi Ada x  Bcc: victim@example.com")
        #expect(message.content["unsubscribeUrl"]?.stringValue?.hasPrefix("https://cairn.example.com/u/") == true)
        #expect(message.status == .queued)
        #expect(message.version == 1)
    }

    @Test func anUnsubscribeTokenNamesItsSubjectAndRefusesTampering() throws {
        let signer = UnsubscribeSigner(key: .generate())
        let subject = UnsubscribeSubject(tenant: tenant, userId: "ABC/123", channel: .sms)
        let token = signer.token(for: subject)
        #expect(signer.subject(of: token) == subject)
        #expect(UnsubscribeSigner(key: .generate()).subject(of: token) == nil, "another key's token is refused")
        #expect(signer.subject(of: "x" + token) == nil)
        // Any bit altered (of the version, the nonce, the sealed subject or the tag) is refused.
        let bytes = try #require(Self.base64URLDecoded(token))
        for position in bytes.indices {
            var tampered = bytes
            tampered[position] ^= 0x01
            #expect(signer.subject(of: Self.base64URLEncoded(tampered)) == nil, "byte \(position) altered")
        }
    }

    @Test func anUnsubscribeTokenIsOpaque() throws {
        let signer = UnsubscribeSigner(key: .generate())
        let subject = UnsubscribeSubject(
            tenant: Tenant(clientId: "acme-client", accountId: "acme-account", brandId: "acme-brand"),
            userId: "customer-4711@example.org",
            channel: .email
        )
        let token = signer.token(for: subject)
        #expect(token.utf8.allSatisfy { Self.base64URLAlphabet.contains($0) }, "one base64url part, no padding")
        let bytes = try #require(Self.base64URLDecoded(token))
        let text = String(decoding: bytes, as: UTF8.self)
        for readable in ["customer-4711@example.org", "customer-4711", "acme-client", "acme-account", "acme-brand"] {
            #expect(!text.contains(readable), "\(readable) cannot be read from the token")
            #expect(!token.contains(readable))
        }
        #expect((try? JSONParser.parse(Array(bytes))) == nil, "not JSON")
        #expect(signer.token(for: subject) != token, "each token is new: two links cannot be matched up")
        #expect(signer.subject(of: signer.token(for: subject)) == subject)
    }

    /// Links in emails sent before tokens were sealed: base64url of readable JSON, a dot, its
    /// HMAC-SHA256 under the key derived from this secret key. Written out as the server that
    /// sent them made them, so a change to how they are read cannot go unnoticed.
    @Test func anUnsubscribeTokenSignedBeforeTokensWereSealedStillWorks() throws {
        let key = try #require(SecretKey(base64: Self.legacyKey))
        let subject = UnsubscribeSubject(tenant: tenant, userId: "ABC/123", channel: .sms)
        #expect(UnsubscribeSigner(key: key).subject(of: Self.legacyToken) == subject)
        #expect(UnsubscribeSigner(key: .generate()).subject(of: Self.legacyToken) == nil, "another key's is refused")
        // The readable part changed (another customer) under the old signature is refused.
        let parts = Self.legacyToken.split(separator: ".")
        let otherPayload = Self.base64URLEncoded(Data(#"["u2","c","a","b","someone-else","sms"]"#.utf8))
        let forged = otherPayload + "." + String(parts[1])
        #expect(UnsubscribeSigner(key: key).subject(of: forged) == nil)
        #expect(UnsubscribeSigner(key: key).subject(of: String(parts[0]) + ".") == nil, "no signature")
    }

    /// The secret key the legacy token below was signed under (the bytes 0 to 31).
    static let legacyKey = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="
    /// `["u2","c","a","b","ABC/123","sms"]`, signed under `legacyKey`.
    static let legacyToken =
        "WyJ1MiIsImMiLCJhIiwiYiIsIkFCQy8xMjMiLCJzbXMiXQ.inpxHZ-B2AJIRgUPhovNX4v2ldzGDpOKTt6gxOjlO9Q"

    static let base64URLAlphabet = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    static func base64URLDecoded(_ text: String) -> Data? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        return Data(base64Encoded: base64)
    }

    static func base64URLEncoded(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    @Test func aSecretBoxOpensOnlyWithItsKey() throws {
        let key = SecretKey.generate()
        let sealed = try SecretBox(key: key).seal(Array("authToken".utf8))
        #expect(try SecretBox(key: key).open(sealed) == Array("authToken".utf8))
        #expect(!String(decoding: sealed, as: UTF8.self).contains("authToken"))
        #expect(throws: SecretBoxError.self) { try SecretBox(key: .generate()).open(sealed) }
        #expect(SecretKey(base64: key.base64)?.base64 == key.base64)
    }
}
