import CairnCore

extension BatchRejection.Item {
    /// `{"index","code","message"}`, as answers list a batch's bad items.
    var json: JSONValue {
        [
            "index": .number(String(index)),
            "code": .string(rejection.code.rawValue),
            "message": .string(rejection.message),
        ]
    }
}
