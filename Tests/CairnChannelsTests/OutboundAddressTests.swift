import AsyncHTTPClient
import CairnCore
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization
import Testing

@testable import CairnChannels

/// Issue 22: providers a brand sets may not reach loopback, private or link-local addresses,
/// judged by the address connected to (resolved by Cairn, then connected to by address).
@Suite struct OutboundAddressTests {
    @Test(arguments: [
        ("127.0.0.1", false), ("127.9.9.9", false), ("10.0.0.5", false), ("172.16.0.1", false),
        ("172.31.255.255", false), ("172.32.0.1", true), ("192.168.1.1", false), ("169.254.169.254", false),
        ("100.64.0.1", false), ("0.0.0.0", false), ("224.0.0.1", false), ("255.255.255.255", false),
        ("198.18.0.1", false), ("8.8.8.8", true), ("93.184.216.34", true), ("::1", false), ("::", false),
        ("fe80::1", false), ("fd00::1", false), ("fc00::1", false), ("ff02::1", false),
        ("::ffff:127.0.0.1", false), ("::ffff:10.0.0.1", false), ("::ffff:8.8.8.8", true),
        ("64:ff9b::a9fe:a9fe", false), ("2002:7f00:1::", false), ("2001:4860:4860::8888", true),
    ])
    func addressRanges(_ ip: String, _ isPublic: Bool) throws {
        let address = try SocketAddress(ipAddress: ip, port: 80)
        #expect(AddressRange.isPublic(address) == isPublic, "\(ip)")
        #expect(OutboundAddressPolicy.publicOnly.allows(address) == isPublic)
        #expect(OutboundAddressPolicy.anyAddress.allows(address))
    }

    @Test func aNameThatResolvesToLoopbackIsRefusedBeforeAnyConnection() async throws {
        await #expect(throws: OutboundAddressResolver.Refusal.self) {
            try await OutboundAddressResolver.addresses(host: "localhost", port: 80, policy: .publicOnly)
        }
        let allowed = try await OutboundAddressResolver.addresses(host: "localhost", port: 80, policy: .anyAddress)
        #expect(allowed.allSatisfy { !AddressRange.isPublic($0) })
    }

    /// A brand's Twilio base URL whose name resolves to loopback: the send fails as misconfigured
    /// (permanent) and the peer listening there receives nothing.
    @Test func aBrandsTwilioAtALoopbackNameIsNotPosted() async throws {
        try await TwilioFake.with { fake in
            var settings = try TwilioFake.settings(baseURL: "http://localhost:\(fake.port)")
            settings.addressPolicy = .publicOnly
            let client = TwilioClient(settings: settings, logger: Logger(label: "test"))
            let error = try await TwilioClientTests.failure(client, SMSRequest(to: "+15551234567", body: "x"))
            await client.shutdown()
            #expect(error.code == .misconfigured)
            #expect(error.kind == .permanent)
            #expect(error.message.contains("localhost resolves only to loopback"), "\(error.message)")
            #expect(!error.message.contains("127.0.0.1"), "a brand's admin is not told the network's addresses")
            #expect(error.message.contains("--allow-private-urls"))
            #expect(try fake.messages(to: "+15551234567").isEmpty)
        }
    }

    /// A brand's SMTP server at a loopback name: refused before connecting (nothing listens on the
    /// port, so a connection would have failed as transient instead).
    @Test func aBrandsSMTPServerAtALoopbackNameIsNotConnectedTo() async throws {
        let listener = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        let port = try #require(listener.localAddress?.port)
        try await listener.close()
        var settings = try SMTPSettings(url: "smtp://localhost:\(port)")
        settings.addressPolicy = .publicOnly
        let client = SMTPClient(settings: settings, logger: Logger(label: "test"))
        let email = SMTPClientSecurityTests.email(to: "ok@example.com")
        let error = try #require(await SMTPClientSecurityTests.failure(client, email))
        await client.shutdown()
        #expect(error.code == .misconfigured)
        #expect(error.kind == .permanent)
        #expect(error.message.contains("localhost resolves only to loopback"), "\(error.message)")
    }

    /// The pinned client connects to the address it checked while the request still names the
    /// host: a name only the test's resolver knows reaches the peer, so AsyncHTTPClient did not
    /// look it up again.
    @Test func aPinnedClientConnectsToTheAddressItChecked() async throws {
        try await TwilioFake.with { fake in
            let asked = Mutex<[String]>([])
            let pinned = PinnedHTTPClient(
                allows: { address in
                    asked.withLock { $0.append(address.ipAddress ?? "") }
                    return true
                },
                resolve: { host, port in
                    host == "pinned.invalid" ? [try SocketAddress(ipAddress: "127.0.0.1", port: port)] : []
                },
                grace: .seconds(1)
            )
            do {
                let url =
                    "http://pinned.invalid:\(fake.port)/2010-04-01/Accounts/\(TwilioFake.accountSid)/Messages.json"
                let client = try await pinned.client(for: url)
                #expect(try await pinned.client(for: url) === client, "checked again only after a while")
                var request = HTTPClientRequest(url: url)
                request.method = .POST
                let credentials = Data("\(TwilioFake.accountSid):\(TwilioFake.authToken)".utf8).base64EncodedString()
                request.headers.add(name: "Authorization", value: "Basic \(credentials)")
                request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
                request.body = .bytes(ByteBuffer(string: "To=%2B15551239999&From=%2B15005550006&Body=pinned"))
                let response = try await client.execute(request, timeout: .seconds(10))
                #expect(response.status == .created)
                #expect(try fake.messages(to: "+15551239999").map(\.form["Body"]) == ["pinned"])
                #expect(asked.withLock { $0 } == ["127.0.0.1"])
                await pinned.shutdown()
                await #expect(throws: OutboundAddressResolver.Refusal.self) { try await pinned.client(for: url) }
            } catch {
                await pinned.shutdown()
                throw error
            }
        }
    }
}

