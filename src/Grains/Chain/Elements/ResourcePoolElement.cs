using System.Diagnostics;
using System.Globalization;
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
        try
        {
            await next.CloseAsync(connection, context);
        }
        finally
        {
            if (context.State.Vf is not null)
            {
                await pool.ReleaseAsync(context.Node, context.ConnectionId);
                context.State.Vf = null;
            }
        }
    }

    // The client is the first path segment's name (the pod's NSC); the fleet view shows who holds each VF.
    private static VfOwner OwnerOf(NetworkServiceRequest request) => new(
        request.Connection.Path?.PathSegments.FirstOrDefault()?.Name ?? string.Empty,
        request.Connection.NetworkService ?? string.Empty,
        request.Connection.Mechanism?.Type ?? string.Empty);

    private async Task<VfHolding> SelectAsync(string token, VfOwner owner, ChainContext context)
    {
        VfReservation reservation;
        var started = Stopwatch.GetTimestamp();
        try
        {
            reservation = await pool.ReserveAsync(context.Node, new ReserveRequest(context.ConnectionId, token, driver, owner, ReadDriverState: true));
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
