import CairnChannels
import Foundation
import Testing

/// SMTPSettings(url:): what a provider URL means, and that the password never shows.
@Suite struct SMTPSettingsTests {
    @Test func aSubmissionURLWithPercentEncodedCredentials() throws {
        let settings = try SMTPSettings(url: "smtp://mailer%40cairn.example:p%40ss%3Aw%2Frd@smtp.example.com")
        #expect(settings.host == "smtp.example.com")
        #expect(settings.port == 587)
        #expect(settings.security == .startTLSIfOffered)
        #expect(settings.username == "mailer@cairn.example")
        #expect(settings.password == "p@ss:w/rd")
        #expect(settings.caPath == nil)
        #expect(settings.allowInsecureAuth == false)
        #expect(settings.authMechanism == nil)
        #expect(settings.maxConnections == 4)
        #expect(settings.timeouts == SMTPTimeouts())
        #expect(settings.timeouts.dataTermination == .seconds(600))
        #expect(settings.timeouts.dataInitiation == .seconds(120))
        #expect(settings.redactedURL == "smtp://mailer%40cairn.example:***@smtp.example.com:587")
        #expect("\(settings)" == settings.redactedURL)
        #expect(!String(reflecting: settings).contains("p@ss"))
    }

    @Test func implicitTLSAndEveryParameter() throws {
        let settings = try SMTPSettings(
            url: "smtps://u:secret@mail.example.org?ca=/etc/cairn/ca%20file.pem&auth=LOGIN&insecure_auth=true"
                + "&helo=cairn.example.org&max_connections=2"
        )
        #expect(settings.security == .implicitTLS)
        #expect(settings.port == 465)
        #expect(settings.caPath == "/etc/cairn/ca file.pem")
        #expect(settings.authMechanism == .login)
        #expect(settings.allowInsecureAuth)
        #expect(settings.heloName == "cairn.example.org")
        #expect(settings.maxConnections == 2)
        #expect(
            settings.redactedURL
                == "smtps://u:***@mail.example.org:465?ca=/etc/cairn/ca%20file.pem&auth=login&insecure_auth=true"
                + "&helo=cairn.example.org&max_connections=2"
        )
        #expect(try SMTPSettings(url: settings.redactedURL).caPath == settings.caPath)
    }

    @Test func startTLSChoicesPortsAndHosts() throws {
        #expect(try SMTPSettings(url: "smtp://h:25?starttls=required").security == .startTLSRequired)
        #expect(try SMTPSettings(url: "smtp://h:2525/?starttls=never").security == .plain)
        #expect(try SMTPSettings(url: "smtp://h:2525/?starttls=never").port == 2525)
        let literal = try SMTPSettings(url: "SMTP://[::1]:2525")
        #expect(literal.host == "::1")
        #expect(literal.port == 2525)
        #expect(literal.username == nil && literal.password == nil)
        #expect(literal.redactedURL == "smtp://[::1]:2525")
        let userOnly = try SMTPSettings(url: "smtp://apikey@127.0.0.1")
        #expect(userOnly.username == "apikey" && userOnly.password == nil)
        // A raw '@' in the user name (common: user names are addresses) is read up to the last '@'.
        #expect(try SMTPSettings(url: "smtp://me@x.example:pw@h").username == "me@x.example")
    }

    @Test(arguments: [
        "http://h", "smtp://", "smtp://u:pw@", "smtp://h:0", "smtp://h:70000", "smtp://h:port", "smtp://h/path",
        "smtp://h?starttls=maybe", "smtps://h?starttls=required", "smtp://h?auth=cram-md5", "smtp://h?insecure_auth=si",
        "smtp://h?helo=a%20b", "smtp://h?max_connections=0", "smtp://h?colour=blue", "smtp://u:p%zz@h", "smtp://h?ca=",
        "smtp://[::1",
    ])
    func refusesWithASentenceThatHidesThePassword(url: String) {
        let withSecret = url.replacingOccurrences(of: "smtp://", with: "smtp://user:TOPSECRET@")
        for candidate in [url, withSecret] {
            #expect(throws: ProviderError.self) { try SMTPSettings(url: candidate) }
            do {
                _ = try SMTPSettings(url: candidate)
            } catch {
                #expect(error.code == .invalidSettings)
                #expect(!error.description.isEmpty)
                #expect(!error.description.contains("TOPSECRET"))
            }
        }
    }

    @Test(arguments: ["smtp://u:2525?TOPSECRET@h", "smtp://u:ab#TOPSECRET@h", "smtp://u:a/TOPSECRET@h:25"])
    func aRawDelimiterInThePasswordIsNamedWithoutEchoingIt(url: String) {
        do {
            _ = try SMTPSettings(url: url)
            Issue.record("\(url) was accepted")
        } catch {
            #expect(error.description.contains("%2F, %3F, %23"))
            #expect(!error.description.contains("TOPSECRET"))
        }
    }

    @Test func timeoutsAreSettable() throws {
        var settings = try SMTPSettings(url: "smtp://h")
        settings.timeouts.dataTermination = .milliseconds(250)
        settings.timeouts.connect = .seconds(1)
        #expect(settings.timeouts.dataTermination == .milliseconds(250))
        #expect(settings.timeouts != SMTPTimeouts())
    }
}
