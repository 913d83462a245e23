import Synchronization

/// The compiled templates of the asset versions sends render, kept so that a version already
/// rendered is not parsed again: a published version does not change. Bounded: past `capacity`
/// versions, the one used longest ago goes. A template is served only for the very source it was
/// compiled from, so a version whose content did change (an asset made again under its id) is
/// compiled afresh.
public final class TemplateCache: Sendable {
    /// One asset version.
    public struct Key: Sendable, Hashable {
        public var tenant: Tenant
        public var assetId: String
        public var version: Int

        public init(tenant: Tenant, assetId: String, version: Int) {
            self.tenant = tenant
            self.assetId = assetId
            self.version = version
        }
    }

    private struct Entry {
        /// By field (`html`, `data.deepLink`).
        var templates: [String: MergeTemplate]
        var lastUsed: UInt64
    }

    private struct State {
        var entries: [Key: Entry] = [:]
        var clock: UInt64 = 0
        var compilations = 0
    }

    /// The asset versions kept at most.
    public let capacity: Int
    private let state = Mutex(State())

    public init(capacity: Int = 128) {
        self.capacity = max(1, capacity)
    }

    /// How many templates were compiled since it was made (for tests: what was not served from it).
    public var compilations: Int { state.withLock { $0.compilations } }

    /// The asset versions it holds now.
    public var count: Int { state.withLock { $0.entries.count } }

    /// `field` of `key` compiled from `source`: kept, or compiled now and kept.
    public func template(
        _ key: Key,
        field: String,
        source: String,
        escaping: MergeTemplate.Escaping
    ) throws(TemplateError) -> MergeTemplate {
        let kept = state.withLock { state -> MergeTemplate? in
            state.clock += 1
            guard let template = state.entries[key]?.templates[field],
                template.source == source, template.escaping == escaping
            else { return nil }
            state.entries[key]?.lastUsed = state.clock
            return template
        }
        if let kept { return kept }
        // Compiled outside the lock: another render may compile the same field meanwhile.
        let compiled = try MergeTemplate(source, escaping: escaping)
        state.withLock { state in
            state.compilations += 1
            state.clock += 1
            state.entries[key, default: Entry(templates: [:], lastUsed: 0)].templates[field] = compiled
            state.entries[key]?.lastUsed = state.clock
            if state.entries.count > capacity,
                let oldest = state.entries.min(by: { $0.value.lastUsed < $1.value.lastUsed })?.key
            {
                state.entries.removeValue(forKey: oldest)
            }
        }
        return compiled
    }
}
