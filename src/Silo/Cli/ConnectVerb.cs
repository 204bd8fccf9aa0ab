using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Grpc.Core;
using SriovForwarder.Api.Kubelet.DevicePlugin.V1Beta1;
using SriovForwarder.Api.Nsm.Connection;
using SriovForwarder.Api.Nsm.Networkservice;
using SriovForwarder.Gateway.Demo;
using SriovForwarder.Grains.Interfaces;
using SriovForwarder.Kernel.Simulation;
using SriovForwarder.Kernel.Transport;

namespace SriovForwarder.Silo.Cli;

/// <summary>
/// <c>sriov-forwarder connect</c>: plays a pod against a forwarder that runs the DEMO STAND-IN control plane. It gets a
/// token as kubelet would (the device plugin's ListAndWatch, then Allocate), makes the pod's network namespace (KERNEL),
/// sends the Request NSMgr would pass on, prints what it got, holds it until Ctrl-C or SIGTERM, then Closes it.
/// </summary>
public static class ConnectVerb
{
    /// <summary>Exit code: no demo forwarder (descriptor, device plugin or NSM socket) found.</summary>
    public const int NoDemo = 3;

    /// <summary>Exit code: the forwarder refused the Allocate or the Request.</summary>
    public const int Refused = 4;

    /// <summary>How long the verb waits for the forwarder's device plugins to register (the forwarder may be starting).</summary>
    public static readonly TimeSpan PluginWait = TimeSpan.FromSeconds(60);

    /// <summary>How long one call to the forwarder may take.</summary>
    public static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The client's name in the connection's path (what the fleet shows as the VF's owner).</summary>
    public const string ClientName = "sriov-demo-client";

    /// <summary>Runs the verb with the arguments after <c>connect</c>; returns the exit code.</summary>
    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var (arguments, argumentError) = ConnectArguments.Parse(args);
        if (arguments is null)
        {
            await error.WriteLineAsync($"sriov-forwarder connect: {argumentError}");
            return Hosting.ForwarderProgram.ConfigurationError;
        }

        using var stop = new CancellationTokenSource();
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        try
        {
            return await ConnectAsync(arguments, output, error, stop.Token);
        }
        catch (DemoUnavailableException ex)
        {
            await error.WriteLineAsync($"sriov-forwarder connect: {ex.Message}");
            return NoDemo;
        }

        void Stop(PosixSignalContext context)
        {
            context.Cancel = true;
            stop.Cancel();
        }
    }

    private static async Task<int> ConnectAsync(ConnectArguments arguments, TextWriter output, TextWriter error, CancellationToken stop)
    {
        var descriptor = await DescriptorAsync(arguments.SimulationFolder, output, stop);
        var (resource, pluginSocket) = arguments.Resource is { } wanted
            ? (wanted, descriptor.DevicePlugins.GetValueOrDefault(wanted) ?? throw new DemoUnavailableException(
                $"resource '{wanted}' has no device plugin (registered: {string.Join(", ", descriptor.DevicePlugins.Keys)})"))
            : descriptor.DevicePlugins.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => (p.Key, p.Value)).First();

        using var namespaceForPod = arguments.Mechanism == "KERNEL" ? DemoClientNamespace.Create() : null;
        using var pluginChannel = UnixSocketChannelFactory.Create(pluginSocket, TimeSpan.FromSeconds(5));
        using var nsmChannel = UnixSocketChannelFactory.Create(descriptor.ListenOn, TimeSpan.FromSeconds(5));
        var plugin = new DevicePlugin.DevicePluginClient(pluginChannel);
        var forwarder = new NetworkService.NetworkServiceClient(nsmChannel);
        var id = "demo-" + RandomNumberGenerator.GetHexString(8, lowercase: true);
        Connection? connection = null;
        string? token = null;
        try
        {
            // Kubelet offers each healthy device it has not handed out; this verb does not know other pods' devices, so a
            // device whose VF is held already is refused by the Request and the next one is tried.
            foreach (var device in await HealthyDevicesAsync(plugin, pluginSocket, stop))
            {
                var allocated = await plugin.AllocateAsync(
                    new AllocateRequest { ContainerRequests = { new ContainerAllocateRequest { DevicesIds = { device } } } },
                    deadline: DateTime.UtcNow + CallTimeout, cancellationToken: stop);
                token = allocated.ContainerResponses[0].Envs[TokensEnvironmentVariable.For(resource)];
                try
                {
                    connection = await forwarder.RequestAsync(Request(id, token, arguments, namespaceForPod), deadline: DateTime.UtcNow + CallTimeout, cancellationToken: stop);
                    break;
                }
                catch (RpcException ex) when (ex.StatusCode is StatusCode.ResourceExhausted or StatusCode.FailedPrecondition or StatusCode.AlreadyExists)
                {
                    await output.WriteLineAsync($"token {token}: {ex.Status.Detail}; trying the next device");
                }
            }
        }
        catch (RpcException ex) when (!stop.IsCancellationRequested)
        {
            await error.WriteLineAsync($"sriov-forwarder connect: {ex.Status.StatusCode}: {ex.Status.Detail}");
            return Refused;
        }

        if (connection is null)
        {
            await error.WriteLineAsync($"sriov-forwarder connect: no device of {resource} could be connected");
            return Refused;
        }

