import Testing

@testable import CairnCore

/// Where a partition's batch stops so that customers' events keep log order across partitions.
extension ProfileProcessorTests {
    @Test func aBatchWithNoEarlierWaitingEventElsewhereRunsWhole() {
        let events = [event(10, .track, userId: "u", name: "a"), event(12, .track, userId: "v", name: "b")]
        let waiting = [PartitionBarrier.Waiting(sequence: 11, ids: ["someone-else"])]
        #expect(PartitionBarrier(events, snapshot: ProfileSnapshot()).admitted(waiting: waiting) == 2)
    }

    @Test func aBatchStopsBeforeItsFirstEventLaterThanAnEarlierEventOfTheSamePerson() {
        let events = [
            event(10, .track, userId: "u", name: "a"),
            event(12, .identify, userId: "u", anonymousId: "anon"),
            event(14, .track, userId: "v", name: "b"),
        ]
        // A page of the anonymous visitor, logged before the identify that joins them to u.
        let waiting = [PartitionBarrier.Waiting(sequence: 11, ids: ["anon"])]
        #expect(PartitionBarrier(events, snapshot: ProfileSnapshot()).admitted(waiting: waiting) == 1)
        // An event of the same person logged after the whole batch does not stop it.
        let later = [PartitionBarrier.Waiting(sequence: 15, ids: ["anon"])]
        #expect(PartitionBarrier(events, snapshot: ProfileSnapshot()).admitted(waiting: later) == 3)
    }

    @Test func theIdsOfTheCustomerAnEventNamesCountToo() {
        let profile = known("c1", userId: "u", anonymousIds: ["phone", "laptop"])
        let events = [event(20, .track, userId: "u", name: "a")]
        let waiting = [PartitionBarrier.Waiting(sequence: 19, ids: ["laptop"])]
        #expect(PartitionBarrier(events, snapshot: ProfileSnapshot([profile])).admitted(waiting: waiting) == 0)
        #expect(PartitionBarrier(events, snapshot: ProfileSnapshot([profile])).ids == ["u", "phone", "laptop"])
    }

    @Test func idsJoinedEarlierInTheBatchStopItsLaterEvents() {
        // 30 ties "anon" to u; 34 is u's alone, but the waiting 32 of "anon" is now u's and earlier.
        let events = [
            event(30, .identify, userId: "u", anonymousId: "anon"),
            event(34, .track, userId: "u", name: "later"),
        ]
        let waiting = [PartitionBarrier.Waiting(sequence: 32, ids: ["anon"])]
        #expect(PartitionBarrier(events, snapshot: ProfileSnapshot()).admitted(waiting: waiting) == 1)
    }

    @Test func partitionsAreStableAndSpread() {
        func partition(_ userId: String) -> Int16 {
            ProcessingPartition.of(event(1, .track, userId: userId, anonymousId: "ignored", name: "e").entry)
        }
        #expect(partition("user-1") == partition("user-1"))
        // The value is part of the stored data: it must not change between releases.
        #expect(partition("user-1") == 58)
        let used = Set((0..<1000).map { partition("user-\($0)") })
        #expect(used.count == ProcessingPartition.count)
        #expect(used.allSatisfy { (0..<Int16(ProcessingPartition.count)).contains($0) })
    }
}
