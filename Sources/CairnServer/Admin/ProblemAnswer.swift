/// What went wrong with something an answer shows (a regulation, a message): `{"code","message"}`.
struct ProblemAnswer: Encodable, Sendable {
    let code: String
    let message: String
}
