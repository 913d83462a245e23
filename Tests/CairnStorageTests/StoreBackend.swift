import CairnStorage
import Foundation

/// The storage backends every contract test runs against.
enum StoreBackend: String, CaseIterable, CustomStringConvertible, Sendable {
    case sqlite

    var description: String { rawValue }

    /// Fresh, empty, migrated stores.
    func makeStores() async throws -> CairnStores {
        switch self {
        case .sqlite:
            return try await CairnStores.open(.sqlite(path: TemporaryFiles.path(named: "contract.sqlite")))
        }
    }
}

enum TemporaryFiles {
    /// A path in a new temporary directory.
    static func path(named name: String) -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "cairn-tests-\(UUID().uuidString)"
        )
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory.appendingPathComponent(name).path
    }
}
