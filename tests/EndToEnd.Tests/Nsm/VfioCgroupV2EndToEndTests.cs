using Grpc.Core;
using SriovForwarder.Api.Nsm.Connection;
using SriovForwarder.Api.Nsm.Networkservice;
using SriovForwarder.Kernel.Transport;
using SriovForwarder.Kernel.Bpf;
using Path = System.IO.Path;

namespace SriovForwarder.EndToEnd.Tests.Nsm;

/// <summary>
/// VFIO through the real executable on a hybrid node: the simulated node's cgroup v1 tree is fake and empty for these
/// pods, so the forwarder picks cgroup v2, where each container cgroup has a runtime-like device program (allows
/// /dev/null and /dev/zero) and a real process that opens the simulated node's VFIO nodes (made with mknod).
/// </summary>
[Trait("Requires", "root")]
public sealed class VfioCgroupV2EndToEndTests : IDisposable
{
    private const string Denied = "Operation not permitted";

    private readonly NsmForwarderHarness _harness = new();
    private readonly PrivateBpfFs _bpffs = new();
    private readonly TestCgroup _pod = new();
    private readonly List<TestCgroup> _containers = [];
    private readonly List<BpfHandle> _programs = [];
    private readonly BpfSyscalls _bpf = new();

    public void Dispose()
    {
        for (var i = _containers.Count - 1; i >= 0; i--)
        {
            _containers[i].Dispose();
        }

        _pod.Dispose();
        _programs.ForEach(p => p.Dispose());
        _bpffs.Dispose();
        _harness.Dispose();
    }

    private string Pattern => _pod.RelativePath + "/*";

    private string VfioPath => Path.Combine(_harness.SimulateDir, "dev", "vfio");

    [BpfCgroupFact]
    public async Task RequestThenClose_CgroupV2Container_OpensVfioNodesUntilCloseAndRuntimeProgramIsBack()
    {
        var (container, probe) = AddContainer();
        await using var nsmgr = await StandInNsmgr.StartAsync(_harness.Folder);
        await using var forwarder = await StartAsync(nsmgr);
        await using var node = await NodeClient.ConnectAsync(_harness.GatewayPort, NsmForwarderHarness.NodeName);
        var client = Client();
        var token = (await node.TokensAsync(NsmForwarderFixture.Resource))[0];
        var vfio = Path.Combine(VfioPath, "vfio");

        var before = probe.Open(vfio);
        var connection = await client.RequestAsync(NsmForwarderFixture.VfioRequest("v2-1", token, Pattern));
        var group = Path.Combine(VfioPath, connection.Mechanism.Parameters["iommuGroup"]);
        var (vfioOpen, groupOpen, nullOpen, urandomOpen) = (probe.Open(vfio), probe.Open(group), probe.Open("/dev/null"), probe.Open("/dev/urandom"));
        var programWhileHeld = AttachedName(container);
        await client.CloseAsync(connection);
        // Logged when the grant controller is first made (it may be the first Request) by the console logger's own
        // queue: waited for, not looked for in what was printed so far.
        var mode = await forwarder.WaitForLineAsync("Device grants use", NsmForwarderHarness.StartTimeout);

        Assert.Contains(Denied, before, StringComparison.Ordinal);
        Assert.DoesNotContain(Denied, vfioOpen, StringComparison.Ordinal);
        Assert.DoesNotContain(Denied, groupOpen, StringComparison.Ordinal);
        Assert.Equal("ok", nullOpen);
        Assert.Contains(Denied, urandomOpen, StringComparison.Ordinal);
        Assert.Equal(DeviceGrantProgram.Name, programWhileHeld);
        Assert.Contains(Denied, probe.Open(vfio), StringComparison.Ordinal);
        Assert.Contains(Denied, probe.Open(group), StringComparison.Ordinal);
        Assert.Equal(RuntimeDeviceProgram.Name, AttachedName(container));
        Assert.Contains("Device grants use hybrid", mode, StringComparison.Ordinal);
    }

    [BpfCgroupFact]
    public async Task Close_TwoConnectionsInOneCgroup_TheOtherKeepsItsGroupAndTheSharedVfioDevice()
    {
        var (container, probe) = AddContainer();
        await using var nsmgr = await StandInNsmgr.StartAsync(_harness.Folder);
        await using var forwarder = await StartAsync(nsmgr);
        await using var node = await NodeClient.ConnectAsync(_harness.GatewayPort, NsmForwarderHarness.NodeName);
        var client = Client();
        var tokens = await node.TokensAsync(NsmForwarderFixture.Resource);
        var vfio = Path.Combine(VfioPath, "vfio");

        var first = await client.RequestAsync(NsmForwarderFixture.VfioRequest("v2-a", tokens[0], Pattern));
        var second = await client.RequestAsync(NsmForwarderFixture.VfioRequest("v2-b", tokens[1], Pattern));
        var firstGroup = Path.Combine(VfioPath, first.Mechanism.Parameters["iommuGroup"]);
        var secondGroup = Path.Combine(VfioPath, second.Mechanism.Parameters["iommuGroup"]);
        await client.CloseAsync(first);
        var (sharedAfterFirst, firstGroupAfterFirst, secondGroupAfterFirst) = (probe.Open(vfio), probe.Open(firstGroup), probe.Open(secondGroup));
        await client.CloseAsync(second);

        Assert.NotEqual(firstGroup, secondGroup);
        Assert.DoesNotContain(Denied, sharedAfterFirst, StringComparison.Ordinal);
        Assert.Contains(Denied, firstGroupAfterFirst, StringComparison.Ordinal);
        Assert.DoesNotContain(Denied, secondGroupAfterFirst, StringComparison.Ordinal);
        Assert.Contains(Denied, probe.Open(vfio), StringComparison.Ordinal);
        Assert.Contains(Denied, probe.Open(secondGroup), StringComparison.Ordinal);
        Assert.Equal(RuntimeDeviceProgram.Name, AttachedName(container));
    }

