import CairnChannels
import CairnCore
import CairnPipeline
import CairnServer
import CairnStorage
import CairnTestFixtures
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

/// A Cairn application on a fresh SQLite file, with the stores it runs on for arranging tokens
/// and checking what was stored, and a manual clock that moves only when a test moves it.
struct TestApp {
    var configuration: AppConfiguration
    var stores: CairnStores
    let clock = ManualClock()

    static let tenant = Tenant(clientId: "hea", accountId: "hea", brandId: "HEA")
    static let base = "/track/hea/hea/HEA/v1"

    init(_ configure: (inout AppConfiguration) -> Void = { _ in }) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "cairn-server-\(UUID().uuidString)"
        )
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var configuration = AppConfiguration()
        configuration.storage.database = .sqlite(path: directory.appendingPathComponent("cairn.sqlite").path)
        configuration.logLevel = .error
        // The peers tests send to are on loopback; the tests of the rule itself set it back.
        configuration.sending.brandProviderRules.allowsPrivateAddresses = true
        configure(&configuration)
        self.configuration = configuration
        self.stores = try await CairnStores.open(configuration.storage.database)
    }

    /// A new token's secret.
    func token(
        client: String = "hea",
        account: String = "hea",
        brand: String? = "HEA",
        rate: Double = 100,
        burst: Int = 500
    ) async throws -> String {
        let scope = TokenScope(clientId: client, accountId: account, brandId: brand)
        let (record, secret) = TokenRecord.issue(scope: scope, rate: rate, burst: burst, now: clock.now())
        try await stores.tokens.insert(record)
        return secret.text
    }

    /// Applies every waiting event to profiles, as the processor service does; returns how many it applied.
    @discardableResult
    func processAll(batchSize: Int = 1000, sends: SendContext = .none) async throws -> Int {
        let processor = EventProcessor(
            store: stores.processing,
            clock: clock,
            sends: sends,
            batchSize: batchSize,
            logger: Logger(label: "test")
        )
        var total = 0
        while true {
            let count = try await processor.processBatch()
            if count == 0 { return total }
            total += count
        }
    }

    func test<Value: Sendable>(_ body: @Sendable (any TestClientProtocol) async throws -> Value) async throws -> Value {
        let app = try await buildApplication(configuration, dependencies: AppDependencies(stores: stores, clock: clock))
        return try await app.test(.router, body)
    }
}

/// A decoded JSON answer.
struct Answer: Sendable {
    let status: HTTPResponse.Status
    let headers: HTTPFields
    let json: JSONValue

    var code: String? { json["code"]?.stringValue }
    var message: String? { json["message"]?.stringValue }
    var eventId: String? { json["eventId"]?.stringValue }
}

extension TestClientProtocol {
    func post(
        _ path: String,
        token: String?,
        body: String,
        contentType: String? = "application/json",
        headers extra: HTTPFields = [:]
    ) async throws -> Answer {
        var headers = extra
        if let token { headers[.authToken] = token }
        if let contentType { headers[.contentType] = contentType }
        return try await execute(uri: path, method: .post, headers: headers, body: ByteBuffer(string: body)) {
            Answer(response: $0)
        }
    }

    func get(_ path: String, token: String?) async throws -> Answer {
        var headers: HTTPFields = [:]
        if let token { headers[.authToken] = token }
        return try await execute(uri: path, method: .get, headers: headers) { Answer(response: $0) }
    }
}

extension Answer {
    init(response: TestResponse) {
        status = response.status
        headers = response.headers
        let bytes = Array(response.body.readableBytesView)
        json = (try? JSONParser.parse(bytes)) ?? .string(String(decoding: bytes, as: UTF8.self))
    }
}

extension HTTPField.Name {
    static let authToken = HTTPField.Name("auth-token")!
}
