import Testing

@testable import CairnCore

/// The default retry schedule rides out a provider's outage of a day, as mail servers do.
@Suite struct RetryPolicyTests {
    @Test func theDefaultScheduleSpansADayAndWaitsAtMostAnHour() {
        let policy = RetryPolicy()
        #expect(policy.shortestSpan >= 24 * 3600, "\(policy.shortestSpan / 3600) hours")
        #expect((1..<policy.maxAttempts).allSatisfy { policy.ceiling(afterAttempts: $0) <= 3600 })
        #expect(policy.ceiling(afterAttempts: 1) == 60, "the first retry comes within a minute")
    }

    @Test func eachWaitIsBetweenItsSteadyShareAndItsCeiling() {
        let policy = RetryPolicy()
        var generator = SystemRandomNumberGenerator()
        for attempts in 1..<policy.maxAttempts {
            let ceiling = policy.ceiling(afterAttempts: attempts)
            for _ in 0..<20 {
                let wait = policy.delay(afterAttempts: attempts, using: &generator)
                #expect(wait >= ceiling * 0.75 && wait <= ceiling)
            }
        }
        #expect(RetryPolicy.regulations.steadyShare == 0, "regulations keep full jitter")
    }
}
