using SriovForwarder.Gateway.Demo;
using SriovForwarder.Kernel.Simulation;
using SriovForwarder.Silo.Configuration;

namespace SriovForwarder.Silo.Demo;

/// <summary>
/// <c>--simulate</c> without NSM_CONNECT_TO: brings up the embedded DEMO STAND-IN control plane
/// (<see cref="StandInNsmControlPlane"/>) in the simulated node's folder and points the forwarder at it, so
/// <c>sriov-forwarder connect</c> can make a connection on a laptop. Only then: with an NSMgr configured, or on real
/// hardware, nothing of it runs.
/// </summary>
public static partial class DemoSetup
{
    /// <summary>Whether the demo control plane is wanted: simulated node and no NSMgr configured.</summary>
    public static bool Wanted(bool simulate) => simulate && Environment.GetEnvironmentVariable("NSM_CONNECT_TO") is null;

    /// <summary>Starts the stand-in control plane and returns the settings redirected to it.</summary>
    public static async Task<(StandInNsmControlPlane Plane, ForwarderSettings Settings)> StartAsync(
        SimulatedSriovNode node, ForwarderSettings settings, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(settings);
        var folder = StandInNsmControlPlane.FolderIn(node.Root);
        var listenOn = settings.ListenOn is { } configured ? configured.AbsolutePath : Path.Combine(folder, "listen_on.io.sock");
        var plane = await StandInNsmControlPlane.StartAsync(folder, listenOn, cancellationToken);
        var redirected = settings with
        {
            ConnectTo = new Uri("unix://" + plane.RegistrySocket),
            ListenOn = new Uri("unix://" + listenOn),
            DevicePluginPath = Environment.GetEnvironmentVariable("NSM_DEVICE_PLUGIN_PATH") is null ? plane.DevicePluginPath : settings.DevicePluginPath,
        };
        LogDemoControlPlane(logger, plane.Folder, StandInDemoEndpoint.Subnet, node.Root);
        return (plane, redirected);
    }

    [LoggerMessage(EventId = 8200, Level = LogLevel.Warning,
        Message = "DEMO: --simulate without NSM_CONNECT_TO, so a STAND-IN NSM control plane runs inside this process (not NSM: a registry, one endpoint 'demo-nse' of service 'demo-ns' handing out {Subnet}, and a stand-in kubelet registration) in {Folder}. Make a connection with: sriov-forwarder connect --simulate-dir {NodeFolder} --mechanism KERNEL")]
    private static partial void LogDemoControlPlane(ILogger logger, string folder, string subnet, string nodeFolder);
}
