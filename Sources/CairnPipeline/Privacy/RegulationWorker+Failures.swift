public import CairnCore
import CairnStorage
import Logging

/// What becomes of a regulation whose steps fail: taken up again after a backoff, and past its
/// attempts `failed`, the last error kept (and shown by the admin API).
extension RegulationWorker {
    /// Why a regulation failed whose attempts ended without an error recorded (a node died on it).
    static let attemptsExhausted = EventError(
        code: "regulation_attempts_exhausted",
        message: "The regulation was taken up too many times without ending; the server's log has the details."
    )

    /// The attempt failed with `error`: the regulation waits out the backoff, or past its last
    /// attempt ends `failed`.
    func failed(_ regulation: Regulation, holder: String, error: any Error) async throws -> Bool {
        let kept = Self.clientError(error)
        logger.warning(
            "a regulation step failed",
            metadata: [
                "regulation": "\(regulation.id)", "attempt": "\(regulation.attempts)",
                "error": "\(String(reflecting: error))",
            ]
        )
        guard retry.allowsRetry(afterAttempts: regulation.attempts) else {
            return try await fail(regulation, holder: holder, error: kept)
        }
        var generator = SystemRandomNumberGenerator()
        let wait = retry.delay(afterAttempts: regulation.attempts, using: &generator)
        let retryAt = clock.now().adding(.milliseconds(Int64((wait * 1000).rounded())))
        if !(try await store.retry(id: regulation.id, holder: holder, error: kept, retryAt: retryAt)) {
            logger.info("regulation \(regulation.id) was taken over before its failure was recorded")
        }
        return true
    }

    /// Records `regulation` as `failed` with `error`: it is not taken up again.
    func fail(_ regulation: Regulation, holder: String, error: EventError) async throws -> Bool {
        var failed = regulation
        failed.status = .failed
        failed.error = error
        failed.result = nil
        failed.completedAt = clock.now()
        guard try await store.finish(failed, holder: holder, export: nil, eraseSubject: false) else {
            logger.info("regulation \(regulation.id) was taken over before its failure was recorded")
            return true
        }
        logger.error(
            "regulation failed",
            metadata: [
                "regulation": "\(regulation.id)", "type": "\(regulation.type.rawValue)",
                "attempts": "\(regulation.attempts)", "error": "\(error.code)",
            ]
        )
        return true
    }

    /// What a client is told of `error`: the step that failed and a sentence without data (a
    /// database's own sentence may quote a value, so only its kind and code are told).
    static func clientError(_ error: any Error) -> EventError {
        guard let failure = error as? StepFailed else { return StepFailed.describe(error, step: "a step") }
        return StepFailed.describe(failure.error, step: failure.step)
    }

    /// A step of the plan that threw `error`.
    struct StepFailed: Error {
        var step: String
        var error: any Error

        static func describe(_ error: any Error, step: String) -> EventError {
            let cause: String
            switch error {
            case StorageError.database(let failure):
                let code = failure.code.map { " (code \($0))" } ?? ""
                cause = "\(failure.backend.rawValue) failed\(code)"
            case let error as StorageError:
                cause = error.description
            case let error as EventError:
                cause = error.message
            default:
                cause = "an internal error"
            }
            let sentence = cause.hasSuffix(".") ? cause : cause + "."
            return EventError(
                code: "regulation_step_failed",
                message: "The regulation's step \"\(step)\" kept failing: \(sentence) The server's log has the details."
            )
        }
    }
}

extension RegulationStep {
    /// The step as a client is told of it.
    var name: String {
        switch self {
        case .suppress(let kind): "suppress (\(kind.rawValue))"
        case .unsuppress(let kind): "unsuppress (\(kind.rawValue))"
        case .cancelWaiting: "cancel waiting messages"
        case .erase(let kind): "erase \(kind.rawValue)"
        case .export: "export"
        }
    }
}
