// Package fetch gets the text of a source from the web for citecheck without letting a URL
// reach the server's own network: every address actually dialled is checked, after DNS and after
// each redirect, and HTML is reduced to readable text.
package fetch

import (
	"fmt"
	"net/netip"
	"strings"
)

// blocked are the ranges a fetch never dials unless the allow list names them: addresses that
// lead back into the server, its network or its cloud's metadata service, and ranges that are
// not routable on the internet.
var blocked = mustPrefixes(
	"0.0.0.0/8",       // "this network", and the unspecified address
	"10.0.0.0/8",      // private (RFC 1918)
	"100.64.0.0/10",   // carrier-grade NAT, where some clouds keep metadata (100.100.100.200)
	"127.0.0.0/8",     // loopback
	"169.254.0.0/16",  // link-local, with the metadata address 169.254.169.254
	"172.16.0.0/12",   // private (RFC 1918)
	"192.0.0.0/24",    // IETF protocol assignments
	"192.0.2.0/24",    // documentation
	"192.168.0.0/16",  // private (RFC 1918)
	"198.18.0.0/15",   // benchmarking
	"198.51.100.0/24", // documentation
	"203.0.113.0/24",  // documentation
	"224.0.0.0/4",     // multicast
	"240.0.0.0/4",     // reserved, and the broadcast address
	"::/128",          // unspecified
	"::1/128",         // loopback
	"::ffff:0:0/96",   // IPv4-mapped: the IPv4 rules apply to the address inside
	"::/8",            // reserved, with the IPv4-compatible (::a.b.c.d) and IPv4-translated (::ffff:0:a.b.c.d) forms
	"64:ff9b::/96",    // NAT64, which reaches IPv4 addresses through a gateway
	"64:ff9b:1::/48",  // local-use NAT64
	"100::/64",        // discard
	"2001::/32",       // Teredo, which tunnels to an embedded IPv4 address
	"2001:db8::/32",   // documentation
	"2002::/16",       // 6to4, which embeds an IPv4 address
	"3fff::/20",       // documentation (RFC 9637)
	"fc00::/7",        // unique local (private), with the metadata address fd00:ec2::254
	"fe80::/10",       // link-local
	"fec0::/10",       // site-local (deprecated)
	"ff00::/8",        // multicast
)

// globalIPv6 is where the internet's IPv6 unicast addresses are: an IPv6 address outside it is
// never dialled, whatever the list above says of it.
var globalIPv6 = netip.MustParsePrefix("2000::/3")

func mustPrefixes(cidrs ...string) []netip.Prefix {
	out := make([]netip.Prefix, len(cidrs))
	for i, c := range cidrs {
		out[i] = netip.MustParsePrefix(c)
	}
	return out
}

// AllowList names the addresses and host names a fetch may reach even though they are blocked,
// such as a wiki on the office network, or the test server on loopback.
type AllowList struct {
	Prefixes []netip.Prefix
	Hosts    []string // lower case, without a trailing dot
}

// ParseAllowList reads a comma- or space-separated list of CIDR prefixes ("10.1.0.0/16"),
// single addresses ("127.0.0.1") and host names ("wiki.internal").
func ParseAllowList(s string) (AllowList, error) {
	var a AllowList
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '\n' }) {
		switch {
		case strings.Contains(f, "/"):
			p, err := netip.ParsePrefix(f)
			if err != nil {
				return AllowList{}, fmt.Errorf("fetch: allow list entry %q: %w", f, err)
			}
			a.Prefixes = append(a.Prefixes, p.Masked())
		default:
			if ip, err := netip.ParseAddr(f); err == nil {
				a.Prefixes = append(a.Prefixes, netip.PrefixFrom(ip, ip.BitLen()))
				continue
			}
			if strings.ContainsAny(f, ":[]@") {
				return AllowList{}, fmt.Errorf("fetch: allow list entry %q is neither an address, a prefix nor a host name", f)
			}
			a.Hosts = append(a.Hosts, normalizeHost(f))
		}
	}
	return a, nil
}

// String lists the allow list as ParseAllowList reads it, for the configuration log line.
func (a AllowList) String() string {
	parts := make([]string, 0, len(a.Prefixes)+len(a.Hosts))
	for _, p := range a.Prefixes {
		parts = append(parts, p.String())
	}
	return strings.Join(append(parts, a.Hosts...), ",")
}

// allowsHost reports whether host is named by the list.
func (a AllowList) allowsHost(host string) bool {
	host = normalizeHost(host)
	for _, h := range a.Hosts {
		if h == host {
			return true
		}
	}
	return false
}

// allowsAddr reports whether ip lies in a prefix of the list; an IPv4-mapped address is
// compared as the IPv4 address it holds.
func (a AllowList) allowsAddr(ip netip.Addr) bool {
	for _, p := range a.Prefixes {
		if p.Contains(ip) || p.Contains(ip.Unmap()) {
			return true
		}
	}
	return false
}

func normalizeHost(h string) string {
	return strings.TrimSuffix(strings.ToLower(strings.TrimSpace(h)), ".")
}

// Refusal is the decision not to dial an address. It is the error a dial fails with, so that
// Fetch can tell a refused address from a network that failed.
type Refusal struct {
	Addr   netip.Addr
	Reason string
}

func (r *Refusal) Error() string {
	return fmt.Sprintf("address %s is %s", r.Addr, r.Reason)
}

// CheckAddr decides whether a fetch may connect to ip: nil for a public address or one the
// allow list names, else a *Refusal that says why not. It is called with the address actually
// dialled, after DNS, so a host name that resolves to a private address is refused too.
func (a AllowList) CheckAddr(ip netip.Addr) error {
	if !ip.IsValid() {
		return &Refusal{Addr: ip, Reason: "not an IP address"}
	}
	// A zone (fe80::1%eth0) names a local interface, and no prefix contains a zoned address:
	// checked as it is, it would slip past every range below.
	if ip.Zone() != "" {
		return &Refusal{Addr: ip, Reason: "an address with a zone (%" + ip.Zone() + "), which only a local network has"}
	}
	if a.allowsAddr(ip) {
		return nil
	}
	for _, p := range blocked {
		if p.Contains(ip) {
			return &Refusal{Addr: ip, Reason: "in " + p.String() + ", which is " + describe(p)}
		}
	}
	if ip.Is6() && !ip.Is4In6() && !globalIPv6.Contains(ip) {
		return &Refusal{Addr: ip, Reason: "outside " + globalIPv6.String() + ", where public IPv6 addresses are"}
	}
	return nil
}

// describe names the kind of a blocked range for an error message.
func describe(p netip.Prefix) string {
	ip := p.Addr()
	switch {
	case ip.IsLoopback():
		return "loopback"
	case ip.IsPrivate():
		return "private"
	case ip.IsLinkLocalUnicast():
		return "link-local (where cloud metadata lives)"
	case ip.IsMulticast():
		return "multicast"
	case ip.IsUnspecified():
		return "unspecified"
	case p.String() == "::ffff:0:0/96":
		return "an IPv4-mapped address"
	}
	return "not a public address"
}
