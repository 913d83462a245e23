/// A number as people write it and JSON carries it: 100 rather than 100.0, 0.5 as it is.
enum NumberText {
    static func of(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}