@Suite struct BrandProviderRulesTests {
    static func twilio(_ baseURL: String) throws -> ProviderSettings {
        .twilio(try TwilioFake.settings(baseURL: baseURL))
    }

    static func smtp(_ url: String) throws -> ProviderSettings {
        try ProviderSettings(json: ["provider": "smtp", "url": .string(url)], channel: .email)
    }

    @Test(arguments: [
        "http://169.254.169.254", "http://10.0.0.5:8080", "http://[::1]:9000", "http://localhost:80",
        "http://api.localhost", "http://127.0.0.1", "http://[fd00::5]",
    ])
    func aPrivateAddressIsRefusedWhenSaved(_ baseURL: String) throws {
        let settings = try Self.twilio(baseURL)
        do throws(BrandProviderRules.Refusal) {
            try BrandProviderRules().check(settings)
            Issue.record("\(baseURL) was allowed")
        } catch {
            #expect(error.code == "private_address")
        }
        try BrandProviderRules(allowsPrivateAddresses: true).check(settings)
    }

    @Test func publicAddressesAndNamesAreSaved() throws {
        try BrandProviderRules().check(try Self.twilio("https://api.twilio.com"))
        try BrandProviderRules().check(try Self.twilio("http://8.8.8.8"))
        try BrandProviderRules().check(try Self.smtp("smtp://smtp.example.com:587"))
        #expect(throws: BrandProviderRules.Refusal.self) {
            try BrandProviderRules().check(try Self.smtp("smtp://127.0.0.1:25"))
        }
    }

    @Test func aBrandsSendersConnectOnlyWherePublicAndReadCAFilesFromTheDirectory() throws {
        let rules = BrandProviderRules(caDirectory: "/etc/cairn/ca")
        guard case .smtp(_, let smtp, _) = try rules.applied(to: try Self.smtp("smtps://smtp.example.com?ca=corp.pem"))
        else {
            Issue.record("not smtp")
            return
        }
        #expect(smtp.addressPolicy == .publicOnly)
        #expect(smtp.caPath == "/etc/cairn/ca/corp.pem")
        guard case .twilio(let twilio) = try rules.applied(to: try Self.twilio("https://api.twilio.com")) else {
            Issue.record("not twilio")
            return
        }
        #expect(twilio.addressPolicy == .publicOnly)
        let open = BrandProviderRules(allowsPrivateAddresses: true)
        guard case .twilio(let trusted) = try open.applied(to: try Self.twilio("http://127.0.0.1")) else { return }
        #expect(trusted.addressPolicy == .anyAddress)
    }

    @Test(arguments: ["/etc/passwd", "../secret.pem", "sub/x.pem", ".hidden"])
    func aCAFileOutsideTheDirectoryIsRefused(_ ca: String) throws {
        let settings = try Self.smtp("smtps://smtp.example.com?ca=" + ca)
        for rules in [BrandProviderRules(), BrandProviderRules(caDirectory: "/etc/cairn/ca")] {
            do throws(BrandProviderRules.Refusal) {
                try rules.check(settings)
                Issue.record("\(ca) was allowed")
            } catch {
                #expect(error.code == "ca_not_allowed")
            }
            #expect(throws: BrandProviderRules.Refusal.self) { try rules.applied(to: settings) }
        }
    }
}
