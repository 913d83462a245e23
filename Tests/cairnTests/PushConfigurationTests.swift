import ArgumentParser
import CairnChannels
import CairnCore
import CairnServer
import CairnTestFixtures
import Foundation
import Testing
import _CryptoExtras

@testable import cairn

/// Issue 23's settings: the default push provider from a service account's key file and a VAPID
/// subject, each refused with a sentence when it cannot work (and the key never in it).
@Suite struct PushConfigurationTests {
    func configuration(_ arguments: [String] = [], environment: [String: String] = [:]) async throws -> AppConfiguration
    {
        try await ServeCommand.parse(arguments).appConfiguration(environment: environment)
    }

    func keyFile(_ json: String) throws -> String {
        let path = try TemporaryDirectory.make().appendingPathComponent("firebase.json").path
        try json.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func aServiceAccountAndASubjectMakeTheDefaultPushProvider() async throws {
        let key = try _RSA.Signing.PrivateKey(keySize: .bits2048).pemRepresentation
        let account = """
            {"type":"service_account","project_id":"shop-app","client_email":"push@shop-app.example",
             "token_uri":"https://oauth2.googleapis.com/token","private_key":\(String(reflecting: key))}
            """
        let path = try keyFile(account)
        let both = try await configuration(
            ["--fcm-service-account", path],
            environment: ["CAIRN_VAPID_SUBJECT": "mailto:push@shop.example"]
        )
        #expect(both.sending.vapidSubject == "mailto:push@shop.example")
        guard case .push(let push)? = both.sending.defaultProviders.first(where: { $0.channel == .push })
        else {
            Issue.record("no default push provider")
            return
        }
        #expect(push.fcm?.account.projectId == "shop-app")
        #expect(push.fcm?.baseURL == "https://fcm.googleapis.com")
        #expect(push.webPushSubject == "mailto:push@shop.example")
        let subjectOnly = try await configuration(["--vapid-subject", "https://shop.example/contact"])
        #expect(subjectOnly.sending.defaultProviders.filter { $0.channel == .push }.map(\.provider) == ["webpush"])
        let plain = try await configuration().sending.defaultProviders
        #expect(!plain.contains { $0.channel == .push }, "no push provider unless one is set")
        #expect(plain.map(\.provider) == ["spool"], "on SQLite, letters go to a spool beside the database")
    }

    @Test func pushSettingsThatCannotWorkAreRefusedWithASentence() async throws {
        do {
            _ = try await configuration(["--vapid-subject", "push@shop.example"])
            Issue.record("a subject that is no URL was taken")
        } catch let error as CLIError {
            #expect(error.description.hasPrefix("--vapid-subject: The Web Push subject must be a mailto:"))
        }
        do {
            _ = try await configuration(environment: ["CAIRN_FCM_SERVICE_ACCOUNT": "/nonexistent/firebase.json"])
            Issue.record("a missing key file was taken")
        } catch let error as CLIError {
            #expect(error.description.hasPrefix("CAIRN_FCM_SERVICE_ACCOUNT: /nonexistent/firebase.json cannot be read"))
        }
        let notAKey = try keyFile(
            #"{"type":"service_account","project_id":"p","client_email":"e","token_uri":"https://t","private_key":"SECRET-NOT-A-KEY"}"#
        )
        do {
            _ = try await configuration(["--fcm-service-account", notAKey])
            Issue.record("a key file without an RSA key was taken")
        } catch let error as CLIError {
            #expect(error.description.contains("private_key is not an RSA private key"))
            #expect(!error.description.contains("SECRET-NOT-A-KEY"))
        }
    }
}
