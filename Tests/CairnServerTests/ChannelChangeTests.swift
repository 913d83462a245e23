import CairnChannels
import CairnCore
import CairnServer
import CairnStorage
import CairnTestFixtures
import HTTPTypes
import HummingbirdTesting
import Logging
import Synchronization
import Testing

@testable import CairnPipeline

/// Issue 22: a send claimed after `PUT …/channels/{channel}` answered 200 goes through the
/// provider it set, with a directory of senders that had already sent through the old one.
@Suite struct ChannelChangeTests {
    static let brand = "/admin/v1/brands/hea/hea/HEA"
    static let first = "https://first.example.com"
    static let second = "https://second.example.com"

    /// The providers senders were made for, and each send's, in order.
    final class ProviderLog: Sendable {
        final class Sender: ChannelSender {
            let baseURL: String
            let log: ProviderLog

            init(baseURL: String, log: ProviderLog) {
                self.baseURL = baseURL
                self.log = log
            }

            func send(_ message: OutboxMessage) async -> SendOutcome {
                log.sends.withLock { $0.append(baseURL) }
                return .sent(providerMessageId: nil)
            }

            func shutdown() async {}
        }

        let sends = Mutex<[String]>([])

        func make(_ settings: ProviderSettings) -> any ChannelSender {
            switch settings {
            case .smtp(let url, _, _): return Sender(baseURL: url, log: self)
            case .twilio(let twilio): return Sender(baseURL: twilio.baseURL, log: self)
            case .push(let push): return Sender(baseURL: push.fcm?.baseURL ?? "webpush", log: self)
            case .print(let print): return Sender(baseURL: print.provider, log: self)
            }
        }
    }

    static let sid = "AC" + String(repeating: "c", count: 32)

    static func smsBody(_ baseURL: String) -> String {
        """
        {"provider":"twilio","accountSid":"\(sid)","authToken":"brand-token","from":"+15005550006",\
        "baseUrl":"\(baseURL)"}
        """
    }

    @Test func aSendAfterThePutAnsweredGoesThroughTheNewProvider() async throws {
        let key = SecretKey.generate()
        let app = try await TestApp { configuration in
            configuration.sending.secretKey = key
            // The test sends itself, through its own directory over the app's stores.
            configuration.sending.enabled = false
        }
        let (record, secret) = AdminTokenRecord.issue(name: "ops", now: app.clock.now())
        try await app.stores.adminTokens.insert(record)
        let admin = secret.text
        try await SendFixtures.queueSMS(in: app.stores, count: 2, tenant: TestApp.tenant, at: app.clock.now())
        let log = ProviderLog()
        let providers = ChannelProviders(
            store: app.stores.channels,
            box: SecretBox(key: key),
            defaults: [],
            logger: Logger(label: "providers")
        ) { log.make($0) }
        let clock = app.clock
        let outbox = app.stores.outbox
        let dispatcher = OutboxDispatcher(
            store: outbox,
            senders: providers,
            clock: clock,
            logger: Logger(label: "outbox")
        )
        let sendNext: @Sendable () async throws -> Void = {
            let claimed = try await outbox.claim(OutboxClaim(limit: 1, now: clock.now(), lease: .seconds(3600)))
            await dispatcher.deliver(try #require(claimed.first))
        }

        let (put, putAgain) = try await app.test { client in
            let put = try await client.admin(
                .put,
                Self.brand + "/channels/sms",
                token: admin,
                body: Self.smsBody(Self.first)
            )
            try await sendNext()
            let putAgain = try await client.admin(
                .put,
                Self.brand + "/channels/sms",
                token: admin,
                body: Self.smsBody(Self.second)
            )
            try await sendNext()
            return (put, putAgain)
        }
        #expect(put.status == .ok)
        #expect(putAgain.status == .ok)
        let sends = log.sends.withLock { $0 }
        #expect(sends == [Self.first, Self.second], "the second send, claimed after the second PUT, uses its provider")
    }
}
