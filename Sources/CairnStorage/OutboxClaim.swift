public import CairnCore

/// What one claim of due messages may take (`OutboxStore.claim`).
public struct OutboxClaim: Sendable, Hashable {
    /// A lane's cap when its brand's channel settings set none.
    public static let defaultCap = 16

    /// The most messages this claim takes, over all lanes.
    public var limit: Int
    /// When it is: queued messages due by then are taken (the node's clock).
    public var now: Timestamp
    /// How long each claimed message is leased.
    public var lease: Duration
    /// The most messages of one lane in flight at once, unless its channel settings say.
    public var defaultCap: Int
    /// A message whose lease ended after this many attempts is not claimed again but `dead` (as is
    /// one whose lease ended twice in a row).
    public var maxAttempts: Int

    public init(
        limit: Int,
        now: Timestamp,
        lease: Duration,
        defaultCap: Int = OutboxClaim.defaultCap,
        maxAttempts: Int = RetryPolicy().maxAttempts
    ) {
        self.limit = limit
        self.now = now
        self.lease = lease
        self.defaultCap = max(1, defaultCap)
        self.maxAttempts = max(1, maxAttempts)
    }

    /// How many messages a lane with this cap takes in one claim, and how many of its slots must
    /// be free before it is served again: half its cap, so a claim transaction serves several
    /// sends while the lane's in-flight count stays within its cap.
    public static func batch(cap: Int) -> Int { max(1, cap / 2) }

    /// How many a lane takes now, with `sending` of its messages in flight: none while fewer than
    /// a batch of its slots are free.
    public static func share(cap: Int, sending: Int) -> Int {
        let batch = batch(cap: cap)
        return cap - sending >= batch ? batch : 0
    }
}

extension MessageError {
    /// A message whose sender died mid-send on its last attempt, or on two attempts in a row (a
    /// message that kills its node is not tried forever, however many attempts it has left).
    public static let leaseExpired = MessageError(
        code: "lease_expired",
        message: "The message's last attempt never finished (its sender stopped mid-send); it is not tried again."
    )

    /// What a message reclaimed after its sender died shows while it is tried again: a second
    /// lease that ends in a row makes it `dead` (`leaseExpired`).
    public static let leaseExpiredOnce = MessageError(
        code: "lease_expired",
        message: "An attempt never finished (its sender stopped mid-send); it is tried again."
    )
}
