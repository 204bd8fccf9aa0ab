using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using SriovForwarder.TestSupport.StandIns;

namespace SriovForwarder.EndToEnd.Tests;

/// <summary>
/// A host the forwarder cannot run on is refused by the real executable with one line naming the setting, file, path
/// or port and what is wrong, exit code 1 (2 for invalid arguments), and no unhandled exception or stack trace.
/// </summary>
public sealed class StartupRefusalTests : IDisposable
{
    private const string Node = "refusal-node";
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(60);
    private readonly string _folder = Directory.CreateTempSubdirectory("sriov-refusal-").FullName;
    private readonly List<string> _mounts = [];

    private string KeptNode => Path.Combine(_folder, "node");

    public void Dispose()
    {
        foreach (var mount in _mounts)
        {
            Run("umount", mount);
        }

        KeptSimulatedNode.RemoveLeftovers(KeptNode);
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task StatePath_IsARegularFile_ExitsWithCode1NamingIt()
    {
        var file = Path.Combine(_folder, "state-file");
        await File.WriteAllTextAsync(file, "not a folder");

        var (exitCode, output) = await RunToExitAsync(["--simulate"], new() { ["NSM_STATE_PATH"] = file });

        var line = AssertRefused(exitCode, output, "NSM_STATE_PATH", file);
        Assert.Contains("is a file, not a folder", line, StringComparison.Ordinal);
    }

    [RootFact("mounts a read-only tmpfs for the state path")]
    [Trait("Requires", "root")]
    public async Task StatePath_OnAReadOnlyFileSystem_ExitsWithCode1NamingIt()
    {
        var readOnly = MountReadOnlyTmpfs("read-only");

        var (exitCode, output) = await RunToExitAsync(["--simulate"], new() { ["NSM_STATE_PATH"] = readOnly });

        var line = AssertRefused(exitCode, output, "NSM_STATE_PATH", readOnly);
        Assert.Contains("Read-only file system", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StateFile_Corrupt_ExitsWithCode1NamingTheFileAndTheWayToRecover_AndRecoveringStarts()
    {
        var state = Path.Combine(_folder, "state");
        var corrupt = Path.Combine(state, "grains", "node", $"{Node}.tokenids.json");
        Directory.CreateDirectory(Path.GetDirectoryName(corrupt)!);
        await File.WriteAllTextAsync(corrupt, "{\"TokenIds\": [\"sriov-");
        var environment = new Dictionary<string, string> { ["NSM_STATE_PATH"] = state };

        var (exitCode, output) = await RunToExitAsync(["--simulate-dir", KeptNode], environment);
        var line = AssertRefused(exitCode, output, "NSM_STATE_PATH", corrupt, "move it aside", "new token ids");
        // Doing what the message says is enough to start again.
        File.Move(corrupt, corrupt + ".corrupt");
        await using var recovered = ForwarderProcess.Start(["--simulate-dir", KeptNode], Environment(environment));
        await recovered.WaitForLineAsync("sriov-forwarder ready", ExitTimeout);

        Assert.Equal(0, await recovered.TerminateAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("has no sriov-forwarder state header", line, StringComparison.Ordinal);
        Assert.True(File.Exists(corrupt), "the restarted node writes fresh token ids");
    }

    [Fact]
    public async Task SpiffeEndpointSocket_NoAgent_ExitsWithCode1NamingTheSocketAndWhy()
    {
        var socket = Path.Combine(_folder, "agent.sock");

        var (exitCode, output) = await RunToExitAsync(
            ["--simulate"], new() { ["SPIFFE_ENDPOINT_SOCKET"] = "unix://" + socket, ["NSM_SPIFFE_START_TIMEOUT"] = "4s" });

        var line = AssertRefused(exitCode, output, $"SPIFFE_ENDPOINT_SOCKET=unix://{socket}", "NSM_SPIFFE_START_TIMEOUT", "no socket file exists");
        Assert.Contains("no X.509-SVID", line, StringComparison.Ordinal);
        Assert.Contains("executing phase", output, StringComparison.Ordinal);
        Assert.Contains("retrieve SPIFFE SVID", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SpiffeEndpointSocket_SilentAgent_ExitsWithCode1SayingItHasNotAnswered()
    {
        await using var agent = new StandInSpiffeAgent(Path.Combine(_folder, "silent.sock"));
        await agent.StartAsync();

        var (exitCode, output) = await RunToExitAsync(
            ["--simulate"], new() { ["SPIFFE_ENDPOINT_SOCKET"] = agent.EndpointUrl, ["NSM_SPIFFE_START_TIMEOUT"] = "2s" });

        AssertRefused(exitCode, output, agent.EndpointUrl, "the agent has not answered yet");
    }

    [Fact]
    public async Task SpiffeEndpointSocket_AgentHandsOutAnRsaSvid_ExitsWithCode1AtOnceNamingTheSvidAndTheKeyItNeeds()
    {
        using var domain = SpiffeTestTrustDomain.Create("example.org");
        using var leaf = domain.Issue("forwarder", rsa: true);
        await using var agent = new StandInSpiffeAgent(Path.Combine(_folder, "rsa.sock"));
        agent.Send(StandInSpiffeAgent.Answer(domain.IdOf("forwarder"), leaf, [domain.Root]));
        await agent.StartAsync();

        // A start timeout far beyond the test's patience: the refusal must come from the SVID, not from waiting.
        var (exitCode, output) = await RunToExitAsync(
            ["--simulate"], new() { ["SPIFFE_ENDPOINT_SOCKET"] = agent.EndpointUrl, ["NSM_SPIFFE_START_TIMEOUT"] = "10m" });

        var line = AssertRefused(exitCode, output, agent.EndpointUrl, "spiffe://example.org/forwarder", "an RSA 2048-bit key", "ECDSA P-256", "ES256");
        Assert.DoesNotContain("NSM_SPIFFE_START_TIMEOUT", line, StringComparison.Ordinal);
        Assert.DoesNotContain("sriov-forwarder ready", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListenOn_IsARegularFile_ExitsWithCode1NamingIt()
    {
        var file = Path.Combine(_folder, "listen.sock");
        await File.WriteAllTextAsync(file, "not a socket");

        var (exitCode, output) = await RunToExitAsync(["--simulate"], new() { ["NSM_LISTEN_ON"] = $"unix://{file}" });

        var line = AssertRefused(exitCode, output, "NSM_LISTEN_ON", file);
        Assert.Contains("is a regular file", line, StringComparison.Ordinal);
        Assert.Equal("not a socket", await File.ReadAllTextAsync(file));
    }

    [Theory]
    [InlineData("NSM_SILO_PORT")]
    [InlineData("NSM_GATEWAY_PORT")]
    [InlineData("NSM_DASHBOARD_LISTEN_ON")]
    [InlineData("NSM_LISTEN_ON_TCP")]
    [InlineData("NSM_PPROF_LISTEN_ON")]
    public async Task Port_InUseByAnotherProcess_ExitsWithCode1NamingThePortAndItsSetting(string variable)
    {
        // A handed-out port, not one the kernel picks: that could be one handed out to another test's forwarder.
        using var other = new TcpListener(IPAddress.Loopback, FreePort());
        other.Start();
        var port = ((IPEndPoint)other.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture);
        var environment = new Dictionary<string, string>
        {
            [variable] = variable.EndsWith("_PORT", StringComparison.Ordinal) ? port : $"127.0.0.1:{port}",
            ["NSM_PPROF_ENABLED"] = "true",
            ["NSM_PPROF_LISTEN_ON"] = variable == "NSM_PPROF_LISTEN_ON" ? $"127.0.0.1:{port}" : $"127.0.0.1:{FreePort()}",
        };

        var (exitCode, output) = await RunToExitAsync(["--simulate"], environment);

        AssertRefused(exitCode, output, variable, $"port {port} is already in use");
    }

    [Fact]
    public async Task TwoListeners_OnTheSamePort_ExitsWithCode1NamingBothSettings()
    {
        var port = FreePort();
        var environment = new Dictionary<string, string>
        {
            ["NSM_DASHBOARD_LISTEN_ON"] = $"127.0.0.1:{port}",
            ["NSM_PPROF_ENABLED"] = "true",
            ["NSM_PPROF_LISTEN_ON"] = $"127.0.0.1:{port}",
        };

        var (exitCode, output) = await RunToExitAsync(["--simulate"], environment);

        AssertRefused(exitCode, output, "NSM_DASHBOARD_LISTEN_ON", "NSM_PPROF_LISTEN_ON", $"port {port}");
    }

    [Fact]
    public async Task PhysicalFunction_MissingFromSysfs_ExitsWithCode1NamingItAndTheFolder()
    {
        var devices = Directory.CreateDirectory(Path.Combine(_folder, "pci", "devices")).FullName;
        var config = Path.Combine(_folder, "pci.config");
        await File.WriteAllTextAsync(config, """
            physicalFunctions:
              0000:01:00.0:
                pfKernelDriver: ice
                vfKernelDriver: iavf
                capabilities: [10G]
                serviceDomains: [service.domain.1]
            """);
        var environment = new Dictionary<string, string>
        {
            ["NSM_SRIOV_CONFIG_FILE"] = config,
            ["NSM_PCI_DEVICES_PATH"] = devices,
            ["NSM_PCI_DRIVERS_PATH"] = Directory.CreateDirectory(Path.Combine(_folder, "pci", "drivers")).FullName,
            ["NSM_VFIO_PATH"] = Directory.CreateDirectory(Path.Combine(_folder, "vfio")).FullName,
            ["NSM_STATE_PATH"] = Path.Combine(_folder, "state"),
        };

        var (exitCode, output) = await RunToExitAsync([], environment);

        AssertRefused(exitCode, output, "0000:01:00.0", "NSM_PCI_DEVICES_PATH", devices);
    }

    [RootFact("keeps a simulated node with real veths in its own network namespace")]
    [Trait("Requires", "root")]
    public async Task KeptSimulatedNode_RunByALiveForwarder_IsRefusedAfterAWaitNamingItsPid()
    {
        await using var first = ForwarderProcess.Start(["--simulate-dir", KeptNode], Environment([]));
        await first.WaitForLineAsync("sriov-forwarder ready", ExitTimeout);

        var (exitCode, output) = await RunToExitAsync(["--simulate-dir", KeptNode], []);

        AssertRefused(exitCode, output, "--simulate-dir", KeptNode, $"in use by process {first.Id}", "after 5 s");
        Assert.Equal(0, await first.TerminateAsync(TimeSpan.FromSeconds(30)));
    }

    [RootFact("keeps a simulated node with real veths in its own network namespace")]
    [Trait("Requires", "root")]
    public async Task KeptSimulatedNode_WhosePreviousProcessIsStillExiting_IsWaitedForAndStarts()
    {
        await using (var first = ForwarderProcess.Start(["--simulate-dir", KeptNode], Environment([])))
        {
            await first.WaitForLineAsync("sriov-forwarder ready", ExitTimeout);
            Assert.Equal(0, await first.TerminateAsync(TimeSpan.FromSeconds(30)));
        }

        // The kept namespace names its owner; hand it to a process that ends 2 s from now, standing in for a
        // previous forwarder that is still exiting (ip netns attach: a second name for the same namespace).
        var kept = Directory.GetFiles("/run/netns", $"sriovsim-{Tag()}-*").Single();
        using var exiting = Process.Start("ip", ["netns", "exec", Path.GetFileName(kept), "sleep", "2"])!;
        await WaitUntilInNamespaceAsync(exiting.Id, kept);
        Run("ip", "netns", "attach", $"sriovsim-{Tag()}-{exiting.Id}", exiting.Id.ToString(CultureInfo.InvariantCulture));
        Run("ip", "netns", "del", Path.GetFileName(kept));

        await using var second = ForwarderProcess.Start(["--simulate-dir", KeptNode], Environment([]));
        await second.WaitForLineAsync("sriov-forwarder ready", ExitTimeout);

        Assert.True(exiting.HasExited, "the second forwarder was ready before the previous owner exited");
        Assert.Equal(0, await second.TerminateAsync(TimeSpan.FromSeconds(30)));
        Assert.DoesNotContain("cannot start", second.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Redis_Unreachable_ExitsWithCode1NamingTheSettingWithoutItsPassword()
    {
        var port = FreePort();
        var environment = new Dictionary<string, string>
        {
            ["NSM_CLUSTERING"] = "redis",
            ["NSM_REDIS_CONNECTION_STRING"] = $"127.0.0.1:{port},password=not-for-logs",
            ["NSM_ADVERTISED_IP"] = "127.0.0.1",
        };

        var (exitCode, output) = await RunToExitAsync(["--simulate"], environment);

        var line = AssertRefused(exitCode, output, "NSM_REDIS_CONNECTION_STRING", $"127.0.0.1:{port}");
        Assert.DoesNotContain("not-for-logs", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SimulateSpec_Invalid_ExitsWithCode2NamingIt()
    {
        var (exitCode, output) = await RunToExitAsync(["--simulate=pfs=99"], []);

        Assert.Equal(2, exitCode);
        Assert.Contains("\"pfs\" must be an integer from 1 to 32, got \"99\"", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", output, StringComparison.Ordinal);
    }

    // One "cannot start" line naming every part, exit code 1, no error log and no stack trace anywhere.
    private static string AssertRefused(int exitCode, string output, params string[] named)
    {
        var lines = output.Split(System.Environment.NewLine);
        var refusal = Assert.Single(lines, l => l.Contains("cannot start:", StringComparison.Ordinal));
        Assert.True(exitCode == 1, $"exit code {exitCode}; output:{System.Environment.NewLine}{output}");
        foreach (var part in named)
        {
            Assert.Contains(part, refusal, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("Unhandled exception", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
        Assert.DoesNotContain(lines, l => ConsoleLogLine.HasLevel(l, "fail"));
        return refusal;
    }

    private static int FreePort() => ForwarderProcess.FreePort();

    // ip netns exec enters the namespace before it runs the command; attaching earlier would name the host's namespace.
    private static async Task WaitUntilInNamespaceAsync(int pid, string namespaceFile)
    {
        using var expected = Kernel.Namespaces.NetworkNamespace.Open(namespaceFile);
        for (var attempt = 0; attempt < 100; attempt++)
        {
            using (var current = Kernel.Namespaces.NetworkNamespace.Open($"/proc/{pid}/ns/net"))
            {
                if (current.IsSameAs(expected))
                {
                    return;
                }
            }

            await Task.Delay(50);
        }

        Assert.Fail($"process {pid} did not enter {namespaceFile}");
    }

    private static void Run(string command, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(command, arguments) { RedirectStandardError = true })!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{command} {string.Join(' ', arguments)}: {error}");
    }

    private async Task<(int ExitCode, string Output)> RunToExitAsync(IEnumerable<string> arguments, Dictionary<string, string> overrides)
    {
        await using var forwarder = ForwarderProcess.Start(arguments, Environment(overrides));
        var exitCode = await forwarder.WaitForExitAsync(ExitTimeout);
        return (exitCode, forwarder.Output);
    }

    private string MountReadOnlyTmpfs(string name)
    {
        var path = Directory.CreateDirectory(Path.Combine(_folder, name)).FullName;
        Run("mount", "-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", path);
        _mounts.Add(path);
        return path;
    }

    private string Tag() =>
        System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(KeptNode, "simulation.json"))).RootElement.GetProperty("Tag").GetString()!;

    private Dictionary<string, string> Environment(Dictionary<string, string> overrides)
    {
        var environment = new Dictionary<string, string>
        {
            ["NSM_NODE_NAME"] = Node,
            ["NSM_DASHBOARD_LISTEN_ON"] = $"127.0.0.1:{FreePort()}",
            ["NSM_SILO_PORT"] = FreePort().ToString(CultureInfo.InvariantCulture),
            ["NSM_GATEWAY_PORT"] = FreePort().ToString(CultureInfo.InvariantCulture),
            ["NSM_DEVICE_PLUGIN_PATH"] = Path.Combine(_folder, "device-plugins"),
            ["NSM_POD_RESOURCES_PATH"] = Path.Combine(_folder, "pod-resources"),
            ["NSM_CONNECT_TO"] = $"unix://{Path.Combine(_folder, "nsm.io.sock")}",
            ["NSM_LISTEN_ON"] = $"unix://{Path.Combine(_folder, $"listen-{Guid.NewGuid():N}.sock")}",
        };
        foreach (var (key, value) in overrides)
        {
            environment[key] = value;
        }

        return environment;
    }
}
