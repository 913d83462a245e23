import CairnCore
import CairnStorage
import Foundation

extension ServeCommand {
    /// On SQLite without `CAIRN_SECRET_KEY`: the key file beside the database, made (mode 0600,
    /// a new random key) the first time. Nil on PostgreSQL, whose nodes must share a configured key.
    static func keyFileKey(for database: DatabaseLocation) throws -> SecretKey? {
        guard case .sqlite(let path) = database, path != ":memory:" else { return nil }
        return try keyFile(path + ".key")
    }

    /// Reads the key file, or makes it with a new key, readable by this user alone.
    static func keyFile(_ path: String) throws -> SecretKey {
        if FileManager.default.fileExists(atPath: path) {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8), let key = SecretKey(base64: text)
            else {
                throw CLIError("The key file \(path) does not hold a key; remove it to make a new one.")
            }
            return key
        }
        let key = SecretKey.generate()
        let created = FileManager.default.createFile(
            atPath: path,
            contents: Data((key.base64 + "\n").utf8),
            attributes: [.posixPermissions: 0o600]
        )
        guard created else { throw CLIError("The key file \(path) could not be written.") }
        return key
    }
}
