using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using SriovForwarder.Gateway.Transport;
using Path = System.IO.Path;

namespace SriovForwarder.Benchmarks.Endpoint;

/// <summary>
/// The real <c>sriov-forwarder --simulate=pfs=1,vfs=2</c> (path in SRIOV_FORWARDER_EXE; root) with a stand-in registry and
/// next hop on unix sockets in this process and a cgroup of plain files in a temporary folder: what the endpoint
/// benchmark and the per-hop breakdown run against.
/// </summary>
public sealed class BenchForwarder : IAsyncDisposable
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _output = new();
    private Process? _process;

    private BenchForwarder(string folder) => Folder = folder;

    /// <summary>The temporary folder holding the sockets, the simulated node and the cgroup.</summary>
    public string Folder { get; }

    /// <summary>The forwarder's NSM socket.</summary>
    public string NsmSocket => Path.Combine(Folder, "listen.sock");

    /// <summary>The forwarder's process id (for its CPU time and for a profiler).</summary>
    public int ProcessId => _process?.Id ?? throw new InvalidOperationException("the forwarder is not started");

    /// <summary>The Orleans gateway port of the forwarder's silo.</summary>
    public int GatewayPort { get; private set; }

    /// <summary>The stand-in next hop (also the bare-call baseline).</summary>
    public UnixSocketGrpcServer Nse { get; private set; } = null!;

    private UnixSocketGrpcServer Registry { get; set; } = null!;

    /// <summary>Starts the stand-ins and the forwarder (with <paramref name="extraEnvironment"/>) and waits for its NSM socket file.</summary>
    public static async Task<BenchForwarder> StartAsync(IReadOnlyDictionary<string, string>? extraEnvironment = null)
    {
        var exe = Environment.GetEnvironmentVariable("SRIOV_FORWARDER_EXE")
            ?? throw new InvalidOperationException("set SRIOV_FORWARDER_EXE to the built sriov-forwarder executable");
        var bench = new BenchForwarder(Directory.CreateTempSubdirectory("endpoint-bench-").FullName);
        try
        {
            await bench.StartAsync(exe, extraEnvironment ?? new Dictionary<string, string>());
            return bench;
        }
        catch
        {
            await bench.DisposeAsync();
            throw;
        }
    }

    private async Task StartAsync(string exe, IReadOnlyDictionary<string, string> extraEnvironment)
    {
        var cgroup = Path.Combine(Folder, "cgroup", "pod", "c1");
        Directory.CreateDirectory(cgroup);
        foreach (var file in new[] { "devices.list", "devices.allow", "devices.deny" })
        {
            await File.WriteAllTextAsync(Path.Combine(cgroup, file), "");
        }

        Nse = await UnixSocketGrpcServer.StartAsync(Path.Combine(Folder, "nse.sock"), s => s.AddSingleton<BenchNse>().AddSingleton<BenchNseMonitor>(), a =>
        {
            a.MapGrpcService<BenchNse>();
            a.MapGrpcService<BenchNseMonitor>();
        });
        var registry = new BenchNsmRegistry("unix://" + Nse.SocketPath);
        Registry = await UnixSocketGrpcServer.StartAsync(Path.Combine(Folder, "nsm.sock"), s => s.AddSingleton(registry), a => a.MapGrpcService<BenchNsmRegistry>());
        GatewayPort = FreePort();
        var start = new ProcessStartInfo(exe, ["--simulate=pfs=1,vfs=2", "--simulate-dir", Path.Combine(Folder, "node")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var env = new Dictionary<string, string>
        {
            ["NSM_NODE_NAME"] = "bench-node",
            ["NSM_CONNECT_TO"] = "unix://" + Registry.SocketPath,
            ["NSM_LISTEN_ON"] = "unix://" + NsmSocket,
            ["NSM_CGROUP_PATH"] = Path.Combine(Folder, "cgroup"),
            ["NSM_DIAL_TIMEOUT"] = "2s",
            ["NSM_LOG_LEVEL"] = "WARN",
            ["NSM_GATEWAY_PORT"] = GatewayPort.ToString(CultureInfo.InvariantCulture),
            ["NSM_SILO_PORT"] = FreePort().ToString(CultureInfo.InvariantCulture),
            ["NSM_DASHBOARD_LISTEN_ON"] = "127.0.0.1:" + FreePort().ToString(CultureInfo.InvariantCulture),
            // On as deployed (its metrics cost is part of a Request), on a port of its own: the default 9464 is taken
            // whenever another forwarder runs on the machine, and the start then fails.
            ["NSM_OPS_LISTEN_ON"] = "127.0.0.1:" + FreePort().ToString(CultureInfo.InvariantCulture),
            ["NSM_DEVICE_PLUGIN_PATH"] = Path.Combine(Folder, "dp"),
            ["NSM_POD_RESOURCES_PATH"] = Path.Combine(Folder, "pr"),
        };
        foreach (var (key, value) in extraEnvironment)
        {
            env[key] = value;
        }

        foreach (var (key, value) in env)
        {
            start.Environment[key] = value;
        }

        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, e) => Keep(e.Data);
        _process.ErrorDataReceived += (_, e) => Keep(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        // Start-up takes seconds on a quiet machine and can take a minute on a loaded one.
        for (var i = 0; i < 1200 && !File.Exists(NsmSocket) && !_process.HasExited; i++)
        {
            await Task.Delay(100);
        }

        if (!File.Exists(NsmSocket))
        {
            throw new InvalidOperationException(_process.HasExited
                ? $"{exe} exited with {_process.ExitCode} before serving {NsmSocket}; its last output:{Environment.NewLine}{string.Join(Environment.NewLine, _output)}"
                : $"{exe} did not serve {NsmSocket} within 120 s");
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process?.Dispose();
        if (Nse is not null)
        {
            await Nse.DisposeAsync();
        }

        if (Registry is not null)
        {
            await Registry.DisposeAsync();
        }

        Directory.Delete(Folder, recursive: true);
    }

    // The last lines only: enough to say why a start failed, bounded for a long run.
    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue(line);
        while (_output.Count > 40)
        {
            _output.TryDequeue(out _);
        }
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
