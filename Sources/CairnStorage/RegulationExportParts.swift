/// How an access export is kept: in parts, served one at a time, so that neither the store nor
/// the answer holds it whole.
public enum RegulationExportParts {
    /// The bytes of each part but the last.
    public static let size = 256 * 1024

    /// `export` cut into parts.
    static func parts(of export: [UInt8]) -> [ArraySlice<UInt8>] {
        stride(from: 0, to: max(export.count, 1), by: size).map { export[$0..<min($0 + size, export.count)] }
    }
}
