import CairnChannels
import CairnCore
import Synchronization

/// A brand's own sender and the sends holding it, so that a replaced sender is shut down only
/// once the last send given it has ended.
extension ChannelProviders {
    /// The sender made from one saving of a brand's settings, and how many sends hold it.
    final class Provision: Sendable {
        let sender: any ChannelSender
        /// The settings as sealed, which name this saving.
        let sealed: [UInt8]
        private let holds = Mutex(Holds())

        private struct Holds {
            var count = 0
            var retired = false
            var closed = false

            /// True once, when the sender is replaced and no send holds it: time to shut it down.
            mutating func closesNow() -> Bool {
                guard retired, count == 0, !closed else { return false }
                closed = true
                return true
            }
        }

        init(sender: any ChannelSender, sealed: [UInt8]) {
            self.sender = sender
            self.sealed = sealed
        }

        /// Taken for each send it is given, only while it is its lane's answer (never once retired).
        func hold() {
            holds.withLock { $0.count += 1 }
        }

        /// A send lets it go; true when the sender is to be shut down now.
        func release() -> Bool {
            holds.withLock { holds in
                holds.count -= 1
                return holds.closesNow()
            }
        }

        /// Replaced (or the node stops); true when the sender is to be shut down now.
        func retire() -> Bool {
            holds.withLock { holds in
                holds.retired = true
                return holds.closesNow()
            }
        }
    }

    /// A brand's own sender as given for a send: while it exists, its provision is held, so a
    /// replaced sender is shut down only after every send given it has let it go.
    final class HeldSender: ChannelSender {
        let provision: Provision
        private let directory: ChannelProviders

        /// `provision` already held for it.
        init(_ provision: Provision, directory: ChannelProviders) {
            self.provision = provision
            self.directory = directory
        }

        func send(_ message: OutboxMessage) async -> SendOutcome {
            await provision.sender.send(message)
        }

        func send(_ message: OutboxMessage, to device: PushDevice) async -> SendOutcome {
            await provision.sender.send(message, to: device)
        }

        /// The directory shuts the sender down, once it is replaced and nothing holds it.
        func shutdown() async {}

        deinit {
            if provision.release() { directory.close(provision) }
        }
    }
}
