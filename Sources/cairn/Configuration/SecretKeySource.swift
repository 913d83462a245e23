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

    /// Reads the key file, or makes it with a new key, readable by this user alone: created with
    /// mode 0600 from the start (`O_EXCL`: a file another process made first is read instead).
    static func keyFile(_ path: String) throws -> SecretKey {
        let key = SecretKey.generate()
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard descriptor >= 0 else {
            guard errno == EEXIST else { throw CLIError("The key file \(path) could not be written.") }
            guard let text = try? String(contentsOfFile: path, encoding: .utf8), let key = SecretKey(base64: text)
            else {
                throw CLIError("The key file \(path) does not hold a key; remove it to make a new one.")
            }
            return key
        }
        let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        do {
            try handle.write(contentsOf: Data((key.base64 + "\n").utf8))
            try handle.synchronize()
        } catch {
            throw CLIError("The key file \(path) could not be written.")
        }
        return key
    }
}
