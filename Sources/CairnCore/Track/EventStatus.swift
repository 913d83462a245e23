/// Where an accepted event stands: stored and waiting, applied, or refused by the processor.
public enum EventStatus: String, Sendable, CaseIterable {
    case accepted
    case processed
    case failed
}
