public import CairnStorage
import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle

/// The storage backends every contract test runs against: SQLite always, PostgreSQL when
/// `CAIRN_TEST_POSTGRES` names a server (scripts/test.sh starts one; under CI it must).
public enum StoreBackend: String, CaseIterable, CustomStringConvertible, Sendable {
    case sqlite
    case postgres

    public static var allCases: [StoreBackend] {
        TestPostgres.server != nil || TestPostgres.required ? [.sqlite, .postgres] : [.sqlite]
    }

    public var description: String { rawValue }

    /// Fresh, empty, migrated stores, their services (the PostgreSQL pool) running for the rest
    /// of the test process.
    public func makeStores() async throws -> CairnStores {
        let stores: CairnStores
        switch self {
        case .sqlite:
            stores = try await CairnStores.open(.sqlite(path: TemporaryFiles.path(named: "contract.sqlite")))
        case .postgres:
            stores = try await CairnStores.open(.postgres(try await TestPostgres.freshDatabase()))
        }
        // A test has no service group: the pool runs until the test process ends.
        for service in stores.services { Task { try await service.run() } }
        return stores
    }
}

/// The PostgreSQL server of the test run.
public enum TestPostgres {
    public static let server: PostgresLocation? = ProcessInfo.processInfo.environment["CAIRN_TEST_POSTGRES"].flatMap {
        guard case .postgres(let location)? = try? DatabaseLocation(parsing: $0) else { return nil }
        return location
    }
    public static let required = ProcessInfo.processInfo.environment["CI"] == "true"

    struct NotConfigured: Error, CustomStringConvertible {
        var description: String { "CAIRN_TEST_POSTGRES is not set: run scripts/test.sh, which starts a cluster" }
    }

    /// A new, empty database on the test server.
    public static func freshDatabase() async throws -> PostgresLocation {
        guard var location = server else { throw NotConfigured() }
        let name = "cairn_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        let client = PostgresClient(
            configuration: .init(
                host: location.host,
                port: location.port,
                username: location.username,
                password: location.password,
                database: location.database,
                tls: .disable
            ),
            backgroundLogger: {
                var logger = Logger(label: "test-postgres")
                logger.logLevel = .error
                return logger
            }()
        )
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            try await client.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"))
            group.cancelAll()
        }
        location.database = name
        return location
    }
}

public enum TemporaryFiles {
    /// A path in a new temporary directory.
    public static func path(named name: String) -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "cairn-tests-\(UUID().uuidString)"
        )
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory.appendingPathComponent(name).path
    }
}
