/// Deep merge of identify traits, where the newest event timestamp wins per path.
///
/// Objects merge key by key; arrays and scalars replace; an explicit `null` removes the key.
/// Beside the traits runs a mirror tree of times (`times`): for each path last written, the
/// event time (milliseconds) that wrote it. A removed key keeps its time as a tombstone, so an
/// older event arriving late cannot bring it back.
public enum TraitMerge {
    public static func apply(
        _ incoming: [String: JSONValue],
        at time: Timestamp,
        to traits: [String: JSONValue],
        times: [String: JSONValue]
    ) -> (traits: [String: JSONValue], times: [String: JSONValue]) {
        var traits = traits
        var times = times
        let stamp = time.millisecondsSinceEpoch
        for (key, value) in incoming {
            let existingTime = times[key]
            if case .object(let incomingObject) = value {
                // An object merges into an object; it replaces anything else written no later than now.
                if case .object(let subtreeTimes)? = existingTime {
                    let current = traits[key]?.objectValue ?? [:]
                    let merged = apply(incomingObject, at: time, to: current, times: subtreeTimes)
                    traits[key] = .object(merged.traits)
                    times[key] = .object(merged.times)
                } else if newestTime(existingTime) <= stamp {
                    let merged = apply(incomingObject, at: time, to: [:], times: [:])
                    traits[key] = .object(merged.traits)
                    times[key] = .object(merged.times)
                }
                continue
            }
            guard newestTime(existingTime) <= stamp else { continue }
            if value.isNull {
                traits[key] = nil
            } else {
                traits[key] = value
            }
            times[key] = .number(String(stamp))
        }
        return (traits, times)
    }

    /// The newest time written anywhere under a times node; `Int64.min` when never written.
    static func newestTime(_ node: JSONValue?) -> Int64 {
        switch node {
        case .number(let text)?: return Int64(text) ?? Int64.min
        case .object(let children)?: return children.values.reduce(Int64.min) { max($0, newestTime($1)) }
        default: return Int64.min
        }
    }
}

extension TraitMerge {
    /// Merges one timed trait tree into another: each path keeps the value written last.
    public static func merge(
        _ other: [String: JSONValue],
        times otherTimes: [String: JSONValue],
        into traits: [String: JSONValue],
        times: [String: JSONValue]
    ) -> (traits: [String: JSONValue], times: [String: JSONValue]) {
        var traits = traits
        var times = times
        for (key, theirTime) in otherTimes {
            let mine = times[key]
            if case .object(let theirChildren) = theirTime, case .object(let myChildren)? = mine {
                let merged = merge(
                    other[key]?.objectValue ?? [:],
                    times: theirChildren,
                    into: traits[key]?.objectValue ?? [:],
                    times: myChildren
                )
                traits[key] = .object(merged.traits)
                times[key] = .object(merged.times)
            } else if newestTime(theirTime) > newestTime(mine) {
                traits[key] = other[key]
                times[key] = theirTime
            }
        }
        return (traits, times)
    }
}
