using SriovForwarder.Gateway.DevicePlugin;
using SriovForwarder.Gateway.Grpc;
using SriovForwarder.Grains.Outbound;
using SriovForwarder.Gateway.Registry;
using SriovForwarder.Grains.Chain;
using SriovForwarder.Grains.Storage;
using SriovForwarder.Kernel.Cgroups;
using SriovForwarder.Kernel.Pci;
using SriovForwarder.Kernel.Vfio;

using SriovForwarder.Security.Authorization;

namespace SriovForwarder.Silo.Configuration;

/// <summary>The one place each options class is filled from <see cref="ForwarderSettings"/>: which variable feeds which option.</summary>
/// <remarks>
/// The wiring in <c>Extensions/</c> passes these methods to the features' <c>Add…</c> calls, and
/// <see cref="ForwarderOptionsValidation"/> binds the same way to check every options class before the host is built.
/// Options not named here keep the default their class documents.
/// </remarks>
public static class ForwarderOptionsBinding
{
    /// <summary>The grain storage folder below <c>NSM_STATE_PATH</c>.</summary>
    public static string GrainStoragePath(ForwarderSettings settings) => Path.Combine(settings.StatePath, "grains");

    /// <summary>The period of the sysfs device-health reconcile.</summary>
    public static void Bind(Grains.Health.NodeHealthOptions options, ForwarderSettings settings)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(settings);
        options.ReconcileInterval = settings.HealthReconcileInterval;
    }

    /// <summary>Sysfs PCI roots, the VFIO folder and the bind timeout.</summary>
    public static void Bind(PciOptions options, ForwarderSettings settings)
    {
        options.DevicesPath = settings.PciDevicesPath;
        options.DriversPath = settings.PciDriversPath;
        options.VfioPath = settings.VfioPath;
        options.BindTimeout = settings.DriverBindTimeout;
    }

    /// <summary>The VFIO folder.</summary>
    public static void Bind(VfioOptions options, ForwarderSettings settings) => options.VfioPath = settings.VfioPath;

    /// <summary>The cgroup v1 and v2 roots and the bpffs pin folder.</summary>
    public static void Bind(DeviceCgroupOptions options, ForwarderSettings settings)
    {
        options.CgroupRoot = settings.CgroupPath;
        options.Cgroup2Root = settings.Cgroup2Path;
        options.BpfPinRoot = settings.BpfPinPath;
    }

    /// <summary>The forwarder's name and node, for the chain.</summary>
    public static void Bind(ForwarderChainOptions options, ForwarderSettings settings)
    {
        options.Name = settings.Name;
        options.NodeName = settings.NodeName;
    }

    /// <summary>The forwarder's name and node, for the NSM gRPC services.</summary>
    public static void Bind(NsmEndpointOptions options, ForwarderSettings settings)
    {
        options.Name = settings.Name;
        options.NodeName = settings.NodeName;
    }

    /// <summary>The registry URL and the next-hop dial timeout.</summary>
    public static void Bind(NextHopOptions options, ForwarderSettings settings)
    {
        options.ConnectTo = settings.ConnectTo.ToString();
        options.DialTimeout = settings.DialTimeout;
    }

    /// <summary>Kubelet's folders, the node and the pod-resources poll period.</summary>
    public static void Bind(KubeletDevicePluginOptions options, ForwarderSettings settings)
    {
        options.NodeName = settings.NodeName;
        options.DevicePluginPath = settings.DevicePluginPath;
        options.PodResourcesPath = settings.PodResourcesPath;
        options.ResourcePollTimeout = settings.ResourcePollTimeout;
    }

    /// <summary>What is registered, where, for how long, and our own URL (the NSM socket at <paramref name="socketPath"/>).</summary>
    public static void Bind(RegistrationOptions options, ForwarderSettings settings, string socketPath)
    {
        options.ConnectTo = settings.ConnectTo.ToString();
        options.Name = settings.Name;
        options.NetworkServiceName = settings.NetworkServiceName;
        options.Labels = settings.Labels;
        // FD passing (inode:// URLs) is not implemented: NSMgr must be able to open this path itself.
        options.Url = "unix://" + socketPath;
        options.Lifetime = settings.MaxTokenLifetime;
        // A mapping problem (a custom rego file) refuses the start before binding (ForwarderOptionsValidation).
        options.ClientPolicies = RegistryClientPolicyMapping.Map(settings.RegistryClientPolicies, Environment.CurrentDirectory).Policies ?? new([]);
    }

    /// <summary>The node-bound grains' state folder.</summary>
    public static void Bind(FileGrainStorageOptions options, ForwarderSettings settings) => options.RootPath = GrainStoragePath(settings);
}
