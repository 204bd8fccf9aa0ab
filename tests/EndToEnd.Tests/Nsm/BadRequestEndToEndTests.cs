using System.Diagnostics;
using Grpc.Core;
using SriovForwarder.Api.Nsm.Connection;
using SriovForwarder.Api.Nsm.Networkservice;
using SriovForwarder.Api.Nsm.Registry;
using Path = System.IO.Path;

namespace SriovForwarder.EndToEnd.Tests.Nsm;

/// <summary>
/// Bad requests over the real socket of the real executable (root): each gets the right status, a message naming the
/// problem, and leaves nothing behind (no VF reserved, no driver bound, no cgroup line written, nothing sent on).
/// </summary>
[Trait("Requires", "root")]
public sealed class BadRequestEndToEndTests(NsmForwarderFixture fixture) : IClassFixture<NsmForwarderFixture>
{
    private static int _next;

    public static TheoryData<BadRequestCase> Cases() =>
    [
        new("missing token", (id, _, dir) => NsmForwarderFixture.VfioRequest(id, null, dir), StatusCode.InvalidArgument, "tokenID"),
        new("malformed token", (id, _, dir) => NsmForwarderFixture.VfioRequest(id, "sriov-123", dir), StatusCode.InvalidArgument, "sriov-123"),
        new("unknown token", (id, _, dir) => NsmForwarderFixture.VfioRequest(id, "sriov-00000000-0000-4000-8000-000000000000", dir),
            StatusCode.InvalidArgument, "sriov-00000000-0000-4000-8000-000000000000"),
        new("cgroupDir climbing out", (id, token, _) => NsmForwarderFixture.VfioRequest(id, token, "../escape/*"), StatusCode.InvalidArgument, "../escape/*"),
        new("cgroupDir dot-dot inside", (id, token, _) => NsmForwarderFixture.VfioRequest(id, token, "pod/../../x/*"), StatusCode.InvalidArgument, "pod/../../x/*"),
        new("absolute cgroupDir", (id, token, _) => NsmForwarderFixture.VfioRequest(id, token, "/etc/*"), StatusCode.InvalidArgument, "/etc/*"),
        new("missing cgroupDir", (id, token, _) => NsmForwarderFixture.VfioRequest(id, token, null), StatusCode.InvalidArgument, "cgroupDir"),
        new("cgroupDir matching no cgroup", (id, token, _) => NsmForwarderFixture.VfioRequest(id, token, "no-such-pod/*"), StatusCode.FailedPrecondition, "no-such-pod/*"),
        new("unknown mechanism", (id, token, dir) => WithMechanism(NsmForwarderFixture.VfioRequest(id, token, dir), "WORMHOLE"), StatusCode.InvalidArgument, "WORMHOLE"),
        new("no mechanism preference", (id, _, _) => WithoutMechanisms(NsmForwarderFixture.VfioRequest(id, null, null)), StatusCode.InvalidArgument, "mechanism"),
        new("no connection", (_, _, _) => new NetworkServiceRequest(), StatusCode.InvalidArgument, "connection"),
        new("no network service nor endpoint", (id, token, dir) => WithoutService(NsmForwarderFixture.VfioRequest(id, token, dir)), StatusCode.InvalidArgument, "network_service"),
        new("path index past its segments", (id, token, dir) => WithBadPath(NsmForwarderFixture.VfioRequest(id, token, dir)), StatusCode.InvalidArgument, "path"),
        new("unknown endpoint", (id, token, dir) => NsmForwarderFixture.VfioRequest(id, token, dir, "nse-404"), StatusCode.NotFound, "nse-404"),
        new("next hop down", (id, token, dir) => NsmForwarderFixture.VfioRequest(id, token, dir, "nse-down"), StatusCode.Unavailable, "gone.sock"),
        new("next hop with a bad URL", (id, token, dir) => NsmForwarderFixture.VfioRequest(id, token, dir, "nse-badurl"), StatusCode.Unavailable, "http://nse.example"),
        new("NUL in inodeURL", (id, token, _) => KernelRequest(id, token, "inodeURL", "file:///var/run/netns/x\0y"),
            StatusCode.InvalidArgument, "mechanism_preferences[0].parameters[inodeURL] holds a control character (U+0000 at 23)"),
        new("NUL in an inode:// inodeURL", (id, token, _) => KernelRequest(id, token, "inodeURL", "inode://4/4026\0"),
            StatusCode.InvalidArgument, "mechanism_preferences[0].parameters[inodeURL] holds a control character (U+0000 at 14)"),
        new("escape in the interface name", (id, token, _) => KernelRequest(id, token, "name", "nsm\u001b[31m"),
            StatusCode.InvalidArgument, "mechanism_preferences[0].parameters[name] holds a control character (U+001B at 3)"),
        new("NUL in cgroupDir", (id, token, dir) => NsmForwarderFixture.VfioRequest(id, token, dir.Replace("/*", "\0/*", StringComparison.Ordinal)),
            StatusCode.InvalidArgument, "mechanism_preferences[0].parameters[cgroupDir] holds a control character (U+0000"),
        new("newline in tokenID", (id, token, dir) => NsmForwarderFixture.VfioRequest(id, token + "\n", dir),
            StatusCode.InvalidArgument, "mechanism_preferences[0].parameters[tokenID] holds a control character (U+000A at 42)"),
        new("NUL in the connection id", (id, token, dir) => NsmForwarderFixture.VfioRequest(id + "\0", token, dir),
            StatusCode.InvalidArgument, "connection.id holds a control character (U+0000"),
    ];

