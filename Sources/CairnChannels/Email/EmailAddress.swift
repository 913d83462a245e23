import CairnCore

/// A mailbox: an optional display name and an address (`local@domain`, UTF-8 allowed).
public struct EmailAddress: Sendable, Hashable {
    public var name: String?
    public var address: String

    public init(name: String?, address: String) {
        self.name = name
        self.address = address
    }

    /// Parses `Name <a@b.c>`, `"Name, Jr" <a@b.c>`, `<a@b.c>` or `a@b.c`; nil when the text is not
    /// exactly one address (no `@`, a control character such as CR or LF, spaces in the address,
    /// two addresses, …). The grammar is `MailboxSyntax`'s, which asset content is checked against
    /// when saved.
    public init?(parsing text: String) {
        guard let mailbox = MailboxSyntax.parse(text) else { return nil }
        self.init(name: mailbox.name, address: mailbox.address)
    }

    /// The part after the `@`, or "localhost" when there is none.
    var domain: String {
        guard let at = address.lastIndex(of: "@") else { return "localhost" }
        let domain = address[address.index(after: at)...]
        return domain.isEmpty ? "localhost" : String(domain)
    }

    /// Whether the address needs SMTPUTF8 (a non-ASCII character in it).
    var isInternationalized: Bool { address.utf8.contains { $0 >= 0x80 } }

    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        MailboxSyntax.isControl(scalar)
    }

    /// `MailboxSyntax.isValid(address:)`: one `@`, a plain local part, a domain of labels.
    static func isValid(address: Substring) -> Bool {
        MailboxSyntax.isValid(address: address)
    }
}
