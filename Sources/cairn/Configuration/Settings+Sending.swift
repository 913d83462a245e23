import CairnChannels
import CairnCore
import CairnServer

/// The settings of sends: Cairn's public URL, the secret key, the server-wide providers, retries.
extension Settings {
    static let publicURL = Setting(
        key: "sending.publicUrl",
        flag: "public-url",
        environment: "CAIRN_PUBLIC_URL",
        valueName: "url",
        help: "Cairn's public base URL, where unsubscribe links and provider webhooks point.",
        defaultText: "http://HOST:PORT of this node"
    )
    static let secretKey = Setting(
        key: "secretKey",
        flag: "secret-key",
        environment: "CAIRN_SECRET_KEY",
        valueName: "base64",
        help: "32 random bytes in base64 (openssl rand -base64 32): provider secrets are encrypted and "
            + "unsubscribe links sealed with it; every node on one database needs the same.",
        defaultText: "on SQLite, a key file beside the database (made with mode 0600); none on PostgreSQL",
        isSecret: true
    )
    static let smtpURL = Setting(
        key: "sending.smtp.url",
        flag: "smtp-url",
        environment: "CAIRN_SMTP_URL",
        valueName: "url",
        help: "The email provider of brands that set none: smtp://user:pass@host:587 (STARTTLS when offered; "
            + "?starttls=required|never) or smtps://… (implicit TLS); ?ca=PATH trusts a private CA.",
        defaultText: "none",
        isSecret: true
    )
    static let smtpFrom = Setting(
        key: "sending.smtp.from",
        flag: "smtp-from",
        environment: "CAIRN_SMTP_FROM",
        valueName: "address",
        help: "The default email provider's sender, when an asset's from is empty.",
        defaultText: "none"
    )
    static let twilioAccountSid = Setting(
        key: "sending.twilio.accountSid",
        flag: "twilio-account-sid",
        environment: "CAIRN_TWILIO_ACCOUNT_SID",
        valueName: "sid",
        help: "The SMS provider of brands that set none (Twilio's Messages API): its account SID.",
        defaultText: "none"
    )
    static let twilioAuthToken = Setting(
        key: "sending.twilio.authToken",
        flag: "twilio-auth-token",
        environment: "CAIRN_TWILIO_AUTH_TOKEN",
        valueName: "token",
        help: "The default SMS provider's auth token.",
        defaultText: "none",
        isSecret: true
    )
    static let twilioFrom = Setting(
        key: "sending.twilio.from",
        flag: "twilio-from",
        environment: "CAIRN_TWILIO_FROM",
        valueName: "number",
        help: "The default SMS provider's sender: an E.164 number, a messaging service SID or a sender name.",
        defaultText: "none"
    )
    static let twilioBaseURL = Setting(
        key: "sending.twilio.baseUrl",
        flag: "twilio-base-url",
        environment: "CAIRN_TWILIO_BASE_URL",
        valueName: "url",
        help: "The default SMS provider's API address, for providers that speak Twilio's API.",
        defaultText: "Twilio's"
    )
    static let sendAttempts = Setting(
        key: "sending.attempts",
        flag: "send-attempts",
        environment: "CAIRN_SEND_ATTEMPTS",
        valueName: "n",
        help: "Attempts at a message before it is dead (transient failures only); the default spans a day.",
        defaultText: "\(SettingDefaults.app.sending.retry.maxAttempts)"
    )
    static let sendRetryBase = Setting(
        key: "sending.retryBaseMilliseconds",
        flag: "send-retry-base-ms",
        environment: "CAIRN_SEND_RETRY_BASE_MS",
        valueName: "ms",
        help: "Backoff between attempts: this times 2^(attempt-1), at most an hour, of which 3/4 to all is waited.",
        defaultText: SettingDefaults.sendRetryBase
    )
    static let sendLease = Setting(
        key: "sending.leaseSeconds",
        flag: "send-lease",
        environment: "CAIRN_SEND_LEASE",
        valueName: "seconds",
        help: "How long a node's claim on a message lasts unless renewed (a third of the way through, while the "
            + "send is under way): a message caught mid-send by a crash is sent again after this.",
        defaultText: SettingDefaults.seconds(SettingDefaults.app.sending.lease)
    )

