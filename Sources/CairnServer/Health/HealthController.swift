import Hummingbird

/// `GET /health`: 200 whenever the server is up. The server only listens once its database is
/// open and migrated, so an answer means it is ready.
struct HealthController: Sendable {
    func addRoutes(to router: Router<CairnRequestContext>) {
        router.get("health") { _, _ in
            JSONResponse.make(bytes: Array(#"{"status":"ok"}"#.utf8))
        }
    }
}
