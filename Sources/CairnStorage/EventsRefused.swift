/// A processor batch that failed because of what its events hold (a value the database
/// refuses, a row that cannot be read back), not because the database is away or busy. The
/// processor answers it by trying the batch's first event alone and, if it keeps failing,
/// setting that event aside; any other error means "wait and try again".
public struct EventsRefused: Error, Sendable, CustomStringConvertible {
    /// The first event of the refused batch, in log order.
    public var sequence: Int64
    public var reason: String

    public init(sequence: Int64, reason: String) {
        self.sequence = sequence
        self.reason = reason
    }

    public var description: String { "the batch starting at event \(sequence) was refused: \(reason)" }
}
