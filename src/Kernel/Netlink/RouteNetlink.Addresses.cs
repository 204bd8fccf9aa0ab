using System.Net.Sockets;
using SriovForwarder.Kernel.Netlink.Model;
using static SriovForwarder.Kernel.Netlink.NetlinkConstants;

namespace SriovForwarder.Kernel.Netlink;

/// <summary>Interface address operations.</summary>
public sealed partial class RouteNetlink
{
    /// <summary>Adds an address to a link; with <paramref name="replace"/> an existing equal address is updated instead of failing with EEXIST.</summary>
    /// <param name="link">The interface name.</param>
    /// <param name="address">Address and prefix length, e.g. 10.0.0.2/24.</param>
    /// <param name="flags">IFA_F_* flags; upstream uses <see cref="AddressFlags.Permanent"/>, plus <see cref="AddressFlags.NoDad"/> for IPv6.</param>
    /// <param name="replace">NLM_F_REPLACE when true, NLM_F_EXCL when false.</param>
    public void AddAddress(string link, IpPrefix address, AddressFlags flags = AddressFlags.Permanent, bool replace = true)
    {
        ArgumentNullException.ThrowIfNull(address.Address, nameof(address));
        lock (_gate)
        {
            var index = IndexOfLocked(link);
            RtnlRequests.Address(_writer, Next(), add: true, replace, index, address, flags);
            Execute(new NetlinkOperation(RtmNewAddr, "add address", link, address.ToString()));
        }
    }

    /// <summary>Deletes an address from a link.</summary>
    /// <exception cref="NetlinkException">EADDRNOTAVAIL when the link does not have it.</exception>
    public void DeleteAddress(string link, IpPrefix address)
    {
        ArgumentNullException.ThrowIfNull(address.Address, nameof(address));
        lock (_gate)
        {
            var index = IndexOfLocked(link);
            RtnlRequests.Address(_writer, Next(), add: false, replace: false, index, address, AddressFlags.None);
            Execute(new NetlinkOperation(RtmDelAddr, "delete address", link, address.ToString()));
        }
    }

    /// <summary>Lists addresses, of one link when <paramref name="link"/> is given, of one family unless Unspecified.</summary>
    public IReadOnlyList<InterfaceAddress> ListAddresses(string? link = null, AddressFamily family = AddressFamily.Unspecified)
    {
        var addresses = new List<InterfaceAddress>();
        lock (_gate)
        {
            var index = link is null ? 0 : IndexOfLocked(link);
            RtnlRequests.DumpAddresses(_writer, Next(), family);
            Execute(new NetlinkOperation(RtmGetAddr, "list addresses of", link ?? "all links"), (type, payload) =>
            {
                if (type == RtmNewAddr)
                {
                    var address = RtnlReplies.Address(payload);
                    if (index == 0 || address.InterfaceIndex == index)
                    {
                        addresses.Add(address);
                    }
                }
            });
        }

        return addresses;
    }

    /// <summary>Waits until every address in <paramref name="addresses"/> is present on the link and no longer tentative (IPv6 DAD done).</summary>
    /// <exception cref="TimeoutException">Some address is still missing or tentative after <paramref name="timeout"/>; the message lists them.</exception>
    /// <exception cref="InvalidOperationException">DAD failed: another host uses the address.</exception>
    public async Task WaitUntilUsableAsync(string link, IReadOnlyCollection<IpPrefix> addresses, TimeSpan timeout, TimeProvider? time = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(addresses);
        time ??= TimeProvider.System;
        var started = time.GetTimestamp();
        while (true)
        {
            var current = ListAddresses(link);
            var pending = new List<string>();
            foreach (var wanted in addresses)
            {
                var found = current.FirstOrDefault(a => a.Prefix.Address.Equals(wanted.Address));
                if (found is null)
                {
                    pending.Add($"{wanted} (missing)");
                }
                else if ((found.Flags & AddressFlags.DadFailed) != 0)
                {
                    throw new InvalidOperationException($"address {wanted} on {link} in netns {Namespace}: duplicate address detection failed");
                }
                else if (found.IsTentative)
                {
                    pending.Add($"{wanted} (tentative)");
                }
            }

            if (pending.Count == 0)
            {
                return;
            }

            if (time.GetElapsedTime(started) >= timeout)
            {
                throw new TimeoutException($"addresses on {link} in netns {Namespace} not usable after {timeout.TotalMilliseconds:0} ms: {string.Join(", ", pending)}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(10), time, cancellationToken).ConfigureAwait(false);
        }
    }
}
