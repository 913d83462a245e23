/// What an asset's content holds, per channel, and the checks it passes when saved:
///
/// - email: `from`, `replyTo`?, `subject`, `html`? and `text`? (one or both); a `from` or
///   `replyTo` without merge tags is one address or blank
/// - sms: `from`?, `body`
/// - push: `title`, `body`, `imageUrl`?, `url`?, `data`? (an object of strings)
/// - print: `html`, `pageSize`? (`A4` or `Letter`)
///
/// Every text field is a Mustache template; `html` fields escape what they insert.
public enum AssetContentRules {
    /// How a field is written and rendered.
    enum Kind {
        case template(MergeTemplate.Escaping)
        /// One of a few words, not a template.
        case choice([String])
        /// An object whose values are text templates.
        case templateObject
    }

    struct Field {
        var name: String
        var kind: Kind
        var required: Bool
    }

    static func fields(of channel: AssetChannel) -> [Field] {
        switch channel {
        case .email:
            return [
                Field(name: "from", kind: .template(.none), required: true),
                Field(name: "replyTo", kind: .template(.none), required: false),
                Field(name: "subject", kind: .template(.none), required: true),
                Field(name: "html", kind: .template(.html), required: false),
                Field(name: "text", kind: .template(.none), required: false),
            ]
        case .sms:
            return [
                Field(name: "from", kind: .template(.none), required: false),
                Field(name: "body", kind: .template(.none), required: true),
            ]
        case .push:
            return [
                Field(name: "title", kind: .template(.none), required: true),
                Field(name: "body", kind: .template(.none), required: true),
                Field(name: "imageUrl", kind: .template(.none), required: false),
                Field(name: "url", kind: .template(.none), required: false),
                Field(name: "data", kind: .templateObject, required: false),
            ]
        case .print:
            return [
                Field(name: "html", kind: .template(.html), required: true),
                Field(name: "pageSize", kind: .choice(["A4", "Letter"]), required: false),
            ]
        }
    }

    /// Checks `content` for `channel` (converting FreeMarker tags first when `freeMarker`) and
    /// returns it as stored: its templates in Mustache, every one compiled.
    public static func validate(
        _ content: JSONValue?,
        channel: AssetChannel,
        freeMarker: Bool = false
    ) throws(AssetRejection) -> JSONValue {
        guard case .object(var fields)? = content else {
            throw AssetRejection(
                code: "invalid_content",
                message: "content must be an object of the \(channel) fields."
            )
        }
        let known = Self.fields(of: channel)
        if let unknown = fields.keys.sorted().first(where: { key in !known.contains { $0.name == key } }) {
            throw AssetRejection(
                code: "unknown_content_field",
                message: "An \(channel) asset has no field \"\(unknown)\"; it has "
                    + known.map(\.name).joined(separator: ", ") + ".",
                field: unknown
            )
        }
        for field in known {
            guard let value = fields[field.name], !value.isNull else {
                if field.required {
                    throw AssetRejection(
                        code: "missing_\(snakeCase(field.name))",
                        message: "An \(channel) asset needs \(field.name).",
                        field: field.name
                    )
                }
                fields[field.name] = nil
                continue
            }
            fields[field.name] = try check(value, field: field, freeMarker: freeMarker)
        }
        if channel == .email, fields["html"] == nil, fields["text"] == nil {
            throw AssetRejection(
                code: "missing_body",
                message: "An email asset needs html, text or both.",
                field: "html"
            )
        }
        if channel == .email {
            try checkAddresses(fields)
        }
        return .object(fields)
    }

    /// An email's `from` and `replyTo` without merge tags are what every send of it will use, so
    /// each must be one address (`Name <a@b.c>` or `a@b.c`, as `MailboxSyntax` reads it) or blank
    /// (the provider's own `from`; no `Reply-To`). What tags render is checked by the sender.
    private static func checkAddresses(_ fields: [String: JSONValue]) throws(AssetRejection) {
        for name in ["from", "replyTo"] {
            guard case .string(let text)? = fields[name], !text.contains("{{"), !MailboxSyntax.isBlank(text),
                MailboxSyntax.parse(text) == nil
            else { continue }
            let reason =
                text.unicodeScalars.contains(where: { $0 == "\r" || $0 == "\n" })
                ? "holds a line break (CR or LF), which an email header cannot"
                : "is not one email address"
            throw AssetRejection(
                code: "invalid_\(snakeCase(name))",
                message: "\(name) \(reason): write one address, such as \"Shop <news@shop.example>\" or "
                    + "news@shop.example, or merge tags that make one.",
                field: name
            )
        }
    }

    private static func check(_ value: JSONValue, field: Field, freeMarker: Bool) throws(AssetRejection) -> JSONValue {
        let invalid = "invalid_\(snakeCase(field.name))"
        switch field.kind {
        case .template(let escaping):
            guard case .string(let text) = value else {
                throw AssetRejection(code: invalid, message: "\(field.name) must be a string.", field: field.name)
            }
            return .string(try compile(text, escaping: escaping, field: field.name, freeMarker: freeMarker).source)
        case .choice(let words):
            guard case .string(let text) = value, words.contains(text) else {
                throw AssetRejection(
                    code: invalid,
                    message: "\(field.name) must be one of " + words.joined(separator: ", ") + ".",
                    field: field.name
                )
            }
            return value
        case .templateObject:
            guard case .object(let entries) = value else {
                throw AssetRejection(
                    code: invalid,
                    message: "\(field.name) must be an object of strings.",
                    field: field.name
                )
            }
            var checked: [String: JSONValue] = [:]
            for (key, entry) in entries {
                let path = "\(field.name).\(key)"
                guard case .string(let text) = entry else {
                    throw AssetRejection(code: invalid, message: "\(path) must be a string.", field: path)
                }
                checked[key] = .string(try compile(text, escaping: .none, field: path, freeMarker: freeMarker).source)
            }
            return .object(checked)
        }
    }

    private static func compile(
        _ text: String,
        escaping: MergeTemplate.Escaping,
        field: String,
        freeMarker: Bool
    ) throws(AssetRejection) -> MergeTemplate {
        do throws(TemplateError) {
            if freeMarker { return try FreeMarkerConverter.compile(text, escaping: escaping) }
            return try MergeTemplate(text, escaping: escaping)
        } catch {
            throw AssetRejection.template(error, field: field)
        }
    }

    /// `replyTo` → `reply_to`, for codes.
    public static func snakeCase(_ name: String) -> String {
        var output = ""
        for character in name {
            if character.isUppercase {
                output += "_" + character.lowercased()
            } else {
                output.append(character)
            }
        }
        return output
    }
}
