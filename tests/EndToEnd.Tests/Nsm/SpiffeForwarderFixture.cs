using Grpc.Core;
using SriovForwarder.Security.Spiffe;
using SriovForwarder.Security.Tokens;
using SriovForwarder.TestSupport.Tokens;
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

    /// <summary>The node's grains through the Orleans gateway (token ids, reservations), for the KERNEL and VFIO cases.</summary>
    public NodeClient Node { get; private set; } = null!;

    /// <summary>The URL our test clients dial, as NSMgr would.</summary>
    public string ListenUrl => "unix://" + Harness.ListenSocket;

    /// <summary>
    /// The client's token for NSMgr (the NSC segment's) and NSMgr's per-RPC token for us, as NSMgr's token generator
    /// makes them: each signed by its owner's SVID key, its audience the next hop's SPIFFE ID.
    /// </summary>
    public (string NscToken, Metadata PerRpc) NsmgrTokens(X509Svid nsmgr) => NsmgrTokens(Identities, nsmgr);

    /// <summary>The same for a caller with its own <paramref name="identities"/>.</summary>
    public static (string NscToken, Metadata PerRpc) NsmgrTokens(SpiffeTestIdentities identities, X509Svid nsmgr)
    {
        ArgumentNullException.ThrowIfNull(identities);
        ArgumentNullException.ThrowIfNull(nsmgr);
        var lifetime = TimeSpan.FromMinutes(10);
        var nsc = new NsmTokenGenerator(new FixedSvidSource(identities.Svid("nsc")), lifetime, TimeProvider.System);
        var forwarder = identities.Svid("forwarder").Certificate;
        var perRpc = new NsmTokenGenerator(new FixedSvidSource(nsmgr), lifetime, TimeProvider.System).Generate(forwarder);
        return (nsc.Generate(nsmgr.Certificate).Value, TokenMetadata.Headers(perRpc));
    }

    public async Task InitializeAsync()
    {
        Agent = new StandInSpiffeAgent(Path.Combine(Harness.Folder, "spire-agent.sock"));
        Agent.Send(Identities.Answer("forwarder"));
        await Agent.StartAsync();
        Nsmgr = await StandInNsmgr.StartAsync(Harness.Folder, tls: Identities.Credentials("nsmgr"));
        Forwarder = Harness.Start($"unix://{Nsmgr.RegistrySocket}", new Dictionary<string, string> { ["SPIFFE_ENDPOINT_SOCKET"] = Agent.EndpointUrl });
        await Forwarder.WaitForLineAsync("sriov-forwarder ready", NsmForwarderHarness.StartTimeout);
        Node = await NodeClient.ConnectAsync(Harness.GatewayPort, NsmForwarderHarness.NodeName);
    }

    public async Task DisposeAsync()
    {
        try
        {
            if (Node is not null)
            {
                await Node.DisposeAsync();
            }

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
