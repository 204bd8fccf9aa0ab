using SriovForwarder.Api.Nsm.Connection;
using Path = System.IO.Path;
using SriovForwarder.Api.Nsm.Networkservice;

namespace SriovForwarder.EndToEnd.Tests.Nsm;

/// <summary>One real forwarder process (<c>--simulate=pfs=2,vfs=2</c>, as root) with a stand-in NSMgr, shared by a test class.</summary>
public sealed class NsmForwarderFixture : IAsyncLifetime
{
    public const string Resource = "service.domain.1/intel";

    private ConnectedForwarder? _running;

    public NsmForwarderHarness Harness { get; } = new();

    public StandInNsmgr Nsmgr { get; private set; } = null!;

    public ForwarderProcess Forwarder => _running!.Forwarder;

    public NodeClient Node => _running!.Node;

    public NetworkService.NetworkServiceClient Client { get; private set; } = null!;

    public MonitorConnection.MonitorConnectionClient Monitor { get; private set; } = null!;

    public string VfioPath => Path.Combine(Harness.SimulateDir, "dev", "vfio");

    public async Task InitializeAsync()
    {
        Nsmgr = await StandInNsmgr.StartAsync(Harness.Folder);
        _running = await ConnectedForwarder.ConnectAsync(Harness, Harness.Start($"unix://{Nsmgr.RegistrySocket}"));
        Client = new NetworkService.NetworkServiceClient(_running.Channel);
        Monitor = new MonitorConnection.MonitorConnectionClient(_running.Channel);
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

    public Task DisposeAsync() => ConnectedForwarder.StopAsync(_running, Harness, Nsmgr);
}
