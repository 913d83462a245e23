import CairnCore
import CairnStorage
import Hummingbird
import Logging

/// `GET /health`: 200 whenever the process is up and listening (it listens only once its
/// database was opened and migrated). `GET /ready`: 200 while the database answers, 503
/// while it does not, so that a load balancer sends traffic elsewhere until it is back.
struct HealthController: Sendable {
    let probe: any DatabaseProbe
    var probeTimeout: Duration = .seconds(2)

    func addRoutes(to router: Router<CairnRequestContext>) {
        router.get("health") { _, _ in
            JSONResponse.make(bytes: Array(#"{"status":"ok"}"#.utf8))
        }
        router.get("ready") { _, context in
            do {
                try await probe.ping(timeout: probeTimeout)
                return JSONResponse.make(bytes: Array(#"{"status":"ready"}"#.utf8))
            } catch {
                context.logger.warning("database not answering", metadata: ["error": "\(String(reflecting: error))"])
                return JSONResponse.make(
                    status: .serviceUnavailable,
                    body: [
                        "success": false,
                        "status": "unavailable",
                        "code": "database_unavailable",
                        "message": "The database is not answering; events cannot be stored until it is back.",
                    ]
                )
            }
        }
    }
}
