using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using SriovForwarder.Api.Nsm.Connection;
using SriovForwarder.Api.Nsm.Networkservice;
using SriovForwarder.Grains.Interfaces.Chain;
using SriovForwarder.Grains.Interfaces.Models;
using SriovForwarder.Grains.Telemetry;
using SriovForwarder.Grains.Node;
using SriovForwarder.Kernel.Diagnostics;

namespace SriovForwarder.Grains.Chain.Elements;

/// <summary>
/// Upstream's resourcepool server element for one driver: reserves a VF for the mechanism's token
/// through the node grain, binds its IOMMU group through the PF grain (unless the node found it bound and ready, decision
/// 049) and writes <c>pciAddress</c>
/// (and <c>iommuGroup</c> for VFIO). It heads its mechanism branch because everything after it needs
/// the VF; it frees the VF when anything after it fails (no upstream bug #8) and on Close.
/// </summary>
/// <remarks>The reservation carries its owner (client, network service, mechanism) for the fleet view, and the reserve and
/// bind steps are timed into <see cref="AllocationTimings"/> when one is given.</remarks>
public sealed partial class ResourcePoolElement(VfDriver driver, IVfPool pool, ILogger<ResourcePoolElement> logger, AllocationTimings? timings = null) : IChainElement
{
    /// <summary>The driver this instance binds (kernel or vfio-pci).</summary>
    public VfDriver Driver => driver;

    /// <inheritdoc />
    public async Task<Connection> RequestAsync(NetworkServiceRequest request, ChainContext context, IChainNext next)
    {
        var mechanism = request.Connection.Mechanism;
        var token = mechanism.Parameters.GetValueOrDefault(MechanismTypes.TokenIdKey);
        if (string.IsNullOrEmpty(token))
        {
            throw ForwarderException.Invalid("no token ID provided: the mechanism has no tokenID parameter");
        }

        var selectedHere = false;
        if (context.State.Vf is null)
        {
            var clock = Stopwatch.StartNew();
            var result = "error";
            try
            {
                context.State.Vf = await SelectAsync(token, OwnerOf(request), context);
                result = "ok";
            }
            finally
            {
                ForwarderMeters.RecordAllocation(clock.Elapsed, driver, result);
            }

            selectedHere = true;
        }

        var vf = context.State.Vf;
        mechanism.Parameters[MechanismTypes.PciAddressKey] = vf.VfAddress;
        if (driver == VfDriver.VfioPci)
        {
            mechanism.Parameters[MechanismTypes.IommuGroupKey] = vf.IommuGroup.ToString(CultureInfo.InvariantCulture);
        }

        try
        {
            return await next.RequestAsync(request, context);
        }
        catch (Exception ex) when (selectedHere)
        {
            await FreeAfterFailureAsync(context, ex);
            throw;
        }
    }

    /// <inheritdoc />
    public async Task CloseAsync(Connection connection, ChainContext context, IChainNext next)
    {
        // The branch's end starts the release once the elements after this one have undone their part on the VF, so it
        // runs while the next hop closes (decision 052); a branch without that end, or a Close that failed before it,
        // releases here after the rest, as before.
        var release = new StrongBox<Task<bool>?>();
        if (context.State.Vf is not null)
        {
            context.BranchClosed = () => release.Value ??= pool.ReleaseAsync(context.Node, context.ConnectionId);
        }

        try
        {
            await next.CloseAsync(connection, context);
        }
        finally
        {
            context.BranchClosed = null;
            if (context.State.Vf is not null)
            {
                await (release.Value ?? pool.ReleaseAsync(context.Node, context.ConnectionId));
                context.State.Vf = null;
            }
        }
    }

    /// <summary>What this element asks the node for a request's VF; the early reserve asks the same (decision 052).</summary>
    internal static ReserveRequest ReserveRequestFor(string connectionId, string token, VfDriver driver, VfOwner owner) =>
        new(connectionId, token, driver, owner, ReadDriverState: true);

    // The reserve started before discover (decision 052). It asked what this element asks now (the early reserve element
    // builds the request the same way); should it not have, it is freed and the reserve made again, since the node answers
    // a second reserve of one connection with the VF it already holds.
    private Task<VfReservation>? TakeEarly(ChainContext context, ReserveRequest reserve)
    {
        if (context.EarlyReservation is not { } early)
        {
            return null;
        }

        context.EarlyReservation = null;
        return early.Request == reserve ? early.Reservation : ReserveAgainAsync(early, reserve, context);
    }

