import CairnCore
import Testing

@Suite struct BatchEnvelopeTests {
    func open(_ body: JSONValue, _ shape: BatchEnvelope.Shape, max: Int = 3) -> EventRejection.Code? {
        do throws(BatchRejection) {
            _ = try BatchEnvelope.open(body, shape: shape, noun: "call", maxItems: max)
            return nil
        } catch {
            return error.rejection.code
        }
    }

    @Test func theEnvelopeIsCheckedTheSameWayForEveryShape() {
        #expect(open(["batch": [1]], .object) == nil)
        #expect(open([1], .array) == nil)
        #expect(open([1], .object) == .bodyNotObject)
        #expect(open(["batch": [1]], .array) == .invalidFieldType)
        #expect(open([:], .object) == .missingBatch)
        #expect(open(["batch": "x"], .object) == .invalidFieldType)
        #expect(open(["batch": []], .object) == .emptyBatch)
        #expect(open([], .array) == .emptyBatch)
        #expect(open([1, 2, 3, 4], .array) == .batchTooLarge)
    }

    @Test func theFieldsBesideTheItemsAreKept() throws {
        let envelope = try BatchEnvelope.open(
            ["batch": [1], "context": ["ip": "1.2.3.4"], "sentAt": "x"],
            shape: .object,
            noun: "event",
            maxItems: 10
        )
        #expect(envelope.items == [1])
        #expect(envelope.fields == ["context": ["ip": "1.2.3.4"], "sentAt": "x"])
    }

    func collect(_ policy: BatchEnvelope.Policy, good: [Bool]) -> (accepted: Int, rejected: [Int])? {
        let envelope = BatchEnvelope(items: good.map(JSONValue.bool), fields: [:], noun: "call")
        do throws(BatchRejection) {
            let batch = try envelope.collect(policy: policy) { item throws(EventRejection) in
                guard item == true else { throw EventRejection(.invalidFieldType, "bad") }
                return IngestedEvent(
                    event: ValidatedEvent(
                        action: .track,
                        eventName: "e",
                        userId: "u",
                        anonymousId: nil,
                        originalTimestamp: nil,
                        eventTime: Timestamp(millisecondsSinceEpoch: 0),
                        command: nil
                    ),
                    body: []
                )
            }
            return (batch.accepted.count, batch.rejected.map(\.index))
        } catch {
            #expect(error.rejection.code == .invalidBatchItems)
            return nil
        }
    }

    @Test func allOrNothingRefusesABatchWithOneBadItem() {
        #expect(collect(.allOrNothing, good: [true, true])?.accepted == 2)
        #expect(collect(.allOrNothing, good: [true, false]) == nil)
    }

    @Test func takeTheGoodKeepsTheGoodItemsAndListsTheRest() {
        let kept = collect(.takeTheGood, good: [true, false, true, false])
        #expect(kept?.accepted == 2)
        #expect(kept?.rejected == [1, 3])
        #expect(collect(.takeTheGood, good: [false, false]) == nil)
    }
}
