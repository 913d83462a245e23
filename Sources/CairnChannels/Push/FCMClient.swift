import AsyncHTTPClient
public import CairnCore
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// Sends pushes to Android and iOS apps through Firebase Cloud Messaging's HTTP v1 API:
/// `POST {baseURL}/v1/projects/{project_id}/messages:send` with a bearer token from the brand's
/// service account (`GoogleAccessTokens`, shared by every send). Its errors say what the outbox
/// should do: `UNREGISTERED` removes the device; `QUOTA_EXCEEDED`, `UNAVAILABLE` and
/// `INTERNAL` (429 and 5xx) are tried again, after `Retry-After` when FCM gives one;
/// `INVALID_ARGUMENT`, `SENDER_ID_MISMATCH` and `THIRD_PARTY_AUTH_ERROR` fail for good. A token
/// refused (401) is fetched again, once.
public final class FCMClient: Sendable {
    /// FCM's own address.
    public static let defaultBaseURL = "https://fcm.googleapis.com"
    static let maximumAnswerBytes = 1 << 20

    let account: FCMServiceAccount
    let tokens: GoogleAccessTokens
    private let baseURL: String
    private let http: ProviderHTTPClient
    private let timeout: Duration
    private let clock: any CairnClock

    public init(
        account: FCMServiceAccount,
        tokens: GoogleAccessTokens,
        baseURL: String = FCMClient.defaultBaseURL,
        addressPolicy: OutboundAddressPolicy = .anyAddress,
        timeout: Duration = .seconds(30),
        clock: any CairnClock = SystemClock()
    ) {
        self.account = account
        self.tokens = tokens
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        self.baseURL = base
        self.http = ProviderHTTPClient(policy: addressPolicy, shared: .shared, grace: timeout + .seconds(10))
        self.timeout = timeout
        self.clock = clock
    }

    var sendURL: String { "\(baseURL)/v1/projects/\(account.projectId)/messages:send" }

    /// Sends `notification` to the app holding `deviceToken`; FCM's name for the message.
    public func send(_ notification: PushNotification, to deviceToken: String) async throws(ProviderError) -> String {
        let access = try await tokens.token()
        do {
            return try await post(notification, to: deviceToken, access: access)
        } catch let error where error.httpStatus == 401 && error.providerStatus != "THIRD_PARTY_AUTH_ERROR" {
            // The token was refused: fetched again, once.
            tokens.invalidate(access)
            return try await post(notification, to: deviceToken, access: try await tokens.token())
        }
    }

    public func shutdown() async {
        await http.shutdown()
        await tokens.shutdown()
    }

    /// The message as FCM v1 takes it.
    static func body(_ notification: PushNotification, token: String) -> JSONValue {
        var shown: [String: JSONValue] = ["title": .string(notification.title), "body": .string(notification.body)]
        if let image = notification.imageURL { shown["image"] = .string(image) }
        var data = notification.data
        if let url = notification.url { data["url"] = url }
        var message: [String: JSONValue] = ["token": .string(token), "notification": .object(shown)]
        if !data.isEmpty { message["data"] = .object(data.mapValues(JSONValue.string)) }
        return ["message": .object(message)]
    }

    private func post(
        _ notification: PushNotification,
        to deviceToken: String,
        access: String
    ) async throws(ProviderError) -> String {
        let client = try await http.client(for: sendURL, provider: "FCM")
        let request: HTTPClient.Request
        do {
            request = try HTTPClient.Request(
                url: sendURL,
                method: .POST,
                headers: ["Authorization": "Bearer " + access, "Content-Type": "application/json"],
                body: .bytes(Self.body(notification, token: deviceToken).encoded())
            )
        } catch {
            throw .misconfigured("FCM: the send URL cannot be used (\(error))")
        }
        let answer = try await HTTPExchange.send(
            request,
            client: client,
            maximumAnswerBytes: Self.maximumAnswerBytes,
            timeout: timeout,
            clock: clock,
            provider: "FCM"
        )
        let json = try? JSONParser.parse(Array(answer.body.readableBytesView))
        if (200..<300).contains(answer.status) {
            return json?["name"]?.stringValue ?? ""
        }
        throw Self.failure(status: answer.status, json: json, retryAfter: answer.headers.first(name: "Retry-After"))
    }

    /// FCM's error answer as what to do: `{"error":{"code","message","status","details":[{"errorCode"}]}}`.
    static func failure(status: Int, json: JSONValue?, retryAfter: String?) -> ProviderError {
        let error = json?["error"]
        let details = error?["details"]?.arrayValue ?? []
        let name = details.compactMap { $0["errorCode"]?.stringValue }.first ?? error?["status"]?.stringValue
        let words = error?["message"]?.stringValue ?? "HTTP \(status)"
        var failure = ProviderError(
            code: .rejected,
            kind: .permanent,
            message: "FCM refused the push (\(name ?? "HTTP \(status)")): \(words)",
            httpStatus: status
        )
        failure.providerStatus = name
        switch (status, name) {
        case (_, "UNREGISTERED"):
            // Only FCM's own word for a token that is gone: a 404 from a wrong project or
            // address says nothing of the device, and must not empty every customer's list.
            failure.removesDevice = true
        case (429, _), (500..<600, _), (_, "QUOTA_EXCEEDED"), (_, "UNAVAILABLE"), (_, "INTERNAL"):
            failure.kind = .transient
            failure.retryAfter = retryAfter.flatMap(Int.init).map { .seconds(max(0, $0)) }
        default:
            break
        }
        return failure
    }
}
