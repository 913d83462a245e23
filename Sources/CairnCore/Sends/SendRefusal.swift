/// Why the processor refused a send command, in the order it checks them.
extension EventError {
    public static let assetNotFound = EventError(
        code: "asset_not_found",
        message: "No asset with this assetId exists for the brand (or it was archived)."
    )
    public static let assetNotLive = EventError(
        code: "asset_not_live",
        message: "The asset has no published version: publish it before sending it."
    )
    public static func assetChannelMismatch(asset: AssetChannel, command: AssetChannel) -> EventError {
        EventError(
            code: "asset_channel_mismatch",
            message: "The asset is an \(asset) asset; a send_\(command) command cannot send it."
        )
    }
    public static func channelNotSubscribed(_ channel: AssetChannel) -> EventError {
        EventError(
            code: "channel_not_subscribed",
            message: "The customer has not agreed to marketing by \(channel) "
                + "(traits.marketingPreferences.channels), and the asset is a marketing one."
        )
    }
    public static let noEmailAddress = EventError(
        code: "no_email_address",
        message: "The customer has no usable email address (traits.email)."
    )
    public static let noPhoneNumber = EventError(
        code: "no_phone_number",
        message: "The customer has no phone number in E.164 form, such as +447700900123 (traits.phone)."
    )
    public static let noPushDevice = EventError(
        code: "no_push_device",
        message: "The customer has no push device: register one with a register push event."
    )
    public static let noPostalAddress = EventError(
        code: "no_postal_address",
        message: "The customer has no postal address a letter can go to: traits.address needs houseNumberOrName "
            + "or addressLine1, and a town, county or postalCode (addressLine2, addressLine3, postalCode)."
    )
    public static func channelNotConfigured(_ channel: AssetChannel) -> EventError {
        EventError(
            code: "channel_not_configured",
            message: "No \(channel) provider is set for this brand, and the server has no default one."
        )
    }
    public static func templateError(_ rejection: AssetRejection) -> EventError {
        EventError(code: "template_error", message: rejection.message)
    }
}
