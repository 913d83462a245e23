import CairnCore
import CairnStorage
import Logging
import Testing

@testable import CairnServer

@Suite struct MessageIdPrunerTests {
    @Test func expiredMessageIdsAreForgottenAndRecentOnesKept() async throws {
        let app = try await TestApp()
        let secret = try await app.token()
        let presented = try #require(TokenSecret(presented: secret))
        let token = try #require(try await app.stores.tokens.token(id: presented.id))
        func entry(_ messageId: String, at millis: Int64) -> EventLogEntry {
            let time = Timestamp(millisecondsSinceEpoch: millis)
            return EventLogEntry(
                id: EventID.make(at: time),
                tenant: TestApp.tenant,
                tokenId: token.id,
                event: ValidatedEvent(
                    action: .track,
                    eventName: "e",
                    userId: "u",
                    anonymousId: nil,
                    originalTimestamp: nil,
                    eventTime: time,
                    command: nil
                ),
                receivedAt: time,
                body: Array("{}".utf8),
                messageId: messageId
            )
        }
        let now = Timestamp.now().millisecondsSinceEpoch
        let epoch = Timestamp(millisecondsSinceEpoch: 0)
        try await app.stores.eventLog.append(
            [entry("old", at: now - 120_000), entry("new", at: now)],
            duplicatesSince: epoch
        )
        let pruner = MessageIdPruner(
            store: app.stores.eventLog,
            window: .seconds(60),
            interval: .seconds(60),
            logger: Logger(label: "test")
        )
        await pruner.pruneExpired()
        // Measured against all time, only the id that was kept still counts as seen.
        let dropped = try await app.stores.eventLog.append(
            [entry("old", at: now + 1), entry("new", at: now + 1)],
            duplicatesSince: epoch
        )
        #expect(dropped.count == 1)
        let stored = try await app.loggedEvents().compactMap(\.entry.messageId)
        #expect(stored.sorted() == ["new", "old", "old"])
    }
}