    private async Task<VfReservation> ReserveAgainAsync(EarlyReservation early, ReserveRequest reserve, ChainContext context)
    {
        await EarlyReserveElement.FreeAsync(early, pool, context, logger);
        return await pool.ReserveAsync(context.Node, reserve);
    }

    // The client is the first path segment's name (the pod's NSC); the fleet view shows who holds each VF.
    internal static VfOwner OwnerOf(NetworkServiceRequest request, string? mechanismType = null) => new(
        request.Connection.Path?.PathSegments.FirstOrDefault()?.Name ?? string.Empty,
        request.Connection.NetworkService ?? string.Empty,
        mechanismType ?? request.Connection.Mechanism?.Type ?? string.Empty);

    private async Task<VfHolding> SelectAsync(string token, VfOwner owner, ChainContext context)
    {
        VfReservation reservation;
        var started = Stopwatch.GetTimestamp();
        var reserve = ReserveRequestFor(context.ConnectionId, token, driver, owner);
        try
        {
            reservation = await (TakeEarly(context, reserve) ?? pool.ReserveAsync(context.Node, reserve));
            timings?.Reserved(Stopwatch.GetElapsedTime(started));
        }
        catch (Exception ex) when (ex is not ForwarderException)
        {
            throw NodeErrors.ToForwarderException(ex, token, driver);
        }

        try
        {
            string? netdev;
            if (reservation.DriverReady && (driver == VfDriver.VfioPci || !string.IsNullOrEmpty(reservation.NetInterface)))
            {
                // The node found the group on this driver and ready when it reserved (a VF freed stays bound): no PF grain
                // call for the bind nor for the netdev (decision 049). The PF grain still serialises every bind that writes.
                // No bind timing either: the fleet's bind figure stays one of binds that happened.
                CrashPoint.Reach("pool.bound");
                netdev = driver == VfDriver.Kernel ? reservation.NetInterface : null;
            }
            else
            {
                started = Stopwatch.GetTimestamp();
                await pool.BindAsync(context.Node, reservation.PfAddress, reservation.IommuGroup, driver);
                timings?.Bound(Stopwatch.GetElapsedTime(started));
                CrashPoint.Reach("pool.bound");
                netdev = driver == VfDriver.Kernel
                    ? await pool.GetVfNetInterfaceAsync(context.Node, reservation.PfAddress, reservation.VfAddress)
                    : null;
            }

            if (driver == VfDriver.Kernel && string.IsNullOrEmpty(netdev))
            {
                throw new ForwarderException(ForwarderErrorCode.FailedPrecondition,
                    $"failed to get VF net interface name: {reservation.VfAddress} has no netdev after binding its kernel driver");
            }

            return new VfHolding
            {
                TokenId = token,
                PfAddress = reservation.PfAddress,
                VfAddress = reservation.VfAddress,
                VfNumber = reservation.VfNumber,
                IommuGroup = reservation.IommuGroup,
                Driver = driver,
                VfInterfaceName = netdev,
            };
        }
        catch (Exception ex)
        {
            await pool.ReleaseAsync(context.Node, context.ConnectionId);
            if (ex is ForwarderException)
            {
                throw;
            }

            throw new ForwarderException(ForwarderErrorCode.FailedPrecondition,
                $"failed to bind IOMMU group {reservation.IommuGroup} of VF {reservation.VfAddress} to {driver}: {ex.Message}", ex);
        }
    }

    private async Task FreeAfterFailureAsync(ChainContext context, Exception cause)
    {
        context.State.Vf = null;
        try
        {
            await pool.ReleaseAsync(context.Node, context.ConnectionId);
        }
        catch (Exception ex)
        {
            LogFreeFailed(logger, context.ConnectionId, cause.Message, ex.Message);
        }
    }

    [LoggerMessage(EventId = 3201, Level = LogLevel.Error,
        Message = "Connection {ConnectionId} failed ({Cause}) and its VF could not be freed: {Reason}")]
    private static partial void LogFreeFailed(ILogger logger, string connectionId, string cause, string reason);
}
