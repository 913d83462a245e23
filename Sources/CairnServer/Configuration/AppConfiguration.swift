public import CairnChannels
public import CairnCore
public import CairnStorage
public import Logging

/// Everything a Cairn node can be told, in typed sections, read once at start (the `cairn`
/// executable reads it from flags, `CAIRN_*` variables and an optional file).
public struct AppConfiguration: Sendable {
    public var http = HTTPSettings()
    public var ingest = IngestSettings()
    public var storage = StorageSettings()
    public var processor = ProcessorSettings()
    public var sending = SendingSettings()
    public var regulations = RegulationSettings()
    /// Whether this node steps customers through journeys (when its role runs workers).
    public var journeysEnabled = true
    /// How long a node's claim on a journey step lasts: a step caught by a crash is taken again
    /// (by any node) once it ends.
    public var journeyLease: Duration = .seconds(60)
    /// What this node runs: the HTTP surfaces, the background workers, or both.
    public var role = NodeRole.all
    public var logLevel = Logger.Level.info
    /// When set, `/metrics` answers only `Authorization: Bearer <this>`. A secret: never printed.
    public var metricsToken: String?

    public init() {}
}

/// What a node runs, so that a deployment can scale the HTTP surfaces and the workers apart.
public enum NodeRole: String, Sendable, CaseIterable {
    /// The HTTP surfaces and the workers.
    case all
    /// The HTTP surfaces (with the event log writer they append through), no background workers.
    case api
    /// The background workers (processor, messageId pruner), with only `/health` and `/ready` over HTTP.
    case worker

    var servesAPI: Bool { self != .worker }
    var runsWorkers: Bool { self != .api }
}

public struct HTTPSettings: Sendable {
    public var host = "127.0.0.1"
    public var port = 8080
    /// How long a connection may wait for a request head, between requests or within one
    /// (a head trickled byte by byte), before it is closed.
    public var idleTimeout: Duration = .seconds(30)
    /// How long a request's body may take to arrive after its head.
    public var bodyTimeout: Duration = .seconds(60)
    /// The most connections open at once; more are closed as they arrive.
    public var maxConnections = 4096

    public init() {}
}

public struct IngestSettings: Sendable {
    /// The largest Track API request body accepted, in bytes (the spec's 6 MB).
    public var maxBodyBytes = 6 * 1024 * 1024
    /// The deepest nesting of arrays and objects accepted in a body.
    public var maxJSONDepth = 64
    /// The most events one batch may hold.
    public var maxBatchItems = 10_000
    /// How long a token looked up in the database is trusted before it is read again, in
    /// seconds: a revoked token stops working within this time on a running server.
    public var tokenCacheSeconds: Double = 5
    /// How long a Segment `messageId` keeps later messages with the same id and write key out of the log.
    public var messageIdWindow = MessageDeduplication.defaultWindow

    public init() {}
}

public struct StorageSettings: Sendable {
    public var database = DatabaseLocation.defaultValue
    /// Pool size and statement timeout for a database server (PostgreSQL).
    public var connection = ConnectionSettings()

    public init() {}
}

public struct ProcessorSettings: Sendable {
    /// Whether this node applies accepted events to profiles (when its role runs workers).
    public var enabled = true
    /// The most events the processor applies in one transaction.
    public var batchSize = 1000
    /// Batches this node's processor runs side by side; nil: 1 on SQLite (one writer), 2 on
    /// PostgreSQL (each claims its own partition).
    public var workers: Int?

    public init() {}
}

public struct RegulationSettings: Sendable {
    /// How long a node holds a data-protection request it works on unless it renews the hold.
    public var lease: Duration = .seconds(30)
    /// Attempts before a request whose steps keep failing ends `failed`, and the backoff between them.
    public var retry = RetryPolicy.regulations

    public init() {}
}

