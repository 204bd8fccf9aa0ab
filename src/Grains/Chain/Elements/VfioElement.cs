using System.Globalization;
using Microsoft.Extensions.Logging;
using SriovForwarder.Api.Nsm.Connection;
using SriovForwarder.Api.Nsm.Networkservice;
using SriovForwarder.Grains.Interfaces.Chain;
using SriovForwarder.Kernel.Cgroups;
using SriovForwarder.Kernel.Diagnostics;
using SriovForwarder.Kernel.Vfio;

namespace SriovForwarder.Grains.Chain.Elements;

/// <summary>
/// Upstream's vfio server element: lets the client's cgroups open <c>/dev/vfio/vfio</c> and
/// <c>/dev/vfio/&lt;group&gt;</c> and tells the client their device numbers. It follows the VFIO
/// resourcepool because it needs the bound IOMMU group; it denies again on Close and when anything
/// after it fails, and records its grants in the connection state so a Close after a restart still denies.
/// </summary>
public sealed partial class VfioElement(IVfioDevices devices, IDeviceCgroupController cgroups, ILogger<VfioElement> logger) : IChainElement
{
    /// <inheritdoc />
    public async Task<Connection> RequestAsync(NetworkServiceRequest request, ChainContext context, IChainNext next)
    {
        var mechanism = request.Connection.Mechanism;
        var cgroupDir = mechanism.Parameters.GetValueOrDefault(MechanismTypes.CgroupDirKey);
        CgroupDirs.Check(cgroupDir, "VFIO mechanism parameter cgroupDir");
        var vf = context.State.Vf
            ?? throw new ForwarderException(ForwarderErrorCode.Internal, "the VFIO element runs without a reserved VF: resourcepool must come first");

        var grantedHere = false;
        if (context.State.Vfio is null)
        {
            var (container, group) = ReadDevices(vf.IommuGroup);
            var planned = new VfioGrantRecord { CgroupDir = cgroupDir!, Planned = [Planned(cgroupDir!, container), Planned(cgroupDir!, group)] };
            context.State.Vfio = planned;
            await context.CheckpointAsync();
            CrashPoint.Reach("vfio.intent-written");
            try
            {
                Grant(planned, container, group);
            }
            catch
            {
                context.State.Vfio = null;
                throw;
            }

            CrashPoint.Reach("vfio.granted");
            grantedHere = true;
        }

        var grants = context.State.Vfio.Grants;
        SetNumbers(mechanism, MechanismTypes.VfioMajorKey, MechanismTypes.VfioMinorKey, grants.FirstOrDefault());
        SetNumbers(mechanism, MechanismTypes.DeviceMajorKey, MechanismTypes.DeviceMinorKey, grants.LastOrDefault());
        try
        {
            return await next.RequestAsync(request, context);
        }
        catch when (grantedHere)
        {
            Revoke(context);
            throw;
        }
    }

    /// <inheritdoc />
    public Task CloseAsync(Connection connection, ChainContext context, IChainNext next)
    {
        Revoke(context);
        return next.CloseAsync(connection, context);
    }

    private (DeviceNumber Container, DeviceNumber Group) ReadDevices(int iommuGroup)
    {
        try
        {
            return (devices.GetContainerDevice(), devices.GetGroupDevice(iommuGroup));
        }
        catch (VfioDeviceException ex)
        {
            throw new ForwarderException(ForwarderErrorCode.FailedPrecondition, ex.Message, ex);
        }
    }

    private static PersistedDeviceGrant Planned(string cgroupDir, DeviceNumber device) =>
        new() { CgroupPath = cgroupDir, Major = device.Major, Minor = device.Minor };

    private void Grant(VfioGrantRecord grant, DeviceNumber container, DeviceNumber group)
    {
        var cgroupDir = grant.CgroupDir;
        try
        {
            // Both devices in one call: the pattern is matched once and a failure is rolled back inside it (decision 049).
            grant.Grants.AddRange(cgroups.AllowAll(cgroupDir, [container, group]).Select(PersistedDeviceGrant.From));
            grant.Applied = true;
        }
        catch (Exception ex) when (ex is DeviceCgroupException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            cgroups.DenyGrants([.. grant.Grants.Select(g => g.ToDeviceGrant())]);
            throw new ForwarderException(ex is ArgumentException ? ForwarderErrorCode.InvalidArgument : ForwarderErrorCode.FailedPrecondition,
                $"cannot allow VFIO devices in the client's cgroups \"{cgroupDir}\": {ex.Message}", ex);
        }
    }

    private void Revoke(ChainContext context)
    {
        if (context.State.Vfio is not { } grant)
        {
            return;
        }

        try
        {
            if (grant.Applied)
            {
                cgroups.DenyGrants([.. grant.Grants.Select(g => g.ToDeviceGrant())]);
            }
            else
            {
                DenyPlanned(grant);
            }
        }
        catch (Exception ex) when (ex is DeviceCgroupException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            LogDenyFailed(logger, context.ConnectionId, grant.CgroupDir, ex.Message);
        }

        context.State.Vfio = null;
        CrashPoint.Reach("vfio.revoked");
    }

    // A crash came between the planned grant's record and the record of what was allowed: whatever part was allowed is
    // unknown, so each planned device is allowed once more and released, which denies it wherever no other connection
    // holds it and leaves the reference counts as they were.
    private void DenyPlanned(VfioGrantRecord grant)
    {
        foreach (var planned in grant.Planned)
        {
            IReadOnlyList<DeviceGrant> taken;
            try
            {
                taken = cgroups.Allow(planned.CgroupPath, new DeviceNumber(planned.Major, planned.Minor));
            }
            catch (DeviceCgroupException)
            {
                continue; // no cgroup matches any more: nothing of this device is left to deny
            }

            cgroups.DenyGrants(taken);
        }
    }

    private static void SetNumbers(Mechanism mechanism, string majorKey, string minorKey, PersistedDeviceGrant? grant)
    {
        mechanism.Parameters[majorKey] = (grant?.Major ?? 0).ToString(CultureInfo.InvariantCulture);
        mechanism.Parameters[minorKey] = (grant?.Minor ?? 0).ToString(CultureInfo.InvariantCulture);
    }

    [LoggerMessage(EventId = 3301, Level = LogLevel.Warning, Message = "Connection {ConnectionId}: cannot deny VFIO devices in cgroups {CgroupDir}: {Reason}")]
    private static partial void LogDenyFailed(ILogger logger, string connectionId, string cgroupDir, string reason);
}
