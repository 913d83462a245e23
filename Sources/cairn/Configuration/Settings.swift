import CairnCore
import CairnServer
import CairnStorage
import Logging

/// Every setting of Cairn, in one place: `serve --help`, the README's table (`cairn settings`)
/// and the readers of each section are made from these.
enum Settings {
    static let config = Setting(
        key: "config",
        flag: "config",
        environment: "CAIRN_CONFIG",
        valueName: "file",
        help: "A configuration file (YAML if it ends in .yaml or .yml, JSON otherwise) whose keys are the settings' "
            + "dotted keys; flags and CAIRN_* variables win over it.",
        defaultText: "none"
    )
    static let database = Setting(
        key: "storage.database",
        flag: "database",
        environment: "CAIRN_DATABASE",
        valueName: "url",
        help: "Where Cairn keeps its data: sqlite:PATH or postgres://user:password@host:port/database.",
        defaultText: SettingDefaults.app.storage.database.description,
        isSecret: true
    )
    static let poolSize = Setting(
        key: "storage.poolSize",
        flag: "db-pool-size",
        environment: "CAIRN_DB_POOL_SIZE",
        valueName: "n",
        help: "Most connections to a PostgreSQL server.",
        defaultText: "\(SettingDefaults.app.storage.connection.poolSize)"
    )
    static let statementTimeout = Setting(
        key: "storage.statementTimeout",
        flag: "db-statement-timeout",
        environment: "CAIRN_DB_STATEMENT_TIMEOUT",
        valueName: "seconds",
        help: "Longest a PostgreSQL statement (or idle transaction, or wait for a connection) may take.",
        defaultText: SettingDefaults.seconds(SettingDefaults.app.storage.connection.statementTimeout)
    )
    static let host = Setting(
        key: "http.host",
        flag: "host",
        environment: "CAIRN_HOST",
        valueName: "address",
        help: "Address to listen on.",
        defaultText: SettingDefaults.app.http.host
    )
    static let port = Setting(
        key: "http.port",
        flag: "port",
        environment: "CAIRN_PORT",
        valueName: "port",
        help: "Port to listen on; 0 picks a free one.",
        defaultText: "\(SettingDefaults.app.http.port)"
    )
    static let idleTimeout = Setting(
        key: "http.idleTimeout",
        flag: "http-idle-timeout",
        environment: "CAIRN_HTTP_IDLE_TIMEOUT",
        valueName: "seconds",
        help: "How long a connection may wait for a request head (idle between requests, or sending one slowly) "
            + "before it is closed.",
        defaultText: SettingDefaults.seconds(SettingDefaults.app.http.idleTimeout)
    )
    static let bodyTimeout = Setting(
        key: "http.bodyTimeout",
        flag: "http-body-timeout",
        environment: "CAIRN_HTTP_BODY_TIMEOUT",
        valueName: "seconds",
        help: "How long a request body may take to arrive after its head before the connection is closed.",
        defaultText: SettingDefaults.seconds(SettingDefaults.app.http.bodyTimeout)
    )
    static let maxConnections = Setting(
        key: "http.maxConnections",
        flag: "http-max-connections",
        environment: "CAIRN_HTTP_MAX_CONNECTIONS",
        valueName: "n",
        help: "The most connections open at once; more are closed as they arrive.",
        defaultText: "\(SettingDefaults.app.http.maxConnections)"
    )
    static let maxBodyBytes = Setting(
        key: "ingest.maxBodyBytes",
        flag: "max-body-bytes",
        environment: "CAIRN_MAX_BODY_BYTES",
        valueName: "bytes",
        help: "Largest Track API request body accepted.",
        defaultText: "\(SettingDefaults.app.ingest.maxBodyBytes)"
    )
    static let messageIdWindow = Setting(
        key: "ingest.messageIdWindow",
        flag: "message-id-window",
        environment: "CAIRN_MESSAGE_ID_WINDOW",
        valueName: "seconds",
        help: "How long a Segment messageId keeps later messages with the same id and write key out.",
        defaultText: SettingDefaults.messageIdWindow
    )
    static let processor = Setting(
        key: "processor.enabled",
        flag: "processor",
        environment: "CAIRN_PROCESSOR",
        valueName: "on|off",
        help: "Apply accepted events to customer profiles on this node (--no-processor: leave them waiting).",
        defaultText: SettingDefaults.onOff(SettingDefaults.app.processor.enabled)
    )
    static let processorWorkers = Setting(
        key: "processor.workers",
        flag: "processor-workers",
        environment: "CAIRN_PROCESSOR_WORKERS",
        valueName: "n",
        help: "Event batches this node processes side by side.",
        defaultText: SettingDefaults.processorWorkers
    )
    static let regulationLease = Setting(
        key: "regulations.leaseSeconds",
        flag: "regulation-lease",
        environment: "CAIRN_REGULATION_LEASE",
        valueName: "seconds",
        help: "How long a node's claim on a data-protection request lasts unless renewed: one caught part way by "
            + "a crash is carried out again (from the start) after this.",
        defaultText: SettingDefaults.seconds(SettingDefaults.app.regulations.lease)
    )
    static let regulationAttempts = Setting(
        key: "regulations.attempts",
        flag: "regulation-attempts",
        environment: "CAIRN_REGULATION_ATTEMPTS",
        valueName: "n",
        help: "Attempts at a data-protection request whose steps keep failing (the waits between them doubling, at "
            + "most 5 minutes) before it ends failed, its last error kept.",
        defaultText: "\(SettingDefaults.app.regulations.retry.maxAttempts)"
    )
    static let role = Setting(
        key: "role",
        flag: "role",
        environment: "CAIRN_ROLE",
        valueName: "all|api|worker",
        help: "What this node runs: the HTTP surfaces (api), the background workers (worker: processor, outbox, "
            + "regulations and messageId pruner, with only /health and /ready over HTTP), or both.",
        defaultText: SettingDefaults.app.role.rawValue
    )
    static let metricsToken = Setting(
        key: "metrics.token",
        flag: "metrics-token",
        environment: "CAIRN_METRICS_TOKEN",
        valueName: "token",
        help: "When set, /metrics answers only Authorization: Bearer with this token.",
        defaultText: "none (open)",
        isSecret: true
    )
    static let logLevel = Setting(
        key: "logLevel",
        flag: "log-level",
        environment: "CAIRN_LOG_LEVEL",
        valueName: "level",
        help: "Log level: trace, debug, info, notice, warning, error or critical.",
        defaultText: SettingDefaults.app.logLevel.rawValue
    )

