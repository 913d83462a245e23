import CairnCore
import Crypto
import Foundation

/// Twilio's `X-Twilio-Signature` on the requests it sends (status callbacks among them):
/// base64(HMAC-SHA1(authToken, url + every POST parameter's name and value, sorted by name)).
public enum TwilioSignature {
    /// The signature Twilio would send for a POST of `parameters` to `url`. `url` is the address
    /// exactly as given to Twilio (scheme, host, port, path and query); `parameters` are decoded.
    public static func sign(url: String, parameters: [(String, String)], authToken: String) -> String {
        let key = SymmetricKey(data: Data(authToken.utf8))
        let code = HMAC<Insecure.SHA1>.authenticationCode(
            for: Data(signedText(url: url, parameters: parameters).utf8),
            using: key
        )
        return Data(code).base64EncodedString()
    }

    /// What is signed: the URL, then each parameter's name and value, sorted.
    private static func signedText(url: String, parameters: [(String, String)]) -> String {
        parameters.sorted(by: precedes).reduce(url) { $0 + $1.0 + $1.1 }
    }

    /// Whether `signature` is the one Twilio would send; compared in constant time.
    public static func isValid(
        _ signature: String,
        url: String,
        parameters: [(String, String)],
        authToken: String
    ) -> Bool {
        // The text itself is compared, not its decoding: base64 decoders forgive stray padding
        // and low bits, and a signature written otherwise than Twilio writes it is not Twilio's.
        let expected = sign(url: url, parameters: parameters, authToken: authToken)
        return ConstantTime.equal(Array(signature.utf8), Array(expected.utf8))
    }

    /// By name, then by value, comparing code points (no Unicode normalisation), as Twilio sorts.
    private static func precedes(_ left: (String, String), _ right: (String, String)) -> Bool {
        if left.0 != right.0 { return left.0.unicodeScalars.lexicographicallyPrecedes(right.0.unicodeScalars) }
        return left.1.unicodeScalars.lexicographicallyPrecedes(right.1.unicodeScalars)
    }
}