    [RootTheory("runs the forwarder as root on a simulated node with real veths")]
    [MemberData(nameof(Cases))]
    public async Task Request_BadInput_FailsNamingTheProblemAndLeavesNothingBehind(BadRequestCase badCase)
    {
        ArgumentNullException.ThrowIfNull(badCase);
        AddBrokenEndpoints();
        var n = Interlocked.Increment(ref _next);
        var pod = $"pod-bad-{n}";
        var cgroup = fixture.Harness.AddContainerCgroup(pod, "c1");
        var id = $"bad-{n}";
        var token = await fixture.FreeTokenAsync();
        var before = await fixture.Node.Node.GetSnapshotAsync();
        var listBefore = cgroup.ReadList();
        var nseRequests = fixture.Nsmgr.Nse.Requests.Count;

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await fixture.Client.RequestAsync(badCase.Build(id, token, $"{pod}/*"), deadline: DateTime.UtcNow.AddSeconds(30)));
        var after = await fixture.Node.Node.GetSnapshotAsync();

        Assert.True(badCase.Code == error.StatusCode, $"{badCase.Name}: expected {badCase.Code}, got {error.StatusCode}: {error.Status.Detail}");
        Assert.Contains(badCase.Names, error.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(before.Reservations.Select(r => r.VfAddress).Order(), after.Reservations.Select(r => r.VfAddress).Order());
        Assert.Equal(before.IommuGroupDrivers.OrderBy(p => p.Key), after.IommuGroupDrivers.OrderBy(p => p.Key));
        // A failure after the VFIO element (next hop) rolls its grants back: each allow is denied again.
        Assert.Equal(listBefore, cgroup.ReadList());
        Assert.Equal(
            cgroup.Writes().Where(w => w.StartsWith("allow:", StringComparison.Ordinal)).Select(w => w["allow:".Length..]).Order(),
            cgroup.Writes().Where(w => w.StartsWith("deny:", StringComparison.Ordinal)).Select(w => w["deny:".Length..]).Order());
        Assert.Equal(nseRequests, fixture.Nsmgr.Nse.Requests.Count);
    }

    [RootFact("runs the forwarder as root on a simulated node with real veths")]
    public async Task Request_TokenHeldByAnotherConnection_FailsNamingTheTokenAndKeepsTheFirstConnection()
    {
        fixture.Harness.AddContainerCgroup("pod-owner", "c1");
        var intruder = fixture.Harness.AddContainerCgroup("pod-intruder", "c1");
        var token = await fixture.FreeTokenAsync();
        var owner = await fixture.Client.RequestAsync(NsmForwarderFixture.VfioRequest("owner", token, "pod-owner/*"));
        var before = await fixture.Node.Node.GetSnapshotAsync();

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await fixture.Client.RequestAsync(NsmForwarderFixture.VfioRequest("intruder", token, "pod-intruder/*")));
        var after = await fixture.Node.Node.GetSnapshotAsync();
        await fixture.Client.CloseAsync(owner);

