import CairnCore
import Testing

@testable import CairnServer

/// The warning at start when unsubscribe links cannot be one-click: Gmail and other mailboxes
/// honour `List-Unsubscribe-Post` only for an https link.
@Suite struct UnsubscribeLinkWarningTests {
    static func sending(publicURL: String?, secretKey: SecretKey? = SecretKey.generate()) -> SendingSettings {
        var sending = SendingSettings()
        sending.publicURL = publicURL
        sending.secretKey = secretKey
        return sending
    }

    @Test func withoutAPublicURLTheLinksAreHTTPAndTheServerSaysSo() throws {
        var http = HTTPSettings()
        http.host = "0.0.0.0"
        http.port = 8080
        let warning = try #require(Self.sending(publicURL: nil).unsubscribeLinkWarning(http: http))
        #expect(warning.contains("--public-url"))
        #expect(warning.contains("CAIRN_PUBLIC_URL"))
        #expect(warning.contains("sending.publicUrl"))
        #expect(warning.contains("http://0.0.0.0:8080"))
        #expect(warning.contains("https"))
        #expect(warning.contains("one-click"))
    }

    @Test func aPlainHTTPPublicURLElsewhereIsWarnedOf() throws {
        let warned = [
            "http://cairn.example.com", "HTTP://cairn.example.com:8080/", "http://10.0.0.5", "http://127.example.com",
        ]
        for url in warned {
            let sending = Self.sending(publicURL: url)
            let warning = try #require(sending.unsubscribeLinkWarning(http: HTTPSettings()), "\(url)")
            #expect(warning.contains(url))
            #expect(warning.contains("CAIRN_PUBLIC_URL"))
        }
    }

    @Test func httpsOrALoopbackHostIsLetBe() {
        let quiet = [
            "https://cairn.example.com", "HTTPS://cairn.example.com/", "http://127.0.0.1:8080", "http://127.1.2.3",
            "http://localhost:8080/", "http://LOCALHOST", "http://cairn.localhost", "http://[::1]:8080",
            "http://user:pass@127.0.0.1:9000",
        ]
        for url in quiet {
            #expect(Self.sending(publicURL: url).unsubscribeLinkWarning(http: HTTPSettings()) == nil, "\(url)")
        }
    }

    @Test func withoutASecretKeyThereAreNoLinksToWarnOf() {
        let sending = Self.sending(publicURL: nil, secretKey: nil)
        #expect(sending.unsubscribeLinkWarning(http: HTTPSettings()) == nil, "the missing key is warned of instead")
    }

    @Test func loopbackIsTheHostNotAnythingInTheURL() {
        #expect(SendingSettings.isLoopback("http://127.0.0.1"))
        #expect(!SendingSettings.isLoopback("http://cairn.example.com/127.0.0.1"))
        #expect(!SendingSettings.isLoopback("http://localhost.example.com"))
        #expect(!SendingSettings.isLoopback("http://127.0.0.1.example.com"))
        #expect(!SendingSettings.isLoopback("http://127.0.0.1@evil.example.com"))
        #expect(!SendingSettings.isLoopback("no scheme"))
    }
}
