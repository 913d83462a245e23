/// Why an asset's content was refused: a stable code (naming the field where there is one), a
/// sentence, and for a template that does not compile, the field, line and column.
public struct AssetRejection: Error, Sendable, Hashable {
    public var code: String
    public var message: String
    /// The content field at fault (`subject`, `data.deepLink`).
    public var field: String?
    public var line: Int?
    public var column: Int?

    public init(code: String, message: String, field: String? = nil, line: Int? = nil, column: Int? = nil) {
        self.code = code
        self.message = message
        self.field = field
        self.line = line
        self.column = column
    }

    static func template(_ error: TemplateError, field: String) -> AssetRejection {
        AssetRejection(
            code: "template_error",
            message: "The template in \(field) does not compile at line \(error.line), column \(error.column): "
                + "\(error.reason).",
            field: field,
            line: error.line,
            column: error.column
        )
    }
}
