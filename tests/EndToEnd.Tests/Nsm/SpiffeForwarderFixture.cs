using SriovForwarder.TestSupport.StandIns;

namespace SriovForwarder.EndToEnd.Tests.Nsm;

/// <summary>
/// The real executable (<c>--simulate</c>) with SPIFFE_ENDPOINT_SOCKET set to a stand-in SPIFFE agent that hands it
/// <c>spiffe://example.org/forwarder</c>, and a stand-in NSMgr (registry and NSE) speaking mutual TLS as
/// <c>spiffe://example.org/nsmgr</c>.
/// </summary>
public sealed class SpiffeForwarderFixture : IAsyncLifetime
{
    public NsmForwarderHarness Harness { get; } = new();

    public SpiffeTestIdentities Identities { get; } = new();

    public StandInSpiffeAgent Agent { get; private set; } = null!;

    public StandInNsmgr Nsmgr { get; private set; } = null!;

    public ForwarderProcess Forwarder { get; private set; } = null!;

    /// <summary>The URL our test clients dial, as NSMgr would.</summary>
    public string ListenUrl => "unix://" + Harness.ListenSocket;

    public async Task InitializeAsync()
    {
        Agent = new StandInSpiffeAgent(Path.Combine(Harness.Folder, "spire-agent.sock"));
        Agent.Send(Identities.Answer("forwarder"));
        await Agent.StartAsync();
        Nsmgr = await StandInNsmgr.StartAsync(Harness.Folder, tls: Identities.Credentials("nsmgr"));
        Forwarder = Harness.Start($"unix://{Nsmgr.RegistrySocket}", new Dictionary<string, string> { ["SPIFFE_ENDPOINT_SOCKET"] = Agent.EndpointUrl });
        await Forwarder.WaitForLineAsync("sriov-forwarder ready", NsmForwarderHarness.StartTimeout);
    }

    public async Task DisposeAsync()
    {
        try
        {
            await Forwarder.TerminateAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            await Forwarder.DisposeAsync();
            await Nsmgr.DisposeAsync();
            await Agent.DisposeAsync();
            Identities.Dispose();
            Harness.Dispose();
        }
    }
}