        await output.WriteLineAsync(Describe(connection, resource, token!, arguments, namespaceForPod));
        await output.WriteLineAsync("holding the connection; Ctrl-C (or SIGTERM) closes it");
        await output.FlushAsync(CancellationToken.None);
        try
        {
            await Task.Delay(Timeout.Infinite, stop);
        }
        catch (OperationCanceledException)
        {
            // Asked to stop: close below.
        }

        try
        {
            // Not the stop token: it is cancelled already, and the Close must still go out.
            await forwarder.CloseAsync(connection, deadline: DateTime.UtcNow + CallTimeout, cancellationToken: CancellationToken.None);
            await output.WriteLineAsync($"closed {connection.Id}" + (namespaceForPod is null ? string.Empty : $"; namespace {namespaceForPod.Name} deleted"));
            return 0;
        }
        catch (RpcException ex)
        {
            await error.WriteLineAsync($"sriov-forwarder connect: Close: {ex.Status.StatusCode}: {ex.Status.Detail}");
            return Refused;
        }
    }

    private static NetworkServiceRequest Request(string id, string token, ConnectArguments arguments, DemoClientNamespace? pod)
    {
        var mechanism = new Mechanism { Cls = "LOCAL", Type = arguments.Mechanism, Parameters = { ["tokenID"] = token } };
        if (pod is not null)
        {
            mechanism.Parameters["name"] = arguments.InterfaceName;
            mechanism.Parameters["inodeURL"] = pod.FileUrl;
        }

        if (arguments.CgroupDir is { } cgroup)
        {
            mechanism.Parameters["cgroupDir"] = cgroup;
        }

        return new NetworkServiceRequest
        {
            Connection = new Connection
            {
                Id = id,
                NetworkService = StandInDemoEndpoint.NetworkServiceName,
                NetworkServiceEndpointName = StandInDemoEndpoint.Name,
                Path = new Api.Nsm.Connection.Path { Index = 0, PathSegments = { new PathSegment { Name = ClientName, Id = id } } },
            },
            MechanismPreferences = { mechanism },
        };
    }

    private static string Describe(Connection connection, string resource, string token, ConnectArguments arguments, DemoClientNamespace? pod)
    {
        var parameters = connection.Mechanism?.Parameters;
        var lines = new List<string>
        {
            $"connected: {connection.Id} ({connection.Mechanism?.Type}) to {connection.NetworkService} via {connection.NetworkServiceEndpointName}",
            $"  token:      {token} of {resource}",
            $"  VF:         {parameters?.GetValueOrDefault("pciAddress") ?? "(none)"}",
        };
        if (pod is not null)
        {
            lines.Add($"  interface:  {arguments.InterfaceName} in network namespace {pod.Name} (ip -n {pod.Name} addr)");
            lines.Add($"  addresses:  {string.Join(", ", connection.Context?.IpContext?.SrcIpAddrs ?? [])} (the endpoint is {string.Join(", ", connection.Context?.IpContext?.DstIpAddrs ?? [])})");
            lines.Add($"  seen there: {string.Join(", ", pod.Addresses(arguments.InterfaceName))}");
        }

        var others = parameters?.Where(p => p.Key is not ("pciAddress" or "tokenID" or "name" or "inodeURL")) ?? [];
        foreach (var parameter in others.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            lines.Add($"  {parameter.Key}: {parameter.Value}");
        }

        return string.Join(Environment.NewLine, lines);
    }

    // The descriptor the stand-in control plane writes; waits while the forwarder starts and its plugins register.
    private static async Task<DemoDescriptor> DescriptorAsync(string folder, TextWriter output, CancellationToken stop)
    {
        var path = System.IO.Path.Combine(StandInNsmControlPlane.FolderIn(folder), DemoDescriptor.FileName);
        var deadline = DateTime.UtcNow + PluginWait;
        var told = false;
        while (true)
        {
            var descriptor = DemoDescriptor.Read(path)
                ?? throw new DemoUnavailableException($"no demo forwarder in {folder}: {path} does not exist (start it first: sriov-forwarder --simulate --simulate-dir {folder}, without NSM_CONNECT_TO)");
            if (descriptor.DevicePlugins.Count > 0)
            {
                return descriptor;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new DemoUnavailableException($"the forwarder in {folder} registered no device plugin within {PluginWait.TotalSeconds:0} s ({path})");
            }

            if (!told)
            {
                await output.WriteLineAsync($"waiting for the forwarder's device plugins ({path})");
                told = true;
            }

            await Task.Delay(500, stop);
        }
    }

    private static async Task<IReadOnlyList<string>> HealthyDevicesAsync(DevicePlugin.DevicePluginClient plugin, string socket, CancellationToken stop)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stop);
        timeout.CancelAfter(CallTimeout);
        using var devices = plugin.ListAndWatch(new Empty(), cancellationToken: timeout.Token);
        try
        {
            if (!await devices.ResponseStream.MoveNext(timeout.Token))
            {
                throw new DemoUnavailableException($"the device plugin at {socket} ended ListAndWatch without a device list");
            }
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.Unavailable)
        {
            throw new DemoUnavailableException($"cannot reach the device plugin at {socket}: {ex.Status.Detail}");
        }

        return [.. devices.ResponseStream.Current.Devices.Where(d => d.Health == "Healthy").Select(d => d.ID)];
    }
}
