extension TokenRecord {
    /// A new token for `scope`: the record to store and the secret to show its owner, once.
    public static func issue(
        scope: TokenScope,
        rate: Double = TokenDefaults.rate,
        burst: Int = TokenDefaults.burst,
        now: Timestamp
    ) -> (record: TokenRecord, secret: TokenSecret) {
        let secret = TokenSecret.generate()
        let record = TokenRecord(
            id: secret.id,
            scope: scope,
            secretHash: secret.hash,
            rate: rate,
            burst: burst,
            createdAt: now,
            revokedAt: nil
        )
        return (record, secret)
    }
}
