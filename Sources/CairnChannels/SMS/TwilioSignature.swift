import Crypto
import Foundation

/// Twilio's `X-Twilio-Signature` on the requests it sends (status callbacks among them):
/// base64(HMAC-SHA1(authToken, url + every POST parameter's name and value, sorted by name)).
public enum TwilioSignature {
    /// The signature Twilio would send for a POST of `parameters` to `url`. `url` is the address
    /// exactly as given to Twilio (scheme, host, port, path and query); `parameters` are decoded.
    public static func sign(url: String, parameters: [(String, String)], authToken: String) -> String {
        var text = url
        for (name, value) in parameters.sorted(by: precedes) {
            text += name
            text += value
        }
        let key = SymmetricKey(data: Data(authToken.utf8))
        let code = HMAC<Insecure.SHA1>.authenticationCode(for: Data(text.utf8), using: key)
        return Data(code).base64EncodedString()
    }

    /// Whether `signature` is the one Twilio would send; compared in constant time.
    public static func isValid(
        _ signature: String,
        url: String,
        parameters: [(String, String)],
        authToken: String
    ) -> Bool {
        let expected = Array(sign(url: url, parameters: parameters, authToken: authToken).utf8)
        let given = Array(signature.utf8)
        guard expected.count == given.count else { return false }
        var difference: UInt8 = 0
        for index in expected.indices { difference |= expected[index] ^ given[index] }
        return difference == 0
    }

    /// By name, then by value, comparing code points (no Unicode normalisation), as Twilio sorts.
    private static func precedes(_ left: (String, String), _ right: (String, String)) -> Bool {
        if left.0 != right.0 { return left.0.unicodeScalars.lexicographicallyPrecedes(right.0.unicodeScalars) }
        return left.1.unicodeScalars.lexicographicallyPrecedes(right.1.unicodeScalars)
    }
}