        Assert.Contains(token, error.Status.Detail, StringComparison.Ordinal);
        Assert.Contains(error.StatusCode, new[] { StatusCode.FailedPrecondition, StatusCode.AlreadyExists, StatusCode.ResourceExhausted });
        Assert.Equal(before.Reservations, after.Reservations);
        Assert.Equal(owner.Mechanism.Parameters["pciAddress"], Assert.Single(after.Reservations, r => r.TokenId == token).VfAddress);
        Assert.Empty(intruder.Writes());
    }

    [RootFact("runs the forwarder as root on a simulated node with real veths")]
    public async Task Request_NextHopHangs_FailsDeadlineExceededAtTheCallersDeadlineAndFreesTheVfAtOnce()
    {
        var cgroup = fixture.Harness.AddContainerCgroup("pod-slow", "c1");
        var token = await fixture.FreeTokenAsync();
        var before = await fixture.Node.Node.GetSnapshotAsync();
        fixture.Nsmgr.Nse.Delay = TimeSpan.FromMinutes(2);
        try
        {
            // Long enough for the Request to reach the NSE first on a loaded machine (the first VFIO Request of a fresh
            // process binds vfio-pci and compiles the chain); the slack after the deadline is unchanged.
            var deadline = DateTime.UtcNow.AddSeconds(5);
            var clock = Stopwatch.StartNew();
            var error = await Assert.ThrowsAsync<RpcException>(async () =>
                await fixture.Client.RequestAsync(NsmForwarderFixture.VfioRequest("slow", token, "pod-slow/*"), deadline: deadline));
            Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(8), $"the caller waited {clock.Elapsed.TotalSeconds:0.0} s for a 5 s deadline");

            // The NSE was given the caller's deadline (not the forwarder's 15 s call timeout) and its call was cancelled;
            // the VF is back within seconds of the deadline, long before the NSE would answer.
            Assert.InRange(Assert.Single(fixture.Nsmgr.Nse.Deadlines, d => d.Key == "slow").Value, deadline.AddSeconds(-1), deadline.AddSeconds(1));
            await Eventually.TrueAsync(async () => (await fixture.Node.Node.GetSnapshotAsync()).Reservations.Count == before.Reservations.Count, "the forwarder to release the VF of the timed-out request", TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(100));
            await Eventually.TrueAsync(() => fixture.Nsmgr.Nse.Cancelled.Contains("slow"), "the NSE to see the slow request cancelled", TimeSpan.FromSeconds(5));
        }
        finally
        {
            fixture.Nsmgr.Nse.Delay = TimeSpan.Zero;
        }

        var after = await fixture.Node.Node.GetSnapshotAsync();
        Assert.DoesNotContain(after.Reservations, r => r.TokenId == token);
        Assert.Equal(before.IommuGroupDrivers.OrderBy(p => p.Key), after.IommuGroupDrivers.OrderBy(p => p.Key));
        var writes = cgroup.Writes();
        Assert.Equal(writes.Count(w => w.StartsWith("allow:", StringComparison.Ordinal)), writes.Count(w => w.StartsWith("deny:", StringComparison.Ordinal)));

        // Nothing is held: the same token serves a new connection at once.
        var again = await fixture.Client.RequestAsync(NsmForwarderFixture.VfioRequest("slow-again", token, "pod-slow/*"), deadline: DateTime.UtcNow.AddSeconds(30));
        await fixture.Client.CloseAsync(again);
    }

    [RootTheory("runs the forwarder as root on a simulated node with real veths")]
    [InlineData(StatusCode.PermissionDenied)]
    [InlineData(StatusCode.ResourceExhausted)]
    [InlineData(StatusCode.NotFound)]
    public async Task Request_NextHopRefuses_FailsWithTheNextHopsStatusCodeAndFreesTheVf(StatusCode refusal)
    {
        var n = Interlocked.Increment(ref _next);
        var cgroup = fixture.Harness.AddContainerCgroup($"pod-refused-{n}", "c1");
        var token = await fixture.FreeTokenAsync();
        var request = NsmForwarderFixture.VfioRequest($"refused-{n}", token, $"pod-refused-{n}/*");
        request.Connection.Labels["nse"] = refusal.ToString();

        var error = await Assert.ThrowsAsync<RpcException>(async () => await fixture.Client.RequestAsync(request, deadline: DateTime.UtcNow.AddSeconds(30)));
        var after = await fixture.Node.Node.GetSnapshotAsync();

        Assert.True(refusal == error.StatusCode, $"expected {refusal}, got {error.StatusCode}: {error.Status.Detail}");
        Assert.Contains($"stand-in NSE refuses with {refusal}", error.Status.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(after.Reservations, r => r.TokenId == token);
        var writes = cgroup.Writes();
        Assert.Equal(writes.Count(w => w.StartsWith("allow:", StringComparison.Ordinal)), writes.Count(w => w.StartsWith("deny:", StringComparison.Ordinal)));
    }

    private void AddBrokenEndpoints()
    {
        var endpoints = fixture.Nsmgr.Registry.Endpoints;
        if (!endpoints.Any(e => e.Name == "nse-down"))
        {
            endpoints.Add(new NetworkServiceEndpoint { Name = "nse-down", Url = "unix://" + Path.Combine(fixture.Harness.Folder, "gone.sock"), NetworkServiceNames = { "ns" } });
            endpoints.Add(new NetworkServiceEndpoint { Name = "nse-badurl", Url = "http://nse.example", NetworkServiceNames = { "ns" } });
        }
    }

    private static NetworkServiceRequest KernelRequest(string id, string token, string key, string value)
    {
        var request = NsmForwarderFixture.VfioRequest(id, token, null);
        var mechanism = request.MechanismPreferences[0];
        mechanism.Type = "KERNEL";
        mechanism.Parameters["name"] = "nsm-1";
        mechanism.Parameters["inodeURL"] = "file:///proc/thread-self/ns/net";
        mechanism.Parameters[key] = value;
        return request;
    }

    private static NetworkServiceRequest WithMechanism(NetworkServiceRequest request, string type)
    {
        request.MechanismPreferences[0].Type = type;
        return request;
    }

    private static NetworkServiceRequest WithoutMechanisms(NetworkServiceRequest request)
    {
        request.MechanismPreferences.Clear();
        return request;
    }

    private static NetworkServiceRequest WithoutService(NetworkServiceRequest request)
    {
        request.Connection.NetworkService = "";
        request.Connection.NetworkServiceEndpointName = "";
        return request;
    }

    private static NetworkServiceRequest WithBadPath(NetworkServiceRequest request)
    {
        request.Connection.Path = new SriovForwarder.Api.Nsm.Connection.Path { Index = 5, PathSegments = { new PathSegment { Name = "nsc", Id = "x" } } };
        return request;
    }
}
