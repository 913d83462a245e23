/// What a push says, rendered from a push asset: `title`, `body`, and optionally an image, a link
/// and data for the app (strings, as FCM carries them).
public struct PushNotification: Sendable, Hashable {
    public var title: String
    public var body: String
    public var imageURL: String?
    public var url: String?
    public var data: [String: String]

    public init(title: String, body: String, imageURL: String? = nil, url: String? = nil, data: [String: String] = [:])
    {
        self.title = title
        self.body = body
        self.imageURL = imageURL
        self.url = url
        self.data = data
    }
}
