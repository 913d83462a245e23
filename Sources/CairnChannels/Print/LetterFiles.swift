import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A letter's files, written so that what is on disk after a crash is either whole or absent:
/// each file and its folder are flushed to the disk (`fsync`) before the folder is renamed into
/// place.
enum LetterFiles {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Writes `bytes` to a new file at `path` and flushes it to the disk.
    static func write(_ bytes: [UInt8], to path: String) throws(Failure) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o640)
        guard descriptor >= 0 else { throw failure("cannot create \(path)") }
        defer { close(descriptor) }
        var written = 0
        while written < bytes.count {
            let count = bytes[written...].withUnsafeBytes { raw in
                Glibc.write(descriptor, raw.baseAddress, raw.count)
            }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { throw failure("cannot write \(path)") }
            written += count
        }
        guard fsync(descriptor) == 0 else { throw failure("cannot flush \(path)") }
    }

    /// Flushes a file another program wrote (the PDF renderer's) to the disk.
    static func sync(file path: String) throws(Failure) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw failure("cannot open \(path)") }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw failure("cannot flush \(path)") }
    }

    /// Flushes a folder's entries (a file made or renamed in it) to the disk.
    static func sync(directory path: String) throws(Failure) {
        let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw failure("cannot open \(path)") }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw failure("cannot flush \(path)") }
    }

    /// Makes a folder (and those above it) when missing.
    static func makeDirectory(_ path: String) throws(Failure) {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw Failure(description: "cannot make \(path) (\(error.localizedDescription))")
        }
    }

    /// Renames `from` to `to` (a folder not there yet); false when `to` is there already.
    static func rename(_ from: String, to: String) throws(Failure) -> Bool {
        if Glibc.rename(from, to) == 0 { return true }
        if errno == EEXIST || errno == ENOTEMPTY { return false }
        throw failure("cannot rename \(from) to \(to)")
    }

    static func exists(_ path: String) -> Bool {
        FileManager.default.fileExists(atPath: path)
    }

    static func remove(_ path: String) {
        try? FileManager.default.removeItem(atPath: path)
    }

    private static func failure(_ what: String) -> Failure {
        Failure(description: "\(what): \(String(cString: strerror(errno)))")
    }
}
