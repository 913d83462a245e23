/// Secrets compared in a time that does not depend on where they differ.
public enum ConstantTime {
    /// Whether `a` and `b` hold the same bytes (a length difference shows; the bytes do not).
    public static func equal(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }
}
