import CairnCore
import Testing

/// The processor's checks of a send command, in the order, and the message it makes.
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
            messageId: "m1",
            at: now
        )
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
