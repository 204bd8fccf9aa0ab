using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using SriovForwarder.Gateway.DevicePlugin;
using SriovForwarder.Gateway.Transport;

namespace SriovForwarder.Gateway.Demo;

/// <summary>
/// DEMO STAND-IN, not NSM: the control plane a newcomer's <c>--simulate</c> forwarder talks to when no NSMgr is
/// configured, so a connection can be watched end to end on a laptop. In <see cref="Folder"/>: a registry on
/// <c>nsm.io.sock</c> (<see cref="StandInDemoRegistry"/>), the one sample endpoint on <c>nse.sock</c>
/// (<see cref="StandInDemoEndpoint"/>, handing out addresses of <see cref="StandInDemoEndpoint.Subnet"/>), and kubelet's
/// Registration on <c>device-plugins/kubelet.sock</c> (<see cref="StandInDemoKubelet"/>); <see cref="DemoDescriptor"/>
/// tells <c>sriov-forwarder connect</c> where the forwarder and its device plugins are.
/// </summary>
public sealed class StandInNsmControlPlane : IAsyncDisposable
{
    private readonly List<UnixSocketGrpcServer> _servers = [];

    private StandInNsmControlPlane(string folder, string listenOn)
    {
        Folder = folder;
        ListenOn = listenOn;
    }

    /// <summary>The folder of the stand-in's sockets and of <see cref="DemoDescriptor.FileName"/>.</summary>
    public string Folder { get; }

    /// <summary>The registry's socket: the forwarder's NSM_CONNECT_TO.</summary>
    public string RegistrySocket => Path.Combine(Folder, "nsm.io.sock");

    /// <summary>The device-plugin folder with the stand-in kubelet's socket: the forwarder's NSM_DEVICE_PLUGIN_PATH.</summary>
    public string DevicePluginPath => Path.Combine(Folder, "device-plugins");

    /// <summary>Where the forwarder serves NetworkService: its NSM_LISTEN_ON.</summary>
    public string ListenOn { get; }

    /// <summary>The descriptor file the client verb reads.</summary>
    public string DescriptorPath => Path.Combine(Folder, DemoDescriptor.FileName);

    /// <summary>The folder the demo keeps inside <paramref name="simulatedNodeRoot"/>.</summary>
    public static string FolderIn(string simulatedNodeRoot) => Path.Combine(simulatedNodeRoot, "demo");

    /// <summary>
    /// Starts the registry, the endpoint and the kubelet registration in <paramref name="folder"/>; the forwarder will
    /// listen at <paramref name="listenOn"/> (a socket path).
    /// </summary>
    public static async Task<StandInNsmControlPlane> StartAsync(string folder, string listenOn, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        ArgumentException.ThrowIfNullOrEmpty(listenOn);
        var plane = new StandInNsmControlPlane(folder, listenOn);
        try
        {
            Directory.CreateDirectory(plane.DevicePluginPath);
            var endpointSocket = Path.Combine(folder, "nse.sock");
            new DemoDescriptor(listenOn, new Dictionary<string, string>()).Write(plane.DescriptorPath);
            plane._servers.Add(await UnixSocketGrpcServer.StartAsync(
                endpointSocket, s => s.AddSingleton<StandInDemoEndpoint>(), a => a.MapGrpcService<StandInDemoEndpoint>(), cancellationToken: cancellationToken));
            var registry = new StandInDemoRegistry("unix://" + endpointSocket);
            // The forwarder may pass its socket's descriptor with its registration (grpcfd), as it does to NSMgr.
            plane._servers.Add(await UnixSocketGrpcServer.StartAsync(
                plane.RegistrySocket, s => s.AddSingleton(registry), a => a.MapGrpcService<StandInDemoRegistry>(), receiveFileDescriptors: true,
                cancellationToken: cancellationToken));
            var kubelet = new StandInDemoKubelet(plane.DevicePluginPath, plugins => new DemoDescriptor(listenOn, plugins).Write(plane.DescriptorPath));
            plane._servers.Add(await UnixSocketGrpcServer.StartAsync(
                Path.Combine(plane.DevicePluginPath, KubeletSocketFile.Name), s => s.AddSingleton(kubelet), a => a.MapGrpcService<StandInDemoKubelet>(),
                cancellationToken: cancellationToken));
            return plane;
        }
        catch
        {
            await plane.DisposeAsync();
            throw;
        }
    }

    /// <summary>Stops the servers and removes the descriptor (the client verb then says no demo runs).</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var server in _servers)
        {
            await server.DisposeAsync();
        }

        _servers.Clear();
        File.Delete(DescriptorPath);
    }
}
