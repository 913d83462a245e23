import CairnCore

extension SendOutcome {
    /// What a provider's error comes to on the message: an answer is the provider rejecting it; no
    /// answer is the provider away (worth retrying) or settings that cannot work. `text` is the
    /// sentence the message keeps (the error's, perhaps with the provider's name before it).
    init(_ error: ProviderError, text: String) {
        switch (error.code, error.kind) {
        case (.rejected, .permanent):
            self = .permanent(
                error.removesDevice ? .deviceUnregistered(text) : .providerRejected(text),
                withdrawsConsent: error.withdrawsConsent,
                removesDevice: error.removesDevice
            )
        case (.rejected, _):
            self = .transient(.providerRejected(text), retryAfter: error.retryAfter)
        case (_, .unknownOutcome):
            self = .unknown(.outcomeUnknown(text))
        case (.misconfigured, _), (.invalidSettings, _):
            self = .permanent(.providerMisconfigured(text), withdrawsConsent: false, removesDevice: error.removesDevice)
        default:
            self = .transient(.providerUnavailable(text), retryAfter: error.retryAfter)
        }
    }
}
