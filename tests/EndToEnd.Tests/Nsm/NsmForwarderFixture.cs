using Grpc.Net.Client;
using SriovForwarder.Api.Nsm.Connection;
using Path = System.IO.Path;
using SriovForwarder.Api.Nsm.Networkservice;
using SriovForwarder.Kernel.Transport;

namespace SriovForwarder.EndToEnd.Tests.Nsm;

/// <summary>One real forwarder process (<c>--simulate=pfs=2,vfs=2</c>, as root) with a stand-in NSMgr, shared by a test class.</summary>
public sealed class NsmForwarderFixture : IAsyncLifetime
{
    public const string Resource = "service.domain.1/intel";

    private GrpcChannel? _channel;

    public NsmForwarderHarness Harness { get; } = new();

    public StandInNsmgr Nsmgr { get; private set; } = null!;

    public ForwarderProcess Forwarder { get; private set; } = null!;

    public NodeClient Node { get; private set; } = null!;

    public NetworkService.NetworkServiceClient Client { get; private set; } = null!;

    public MonitorConnection.MonitorConnectionClient Monitor { get; private set; } = null!;

    public string VfioPath => Path.Combine(Harness.SimulateDir, "dev", "vfio");

    public async Task InitializeAsync()
    {
        Nsmgr = await StandInNsmgr.StartAsync(Harness.Folder);
        Forwarder = Harness.Start($"unix://{Nsmgr.RegistrySocket}");
        await Forwarder.WaitForLineAsync("sriov-forwarder ready", NsmForwarderHarness.StartTimeout);
        Node = await NodeClient.ConnectAsync(Harness.GatewayPort, NsmForwarderHarness.NodeName);
        _channel = UnixSocketChannelFactory.Create(Harness.ListenSocket, TimeSpan.FromSeconds(5));
        Client = new NetworkService.NetworkServiceClient(_channel);
        Monitor = new MonitorConnection.MonitorConnectionClient(_channel);
    }

    /// <summary>A VFIO request for connection <paramref name="id"/> to <c>nse-1</c>.</summary>
    public static NetworkServiceRequest VfioRequest(string id, string? token, string? cgroupDir, string endpoint = "nse-1")
    {
        var mechanism = new Mechanism { Cls = "LOCAL", Type = "VFIO" };
        if (token is not null)
        {
            mechanism.Parameters["tokenID"] = token;
        }

        if (cgroupDir is not null)
        {
            mechanism.Parameters["cgroupDir"] = cgroupDir;
        }

        return new NetworkServiceRequest
        {
            Connection = new Connection { Id = id, NetworkService = "ns", NetworkServiceEndpointName = endpoint },
            MechanismPreferences = { mechanism },
        };
    }

    /// <summary>A token of <see cref="Resource"/> that no reservation holds now.</summary>
    public Task<string> FreeTokenAsync() => Node.FreeTokenAsync(Resource);

    public async Task DisposeAsync()
    {
        // Whatever fails on the way out, the simulated node's namespace and veths are removed.
        try
        {
            _channel?.Dispose();
            await Node.DisposeAsync();
            await Forwarder.TerminateAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            await Forwarder.DisposeAsync();
            await Nsmgr.DisposeAsync();
            Harness.Dispose();
        }
    }
}
