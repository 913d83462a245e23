import CairnCore
import Testing

/// Issue 23: a send_print lays out the customer's postal address from the spec's identify
/// (`traits.address` and the addressee from title, firstName and lastName), offers it as a merge
/// tag, keeps it with the letter, and without a usable address ends `no_postal_address`.
@Suite struct PrintPlanningTests {
    let tenant = Tenant(clientId: "c", accountId: "a", brandId: "b")
    let now = Timestamp(millisecondsSinceEpoch: 1_700_000_000_000)

    /// The spec's identify example's traits.
    static let specTraits: [String: JSONValue] = [
        "title": "Mr", "firstName": "Fred", "lastName": "Flintsonte",
        "address": [
            "houseNumberOrName": "56", "addressLine1": "A Road", "addressLine2": "Chester",
            "addressLine3": "Cheshire", "postalCode": "CH1ABC",
        ],
    ]

    func plan(
        traits: [String: JSONValue],
        html: String = "<p>Dear {{customer.firstName}}</p>"
    )
        -> Result<[OutboxMessage], EventError>
    {
        let profile = CustomerProfile(
            customerId: "cust",
            tenant: tenant,
            userId: "u1",
            identified: true,
            traits: traits,
            firstSeen: now,
            lastSeen: now
        )
        let asset = Asset(
            tenant: tenant,
            assetId: "letter",
            name: nil,
            channel: .print,
            createdAt: now,
            updatedAt: now,
            archivedAt: nil,
            liveVersion: 1,
            versions: [
                AssetVersion(
                    version: 1,
                    purpose: .transactional,
                    content: ["html": .string(html)],
                    createdAt: now,
                    publishedAt: now
                )
            ]
        )
        return SendPlanner(context: SendContext(defaultChannels: [.print], publicBaseURL: nil, unsubscribe: nil)).plan(
            SendPlanner.Request(
                eventId: EventID.make(at: now),
                body: [:],
                channel: .print,
                assetId: "letter",
                profile: profile,
                asset: asset,
                brandHasProvider: false
            ),
            makeId: { "m1" },
            at: now
        )
    }

    @Test func theSpecsAddressIsLaidOutForTheWindow() throws {
        let address = try #require(PostalAddress(traits: Self.specTraits))
        #expect(address.addressee == "Mr Fred Flintsonte")
        #expect(address.lines == ["56 A Road", "Chester", "Cheshire", "CH1ABC"])
        #expect(address.singleLine == "Mr Fred Flintsonte, 56 A Road, Chester, Cheshire, CH1ABC")
    }

    @Test func aHouseNameIsALineOfItsOwn() throws {
        let address = try #require(
            PostalAddress(traits: [
                "firstName": "Ann",
                "address": [
                    "houseNumberOrName": "Rose Cottage", "addressLine1": "Mill Lane", "postalCode": "AB1 2CD",
                    "country": "United Kingdom",
                ],
            ])
        )
        #expect(address.windowLines == ["Ann", "Rose Cottage", "Mill Lane", "AB1 2CD", "United Kingdom"])
    }

    @Test func aLetterKeepsItsAddressAndOffersItAsAMergeTag() throws {
        let planned = try plan(
            traits: Self.specTraits,
            html: "<p>Dear {{customer.firstName}}</p><pre>{{address.lines}}</pre><p>{{address.singleLine}}</p>"
        ).get()
        let letter = try #require(planned.first)
        #expect(planned.count == 1)
        #expect(letter.to == "Mr Fred Flintsonte, 56 A Road, Chester, Cheshire, CH1ABC")
        #expect(letter.content["address"]?["addressee"] == "Mr Fred Flintsonte")
        #expect(letter.content["address"]?["lines"] == ["56 A Road", "Chester", "Cheshire", "CH1ABC"])
        let html = try #require(letter.content["html"]?.stringValue)
        #expect(html.contains("Dear Fred"))
        #expect(html.contains("<pre>Mr Fred Flintsonte\n56 A Road\nChester\nCheshire\nCH1ABC</pre>"))
        #expect(html.contains("<p>Mr Fred Flintsonte, 56 A Road, Chester, Cheshire, CH1ABC</p>"))
    }

    @Test(arguments: [
        [:] as [String: JSONValue],
        ["address": "56 A Road, Chester"],
        ["address": ["addressLine1": "A Road"]],
        ["address": ["postalCode": "CH1ABC", "addressLine2": "Chester"]],
        ["address": ["addressLine1": "   ", "postalCode": "CH1ABC"]],
    ])
    func withoutAUsableAddressALetterCannotGo(_ traits: [String: JSONValue]) {
        guard case .failure(let error) = plan(traits: traits) else {
            Issue.record("a letter was planned for \(traits)")
            return
        }
        #expect(error.code == "no_postal_address")
    }
}
