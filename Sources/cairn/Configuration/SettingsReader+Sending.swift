import CairnChannels
import CairnCore
import CairnServer
import CairnStorage
import Foundation

/// The sending section: the public URL, the server-wide providers and the retry settings.
extension SettingsReader {
    func sending() async throws -> SendingSettings {
        var sending = SendingSettings()
        if let enabled = try await switchValue(Settings.outbox) { sending.enabled = enabled }
        if let url = try await string(Settings.publicURL), !url.isEmpty {
            guard url.hasPrefix("http://") || url.hasPrefix("https://") else {
                throw CLIError("\(source(of: Settings.publicURL)) must be an http:// or https:// URL.")
            }
            sending.publicURL = url
        }
        if let text = try await string(Settings.secretKey), !text.isEmpty {
            guard let key = SecretKey(base64: text) else {
                throw CLIError(
                    "\(source(of: Settings.secretKey)) must be 32 random bytes in base64 "
                        + "(make one with: openssl rand -base64 32)."
                )
            }
            sending.secretKey = key
        }
        let smtpURL = try await string(Settings.smtpURL) ?? ""
        try await refuseWithout(Settings.smtpURL, present: !smtpURL.isEmpty, [Settings.smtpFrom])
        if !smtpURL.isEmpty {
            var json: [String: JSONValue] = ["provider": "smtp", "url": .string(smtpURL)]
            if let from = try await string(Settings.smtpFrom) { json["from"] = .string(from) }
            do {
                sending.defaultProviders.append(try ProviderSettings(json: .object(json), channel: .email))
            } catch {
                throw CLIError("\(source(of: Settings.smtpURL)): \(error)")
            }
        }
        let sid = try await string(Settings.twilioAccountSid) ?? ""
        try await refuseWithout(
            Settings.twilioAccountSid,
            present: !sid.isEmpty,
            [Settings.twilioAuthToken, Settings.twilioFrom, Settings.twilioBaseURL]
        )
        if !sid.isEmpty {
            var json: [String: JSONValue] = ["provider": "twilio", "accountSid": .string(sid)]
            if let token = try await string(Settings.twilioAuthToken) { json["authToken"] = .string(token) }
            if let from = try await string(Settings.twilioFrom) { json["from"] = .string(from) }
            if let base = try await string(Settings.twilioBaseURL) { json["baseUrl"] = .string(base) }
            do {
                sending.defaultProviders.append(try ProviderSettings(json: .object(json), channel: .sms))
            } catch {
                throw CLIError("\(source(of: Settings.twilioAccountSid)): \(error)")
            }
        }
        try await readPush(into: &sending)
        let defaults = RetryPolicy()
        let attempts = try await int(Settings.sendAttempts) ?? defaults.maxAttempts
        guard (1...100).contains(attempts) else { throw CLIError("The send attempts must be between 1 and 100.") }
        let base = try await int(Settings.sendRetryBase) ?? Int(defaults.baseSeconds * 1000)
        guard base >= 0 else { throw CLIError("The send retry base must be zero or more milliseconds.") }
        sending.retry = RetryPolicy(maxAttempts: attempts, baseSeconds: Double(base) / 1000)
        if let lease = try await int(Settings.sendLease) {
            guard (1...86_400).contains(lease) else {
                throw CLIError("The send lease must be between 1 second and a day (86400).")
            }
            sending.lease = .seconds(lease)
        }
        if let allowed = try await switchValue(Settings.allowPrivateURLs) {
            sending.brandProviderRules.allowsPrivateAddresses = allowed
        }
        if let days = try await int(Settings.pushDeviceExpiry) {
            guard (1...3650).contains(days) else {
                throw CLIError("\(source(of: Settings.pushDeviceExpiry)) must be between 1 and 3650 days.")
            }
            sending.pushDeviceExpiry = .seconds(days * 86_400)
        }
        if let directory = try await string(Settings.caDirectory), !directory.isEmpty {
            guard directory.hasPrefix("/") else {
                throw CLIError("\(source(of: Settings.caDirectory)) must be an absolute path.")
            }
            sending.brandProviderRules.caDirectory = directory
        }
        return sending
    }

    /// The default print provider (a spool) and the PDF renderer; on SQLite the spool defaults to
    /// `letters/` beside the database.
    func readPrint(into sending: inout SendingSettings, database: DatabaseLocation) async throws {
        var spool = try await string(Settings.printSpool).flatMap { $0.isEmpty ? nil : $0 }
        if let given = spool, !given.hasPrefix("/") {
            throw CLIError("\(source(of: Settings.printSpool)) must be an absolute path.")
        }
        if spool == nil, case .sqlite(let path) = database, path != ":memory:", !path.isEmpty {
            let absolute = URL(fileURLWithPath: path).standardizedFileURL
            spool = absolute.deletingLastPathComponent().appendingPathComponent("letters").path
        }
        if let spool {
            sending.brandProviderRules.printSpool = spool
            sending.defaultProviders.append(.print(try PrintSettings(delivery: .spool(directory: spool))))
        }
        if let renderer = try await string(Settings.printPDFRenderer), !renderer.isEmpty {
            guard FileManager.default.isExecutableFile(atPath: renderer) else {
                throw CLIError("\(source(of: Settings.printPDFRenderer)): \(renderer) is not an executable file.")
            }
            sending.pdfRenderer = renderer
        }
    }

    /// The default push provider: FCM from a service account's key file, Web Push with a subject.
    private func readPush(into sending: inout SendingSettings) async throws {
        if let subject = try await string(Settings.vapidSubject), !subject.isEmpty {
            do {
                try PushSettings.checkSubject(subject)
            } catch {
                throw CLIError("\(source(of: Settings.vapidSubject)): \(error)")
            }
            sending.vapidSubject = subject
        }
        var fcm: PushSettings.FCM?
        if let path = try await string(Settings.fcmServiceAccount), !path.isEmpty {
            let json: JSONValue
            do {
                json = try JSONParser.parse(Array(try Data(contentsOf: URL(fileURLWithPath: path))))
            } catch {
                throw CLIError("\(source(of: Settings.fcmServiceAccount)): \(path) cannot be read as JSON (\(error)).")
            }
            do {
                fcm = try PushSettings.FCM(account: try FCMServiceAccount(json: json))
            } catch {
                throw CLIError("\(source(of: Settings.fcmServiceAccount)): \(error)")
            }
        }
        guard fcm != nil || sending.vapidSubject != nil else { return }
        sending.defaultProviders.append(.push(try PushSettings(fcm: fcm, webPushSubject: sending.vapidSubject)))
    }

    /// Refuses settings of a default provider given without the one that makes the provider
    /// (they would be ignored without a word).
    private func refuseWithout(_ required: Setting, present: Bool, _ dependents: [Setting]) async throws {
        guard !present else { return }
        for dependent in dependents where try await string(dependent) != nil {
            throw CLIError(
                "\(source(of: dependent)) belongs to a default provider that needs "
                    + "--\(required.flag) (\(required.environment)) too."
            )
        }
    }
}
