/// A track event whose `event` name asks Cairn to act: send an asset or start a journey.
public enum Command: Sendable, Hashable {
    case send(channel: Channel, assetId: String)
    case startJourney(journeyId: String, stepId: String?)

    /// The channel a `send_*` command delivers on: an asset's channel.
    public typealias Channel = AssetChannel

    /// The command names, lower-cased, as the spec lists them.
    public enum Name: String, Sendable, CaseIterable {
        case sendEmail = "send_email"
        case sendSMS = "send_sms"
        case sendPrint = "send_print"
        case sendPush = "send_push"
        case startJourney = "start_journey"

        /// Recognises a command in any letter case (`SEND_SMS`, `Send_Email`, …).
        public init?(eventName: String) {
            self.init(rawValue: eventName.lowercased())
        }

        var channel: Channel? {
            switch self {
            case .sendEmail: return .email
            case .sendSMS: return .sms
            case .sendPrint: return .print
            case .sendPush: return .push
            case .startJourney: return nil
            }
        }
    }

    /// Reads the command a track event carries, or nil when its event name is not a command.
    /// Throws when it is a command whose required fields are missing or malformed.
    public static func parse(eventName: String, body: [String: JSONValue]) throws(EventRejection) -> Command? {
        guard let name = Name(eventName: eventName) else { return nil }
        if let channel = name.channel {
            guard let assetId = FieldReader.nonEmptyString(body["assetId"]) else {
                throw EventRejection(
                    .missingAssetId,
                    "The \(name.rawValue) command needs an assetId: the code of the asset to send."
                )
            }
            return .send(channel: channel, assetId: assetId)
        }
        let properties = body["properties"]?.objectValue ?? [:]
        guard let journeyId = FieldReader.nonEmptyString(properties["journeyIdToTrigger"]) else {
            throw EventRejection(
                .missingJourneyId,
                "The start_journey command needs properties.journeyIdToTrigger: the id of the journey to start."
            )
        }
        var stepId: String?
        if let step = properties["stepIdToTrigger"], !step.isNull {
            guard let text = step.stringValue, text.isCanonicalUUID else {
                throw EventRejection(
                    .invalidStepId,
                    "properties.stepIdToTrigger must be the UUID of a journey step, such as "
                        + "01c318b8-1f16-40b3-9808-709c5c1b44f6."
                )
            }
            stepId = text.lowercased()
        }
        return .startJourney(journeyId: journeyId, stepId: stepId)
    }
}