    [BpfCgroupFact]
    public async Task Request_SecondContainerHasTwoDevicePrograms_FailsAndFirstKeepsRuntimeProgramAndVfIsFreed()
    {
        var (good, probe) = AddContainer();
        var (bad, _) = AddContainer();
        var extra = RuntimeDeviceProgram.Load(_bpf, (1, 3));
        _programs.Add(extra);
        using (var target = _bpf.OpenCgroup(bad.Folder))
        {
            _bpf.Attach(target, extra, BpfTypes.AttachCgroupDevice, BpfTypes.AttachAllowMulti);
        }

        await using var nsmgr = await StandInNsmgr.StartAsync(_harness.Folder);
        await using var forwarder = await StartAsync(nsmgr);
        await using var node = await NodeClient.ConnectAsync(_harness.GatewayPort, NsmForwarderHarness.NodeName);
        var token = (await node.TokensAsync(NsmForwarderFixture.Resource))[0];

        var error = await Assert.ThrowsAsync<RpcException>(() => Client().RequestAsync(NsmForwarderFixture.VfioRequest("v2-fail", token, Pattern)).ResponseAsync);

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Contains("2 device programs", error.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(RuntimeDeviceProgram.Name, AttachedName(good));
        Assert.Contains(Denied, probe.Open(Path.Combine(VfioPath, "vfio")), StringComparison.Ordinal);
        Assert.Equal("ok", probe.Open("/dev/null"));
        Assert.Empty((await node.Node.GetSnapshotAsync()).Reservations);
    }

    [BpfCgroupFact]
    public async Task SigkillAndRestart_GrantsHoldWhileDownAndCloseAfterRestartRevokesAndRestoresRuntimeProgram()
    {
        var (container, probe) = AddContainer();
        await using var nsmgr = await StandInNsmgr.StartAsync(_harness.Folder);
        Connection connection;
        await using (var first = await StartAsync(nsmgr))
        {
            await using var node = await NodeClient.ConnectAsync(_harness.GatewayPort, NsmForwarderHarness.NodeName);
            var token = (await node.TokensAsync(NsmForwarderFixture.Resource))[0];
            connection = await Client().RequestAsync(NsmForwarderFixture.VfioRequest("v2-restart", token, Pattern));
            // Leaving the using block kills the process with SIGKILL: its descriptors close, nothing is undone.
        }

        var group = Path.Combine(VfioPath, connection.Mechanism.Parameters["iommuGroup"]);
        var (groupWhileDown, nullWhileDown) = (probe.Open(group), probe.Open("/dev/null"));
        await using var second = await StartAsync(nsmgr);
        await Client().CloseAsync(connection);
        // Logged by whichever comes first, the start-up reconcile or the Close, through the console logger's own queue:
        // waited for, not looked for in what was printed so far.
        var adopted = await second.WaitForLineAsync(": our device program ", NsmForwarderHarness.StartTimeout);

        Assert.DoesNotContain(Denied, groupWhileDown, StringComparison.Ordinal);
        Assert.Equal("ok", nullWhileDown);
        Assert.Contains(Denied, probe.Open(group), StringComparison.Ordinal);
        Assert.Equal("ok", probe.Open("/dev/null"));
        Assert.Equal(RuntimeDeviceProgram.Name, AttachedName(container));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(_bpffs.Path, "nsm")));
        Assert.Contains("our device program adopted", adopted, StringComparison.Ordinal);
    }

    private (TestCgroup Container, DeviceProbe Probe) AddContainer()
    {
        var container = new TestCgroup(_pod.RelativePath, $"container{_containers.Count + 1}");
        _containers.Add(container);
        _programs.Add(RuntimeDeviceProgram.AttachNullAndZero(_bpf, container.Folder));
        return (container, container.StartProbe());
    }

    private async Task<ForwarderProcess> StartAsync(StandInNsmgr nsmgr)
    {
        var forwarder = _harness.Start($"unix://{nsmgr.RegistrySocket}", new Dictionary<string, string>
        {
            ["NSM_CGROUP2_PATH"] = Cgroup2.Root!,
            ["NSM_BPF_PIN_PATH"] = Path.Combine(_bpffs.Path, "nsm"),
        });
        await forwarder.WaitForLineAsync("sriov-forwarder ready", NsmForwarderHarness.StartTimeout);
        return forwarder;
    }

    private string AttachedName(TestCgroup cgroup)
    {
        using var target = _bpf.OpenCgroup(cgroup.Folder);
        using var program = _bpf.GetProgramById(Assert.Single(_bpf.Query(target, BpfTypes.AttachCgroupDevice).ProgramIds));
        return _bpf.GetProgramInfo(program).Name;
    }

    private NetworkService.NetworkServiceClient Client() =>
        new(_harness.OpenChannel());
}
