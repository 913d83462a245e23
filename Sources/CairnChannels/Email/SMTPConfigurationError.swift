/// An SMTP provider URL that cannot be used; the sentence names the problem and never the password.
public struct SMTPConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
