/// Renders an asset version's content for one send or preview: every template field filled
/// from the merge data, other fields as they are. Pure: no I/O.
public enum AssetRenderer {
    public struct Rendered: Sendable, Hashable {
        /// The content with every template rendered.
        public var content: JSONValue
        /// Tags that found no value, field by field order.
        public var missingTags: [String]
    }

    /// Throws `AssetRejection` (`template_error`) for content saved before a check it no longer passes,
    /// and for a template that would render without end in sight for this data (`TemplateRenderLimit`).
    /// With `templates`, the content is the published version `version` and its compiled
    /// templates are taken from (and kept in) that cache.
    public static func render(
        _ content: JSONValue,
        channel: AssetChannel,
        data: MergeData,
        version: TemplateCache.Key? = nil,
        templates: TemplateCache? = nil
    ) throws(AssetRejection)
        -> Rendered
    {
        guard case .object(let fields) = content else { return Rendered(content: content, missingTags: []) }
        var rendered = fields
        var missing: [String] = []
        var listed: Set<String> = []
        func fill(_ text: String, escaping: MergeTemplate.Escaping, field: String) throws(AssetRejection) -> JSONValue {
            let template: MergeTemplate
            do throws(TemplateError) {
                template =
                    if let templates, let version {
                        try templates.template(version, field: field, source: text, escaping: escaping)
                    } else {
                        try MergeTemplate(text, escaping: escaping)
                    }
            } catch {
                throw AssetRejection.template(error, field: field)
            }
            for tag in template.missingTags(in: data) {
                if listed.insert(tag).inserted { missing.append(tag) }
            }
            do throws(TemplateRenderLimit) {
                let text = try template.render(data)
                return .string(text)
            } catch {
                throw AssetRejection(
                    code: "template_error",
                    message: "The template in \(field) cannot be rendered for this data: \(error.reason).",
                    field: field
                )
            }
        }
        for field in AssetContentRules.fields(of: channel) {
            guard let value = fields[field.name] else { continue }
            switch (field.kind, value) {
            case (.template(let escaping), .string(let text)):
                rendered[field.name] = try fill(text, escaping: escaping, field: field.name)
            case (.templateObject, .object(let entries)):
                var filled: [String: JSONValue] = [:]
                for key in entries.keys.sorted() {
                    guard case .string(let text) = entries[key] else { continue }
                    filled[key] = try fill(text, escaping: .none, field: "\(field.name).\(key)")
                }
                rendered[field.name] = .object(filled)
            default:
                continue
            }
        }
        return Rendered(content: .object(rendered), missingTags: missing)
    }
}
