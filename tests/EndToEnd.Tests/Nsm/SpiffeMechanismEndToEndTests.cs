using System.Globalization;
using SriovForwarder.Api.Nsm.Connection;
using SriovForwarder.Api.Nsm.Networkservice;
using SriovForwarder.Kernel.Namespaces;
using SriovForwarder.Kernel.Netlink;
using SriovForwarder.Kernel.Transport;
using SriovForwarder.Security.Spiffe.Tls;
using SriovForwarder.TestSupport.Tokens;
using Path = System.IO.Path;

namespace SriovForwarder.EndToEnd.Tests.Nsm;

/// <summary>
/// KERNEL and VFIO connections through the real executable over mutual TLS with real NSM tokens (root: the simulated
/// node's VF netdevs are veths, its vfio nodes are mknod'ed): NSMgr's SVID on the TLS connection, its tokens in the path,
/// the next hop reached over mutual TLS, the VF configured and given back as without SPIFFE.
/// </summary>
[Trait("Requires", "root")]
public sealed class SpiffeMechanismEndToEndTests(SpiffeForwarderFixture fixture) : IClassFixture<SpiffeForwarderFixture>, IDisposable
{
    private const string Resource = NsmForwarderFixture.Resource;
    private readonly ClientNamespace _client = new();

    public void Dispose() => _client.Dispose();

    [RootFact("runs the forwarder as root: real veths moved into client network namespaces")]
    public async Task KernelRequestThenClose_OverMutualTls_InterfaceInTheClientThenBackAndVfFree()
    {
        var id = "spiffe-kernel-" + Guid.NewGuid().ToString("N")[..8];
        fixture.Nsmgr.Nse.Contexts[id] = KernelEndToEndTests.IpContext();
        var token = await fixture.Node.FreeTokenAsync(Resource);
        var request = KernelEndToEndTests.KernelRequest(id, token, _client.FileUrl, "nsm-tls");
        using var call = Nsmgr(out var client, out var perRpc, request, id);

        var connection = await client.RequestAsync(request, perRpc(), deadline: DateTime.UtcNow.AddSeconds(30));

        var vf = Assert.Single((await fixture.Node.Node.GetSnapshotAsync()).Reservations, r => r.TokenId == token);
        var original = await KernelEndToEndTests.OriginalNameAsync(fixture.Node, vf.PfAddress, vf.VfAddress);
        using (var clientNamespace = NetworkNamespace.Open(_client.Path))
        using (var inside = RouteNetlink.OpenIn(clientNamespace))
        {
            var link = inside.GetLink("nsm-tls");
            Assert.Equal(("0AE2E0000002", 1450, true), (link.Mac!.ToString(), link.Mtu, link.IsUp));
        }

        Assert.Equal(("KERNEL", vf.VfAddress), (connection.Mechanism.Type, connection.Mechanism.Parameters["pciAddress"]));
        Assert.DoesNotContain(KernelEndToEndTests.HostLinks(), l => l == original);
        // The next hop requires mutual TLS: the Request reached it, so our client side presented our SVID.
        Assert.Contains(fixture.Nsmgr.Nse.Requests, r => r.Connection.Path.PathSegments.Any(s => s.Id == id));

        await client.CloseAsync(connection, perRpc(), deadline: DateTime.UtcNow.AddSeconds(30));

        Assert.DoesNotContain((await fixture.Node.Node.GetSnapshotAsync()).Reservations, r => r.TokenId == token || r.VfAddress == vf.VfAddress);
        Assert.Contains(fixture.Nsmgr.Nse.Closes, c => c.Path.PathSegments.Any(s => s.Id == id));
        Assert.Contains(original, KernelEndToEndTests.HostLinks());
    }

    [RootFact("runs the forwarder as root: mknod'ed vfio nodes and driver binds on the simulated node")]
    public async Task VfioRequestThenClose_OverMutualTls_GrantsTheDevicesThenRevokesThemAndFreesTheVf()
    {
        var id = "spiffe-vfio-" + Guid.NewGuid().ToString("N")[..8];
        var cgroup = fixture.Harness.AddContainerCgroup("pod-tls", "c1");
        var token = await fixture.Node.FreeTokenAsync(Resource);
        var request = NsmForwarderFixture.VfioRequest(id, token, "pod-tls/*");
        using var call = Nsmgr(out var client, out var perRpc, request, id);

        var connection = await client.RequestAsync(request, perRpc(), deadline: DateTime.UtcNow.AddSeconds(30));

        var reserved = Assert.Single((await fixture.Node.Node.GetSnapshotAsync()).Reservations, r => r.TokenId == token);
        var vfioPath = Path.Combine(fixture.Harness.SimulateDir, "dev", "vfio");
        var device = DeviceNumbers.Of(Path.Combine(vfioPath, reserved.IommuGroup.ToString(CultureInfo.InvariantCulture)));
        Assert.Equal(("VFIO", reserved.VfAddress), (connection.Mechanism.Type, connection.Mechanism.Parameters["pciAddress"]));
        Assert.Contains($"allow: c {device.Major}:{device.Minor} rwm", cgroup.Writes());
        Assert.Contains(fixture.Nsmgr.Nse.Requests, r => r.Connection.Path.PathSegments.Any(s => s.Id == id));

        await client.CloseAsync(connection, perRpc(), deadline: DateTime.UtcNow.AddSeconds(30));

        Assert.Contains(cgroup.Writes(), w => w.StartsWith($"deny: c {device.Major}:{device.Minor} ", StringComparison.Ordinal));
        Assert.DoesNotContain((await fixture.Node.Node.GetSnapshotAsync()).Reservations, r => r.TokenId == token || r.VfAddress == reserved.VfAddress);
    }

    // NSMgr's call as a real NSMgr makes it: its SVID on the TLS connection, the NSC's token in segment 0, its per-RPC
    // token (fresh for every call) in the metadata, the request placed at index 1 of the path.
    private Grpc.Net.Client.GrpcChannel Nsmgr(out NetworkService.NetworkServiceClient client, out Func<Grpc.Core.Metadata> perRpc, NetworkServiceRequest request, string id)
    {
        var nsmgrSvid = fixture.Identities.Svid("nsmgr");
        var tls = fixture.Identities.Client(new SvidCredentials(new FixedSvidSource(nsmgrSvid)));
        var channel = UnixSocketChannelFactory.Create(fixture.Harness.ListenSocket, TimeSpan.FromSeconds(5), security: tls);
        client = new NetworkService.NetworkServiceClient(channel);
        var (nscToken, _) = fixture.NsmgrTokens(nsmgrSvid);
        perRpc = () => fixture.NsmgrTokens(nsmgrSvid).PerRpc;
        request.Connection.Path = new Api.Nsm.Connection.Path
        {
            Index = 1,
            PathSegments = { new PathSegment { Name = "nsc", Id = id + "-nsc", Token = nscToken }, new PathSegment { Name = "nsmgr", Id = id } },
        };
        return channel;
    }
}
