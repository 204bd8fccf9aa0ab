using System.Diagnostics;
using System.Globalization;
using Grpc.Core;
using SriovForwarder.Api.Nsm.Connection;
using SriovForwarder.Api.Nsm.Networkservice;
using SriovForwarder.Kernel.Transport;
using Path = System.IO.Path;

namespace SriovForwarder.Benchmarks.Startup;

/// <summary>One start of the real executable: time to the first served NOOP Request, resident memory then, after the idle period and after an induced GC (and the runtime's figures if asked), then SIGTERM.</summary>
public static class StartupRun
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    public static async Task<StartupSample> MeasureAsync(StartupHarnessOptions options, string folder, string registryUrl)
    {
        Directory.CreateDirectory(folder);
        var socket = Path.Combine(folder, "listen.sock");
        var start = new ProcessStartInfo(options.Executable, ["--simulate=" + options.SimulateSpec])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var env = new Dictionary<string, string>
        {
            ["NSM_NODE_NAME"] = "startup-bench",
            ["NSM_CONNECT_TO"] = registryUrl,
            ["NSM_LISTEN_ON"] = "unix://" + socket,
            ["NSM_DIAL_TIMEOUT"] = "2s",
            ["NSM_GATEWAY_PORT"] = FreePort(),
            ["NSM_SILO_PORT"] = FreePort(),
            ["NSM_DASHBOARD_LISTEN_ON"] = options.Dashboard ? "127.0.0.1:" + FreePort() : "",
            // The ops listener (probes, /metrics) and the fleet API are on in the DaemonSet: on here too, on free ports.
            ["NSM_OPS_LISTEN_ON"] = options.Ops ? "127.0.0.1:" + FreePort() : "",
            ["NSM_FLEET_LISTEN_ON"] = options.Ops ? "127.0.0.1:" + FreePort() : "",
        };
        await using var kubelet = options.Kubelet ? await BenchKubelet.StartAsync(folder) : null;
        env["NSM_DEVICE_PLUGIN_PATH"] = kubelet?.DevicePluginPath ?? Path.Combine(folder, "dp");
        env["NSM_POD_RESOURCES_PATH"] = kubelet?.PodResourcesPath ?? Path.Combine(folder, "pr");
        var diagnosticsPort = FreePort();
        if (options.RuntimeFigures)
        {
            env["NSM_PPROF_ENABLED"] = "true";
            env["NSM_PPROF_LISTEN_ON"] = "127.0.0.1:" + diagnosticsPort;
        }

        foreach (var (key, value) in env)
        {
            start.Environment[key] = value;
        }

        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var clock = Stopwatch.StartNew();
        using var forwarder = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {options.Executable}");
        forwarder.OutputDataReceived += (_, e) => output.Enqueue(e.Data ?? "");
        forwarder.ErrorDataReceived += (_, e) => output.Enqueue(e.Data ?? "");
        forwarder.BeginOutputReadLine();
        forwarder.BeginErrorReadLine();
        try
        {
            var toFirstRequest = await FirstRequestAsync(socket, clock, forwarder, output);
            var cpu = CpuTime(forwarder.Id);
            var afterRequest = ResidentMemory.Read(forwarder.Id);
            await Task.Delay(options.Idle);
            var idle = ResidentMemory.Read(forwarder.Id);
            if (options.Mappings)
            {
                Console.WriteLine(MappedFiles.Describe(forwarder.Id, 40));
            }
            await InducedGc.CollectAsync(forwarder.Id, TimeSpan.FromSeconds(2));
            await Task.Delay(TimeSpan.FromSeconds(3));
            var settled = ResidentMemory.Read(forwarder.Id);
            var figures = options.RuntimeFigures ? await RuntimeFigures.ReadAsync(diagnosticsPort) : null;
            if (kubelet is not null)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  stand-in kubelet: {kubelet.Watched} plugin servers registered and watched"));
            }

            if (options.Phases)
            {
                foreach (var line in output.Where(l => l.Contains("executing phase", StringComparison.Ordinal) || l.Contains("Startup completed", StringComparison.Ordinal)))
                {
                    Console.WriteLine("  " + line);
                }
            }

            return new StartupSample(toFirstRequest, cpu, afterRequest, idle, settled, StartupReport.LoadAverage(), figures);
        }
        finally
        {
            if (!forwarder.HasExited)
            {
                ProcessSignal.Terminate(forwarder.Id);
                using var exit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                await forwarder.WaitForExitAsync(exit.Token);
            }
        }
    }

    /// <summary>Retries a NOOP Request every 10 ms from the moment the socket exists until one is answered.</summary>
    private static async Task<TimeSpan> FirstRequestAsync(string socket, Stopwatch clock, Process forwarder, IEnumerable<string> output)
    {
        var attempt = 0;
        while (clock.Elapsed < Patience)
        {
            if (forwarder.HasExited)
            {
                throw new InvalidOperationException($"the forwarder exited with {forwarder.ExitCode}:{Environment.NewLine}{string.Join(Environment.NewLine, output)}");
            }

            if (File.Exists(socket))
            {
                using var channel = UnixSocketChannelFactory.Create(socket, TimeSpan.FromSeconds(5));
                var client = new NetworkService.NetworkServiceClient(channel);
                try
                {
                    var connection = await client.RequestAsync(Noop(++attempt), deadline: DateTime.UtcNow.Add(Patience));
                    var elapsed = clock.Elapsed;
                    await client.CloseAsync(connection);
                    return elapsed;
                }
                catch (RpcException)
                {
                    // Not serving yet: try again.
                }
            }

            await Task.Delay(10);
        }

        throw new TimeoutException($"no Request served within {Patience}:{Environment.NewLine}{string.Join(Environment.NewLine, output)}");
    }

    private static NetworkServiceRequest Noop(int attempt) => new()
    {
        Connection = new Connection { Id = "startup-" + attempt.ToString(CultureInfo.InvariantCulture), NetworkService = "ns", NetworkServiceEndpointName = "nse-1" },
        MechanismPreferences = { new Mechanism { Cls = "LOCAL", Type = "NOOP" } },
    };

    /// <summary>utime + stime of /proc/PID/stat (fields 14 and 15, in clock ticks of 1/100 s on Linux).</summary>
    private static TimeSpan CpuTime(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        // The command name (field 2) is in parentheses and may hold spaces: count fields after its closing one.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromMilliseconds(ticks * 10);
    }

    private static string FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture);
    }
}
