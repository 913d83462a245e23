/// A batch refused whole: the reason, and for each bad item its index and its own reason.
public struct BatchRejection: Error, Sendable, Hashable {
    public var rejection: EventRejection
    public var items: [Item]

    public struct Item: Sendable, Hashable {
        public var index: Int
        public var rejection: EventRejection

        public init(index: Int, rejection: EventRejection) {
            self.index = index
            self.rejection = rejection
        }
    }

    public init(_ rejection: EventRejection, items: [Item] = []) {
        self.rejection = rejection
        self.items = items
    }
}
