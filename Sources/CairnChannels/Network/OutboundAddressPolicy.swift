public import NIOCore

/// Which addresses a provider connection may reach. The operator's own providers (from the
/// configuration) reach any; those a brand sets through the admin API reach only public ones,
/// unless the server allows private addresses (`--allow-private-urls`), so that an admin token
/// cannot turn Cairn against the network it runs in (cloud metadata at 169.254.169.254, a
/// database on 10.0.0.5, the node's own loopback).
public enum OutboundAddressPolicy: Sendable, Hashable {
    case anyAddress
    case publicOnly

    /// Whether a connection may be made to `address`.
    public func allows(_ address: SocketAddress) -> Bool {
        switch self {
        case .anyAddress: return true
        case .publicOnly: return AddressRange.isPublic(address)
        }
    }
}

/// The address ranges that are not the public internet: loopback, private (RFC 1918, unique
/// local), link-local, shared (carrier NAT), unspecified, benchmarking, multicast and reserved,
/// with an IPv4 address inside IPv6 (mapped, compatible, NAT64, 6to4) judged as itself.
public enum AddressRange {
    public static func isPublic(_ address: SocketAddress) -> Bool {
        // The raw sockaddr: sockaddr_in holds the IPv4 address at bytes 4..<8, sockaddr_in6 the
        // IPv6 one at bytes 8..<24 (family, port and flow info before them).
        let bytes = address.withSockAddr { pointer, length in
            Array(UnsafeRawBufferPointer(start: UnsafeRawPointer(pointer), count: length))
        }
        switch address {
        case .v4:
            guard bytes.count >= 8 else { return false }
            return isPublic(ipv4: bytes[4..<8].reduce(0) { $0 << 8 | UInt32($1) })
        case .v6:
            guard bytes.count >= 24 else { return false }
            return isPublic(ipv6: Array(bytes[8..<24]))
        case .unixDomainSocket:
            return false
        }
    }

    /// `address` as a number, most significant byte first (192.168.0.1 is 0xC0A8_0001).
    public static func isPublic(ipv4 address: UInt32) -> Bool {
        let blocked: [(UInt32, UInt32)] = [
            (0x0000_0000, 8),  // 0.0.0.0/8: this network
            (0x0A00_0000, 8),  // 10/8: private
            (0x6440_0000, 10),  // 100.64/10: carrier-grade NAT
            (0x7F00_0000, 8),  // 127/8: loopback
            (0xA9FE_0000, 16),  // 169.254/16: link-local (cloud metadata)
            (0xAC10_0000, 12),  // 172.16/12: private
            (0xC000_0000, 24),  // 192.0.0/24: protocol assignments
            (0xC0A8_0000, 16),  // 192.168/16: private
            (0xC612_0000, 15),  // 198.18/15: benchmarking
            (0xE000_0000, 4),  // 224/4: multicast
            (0xF000_0000, 4),  // 240/4: reserved, broadcast
        ]
        return !blocked.contains { prefix, length in address >> (32 - length) == prefix >> (32 - length) }
    }

    /// `bytes`: the 16 bytes of an IPv6 address, in order.
    public static func isPublic(ipv6 bytes: [UInt8]) -> Bool {
        guard bytes.count == 16 else { return false }
        func ipv4(at offset: Int) -> UInt32 {
            bytes[offset..<offset + 4].reduce(0) { $0 << 8 | UInt32($1) }
        }
        let zeroPrefix = bytes[0..<10].allSatisfy { $0 == 0 }
        if zeroPrefix, bytes[10] == 0xFF, bytes[11] == 0xFF { return isPublic(ipv4: ipv4(at: 12)) }  // ::ffff:a.b.c.d
        if zeroPrefix, bytes[10] == 0, bytes[11] == 0 { return isPublic(ipv4: ipv4(at: 12)) }  // ::, ::1, ::a.b.c.d
        if bytes[0..<12] == [0x00, 0x64, 0xFF, 0x9B, 0, 0, 0, 0, 0, 0, 0, 0] {
            return isPublic(ipv4: ipv4(at: 12))  // 64:ff9b::/96, NAT64
        }
        if bytes[0..<6] == [0x00, 0x64, 0xFF, 0x9B, 0x00, 0x01] { return false }  // 64:ff9b:1::/48, local NAT64
        if bytes[0] == 0x20, bytes[1] == 0x02 { return isPublic(ipv4: ipv4(at: 2)) }  // 2002::/16, 6to4
        if bytes[0] & 0xFE == 0xFC { return false }  // fc00::/7: unique local
        if bytes[0] == 0xFE, bytes[1] & 0xC0 == 0x80 { return false }  // fe80::/10: link-local
        if bytes[0] == 0xFE, bytes[1] & 0xC0 == 0xC0 { return false }  // fec0::/10: site-local (deprecated)
        if bytes[0] == 0xFF { return false }  // ff00::/8: multicast
        return true
    }
}
