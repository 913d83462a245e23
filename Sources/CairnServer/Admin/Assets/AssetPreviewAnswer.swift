import CairnCore
import Hummingbird

/// `POST …/assets/{assetId}/preview`: the rendered fields and every tag that found no value.
struct AssetPreviewAnswer: ResponseEncodable, Sendable {
    let success = true
    let assetId: String
    let channel: String
    let version: Int
    let rendered: JSONValue
    let missingTags: [String]
}