    static let outbox = Setting(
        key: "sending.enabled",
        flag: "outbox",
        environment: "CAIRN_OUTBOX",
        valueName: "on|off",
        help: "Send what the outbox holds from this node (--no-outbox: queue messages but leave sending to "
            + "other nodes).",
        defaultText: SettingDefaults.onOff(SettingDefaults.app.sending.enabled)
    )

    static let allowPrivateURLs = Setting(
        key: "sending.allowPrivateUrls",
        flag: "allow-private-urls",
        environment: "CAIRN_ALLOW_PRIVATE_URLS",
        valueName: "on|off",
        help: "Let the providers brands set through the admin API reach loopback, private and link-local "
            + "addresses (the configuration's own providers always may).",
        defaultText: SettingDefaults.onOff(SettingDefaults.app.sending.brandProviderRules.allowsPrivateAddresses)
    )
    static let caDirectory = Setting(
        key: "sending.caDirectory",
        flag: "ca-directory",
        environment: "CAIRN_CA_DIRECTORY",
        valueName: "dir",
        help: "Where the ?ca=NAME of a brand's SMTP URL is read from (a file name, no path); without it, brands "
            + "may name no CA file.",
        defaultText: "none"
    )

    static let pushDeviceExpiry = Setting(
        key: "push.deviceExpiryDays",
        flag: "push-device-expiry",
        environment: "CAIRN_PUSH_DEVICE_EXPIRY",
        valueName: "days",
        help: "How long a customer's push device is kept without being registered again (1 to 3650 days).",
        defaultText: "\(Int(PushDevice.defaultExpiry.components.seconds / 86_400))"
    )

    static let fcmServiceAccount = Setting(
        key: "push.fcm.serviceAccount",
        flag: "fcm-service-account",
        environment: "CAIRN_FCM_SERVICE_ACCOUNT",
        valueName: "file",
        help: "The push provider of brands that set none, for iOS and Android apps: a Firebase service account's "
            + "key file (JSON), read at start.",
        defaultText: "none"
    )
    static let vapidSubject = Setting(
        key: "push.vapidSubject",
        flag: "vapid-subject",
        environment: "CAIRN_VAPID_SUBJECT",
        valueName: "url",
        help: "Who runs pushes to browsers (Web Push's VAPID subject), for brands whose push channel names no one: "
            + "mailto:you@example.com or an https: URL. Brands' VAPID keys need the secret key.",
        defaultText: "none"
    )

    static let printSpool = Setting(
        key: "print.spool",
        flag: "print-spool",
        environment: "CAIRN_PRINT_SPOOL",
        valueName: "dir",
        help: "Where letters are left for pick-up (one folder per letter), for brands that set no print provider; "
            + "a brand's own spool is a folder in it.",
        defaultText: "on SQLite, letters/ beside the database; none on PostgreSQL"
    )
    static let printPDFRenderer = Setting(
        key: "print.pdfRenderer",
        flag: "print-pdf-renderer",
        environment: "CAIRN_PRINT_PDF_RENDERER",
        valueName: "path",
        help: "Headless Chromium (e.g. /usr/bin/chromium), with which every letter is also made a PDF (letter.pdf); "
            + "without it letters are HTML.",
        defaultText: "none"
    )

    static let sending = [
        outbox, publicURL, secretKey, smtpURL, smtpFrom, twilioAccountSid, twilioAuthToken, twilioFrom, twilioBaseURL,
        sendAttempts, sendRetryBase, sendLease, allowPrivateURLs, caDirectory, pushDeviceExpiry, fcmServiceAccount,
        vapidSubject, printSpool, printPDFRenderer,
    ]
}
