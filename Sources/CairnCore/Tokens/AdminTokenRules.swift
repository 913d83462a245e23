/// What an admin token's name may be, checked alike by the CLI and the admin API.
public enum AdminTokenRules {
    /// A sentence saying what is wrong with `name`, nil when it may be used.
    public static func nameProblem(_ name: String) -> String? {
        guard
            name.isEmpty || name.utf8.count > 200
                || name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else { return nil }
        return "name must be 1 to 200 bytes of text without control characters."
    }
}
