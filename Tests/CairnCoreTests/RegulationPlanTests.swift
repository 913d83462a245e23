import CairnCore
import Testing

/// The order of a regulation's steps, without I/O: what each type does, and the rules that let
/// a worker that died part way start again from the first step.
@Suite struct RegulationPlanTests {
    @Test func eachTypeHasItsSteps() {
        #expect(RegulationPlan(for: .suppress).steps == [.suppress(.suppress), .cancelWaiting])
        #expect(RegulationPlan(for: .unsuppress).steps == [.unsuppress(.suppress)])
        #expect(RegulationPlan(for: .noTrack).steps == [.suppress(.noTrack)])
        #expect(RegulationPlan(for: .track).steps == [.unsuppress(.noTrack)])
        #expect(
            RegulationPlan(for: .delete).steps == [
                .erase(.events), .erase(.messages), .erase(.journeys), .erase(.regulations), .erase(.profiles),
            ]
        )
        #expect(
            RegulationPlan(for: .suppressWithDelete).steps == [
                .suppress(.suppress), .cancelWaiting, .erase(.events), .erase(.messages), .erase(.journeys),
                .erase(.regulations), .erase(.profiles),
            ]
        )
        #expect(RegulationPlan(for: .access).steps == [.export([.events, .messages, .journeys])])
    }

    @Test(arguments: RegulationType.allCases)
    func onlyAnErasureWaitsForEarlierEvents(_ type: RegulationType) {
        #expect(RegulationPlan(for: type).awaitsEarlierEvents == type.erases)
    }

    /// Every kind of personal data is erased once, the profiles last: the rest is found by them.
    @Test(arguments: RegulationType.allCases.filter(\.erases))
    func anErasureErasesEveryKindOnceAndTheProfilesLast(_ type: RegulationType) {
        let erased = RegulationPlan(for: type).steps.compactMap { step -> PersonalData? in
            guard case .erase(let kind) = step else { return nil }
            return kind
        }
        #expect(Set(erased) == Set(PersonalData.allCases))
        #expect(erased.count == PersonalData.allCases.count)
        #expect(erased.last == .profiles)
        #expect(RegulationPlan(for: type).steps.last == .erase(.profiles))
    }

    /// A suppression is in place before anything is erased, so that nothing arriving meanwhile
    /// is kept, and what waited to be sent is cancelled before the erasure goes on.
    @Test(arguments: RegulationType.allCases)
    func aSuppressionComesBeforeAnyErasure(_ type: RegulationType) {
        let steps = RegulationPlan(for: type).steps
        let firstErasure = steps.firstIndex { if case .erase = $0 { true } else { false } } ?? steps.endIndex
        for (index, step) in steps.enumerated() {
            switch step {
            case .suppress, .unsuppress, .cancelWaiting: #expect(index < firstErasure)
            case .erase, .export: break
            }
        }
    }

    @Test func eventsAndMessagesAreErasedInSlices() {
        #expect(PersonalData.allCases.filter(\.isErasedInSlices) == [.events, .messages])
        #expect(PersonalData.messages.cancelledKey == "messagesCancelled")
        #expect(PersonalData.regulations.rawValue == "earlierRegulations")
    }
}
