import CairnStorage
import GRDB
import PostgresNIO

@testable import CairnStorage

/// Runs a statement straight on the stores' database, past the stores: to show what the schema
/// itself refuses.
enum SchemaProbe {
    static func execute(_ sql: String, on stores: CairnStores) async throws {
        if let database = stores.probe as? SQLiteDatabase {
            try await database.pool.write { db in try db.execute(sql: sql) }
        } else if let database = stores.probe as? CairnStorage.PostgresDatabase {
            try await database.query(PostgresQuery(unsafeSQL: sql))
        }
    }
}
