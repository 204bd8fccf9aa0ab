using System.Net.NetworkInformation;
using Microsoft.Extensions.Logging;
using SriovForwarder.Api.Nsm.Connection;
using SriovForwarder.Api.Nsm.Networkservice;
using SriovForwarder.Grains.Interfaces.Chain;
using SriovForwarder.Kernel.VfEthernet;

namespace SriovForwarder.Grains.Chain.Elements.Kernel;

/// <summary>
/// Upstream's ethernetcontext for VFs (6.3.3): after the next hop answered, programs the VF's MAC (<c>src_mac</c>) and
/// VLAN (<c>vlan_tag</c>) of the returned ethernet context; on failure closes the rest of the chain and fails. Close
/// clears both first; failures there are only logged.
/// </summary>
public sealed partial class EthernetContextElement(IVfEthernetSettings settings, KernelNamespaces namespaces, ILogger<EthernetContextElement> logger)
    : IChainElement, IRefreshableElement
{
    /// <inheritdoc />
    public async Task<Connection> RequestAsync(NetworkServiceRequest request, ChainContext context, IChainNext next)
    {
        var result = await next.RequestAsync(request, context);
        try
        {
            Apply(result, context);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await KernelCloseOnFailure.CloseAsync(next, result, context, ex, logger);
            throw;
        }

        return result;
    }

    /// <inheritdoc />
    public Task RefreshAsync(Connection result, ChainContext context)
    {
        Apply(result, context);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async Task CloseAsync(Connection connection, ChainContext context, IChainNext next)
    {
        if (context.State.Vf is { } vf)
        {
            try
            {
                settings.Reset(Target(context));
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogResetFailed(logger, context.ConnectionId, vf.VfNumber, vf.PfAddress, ex.Message);
            }
        }

        await next.CloseAsync(connection, context);
    }

    private void Apply(Connection result, ChainContext context)
    {
        if (context.State.Vf is null || result.Context?.EthernetContext is not { } ethernet)
        {
            return;
        }

        var mac = string.IsNullOrEmpty(ethernet.SrcMac) ? null : ParseMac(ethernet.SrcMac);
        if (ethernet.VlanTag is < 0 or > 4095)
        {
            throw ForwarderException.Invalid($"invalid VLAN tag: ethernet_context.vlan_tag {ethernet.VlanTag} is outside 0..4095");
        }

        if (mac is not null || ethernet.VlanTag != 0)
        {
            Run(() => settings.Apply(Target(context, withNetlink: true), mac, ethernet.VlanTag), context, "set");
        }
    }

    private static PhysicalAddress ParseMac(string text)
    {
        var parts = text.Split(':', '-');
        if (parts.Length != 6 || parts.Any(p => p.Length != 2 || !p.All(char.IsAsciiHexDigit)))
        {
            throw ForwarderException.Invalid($"invalid MAC address: {text} (ethernet_context.src_mac; expected six hex pairs, e.g. 0a:55:44:33:22:00)");
        }

        return PhysicalAddress.Parse(text.Replace(':', '-'));
    }

    // With the connection's kept rtnetlink connection inside the client namespace when setting (the simulated node sets
    // the MAC on the VF netdev there); a reset does not need one, so none is opened for it after a restart.
    private VfEthernetTarget Target(ChainContext context, bool withNetlink = false)
    {
        var vf = context.State.Vf!;
        if (context.State.Kernel is { } record)
        {
            var inside = withNetlink ? namespaces.NetlinkIn(context.ConnectionId, record, context.CallerNamespaceUrl) : null;
            return new VfEthernetTarget(vf.PfAddress, vf.VfNumber, vf.VfAddress, namespaces.Get(context.ConnectionId, record, context.CallerNamespaceUrl), record.InterfaceName, inside);
        }

        return new VfEthernetTarget(vf.PfAddress, vf.VfNumber, vf.VfAddress, null, vf.VfInterfaceName);
    }

    private static void Run(Action action, ChainContext context, string what)
    {
        try
        {
            action();
        }
        catch (Exception ex) when (ex is not ForwarderException and not OperationCanceledException)
        {
            var vf = context.State.Vf!;
            throw new ForwarderException(ForwarderErrorCode.FailedPrecondition,
                $"failed to {what} MAC/VLAN of VF {vf.VfNumber} ({vf.VfAddress}) on PF {vf.PfAddress}: {ex.Message}", ex);
        }
    }

    [LoggerMessage(EventId = 3401, Level = LogLevel.Warning,
        Message = "Connection {ConnectionId}: cannot clear MAC/VLAN of VF {VfNumber} on PF {PfAddress}: {Reason}")]
    private static partial void LogResetFailed(ILogger logger, string connectionId, int vfNumber, string pfAddress, string reason);
}