public struct SendingSettings: Sendable {
    /// Cairn's public base URL (`https://cairn.example.com`): unsubscribe links and provider
    /// webhooks point here. Nil: `http://{host}:{port}` of this node.
    public var publicURL: String?
    /// Seals provider secrets and signs unsubscribe links; nil: brands cannot store providers,
    /// and messages carry no unsubscribe link. A secret: never printed.
    public var secretKey: SecretKey?
    /// The server-wide providers, for brands that set none of their own.
    public var defaultProviders: [ProviderSettings] = []
    /// Attempts before a message is dead, and the backoff between them.
    public var retry = RetryPolicy()
    /// How long a sender's claim on a message lasts: after a crash, the message is sent again once it ends.
    public var lease: Duration = .seconds(120)
    /// Messages in flight at once on this node.
    public var concurrency = 256
    /// Messages of one brand's channel in flight at once across all nodes, unless the brand's
    /// channel settings set `maxInFlight`.
    public var laneCap = OutboxClaim.defaultCap
    /// Whether this node sends (when its role runs workers).
    public var enabled = true
    /// How long a customer's push device is kept without being seen (`--push-device-expiry`).
    public var pushDeviceExpiry: Duration = PushDevice.defaultExpiry
    /// Who runs pushes to browsers, for brands whose push channel names no one (`--vapid-subject`:
    /// a `mailto:` or `https:` URL, RFC 8292's `sub`).
    public var vapidSubject: String?
    /// Headless Chromium, with which letters are also made PDFs (`--print-pdf-renderer`).
    public var pdfRenderer: String?
    /// What providers set by brands through the admin API may do: reach private addresses
    /// (`--allow-private-urls`), read CA files (from `--ca-directory`).
    public var brandProviderRules = BrandProviderRules()

    public init() {}

    /// The public URL without a trailing slash (links append paths to it); this node's address when unset.
    func publicBaseURL(http: HTTPSettings) -> String {
        var url = publicURL ?? "http://\(http.host):\(http.port)"
        while url.hasSuffix("/") { url.removeLast() }
        return url
    }

    /// What to warn of at start when unsubscribe links cannot be one-click, or nil: mailboxes
    /// such as Gmail offer one-click unsubscribe (`List-Unsubscribe-Post`) only for an https
    /// link, and without a public URL the links are `http://{host}:{port}` of this node. A plain
    /// http public URL on a loopback host (trying Cairn out on one machine) is let be, and so is
    /// any URL without a secret key, when there are no unsubscribe links (warned of already).
    func unsubscribeLinkWarning(http: HTTPSettings) -> String? {
        guard secretKey != nil else { return nil }
        let names = "--public-url, CAIRN_PUBLIC_URL, sending.publicUrl"
        guard let publicURL else {
            return "no public URL (\(names)): List-Unsubscribe links are http://\(http.host):\(http.port)/u/…, "
                + "and mailboxes such as Gmail offer one-click unsubscribe only for an https link"
        }
        if publicURL.lowercased().hasPrefix("https://") || Self.isLoopback(publicURL) { return nil }
        return "the public URL \(publicURL) (\(names)) is not https: mailboxes such as Gmail offer "
            + "one-click unsubscribe only for an https List-Unsubscribe link"
    }

    /// Whether a URL's host is this machine: `localhost` (or a name under it), `127.x.x.x` or `[::1]`.
    static func isLoopback(_ url: String) -> Bool {
        guard let schemeEnd = url.firstRange(of: "://") else { return false }
        let authority = url[schemeEnd.upperBound...].prefix { !"/?#".contains($0) }
        let hostAndPort = authority.lastIndex(of: "@").map { authority[authority.index(after: $0)...] } ?? authority
        let host =
            hostAndPort.hasPrefix("[")
            ? hostAndPort.dropFirst().prefix { $0 != "]" }
            : hostAndPort.prefix { $0 != ":" }
        let name = host.lowercased()
        if name == "localhost" || name.hasSuffix(".localhost") || name == "::1" { return true }
        let octets = name.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
    }
}
