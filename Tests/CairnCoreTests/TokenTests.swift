import Testing

@testable import CairnCore

@Suite struct TokenSecretTests {
    @Test func generatedTokensHaveARecognisablePrefixAndParseBack() throws {
        let secret = TokenSecret.generate()
        #expect(secret.text.hasPrefix("cairn_"))
        let parsed = try #require(TokenSecret(presented: secret.text))
        #expect(parsed.id == secret.id)
        #expect(TokenSecret.generate().text != secret.text)
    }

    @Test func onlyTheExactSecretMatchesItsHash() throws {
        let secret = TokenSecret.generate()
        let stored = secret.hash
        #expect(stored.count == 32)
        #expect(secret.matches(storedHash: stored))
        var tampered = Array(secret.text.utf8)
        tampered[tampered.count - 1] = tampered.last == UInt8(ascii: "0") ? UInt8(ascii: "1") : UInt8(ascii: "0")
        let other = try #require(TokenSecret(presented: String(decoding: tampered, as: UTF8.self)))
        #expect(!other.matches(storedHash: stored))
        #expect(!secret.matches(storedHash: []))
    }

    @Test(arguments: [
        "", "1234abcd", "cairn_", "cairn_0123456789abcdef", "cairn_0123456789abcdef_short",
        "cairn_0123456789ABCDEF_0123456789abcdef0123456789abcdef0123456789abcdef",
        "other_0123456789abcdef_0123456789abcdef0123456789abcdef0123456789abcdef",
    ])
    func malformedTokensAreRefused(_ text: String) {
        #expect(TokenSecret(presented: text) == nil)
    }

    @Test func issuedRecordsKeepOnlyTheHash() {
        let scope = TokenScope(clientId: "c", accountId: "a", brandId: nil)
        let (record, secret) = TokenRecord.issue(scope: scope, now: Timestamp(millisecondsSinceEpoch: 1))
        #expect(record.id == secret.id)
        #expect(record.secretHash == secret.hash)
        #expect(record.rate == 100)
        #expect(record.burst == 500)
        #expect(!record.isRevoked)
    }
}

@Suite struct TokenScopeTests {
    let tenant = Tenant(clientId: "hea", accountId: "hea", brandId: "HEA")

    @Test func anAccountTokenCoversEveryBrandOfItsAccount() {
        let scope = TokenScope(clientId: "hea", accountId: "hea", brandId: nil)
        #expect(scope.covers(tenant))
        #expect(scope.covers(Tenant(clientId: "hea", accountId: "hea", brandId: "OTHER")))
        #expect(!scope.covers(Tenant(clientId: "hea", accountId: "other", brandId: "HEA")))
        #expect(!scope.covers(Tenant(clientId: "other", accountId: "hea", brandId: "HEA")))
    }

    @Test func aBrandTokenCoversOnlyItsBrand() {
        let scope = TokenScope(clientId: "hea", accountId: "hea", brandId: "HEA")
        #expect(scope.covers(tenant))
        #expect(!scope.covers(Tenant(clientId: "hea", accountId: "hea", brandId: "hea")))
    }
}

@Suite struct TokenBucketTests {
    @Test func allowsABurstThenRefusesWithARetryTime() {
        var bucket = TokenBucket(rate: 100, burst: 500, now: 0)
        for expected in stride(from: 499, through: 0, by: -1) {
            #expect(bucket.take(now: 0) == .allowed(remaining: expected))
        }
        guard case .limited(let retryAfter) = bucket.take(now: 0) else {
            Issue.record("expected the 501st request to be limited")
            return
        }
        #expect(abs(retryAfter - 0.01) < 1e-9)
    }

    @Test func refillsAtTheRateUpToTheBurst() {
        var bucket = TokenBucket(rate: 10, burst: 5, now: 0)
        for _ in 0..<5 { _ = bucket.take(now: 0) }
        #expect(bucket.take(now: 0.05) != .allowed(remaining: 0))
        #expect(bucket.take(now: 0.1) == .allowed(remaining: 0))
        #expect(bucket.take(now: 100) == .allowed(remaining: 4))
    }

    @Test func sustainsItsRate() {
        var bucket = TokenBucket(rate: 100, burst: 1, now: 0)
        var allowed = 0
        for step in 0..<1000 {
            if case .allowed = bucket.take(now: Double(step) * 0.005) { allowed += 1 }
        }
        #expect((499...501).contains(allowed))
    }

    @Test func requestsChargedFromElsewhereArePaidBackBeforeMoreAreAllowed() {
        var bucket = TokenBucket(rate: 10, burst: 5, now: 0)
        #expect(bucket.take(now: 0) == .allowed(remaining: 4))
        // Other nodes let 7 through meanwhile: 3 over the 4 left, owed before the next one.
        bucket.charge(7, now: 0)
        guard case .limited(let retryAfter) = bucket.take(now: 0) else {
            Issue.record("expected a request to be limited while the bucket is in debt")
            return
        }
        #expect(abs(retryAfter - 0.4) < 1e-9)
        #expect(bucket.take(now: 0.4) == .allowed(remaining: 0))
        // The debt is bounded by the burst, however much was charged.
        bucket.charge(1000, now: 0.4)
        #expect(bucket.take(now: 0.4 + 0.55) != .allowed(remaining: 0))
        #expect(bucket.take(now: 0.4 + 0.6) == .allowed(remaining: 0))
    }

    @Test func windowIsTheTimeToRefillTheBurst() {
        #expect(TokenBucket(rate: 100, burst: 500, now: 0).window == 5)
    }
}