    static let journeys = Setting(
        key: "journeys.enabled",
        flag: "journeys",
        environment: "CAIRN_JOURNEYS",
        valueName: "on|off",
        help: "Step customers through journeys from this node (--no-journeys: leave it to other nodes).",
        defaultText: SettingDefaults.onOff(SettingDefaults.app.journeysEnabled)
    )

    static let journeyLease = Setting(
        key: "journeys.leaseSeconds",
        flag: "journey-lease",
        environment: "CAIRN_JOURNEY_LEASE",
        valueName: "seconds",
        help: "How long a node's claim on a journey step lasts: a step caught mid-way by a crash is taken again, "
            + "by any node, once it ends.",
        defaultText: SettingDefaults.seconds(SettingDefaults.app.journeyLease)
    )

    /// Every subcommand reads these.
    static let storage = [database, poolSize, statementTimeout]
    /// `serve` reads these too.
    static let serve =
        [
            host, port, idleTimeout, bodyTimeout, maxConnections, role, maxBodyBytes, messageIdWindow, processor,
            processorWorkers, regulationLease, regulationAttempts, metricsToken, logLevel, journeys, journeyLease,
        ] + sending
    static let all = [config] + storage + serve

    /// The README's table.
    static var markdownTable: String {
        (["| flag | variable | file key | what it sets | default |", "|---|---|---|---|---|"]
            + all.map(\.markdownRow)).joined(separator: "\n")
    }
}
